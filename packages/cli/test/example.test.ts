import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoDir, runBin, runNpm } from "./helpers.js";

describe("npm run example (the main job)", () => {
  it("prints what ecrlint finds in the example with mistakes, then the access tests, and the exit code of each gate", { timeout: 120_000 }, async () => {
    const out = runNpm(["run", "example"], repoDir, { NO_COLOR: "1" });
    const shown = out.slice(out.indexOf("━━ examples/with-mistakes"));
    const mistakes = join(repoDir, "examples", "with-mistakes");
    const clean = join(repoDir, "examples", "platform-infra");
    const lint = await runBin([], { cwd: mistakes });
    const cases = await runBin(["test"], { cwd: mistakes });
    const cleanCases = await runBin(["test"], { cwd: clean });
    expect([lint.code, cases.code, cleanCases.code]).toEqual([1, 1, 0]);
    expect(lint.stdout).toContain("@ecrlint/no-region-mismatch");
    expect(cases.stdout).toContain("1 passed, 1 failed");

    // The tool's own output, word for word, each followed by its exit code; no line stands in for the tool.
    expect(shown).toContain(`$ npx ecrlint\n${lint.stdout}→ exit code 1: CI fails the job here\n`);
    expect(shown).toContain(`$ npx ecrlint test\n${cases.stdout}→ exit code 1: CI fails the job here\n`);
    const passing = shown.slice(shown.indexOf("━━ examples/platform-infra"));
    // A clean run ends with the runner's own summary line, so silence never reads as "not run".
    expect(passing).toMatch(/\$ npx ecrlint\n✔ No problems in 4 policy files of 2 registries; \d+ other files? skipped \([\d.]+s\)\.\n→ exit code 0: the gate passes\n/);
    expect(passing).toContain(`$ npx ecrlint test\n${cleanCases.stdout}→ exit code 0: the gate passes\n`);
    expect(shown).toContain("npx ecrlint && npx ecrlint test");
    // The only "no problems" line is the runner's own.
    expect(shown.match(/no problems/gi)).toHaveLength(1);
  });
});
