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

// Text for people, from files a pull request writes: escapes for what a terminal would act on.
export { showControls, showControlsByLine } from "@ecrlint/core";

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
