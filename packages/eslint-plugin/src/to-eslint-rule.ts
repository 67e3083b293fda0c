import type { TSESLint } from "@typescript-eslint/utils";
import { CONFIG_ERROR_MESSAGE_ID, eslintRuleMeta, mergeOptions, type AnyRule } from "@ecrlint/core";
import { createRule } from "./create-rule.js";
import { claimConfigErrorReport, fileContext } from "./file-context.js";

const CONFIG_ERROR = CONFIG_ERROR_MESSAGE_ID;

/**
 * Wraps a rule as an ESLint rule: the rule logic stays in the rule, ESLint only supplies the file and reports.
 * A rule without a single-file part (a cross-file rule, which needs the `ecrlint` runner) becomes a rule that
 * reports nothing, so that configs and disable comments naming it work in ESLint too.
 */
export function toEslintRule(rule: AnyRule) {
  const check = rule.check;
  return createRule<[Record<string, unknown>?], string>({
    name: rule.id,
    meta: eslintRuleMeta(rule) as never,
    defaultOptions: [rule.defaultOptions as Record<string, unknown>],
    create(context) {
      const sourceCode = context.sourceCode;
      if (!check || !(sourceCode.parserServices as { isJSON?: boolean } | undefined)?.isJSON) return {};
      return {
        Program() {
          const fc = fileContext(context as never);
          if (!fc.file || !rule.kinds.includes(fc.file.kind)) return;
          if (fc.configError) {
            if (claimConfigErrorReport(sourceCode.ast)) {
              context.report({ loc: { line: 1, column: 0 }, messageId: CONFIG_ERROR, data: { message: fc.configError } });
            }
            return;
          }
          check({
            file: fc.file,
            text: sourceCode.text,
            filePath: context.filename,
            registry: fc.registry,
            trust: fc.trust,
            // RuleCreator merges defaults deeply; core's merge is shallow, so pass the raw option through core's merge.
            options: mergeOptions(rule.defaultOptions, context.options[0]),
            report(d) {
              const loc = d.loc ?? d.node.loc;
              context.report({
                loc,
                messageId: d.messageId,
                ...(d.data ? { data: d.data } : {}),
                ...(d.fix && rule.meta.fixable
                  ? { fix: (fixer: TSESLint.RuleFixer) => d.fix!.map((e) => fixer.replaceTextRange(e.range, e.text)) }
                  : {}),
                ...(d.suggest && rule.meta.hasSuggestions
                  ? {
                      suggest: d.suggest.map((s) => ({
                        messageId: s.messageId,
                        ...(s.data ? { data: s.data } : {}),
                        fix: (fixer: TSESLint.RuleFixer) => s.edits.map((e) => fixer.replaceTextRange(e.range, e.text)),
                      })),
                    }
                  : {}),
              } as never);
            },
          });
        },
      };
    },
  });
}
