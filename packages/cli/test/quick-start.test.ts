import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoDir, tempDir, userEnv } from "./helpers.js";
import { codeBlocks } from "./workflow-steps.js";

/**
 * The README's quick start, in a fresh clone of this repository. Two departures, both said here: the clone comes
 * from this checkout (with its uncommitted changes laid over it) instead of GitHub, and `npm test` runs the tests of
 * one package (`npm test -- --filter=<package>`, as the README says) instead of all of them, which the CI job runs.
 */
describe("the README's quick start", () => {
  it("clones, installs, shows the product with `npm run example`, and runs a package's tests", { timeout: 600_000 }, () => {
    const block = codeBlocks(readFileSync(join(repoDir, "README.md"), "utf8")).find((b) => b.lang === "sh" && b.text.startsWith("git clone"))!;
    const commands = block.text.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter(Boolean);
    expect(commands).toEqual(["git clone https://github.com/ecrlint/ecrlint.git && cd ecrlint", "npm ci", "npm run example", "npm test"]);

    const home = tempDir("ecrlint-clone-");
    const clone = join(home, "ecrlint");
    const env = userEnv({ NO_COLOR: "1", npm_config_prefer_offline: "true" }, clone);
    const sh = (line: string, cwd: string) => {
      const result = spawnSync("sh", ["-c", line], { cwd, env, encoding: "utf8" });
      return { code: result.status, out: result.stdout + result.stderr };
    };

    const cloned = sh(commands[0]!.replace("https://github.com/ecrlint/ecrlint.git", `${repoDir} ecrlint`), home);
    expect(cloned.code, cloned.out).toBe(0);
    // What this checkout has not committed yet, so the test speaks of the code under test.
    const diff = execFileSync("git", ["diff", "HEAD", "--binary"], { cwd: repoDir, encoding: "utf8" });
    if (diff) execFileSync("git", ["apply", "--whitespace=nowarn"], { cwd: clone, input: diff });
    for (const file of execFileSync("git", ["ls-files", "--others", "--exclude-standard"], { cwd: repoDir, encoding: "utf8" }).split("\n").filter(Boolean)) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      cpSync(join(repoDir, file), join(clone, file));
    }

    const install = sh(commands[1]!, clone);
    expect(install.code, install.out).toBe(0);
    const example = sh(commands[2]!, clone);
    expect(example.code, example.out).toBe(0);
    expect(example.out).toContain("━━ examples/with-mistakes");
    expect(example.out).toContain("@ecrlint/no-region-mismatch");
    expect(example.out).toContain("→ exit code 1: CI fails the job here");
    expect(example.out).toContain("→ exit code 0: the gate passes");
    const test = sh(`${commands[3]!} -- --filter=ecrlint-example-with-mistakes`, clone);
    expect(test.code, test.out).toBe(0);
    expect(test.out).toMatch(/Tests\s+3 passed/);
  });
});
