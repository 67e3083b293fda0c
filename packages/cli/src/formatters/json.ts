import type { LintMessage } from "@ecrlint/core";
import type { LintResult } from "../types.js";
import type { Formatter } from "./shared.js";

type AnyMessage = LintMessage & { suppressions?: unknown };

/** ESLint's key order, so a diff against `eslint --format json` shows only real differences. */
function message(m: AnyMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ruleId: m.ruleId };
  if (m.fatal !== undefined) out.fatal = m.fatal;
  out.severity = m.severity;
  out.message = m.message;
  if (m.line !== undefined) out.line = m.line;
  if (m.column !== undefined) out.column = m.column;
  if (m.messageId !== undefined) out.messageId = m.messageId;
  if (m.endLine !== undefined) out.endLine = m.endLine;
  if (m.endColumn !== undefined) out.endColumn = m.endColumn;
  if (m.fix) out.fix = m.fix;
  if (m.suggestions) out.suggestions = m.suggestions.map((s) => {
      const data = (s as { data?: unknown }).data;
      return data === undefined ? { messageId: s.messageId, fix: s.fix, desc: s.desc } : { messageId: s.messageId, data, fix: s.fix, desc: s.desc };
    });
  if (m.suppressions) out.suppressions = m.suppressions;
  return out;
}

export function toEslintResult(r: LintResult): Record<string, unknown> {
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
  if (r.source !== undefined) out.source = r.source;
  out.usedDeprecatedRules = r.usedDeprecatedRules;
  return out;
}

/** Exactly ESLint's `json` formatter: the results array, one line. */
export const json: Formatter = (results) => JSON.stringify(results.map(toEslintResult));
