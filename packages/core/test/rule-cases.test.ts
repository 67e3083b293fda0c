import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  fixUntilStable,
  formatMessage,
  loadPolicyFile,
  loadRuleCases,
  registryForFile,
  ruleFolders,
  rulesDirectory,
  ruleList,
  rules,
  runRules,
  trustFromConfig,
  type LintMessage,
  type LoadedRuleCase,
  type RuleCase,
} from "../src/index.js";

const rulesDir = rulesDirectory();

function lintCase(ruleId: string, c: LoadedRuleCase<RuleCase>, text = c.code): LintMessage[] {
  const loaded = loadPolicyFile(text, c.filePath);
  if (loaded.status !== "ours") throw new Error(`${c.case.file} is not read as a policy file (${loaded.status})`);
  const config = { config: c.ecrlintSettings, filePath: undefined, baseDir: rulesDir };
  return runRules({
    file: loaded.file,
    text,
    filePath: c.filePath,
    registry: registryForFile(c.filePath, config),
    trust: trustFromConfig(config),
    rules: [{ rule: rules[ruleId]!, severity: 2, options: c.case.options?.[0] }],
  });
}

describe("rule folders", () => {
  it("every rule has a folder with a README and cases", () => {
    for (const rule of ruleList) {
      expect(existsSync(join(rulesDir, rule.id, "README.md")), `rules/${rule.id}/README.md`).toBe(true);
      expect(existsSync(join(rulesDir, rule.id, "cases.json")), `rules/${rule.id}/cases.json`).toBe(true);
    }
  });

  it("every folder with single-file cases belongs to a rule", () => {
    for (const folder of ruleFolders(rulesDir)) {
      if (existsSync(join(rulesDir, folder, "cases.json"))) expect(rules[folder], `rules/${folder} has no rule`).toBeDefined();
    }
  });
});

for (const rule of ruleList) {
  describe(rule.id, () => {
    const cases = loadRuleCases(rule.id, rulesDir);
    it("has valid and invalid cases", () => {
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
    });
    for (const c of cases.valid) {
      it(`valid: ${c.case.name}`, () => {
        expect(lintCase(rule.id, c)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.case.name}`, () => {
        const messages = lintCase(rule.id, c);
        expect(messages.map(({ messageId, line, column, endLine, endColumn }) => ({ messageId, line, column, endLine, endColumn }))).toEqual(
          c.case.errors.map(({ messageId, line, column, endLine, endColumn }) => ({ messageId, line, column, endLine, endColumn })),
        );
        for (const [i, e] of c.case.errors.entries()) {
          if (e.data) expect(messages[i]!.message).toBe(formatMessage(rule.meta.messages[e.messageId]!, e.data));
          const got = messages[i]!.suggestions ?? [];
          expect(got.map((s) => s.messageId)).toEqual((e.suggestions ?? []).map((s) => s.messageId));
          for (const [j, s] of (e.suggestions ?? []).entries()) {
            const fix = got[j]!.fix;
            const applied = c.code.slice(0, fix.range[0]) + fix.text + c.code.slice(fix.range[1]);
            expect(applied).toBe(readFileSync(join(rulesDir, rule.id, s.output), "utf8"));
          }
        }
        expect(fixUntilStable(c.code, (text) => lintCase(rule.id, c, text)).output).toBe(c.output ?? c.code);
      });
    }
  });
}
