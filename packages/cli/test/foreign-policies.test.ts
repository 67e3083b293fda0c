import { join } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { lint } from "../src/index.js";
import { fileTree, judgedByEslintOnly, repoDir } from "./helpers.js";

// The cases core's test holds its text test to, loaded at run time: the package's type check covers its own files.
const casesModule = join(repoDir, "packages", "core", "test", "foreign-policies.ts");
const { FOREIGN_CASES } = (await import(casesModule)) as { FOREIGN_CASES: { name: string; text: string; status: "ours" | "not-ours" | "parse-error" }[] };

/**
 * Bucket, key, trust and identity policies, with and without ECR in them: the runner drops most before building
 * their tree, the plugin decides on the tree ESLint gives it. Both must take the same files, with or without a cache
 * (a cached run reads every file through the parser), and report the same findings on them.
 */
describe("the runner and the plugin take the same policy documents as ours", () => {
  const files = Object.fromEntries(FOREIGN_CASES.map((c, i) => [`policies/case-${i}.json`, c.text]));
  const dir = fileTree(files);
  const pathOf = (i: number) => join(dir, "policies", `case-${i}.json`);

  it.each([false, true])("with cache %s", async (cache) => {
    const config = plugin.configs.recommended as Linter.Config[];
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
    const theirs = new Map((await eslint.lintFiles(["."])).map((r) => [r.filePath, r.messages.filter((m) => !judgedByEslintOnly(m))]));
    const ours = new Map((await lint({ cwd: dir, cache, cacheLocation: join(dir, ".cache") })).results.map((r) => [r.filePath, r.messages]));
    FOREIGN_CASES.forEach((c, i) => {
      const file = pathOf(i);
      expect({ name: c.name, linted: ours.has(file) }).toEqual({ name: c.name, linted: c.status !== "not-ours" });
      const messages = (ours.get(file) ?? []).map(({ ruleId, line, column, message }) => ({ ruleId, line, column, message }));
      expect({ name: c.name, messages }).toEqual({ name: c.name, messages: (theirs.get(file) ?? []).map(({ ruleId, line, column, message }) => ({ ruleId, line, column, message })) });
      if (c.status === "parse-error") expect(messages[0], c.name).toMatchObject({ ruleId: null });
    });
  });
});
