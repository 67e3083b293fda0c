import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import plugin from "@ecrlint/eslint-plugin";
import type { AnyRule } from "@ecrlint/core";
import { renderIndex, ruleFolders } from "../../scripts/rules-index.mjs";
import { ruleList } from "../index.js";
import { rulesDir } from "./rule-cases.js";

/**
 * A rule is a folder: these tests read rules/ from disk, not the list the package was built from, so a folder the
 * index forgot, a folder named after another rule, or a rule that lives outside its folder all fail here.
 */
const folders = ruleFolders(rulesDir);

function isRule(value: unknown): value is AnyRule {
  return typeof value === "object" && value !== null && typeof (value as AnyRule).id === "string" && "meta" in value && "kinds" in value;
}

describe("rules/ on disk", () => {
  it("has rule folders (and skips _shared, test and dist)", () => {
    expect(folders.length).toBeGreaterThan(10);
    for (const other of ["_shared", "test", "dist", "node_modules"]) expect(folders).not.toContain(other);
  });

  it.each(folders)("%s/ holds index.ts, README.md, cases.json and cases/", (folder) => {
    for (const file of ["index.ts", "README.md", "cases.json"]) expect(existsSync(join(rulesDir, folder, file)), `rules/${folder}/${file}`).toBe(true);
    expect(existsSync(join(rulesDir, folder, "cases")) && statSync(join(rulesDir, folder, "cases")).isDirectory(), `rules/${folder}/cases/`).toBe(true);
  });

  it.each(folders)("%s/index.ts exports one rule, whose id is the folder's name", async (folder) => {
    const exported = Object.values((await import(join(rulesDir, folder, "index.ts"))) as Record<string, unknown>).filter(isRule);
    expect(exported.map((rule) => rule.id)).toEqual([folder]);
  });

  it("every rule the package exports lives in the folder of its id", () => {
    for (const rule of ruleList) expect(folders, `no folder rules/${rule.id}/ holds rule "${rule.id}"`).toContain(rule.id);
    expect(ruleList.map((rule) => rule.id)).toEqual(folders);
  });

  it("rules/index.ts is what npm run generate writes from the folders", () => {
    expect(readFileSync(join(rulesDir, "index.ts"), "utf8"), "rules/index.ts is stale: run npm run generate").toBe(renderIndex(folders));
  });

  it("the ESLint plugin defines every rule folder, cross-file rules included", () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(folders);
  });
});
