import type { TSESLint } from "@typescript-eslint/utils";
import { checkWithEffectiveFixes, CONFIG_ERROR_MESSAGE_ID, eslintRuleMeta, mergeOptions, NOT_LINTED_MESSAGE_ID, FILE_PROBLEM_RULE, type AnyRule, type Span } from "@ecrlint/core";
import { createRule } from "./create-rule.js";
import { fileContext, sourceKind, type FileContext } from "./file-context.js";
import { MAX_PARSED_CHARACTERS, tooLarge, type SkippedFile } from "./parser.js";
import { checkProject, noteProjectRule } from "./project-files.js";

const megabytes = (n: number) => (n / 1024 / 1024).toFixed(1);

type Loc = { start: { line: number; column: number }; end: { line: number; column: number } };

/** A location in ESLint's terms for the file's language: 0-based columns for the JavaScript language, 1-based for `@eslint/json`. */
function eslintLoc(loc: Loc, fc: FileContext): Loc {
  if (!fc.columnsFromOne) return loc;
  return { start: { line: loc.start.line, column: loc.start.column + 1 }, end: { line: loc.end.line, column: loc.end.column + 1 } };
}

function spanLoc(span: Span, fc: FileContext): Loc {
  const shift = fc.columnsFromOne ? 0 : 1;
  return { start: { line: span.line, column: span.column - shift }, end: { line: span.endLine, column: span.endColumn - shift } };
}

/**
 * The rule that reports a broken ecrlint config (a look-alike `ecrlint.json`, a bad `settings.ecrlint` key), once per
 * file that would be ours, whatever the file's kind: always this rule, so the report does not depend on which rule
 * ESLint happens to run first. The other rules report nothing on such a file, since its registry is unknown.
 */
export const CONFIG_ERROR_RULE = FILE_PROBLEM_RULE;

/**
 * Wraps a rule as an ESLint rule: the rule logic stays in the rule, ESLint only supplies the file and reports. The
 * rules read `jsonc-eslint-parser`'s AST; under `@eslint/json` (`language: "json/json"`) they read a parse of the same
 * text, so findings, locations and fixes are the same. A cross-file rule reads the project's other files from disk.
 */
export function toEslintRule(rule: AnyRule) {
  const check = rule.check;
  return createRule<[Record<string, unknown>?], string>({
    name: rule.id,
    meta: eslintRuleMeta(rule) as never,
    defaultOptions: [rule.defaultOptions as Record<string, unknown>],
    create(context) {
      const sourceCode = context.sourceCode;
      const kind = sourceKind(sourceCode as never);
      if (!kind || (!check && !rule.project)) return {};
      // Before any rule runs on the file, so that the project's files are read once for every cross-file rule on.
      if (rule.project) noteProjectRule(rule);
      // RuleCreator merges defaults deeply; core's merge is shallow, so pass the raw option through core's merge.
      const options = () => mergeOptions(rule.defaultOptions, context.options[0]);
      const visit = () => {
        // A file the parser did not parse (over 5 MB): said once, under the same rule as a config error. Under
        // `@eslint/json` the language has parsed it already; the rules' own parse of it is skipped the same way.
        const skipped = (sourceCode.parserServices as { ecrlintSkipped?: SkippedFile } | undefined)?.ecrlintSkipped ?? (kind === "json-language" ? tooLarge(sourceCode.text, context.filename) : undefined);
        if (skipped) {
          if (rule.id === CONFIG_ERROR_RULE && skipped.mightBeOurs) {
            const data = { reason: `${megabytes(skipped.characters)} MB is over the ${megabytes(MAX_PARSED_CHARACTERS)} MB limit for policy files` };
            // Column 1 of line 1 in either language's terms (`@eslint/json` counts columns from 1).
            context.report({ loc: { line: 1, column: kind === "json-language" ? 1 : 0 }, messageId: NOT_LINTED_MESSAGE_ID, data } as never);
          }
          return;
        }
        const fc = fileContext(context as never);
        if (fc.unread) {
          if (rule.id === CONFIG_ERROR_RULE) {
            const { message, line, column } = fc.unread;
            context.report({ loc: { line, column }, messageId: NOT_LINTED_MESSAGE_ID, data: { reason: message.replace(/\.$/u, "") } } as never);
          }
          return;
        }
        if (fc.configError) {
          if (rule.id === CONFIG_ERROR_RULE && fc.documents.length > 0) {
            context.report({ loc: eslintLoc({ start: { line: 1, column: 0 }, end: { line: 1, column: 0 } }, fc).start, messageId: CONFIG_ERROR_MESSAGE_ID, data: { message: fc.configError } } as never);
          }
          return;
        }
        const documents = fc.documents.filter((d) => rule.kinds.includes(d.kind));
        if (documents.length === 0) return;
        if (!check) {
          const current = { filePath: context.filename, documents, registry: fc.registry, options: options() };
          for (const d of checkProject(rule, current, context as never)) {
            context.report({ loc: spanLoc(d.loc, fc), messageId: d.messageId, ...(d.data ? { data: d.data } : {}) } as never);
          }
          return;
        }
        // Each document of the file as the kind it is; its nodes are in the file's coordinates already.
        for (const file of documents) {
          // Reports come on the host file's coordinates (edits in a `policyText` string escaped for it); a fix that
          // would change nothing the rule reports is dropped.
          const reports = checkWithEffectiveFixes(rule, {
            file,
            text: sourceCode.text,
            filePath: context.filename,
            registry: fc.registry,
            trust: fc.trust,
            options: options(),
            ...(fc.read ? { read: fc.read } : {}),
          });
          for (const d of reports) {
            const loc = d.loc ?? d.node.loc;
            context.report({
              loc: eslintLoc(loc, fc),
              messageId: d.messageId,
              ...(d.data ? { data: d.data } : {}),
              ...(d.fix && rule.meta.fixable ? { fix: (fixer: TSESLint.RuleFixer) => d.fix!.map((e) => fixer.replaceTextRange(e.range, e.text)) } : {}),
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
          }
        }
      };
      return kind === "json-language" ? { Document: visit } : { Program: visit };
    },
  });
}
