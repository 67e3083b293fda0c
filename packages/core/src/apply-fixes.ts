import type { LintMessage } from "./run-rules.js";

export interface FixOutcome {
  output: string;
  /** Whether any fix was applied. */
  fixed: boolean;
  /** Messages whose fix was not applied in this pass (overlapping another). */
  remaining: LintMessage[];
}

/**
 * Applies non-overlapping fixes in one pass, in ESLint's order and with ESLint's overlap rule (a fix that starts
 * where an applied one ends waits for the next pass), so the runner's `--fix` output equals `eslint --fix`.
 */
export function applyFixesOnce(text: string, messages: LintMessage[]): FixOutcome {
  const withFix = messages.filter((m) => m.fix).sort((a, b) => a.fix!.range[0] - b.fix!.range[0] || a.fix!.range[1] - b.fix!.range[1]);
  const remaining = messages.filter((m) => !m.fix);
  let lastPos = Number.NEGATIVE_INFINITY;
  let output = "";
  let cursor = 0;
  let fixed = false;
  for (const m of withFix) {
    const [start, end] = m.fix!.range;
    if (lastPos >= start || start > end) {
      remaining.push(m);
      continue;
    }
    output += text.slice(cursor, start) + m.fix!.text;
    cursor = end;
    lastPos = end;
    fixed = true;
  }
  output += text.slice(cursor);
  return { output, fixed, remaining };
}

/** Lints and fixes until nothing changes, at most 10 passes like ESLint. */
export function fixUntilStable(text: string, lint: (text: string) => LintMessage[]): { output: string; messages: LintMessage[]; passes: number } {
  let current = text;
  let passes = 0;
  let messages = lint(current);
  while (passes < 10) {
    const outcome = applyFixesOnce(current, messages);
    if (!outcome.fixed) break;
    passes++;
    current = outcome.output;
    messages = lint(current);
  }
  return { output: current, messages, passes };
}
