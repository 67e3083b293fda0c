import { relative } from "node:path";
import { RULE_PREFIX, type AnyRule } from "@ecrlint/core";

/**
 * Where a run spends its time, as ESLint's `TIMING` environment variable shows it: `ECRLINT_TIMING=1` prints the
 * ten slowest rules and files after the report (on standard error, so that a `--format json` report stays
 * readable), `ECRLINT_TIMING=all` every one, `ECRLINT_TIMING=25` that many. A rule's time is its single-file
 * `check` (with the re-checks that keep only productive fixes) and both halves of a cross-file rule (`collect` per
 * document, `check` over the project); a file's time is its parse, rules and facts, not its read. Files answered
 * from `--cache` cost nothing here. Measured with `performance.now()` in each thread: a worker of the pool sends its
 * times with each answer, and they are added to the main thread's.
 */
const ruleMs = new Map<string, number>();
const fileMs = new Map<string, number>();

/** How many rows to print, after ESLint's `TIMING`: undefined when timing is off. */
export function timingListSize(value: string | undefined): number | undefined {
  if (value === undefined || value === "" || value === "0" || value.toLowerCase() === "false") return undefined;
  if (value.toLowerCase() === "all") return Number.POSITIVE_INFINITY;
  const n = Number.parseInt(value, 10);
  return n > 10 ? n : 10;
}

/**
 * How many rows this process prints, undefined when it records nothing. Read from the process's environment once,
 * as ESLint reads `TIMING`: rules are wrapped when they are first listed.
 */
export const timingRows = timingListSize(process.env.ECRLINT_TIMING);
const timingEnabled = timingRows !== undefined;

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function timed<T>(map: Map<string, number>, key: string, run: () => T): T {
  const start = performance.now();
  try {
    return run();
  } finally {
    add(map, key, performance.now() - start);
  }
}

/** The rule with its hooks timed under its full id; the rule itself when timing is off. */
export function timedRule(rule: AnyRule): AnyRule {
  if (!timingEnabled) return rule;
  const id = RULE_PREFIX + rule.id;
  const { check, project } = rule;
  return {
    ...rule,
    ...(check ? { check: (context) => timed(ruleMs, id, () => check.call(rule, context)) } : {}),
    ...(project
      ? {
          project: {
            collect: (file) => timed(ruleMs, id, () => project.collect(file)),
            check: (input) => timed(ruleMs, id, () => project.check(input)),
          },
        }
      : {}),
  };
}

/** Runs one file's lint, adding its time to the file's when timing is on. */
export function timeFile<T>(filePath: string, run: () => T): T {
  return timingEnabled ? timed(fileMs, filePath, run) : run();
}

/** Times in milliseconds: rules by full id, files by path. */
export interface RecordedTimings {
  rules: [string, number][];
  files: [string, number][];
}

/** The rows recorded so far, slowest first: rules by id and files by path, in milliseconds. */
export function recordedTimings(): RecordedTimings {
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { rules: sorted(ruleMs), files: sorted(fileMs) };
}

/** What a worker recorded since it last said, as plain data for its reply (undefined when timing is off); cleared. */
export function takeTimings(): RecordedTimings | undefined {
  if (!timingEnabled) return undefined;
  const taken = { rules: [...ruleMs], files: [...fileMs] };
  resetTimings();
  return taken;
}

/** Adds a worker's times to this thread's, so that a pooled run prints what every thread spent. */
export function addTimings(timings: RecordedTimings): void {
  for (const [id, ms] of timings.rules) add(ruleMs, id, ms);
  for (const [path, ms] of timings.files) add(fileMs, path, ms);
}

/** Clears what was recorded (between runs in one process). */
export function resetTimings(): void {
  ruleMs.clear();
  fileMs.clear();
}

function table(header: string[], rows: string[][], alignRight: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (alignRight[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ");
  // Markdown's separator row, under the cells and the spaces around each " | ".
  const rule = widths
    .map((w, i) => {
      const dashes = "-".repeat(w + (i > 0 ? 1 : 0) + (i < widths.length - 1 ? 1 : 0) - 1);
      return alignRight[i] ? `${dashes}:` : `:${dashes}`;
    })
    .join("|");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/**
 * The timing tables as ESLint prints them (`Rule | Time (ms) | Relative`), then the slowest files, relative to
 * `cwd`. `size` rows each (see {@link timingListSize}).
 */
export function formatTimings(timings: RecordedTimings, size: number, cwd: string): string {
  const total = timings.rules.reduce((n, [, ms]) => n + ms, 0);
  const rules = timings.rules.slice(0, size).map(([id, ms]) => [id, ms.toFixed(3), `${total > 0 ? ((100 * ms) / total).toFixed(1) : "0.0"}%`]);
  const files = timings.files.slice(0, size).map(([path, ms]) => [relative(cwd, path) || path, ms.toFixed(3)]);
  return `${table(["Rule", "Time (ms)", "Relative"], rules, [false, true, true])}\n\n${table(["File", "Time (ms)"], files, [false, true])}\n`;
}
