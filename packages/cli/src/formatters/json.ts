import type { LintMessage } from "@ecrlint/core";
import type { LintResult } from "../types.js";
import { eslintRulesMeta, showControls, type Formatter } from "./shared.js";

type AnyMessage = LintMessage & { suppressions?: unknown };

function suggestion(s: NonNullable<LintMessage["suggestions"]>[number]): Record<string, unknown> {
  const data = (s as { data?: unknown }).data;
  return data === undefined ? { messageId: s.messageId, fix: s.fix, desc: s.desc } : { messageId: s.messageId, data, fix: s.fix, desc: s.desc };
}

/**
 * ESLint's key order, which differs by where a message comes from: a rule's report, a parse error or ignored file
 * (`fatal` set), or ESLint itself (a directive or inline config problem: no `messageId`, severity after the place).
 */
function message(m: AnyMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ruleId: m.ruleId };
  const fromLinter = m.fatal === undefined && m.messageId === undefined;
  if (m.fatal !== undefined) out.fatal = m.fatal;
  if (!fromLinter) out.severity = m.severity;
  out.message = m.message;
  if (m.line !== undefined) out.line = m.line;
  if (m.column !== undefined) out.column = m.column;
  if (m.messageId !== undefined) out.messageId = m.messageId;
  if (m.endLine !== undefined) out.endLine = m.endLine;
  if (m.endColumn !== undefined) out.endColumn = m.endColumn;
  if (fromLinter) out.severity = m.severity;
  if (m.fix) out.fix = m.fix;
  if (m.suggestions) out.suggestions = m.suggestions.map(suggestion);
  // Not a field of ESLint's: added last, so that readers of ESLint's shape find every field of theirs where it was.
  if (m.relatedLocations) out.relatedLocations = m.relatedLocations;
  if (m.relatedLocationsOmitted) out.relatedLocationsOmitted = m.relatedLocationsOmitted;
  if (m.suppressions) out.suppressions = m.suppressions;
  return out;
}

/** A file named on the command line and skipped: ESLint's ignore result has its own key order (counts before `fatalErrorCount`). */
function isIgnoreResult(r: LintResult): boolean {
  return r.messages.length === 1 && r.messages[0]!.line === undefined && r.messages[0]!.fatal === false;
}

export function toEslintResult(r: LintResult): Record<string, unknown> {
  if (isIgnoreResult(r)) {
    return {
      filePath: r.filePath,
      messages: r.messages.map(message),
      suppressedMessages: [],
      errorCount: r.errorCount,
      warningCount: r.warningCount,
      fatalErrorCount: r.fatalErrorCount,
      fixableErrorCount: r.fixableErrorCount,
      fixableWarningCount: r.fixableWarningCount,
      usedDeprecatedRules: r.usedDeprecatedRules,
    };
  }
  const out: Record<string, unknown> = {
    filePath: r.filePath,
    messages: r.messages.map(message),
    suppressedMessages: r.suppressedMessages.map(message),
    errorCount: r.errorCount,
    fatalErrorCount: r.fatalErrorCount,
    warningCount: r.warningCount,
    fixableErrorCount: r.fixableErrorCount,
    fixableWarningCount: r.fixableWarningCount,
  };
  if (r.output !== undefined) out.output = r.output;
  // Read once: a result's source may be read from disk on each access (results.ts).
  const source = r.source;
  if (source !== undefined) out.source = source;
  out.usedDeprecatedRules = r.usedDeprecatedRules;
  return out;
}

/**
 * Exactly ESLint's `json` formatter: the results array, one line (the CLI ends it with a newline on stdout, as ESLint
 * does). Written result by result, the same text `JSON.stringify` gives the whole array: a run over 25,000 files never
 * holds every result twice, once as the runner's and once in ESLint's shape. The brackets go into the first and last
 * parts rather than around the joined text: `[${joined}]` is a concatenation that V8 writes out into a third copy
 * of the report (35 MB at 50,000 files) when it is written.
 */
export const json: Formatter = (results) => {
  // What a terminal would act on, JSON-escaped: the same data (JSON.stringify leaves DEL, C1 controls, U+2028 and
  // bidi overrides as they are).
  const parts = results.map((r) => showControls(JSON.stringify(toEslintResult(r))));
  if (parts.length === 0) return "[]";
  parts[0] = `[${parts[0]}`;
  parts[parts.length - 1] += "]";
  return parts.join(",");
};

/**
 * ESLint's `json-with-metadata`: the results and `{ maxWarningsExceeded?, cwd, rulesMeta }`, where `rulesMeta` holds
 * the ESLint meta of each rule that reported.
 */
export const jsonWithMetadata: Formatter = (results, context) =>
  showControls(JSON.stringify({
    results: results.map(toEslintResult),
    metadata: {
      ...(context.maxWarningsExceeded ? { maxWarningsExceeded: context.maxWarningsExceeded } : {}),
      cwd: context.cwd,
      rulesMeta: eslintRulesMeta(results, context),
    },
  }));
