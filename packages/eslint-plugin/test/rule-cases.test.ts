import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, it } from "vitest";
import * as jsoncParser from "jsonc-eslint-parser";
import { RuleTester as RuleTester10 } from "eslint";
import { RuleTester as RuleTester9 } from "eslint9";
import { loadRuleCases, ruleList, rulesDirectory } from "@ecrlint/core";
import plugin from "../src/index.js";

const rulesDir = rulesDirectory();

// Every case of rules/<id>/cases.json through real ESLint (9 and 10): messageId, full location, fixes, suggestions.
for (const [version, RuleTester] of [["10", RuleTester10], ["9", RuleTester9]] as const) {
  const Tester = RuleTester as unknown as typeof RuleTester10 & { describe: unknown; it: unknown; afterAll: unknown };
  Tester.describe = describe;
  Tester.it = it;
  Tester.afterAll = afterAll;
  const tester = new Tester({ languageOptions: { parser: jsoncParser } } as never);

  describe(`ESLint ${version}`, () => {
    for (const rule of ruleList) {
      const cases = loadRuleCases(rule.id, rulesDir);
      const base = (c: (typeof cases.valid)[number]) => ({
        name: c.case.name,
        code: c.code,
        filename: c.filePath,
        settings: { ecrlint: c.ecrlintSettings },
        ...(c.case.options ? { options: c.case.options } : {}),
      });
      tester.run(rule.id, plugin.rules[rule.id] as never, {
        valid: cases.valid.map(base),
        invalid: cases.invalid.map((c) => ({
          ...base(c),
          output: c.output ?? null,
          errors: c.case.errors.map((e) => ({
            messageId: e.messageId,
            ...(e.data ? { data: e.data } : {}),
            line: e.line,
            column: e.column,
            endLine: e.endLine,
            endColumn: e.endColumn,
            ...(e.suggestions
              ? { suggestions: e.suggestions.map((s) => ({ messageId: s.messageId, output: readFileSync(join(rulesDir, rule.id, s.output), "utf8") })) }
              : {}),
          })),
        })),
      } as never);
    }
  });
}
