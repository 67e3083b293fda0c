import { readFileSync } from "node:fs";
import { join } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import { mightBeEcrFile, RULE_PREFIX, type RuleSetting } from "@ecrlint/core";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { lint } from "../src/index.js";
import { knownRules } from "../src/rules-config.js";
import { judgedByEslintOnly, repoDir } from "./helpers.js";

const fixturesDir = join(repoDir, "fixtures");

/** The runner's rule settings equal to one of the plugin's flat configs, cross-file rules included. */
function settingsOf(config: Linter.Config[]): Record<string, RuleSetting> {
  const enabled = Object.assign({}, ...config.map((c) => c.rules ?? {})) as Record<string, RuleSetting>;
  const out: Record<string, RuleSetting> = {};
  for (const id of knownRules().keys()) out[id] = enabled[RULE_PREFIX + id] ?? "off";
  return out;
}

function normalize(messages: unknown[]): unknown[] {
  // ESLint 9 adds the deprecated `nodeType`; it says nothing about the finding. ESLint keeps no related places (the
  // message text names them there): the runner's are compared by findings.test.ts's recorded findings.
  return messages.map((m) => {
    const { nodeType: _nodeType, relatedLocations: _related, ...rest } = m as Record<string, unknown>;
    return rest;
  });
}

describe.each(["recommended", "strict"] as const)("same findings as ESLint with the plugin's %s config", (name) => {
  it("over every file of fixtures/, message by message", async () => {
    const config = plugin.configs[name] as Linter.Config[];
    const eslint = new ESLint({ cwd: fixturesDir, overrideConfigFile: true, overrideConfig: config });
    const theirs = (await eslint.lintFiles(["."])).map((r) => ({ ...r, messages: r.messages.filter((m) => !judgedByEslintOnly(m)) }));
    const ours = await lint({ cwd: fixturesDir, rules: settingsOf(config) });
    const byPath = new Map(theirs.map((r) => [r.filePath, r]));
    expect(ours.results.length).toBeGreaterThan(20);
    for (const result of ours.results) {
      const eslintResult = byPath.get(result.filePath);
      expect(eslintResult, result.filePath).toBeDefined();
      expect({ file: result.filePath, messages: normalize(result.messages) }).toEqual({ file: result.filePath, messages: normalize(eslintResult!.messages) });
      expect({ file: result.filePath, suppressed: normalize(result.suppressedMessages) }).toEqual({
        file: result.filePath,
        suppressed: normalize(eslintResult!.suppressedMessages),
      });
      expect(result.errorCount).toBe(eslintResult!.messages.filter((m) => m.severity === 2).length);
      expect(result.warningCount).toBe(eslintResult!.messages.filter((m) => m.severity === 1).length);
      expect(result.fixableErrorCount).toBe(eslintResult!.fixableErrorCount);
    }
    // Files the runner leaves out are JSON that is not ours: ESLint finds nothing of ours there either, not even a
    // parsing error when they do not parse (the plugin's parser asks the runner's own mightBeEcrFile).
    const linted = new Set(ours.results.map((r) => r.filePath));
    for (const r of theirs.filter((x) => !linted.has(x.filePath))) {
      expect({ file: r.filePath, ours: r.messages.filter((m) => m.ruleId?.startsWith(RULE_PREFIX) || m.fatal) }).toEqual({ file: r.filePath, ours: [] });
      expect(mightBeEcrFile(readFileSync(r.filePath, "utf8"), r.filePath) && r.messages.length > 0, r.filePath).toBe(false);
    }
  });
});
