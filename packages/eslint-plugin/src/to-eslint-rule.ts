import type { TSESLint } from "@typescript-eslint/utils";
import { documentText, mergeOptions, toHostReport, type AnyRule } from "@ecrlint/core";
import { createRule } from "./create-rule.js";
import { fileContext } from "./file-context.js";

const CONFIG_ERROR = "ecrlintConfigError";

/**
 * The rule that reports a broken ecrlint config (a look-alike `ecrlint.json`, a bad `settings.ecrlint` key), once per
 * file that would be ours, whatever the file's kind: always this rule, so the report does not depend on which rule
 * ESLint happens to run first. The other rules report nothing on such a file, since its registry is unknown.
 */
export const CONFIG_ERROR_RULE = "valid-policy";

/**
 * Wraps a rule as an ESLint rule: the rule logic stays in the rule, ESLint only supplies the file and reports.
 * A rule without a single-file part (a cross-file rule, which needs the `ecrlint` runner) becomes a rule that
 * reports nothing, so that configs and disable comments naming it work in ESLint too.
 */
export function toEslintRule(rule: AnyRule) {
  const check = rule.check;
  return createRule<[Record<string, unknown>?], string>({
    name: rule.id,
    meta: {
      type: rule.meta.type,
      docs: { description: rule.meta.docs.description, config: rule.meta.docs.config, recommended: rule.meta.docs.config === "recommended" },
      messages: { ...rule.meta.messages, ...(rule.id === CONFIG_ERROR_RULE ? { [CONFIG_ERROR]: "ecrlint config error: {{message}}" } : {}) },
      schema: rule.meta.schema as never,
      ...(rule.meta.fixable ? { fixable: rule.meta.fixable } : {}),
      ...(rule.meta.hasSuggestions ? { hasSuggestions: true } : {}),
    },
    defaultOptions: [rule.defaultOptions as Record<string, unknown>],
    create(context) {
      const sourceCode = context.sourceCode;
      const services = sourceCode.parserServices as { isJSON?: boolean; isYAML?: boolean; isTerraform?: boolean } | undefined;
      if (!check || !(services?.isJSON || services?.isYAML || services?.isTerraform)) return {};
      return {
        Program() {
          const fc = fileContext(context as never);
          if (fc.configError) {
            if (rule.id === CONFIG_ERROR_RULE && fc.documents.length > 0) {
              context.report({ loc: { line: 1, column: 0 }, messageId: CONFIG_ERROR, data: { message: fc.configError } });
            }
            return;
          }
          const documents = fc.documents.filter((d) => rule.kinds.includes(d.kind));
          if (documents.length === 0) return;
          // Each document of the file as the kind it is; its nodes are in the file's coordinates already.
          for (const file of documents) {
            check({
              file,
              text: sourceCode.text,
              getText: (range) => documentText(file, sourceCode.text, range),
              filePath: context.filename,
              registry: fc.registry,
              trust: fc.trust,
              // RuleCreator merges defaults deeply; core's merge is shallow, so pass the raw option through core's merge.
              options: mergeOptions(rule.defaultOptions, context.options[0]),
              report(descriptor) {
                // Edits inside a JSON string (`policyText`) are escaped for it, or dropped when they cannot be.
                const d = toHostReport(file, descriptor);
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
          }
        },
      };
    },
  });
}
