import { relative, sep } from "node:path";
import type { LintMessage } from "@ecrlint/core";
import type { LintResult, RuleDescription } from "../types.js";

/** What every formatter is given besides the results. Formatters are pure: same input, same text. */
export interface FormatterContext {
  /** The run's root; stylish prints absolute paths like ESLint, the CI formats paths relative to `rootDir`. */
  cwd: string;
  /** The repository root. */
  rootDir: string;
  rulesMeta: Record<string, RuleDescription>;
  color: boolean;
}

export type Formatter = (results: LintResult[], context: FormatterContext) => string;

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
