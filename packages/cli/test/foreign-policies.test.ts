import { join } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { lint } from "../src/index.js";
import { fileTree, judgedByEslintOnly, repoDir } from "./helpers.js";

// The cases core's test holds its text test to, loaded at run time: the package's type check covers its own files.
const casesModule = join(repoDir, "packages", "core", "test", "foreign-policies.ts");
const { FOREIGN_CASES } = (await import(casesModule)) as { FOREIGN_CASES: { name: string; text: string; status: "ours" | "not-ours" | "parse-error"; named?: "ours" }[] };

/**
 * Bucket, key, trust and identity policies, with and without ECR in them: the runner drops most before building
 * their tree, the plugin decides on the tree ESLint gives it. Both must take the same files, with or without a cache
 * (a cached run reads every file through the parser), and report the same findings on them.
 */
describe("the runner and the plugin take the same policy documents as ours", () => {
  // Each case twice: under a name of its own, and named as a registry policy, where the name may decide.
  const files = Object.fromEntries(FOREIGN_CASES.flatMap((c, i) => [[`policies/case-${i}.json`, c.text], [`named/case-${i}.registry-policy.json`, c.text]]));
  const dir = fileTree(files);
  const places = FOREIGN_CASES.flatMap((c, i) => [
    { name: c.name, file: join(dir, "policies", `case-${i}.json`), status: c.status },
    { name: `${c.name}, named as a registry policy`, file: join(dir, "named", `case-${i}.registry-policy.json`), status: c.named ?? c.status },
  ]);

  it.each([false, true])("with cache %s", async (cache) => {
    const config = plugin.configs.recommended as Linter.Config[];
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
    const theirs = new Map((await eslint.lintFiles(["."])).map((r) => [r.filePath, r.messages.filter((m) => !judgedByEslintOnly(m))]));
    const ours = new Map((await lint({ cwd: dir, cache, cacheLocation: join(dir, ".cache") })).results.map((r) => [r.filePath, r.messages]));
    for (const c of places) {
      const file = c.file;
      expect({ name: c.name, linted: ours.has(file) }).toEqual({ name: c.name, linted: c.status !== "not-ours" });
      const messages = (ours.get(file) ?? []).map(({ ruleId, line, column, message }) => ({ ruleId, line, column, message }));
      expect({ name: c.name, messages }).toEqual({ name: c.name, messages: (theirs.get(file) ?? []).map(({ ruleId, line, column, message }) => ({ ruleId, line, column, message })) });
      if (c.status === "parse-error") expect(messages[0], c.name).toMatchObject({ ruleId: null });
    }
    // Named as a registry policy, an Allow to everyone of all but S3's actions is everyone's ECR access.
    const allButS3 = places.find((p) => p.name === "a policy allowing everyone every action but S3's, by NotAction, named as a registry policy")!;
    expect(ours.get(allButS3.file)?.map((m) => m.ruleId)).toContain("@ecrlint/no-public-access");
  });
});
