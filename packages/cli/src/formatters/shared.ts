import { relative, sep } from "node:path";
import type { LintMessage } from "@ecrlint/core";
import type { LintResult, RuleDescription, RunNotice, RunStats } from "../types.js";

/** What every formatter is given besides the results. Formatters are pure: same input, same text. */
export interface FormatterContext {
  /** The run's root; stylish prints absolute paths like ESLint, the CI formats paths relative to `rootDir`. */
  cwd: string;
  /** The repository root. */
  rootDir: string;
  rulesMeta: Record<string, RuleDescription>;
  color: boolean;
  /** Set when there were more warnings than `--max-warnings`, as ESLint gives it to formatters. */
  maxWarningsExceeded?: { maxWarnings: number; foundWarnings: number };
  /** What the run looked at: stylish closes a clean run with it, so that silence never reads as "not run". */
  stats?: RunStats;
  /** What the run says once beside the findings: SARIF carries them as tool notifications. */
  notices?: RunNotice[];
}

export type Formatter = (results: LintResult[], context: FormatterContext) => string;

/**
 * Characters that a terminal or a CI log would act on rather than show: C0 and C1 controls (an escape sequence can
 * recolour, move the cursor, clear a line, retitle the window), DEL, line and paragraph separators, and the bidi
 * embeddings, overrides and isolates that reorder what is shown (CVE-2021-42574). They come from the files linted (a
 * Sid, a key, a file name), which a pull request writes.
 */
const UNSHOWABLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/g;
const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/**
 * Text from a linted file made safe to print for a person: each character a terminal would act on (see
 * {@link UNSHOWABLE}) is written as its escape (`\u001b`, `\n`), so that a finding cannot hide, recolour or forge
 * the lines around it. Machine formats (JSON, SARIF) escape these themselves.
 */
export function showControls(text: string): string {
  UNSHOWABLE.lastIndex = 0;
  if (!UNSHOWABLE.test(text)) return text;
  return text.replace(UNSHOWABLE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** {@link showControls} for a message of several lines: its own line breaks kept, each line made safe. */
export function showControlsByLine(text: string): string {
  return text.split("\n").map(showControls).join("\n");
}

export function relativePath(rootDir: string, filePath: string): string {
  const rel = relative(rootDir, filePath);
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/** ESLint's ignore warnings carry no line: they are about the whole file. */
export function hasLocation(m: LintMessage): boolean {
  return typeof m.line === "number" && m.line > 0;
}

export function severityName(m: LintMessage): "error" | "warning" {
  return m.fatal || m.severity === 2 ? "error" : "warning";
}

/** ESLint's `rulesMeta` for formatters: the ESLint meta of each rule that reported in `results`. */
export function eslintRulesMeta(results: LintResult[], context: FormatterContext): Record<string, unknown> {
  const rulesMeta: Record<string, unknown> = {};
  for (const r of results) {
    for (const m of [...r.messages, ...r.suppressedMessages]) {
      const described = m.ruleId ? context.rulesMeta[m.ruleId] : undefined;
      if (m.ruleId && described && !(m.ruleId in rulesMeta)) rulesMeta[m.ruleId] = described.eslintMeta;
    }
  }
  return rulesMeta;
}
