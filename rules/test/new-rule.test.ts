import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadPolicyFile, runRules, type AnyRule } from "@ecrlint/core";
import { INDEX_STAMP, renderIndex } from "../../scripts/rules-index.mjs";
import { rulesDir } from "./rule-cases.js";

const script = join(rulesDir, "..", "scripts", "new-rule.mjs");

/** A rules directory to scaffold into: the shared helpers, and the repository's packages to import. */
const target = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-new-rule-")));
cpSync(join(rulesDir, "_shared"), join(target, "_shared"), { recursive: true });
symlinkSync(join(rulesDir, "..", "node_modules"), join(target, "node_modules"), "dir");
afterAll(() => rmSync(target, { recursive: true, force: true }));

const newRule = (...args: string[]) => spawnSync(process.execPath, [script, ...args, "--rules-dir", target], { encoding: "utf8" });

describe("npm run new-rule", () => {
  it("scaffolds a rule folder and regenerates the index", async () => {
    const run = newRule("no-thing");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const folder = join(target, "no-thing");
    expect(readdirSync(folder).sort()).toEqual(["README.md", "cases", "cases.json", "index.ts"]);
    const readme = readFileSync(join(folder, "README.md"), "utf8");
    for (const marker of ["<!-- begin header -->", "<!-- end header -->", "<!-- begin examples -->", "<!-- end examples -->"]) expect(readme).toContain(marker);
    const cases = JSON.parse(readFileSync(join(folder, "cases.json"), "utf8")) as { valid: { file: string }[]; invalid: unknown[] };
    expect(cases.invalid).toEqual([]);
    for (const c of cases.valid) expect(existsSync(join(folder, c.file))).toBe(true);

    const index = readFileSync(join(target, "index.ts"), "utf8");
    expect(index.startsWith(INDEX_STAMP)).toBe(true);
    expect(index).toBe(renderIndex(["no-thing"]));

    // The scaffold compiles into a working rule that finds nothing yet.
    const { ruleList } = (await import(join(target, "index.ts"))) as { ruleList: AnyRule[] };
    expect(ruleList.map((rule) => rule.id)).toEqual(["no-thing"]);
    const seed = join(folder, cases.valid[0]!.file);
    const loaded = loadPolicyFile(readFileSync(seed, "utf8"), seed);
    if (loaded.status !== "ours") throw new Error("the scaffold's valid case is not a policy");
    const messages = runRules({ file: loaded.file, text: "", filePath: seed, registry: { source: "unknown" }, trust: { accounts: [], orgs: [] }, rules: [{ rule: ruleList[0]!, severity: 2, options: undefined }] });
    expect(messages).toEqual([]);
  });

  it("refuses an id that exists, that is not lower-case words joined by dashes, or that names a folder that is not a rule", () => {
    for (const id of ["no-thing", "NoThing", "no--thing", "_shared", "test", "dist"]) {
      const run = newRule(id);
      expect({ id, status: run.status }).toEqual({ id, status: 2 });
      expect(run.stderr).toMatch(/^new-rule: /);
    }
    expect(newRule().status).toBe(2);
    expect(readdirSync(target).sort()).toEqual(["_shared", "index.ts", "no-thing", "node_modules"]);
  });
});
