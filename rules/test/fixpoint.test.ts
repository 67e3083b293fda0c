import { describe, expect, it } from "vitest";
import { applyFixesOnce, fixUntilStable, loadPolicyFile, registryForFile, runRules, trustFromConfig, type LintMessage } from "@ecrlint/core";
import { ruleList } from "../index.js";
import { loadRuleCases, rulesDir, type LoadedRuleCase, type RuleCase } from "./rule-cases.js";

/**
 * Every single-file case of every rule, fixed with every rule on until nothing changes: it must settle within
 * ESLint's ten passes, and the text it settles on must offer no fix that applies. A fix is offered only when it
 * changes what its rule reports (core's checkWithEffectiveFixes), so no case may fix forever.
 */
const everyRule = ruleList.filter((r) => r.check).map((rule) => ({ rule, severity: 2 as const, options: undefined }));

function lintWithEveryRule(c: LoadedRuleCase<RuleCase>, text: string): LintMessage[] {
  const loaded = loadPolicyFile(text, c.filePath);
  if (loaded.status !== "ours") return [];
  const config = { config: c.ecrlintSettings, filePath: undefined, baseDir: rulesDir };
  return runRules({ file: loaded.file, text, filePath: c.filePath, registry: registryForFile(c.filePath, config), trust: trustFromConfig(config), rules: everyRule });
}

for (const rule of ruleList.filter((r) => r.check)) {
  describe(`--fix settles on every case of ${rule.id}`, () => {
    const cases = loadRuleCases(rule.id);
    for (const c of [...cases.valid, ...cases.invalid]) {
      it(c.case.name, () => {
        const fixed = fixUntilStable(c.code, (text) => lintWithEveryRule(c, text));
        expect(fixed.passes).toBeLessThan(10);
        expect(applyFixesOnce(fixed.output, lintWithEveryRule(c, fixed.output)).fixed).toBe(false);
        expect(fixed.messages.filter((m) => m.fatal)).toEqual([]);
      });
    }
  });
}
