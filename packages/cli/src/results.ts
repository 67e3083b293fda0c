import { basename, dirname, sep } from "node:path";
import { FILE_PROBLEM_RULE, NOT_LINTED_MESSAGE_ID, readTextFile, RULE_PREFIX, type LintMessage, type ProjectRelation } from "@ecrlint/core";
import { hashText } from "./cache.js";
import { applyRelations } from "./project.js";
import { applyDirectives } from "./directives.js";
import type { Changes } from "./git.js";
import { MAX_FILE_BYTES, type FileEntry } from "./read-file.js";
import type { LintOptions, LintResult, SuppressedLintMessage } from "./types.js";

function byLocation(a: LintMessage, b: LintMessage): number {
  return a.line - b.line || a.column - b.column;
}

export function emptyResult(filePath: string): LintResult {
  return {
    filePath,
    messages: [],
    suppressedMessages: [],
    errorCount: 0,
    fatalErrorCount: 0,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  };
}

/**
 * A result's `source` when the run did not keep the text: the file read again each time a formatter asks (most
 * never do), and only if it is still the text that was linted. Not kept once read: a run over 25,000 files would
 * otherwise end up holding every text with findings.
 */
function sourceFromDisk(result: LintResult, entry: FileEntry): void {
  Object.defineProperty(result, "source", {
    enumerable: true,
    configurable: true,
    get() {
      const read = readTextFile(entry.filePath, { maxBytes: MAX_FILE_BYTES });
      return read.ok && hashText(read.text) === entry.content ? (read.bom ? "\uFEFF" : "") + read.text : undefined;
    },
  });
}

function finishResult(result: LintResult, text: string | undefined | ((result: LintResult) => void)): LintResult {
  for (const m of result.messages) {
    if (m.severity === 2) {
      result.errorCount++;
      if (m.fatal) result.fatalErrorCount++;
      if (m.fix) result.fixableErrorCount++;
    } else {
      result.warningCount++;
      if (m.fix) result.fixableWarningCount++;
    }
  }
  if (result.output === undefined && text !== undefined && result.errorCount + result.warningCount > 0) {
    if (typeof text === "string") result.source = text;
    else text(result);
  }
  return result;
}

/**
 * A file named on the command line that the run skips, reported as ESLint does; with `severity` 2, a path the run
 * could not read at all (a folder whose files nobody checked), which fails the run.
 */
export function warningResult(filePath: string, message: string, severity: 1 | 2 = 1): LintResult {
  const result = emptyResult(filePath);
  // ESLint's ignore warnings have no location; formatters treat a missing line as "the whole file".
  result.messages.push({ ruleId: null, fatal: severity === 2, severity, message } as unknown as LintMessage);
  return finishResult(result, undefined);
}

const within = (dir: string, path: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Whether a file's resolved config may differ from the base's: a config changed in a folder above it (or in its
 * own), and the config that governs it now is not a nearer one. A deleted config leaves its files with the next
 * config up, or none, so they are all re-checked.
 */
function configChanged(entry: FileEntry, configDirs: Set<string>): boolean {
  const governing = entry.configFile === undefined ? undefined : configFolderOf(entry.configFile);
  for (const dir of configDirs) {
    if (!within(dir, entry.filePath)) continue;
    if (governing === undefined || within(governing, dir)) return true;
  }
  return false;
}

/** The folder a config file governs: `.config/ecrlintrc.json` speaks for the folder that holds `.config`. */
function configFolderOf(configFile: string): string {
  const dir = dirname(configFile);
  return basename(dir) === ".config" ? dirname(dir) : dir;
}

/**
 * The files to report: all, or with `--changed-since` the changed ones, the ones whose config file changed, and
 * the files tied to them.
 */
export function selectFiles(entries: FileEntry[], changes: Changes | undefined, ties: Map<string, Set<string>>): Set<string> {
  if (!changes) return new Set(entries.map((e) => e.filePath));
  const selected = new Set<string>();
  for (const e of entries) {
    if (!changes.files.has(e.filePath) && !configChanged(e, changes.configDirs)) continue;
    selected.add(e.filePath);
    for (const other of ties.get(e.filePath) ?? []) selected.add(other);
  }
  // A changed file the run read for its facts only (outside the folder it was started in) re-checks its ties too.
  for (const path of changes.files) for (const other of ties.get(path) ?? []) selected.add(other);
  return selected;
}

/** One file's result: its own findings and the cross-file ones, with directives applied, in ESLint's shape. */
export function resultFor(entry: FileEntry, projectMessages: LintMessage[], options: LintOptions, relations: readonly ProjectRelation[] = []): LintResult {
  const result = emptyResult(entry.filePath);
  const bom = entry.bom ? "\uFEFF" : "";
  const { outcome } = entry;
  if (entry.output !== undefined) result.output = bom + entry.output;
  // The text is kept when directives may need it (see FileEntry.text).
  const finalText = entry.output ?? entry.text ?? "";
  if (outcome.status === "too-large") {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    const { severity } = outcome;
    if (severity !== 0) {
      result.messages.push({
        ruleId: RULE_PREFIX + FILE_PROBLEM_RULE,
        severity,
        message: `File not linted: ${mb(outcome.bytes)} MB is over the ${mb(MAX_FILE_BYTES)} MB limit for policy files.`,
        line: 1,
        column: 1,
        messageId: NOT_LINTED_MESSAGE_ID,
      });
    }
  } else if (outcome.status === "not-linted") {
    result.messages.push({ ruleId: null, fatal: outcome.severity === 2, severity: outcome.severity, message: outcome.message, line: 1, column: 1 });
  } else if (outcome.status === "fatal") {
    result.messages.push(outcome.message);
  } else if (outcome.status === "ours") {
    const all = applyRelations([...outcome.messages, ...projectMessages], relations).sort(byLocation);
    const applied = applyDirectives(outcome.directives, all, finalText, entry.context?.unusedDirectives ?? "warn");
    result.messages = applied.messages;
    result.suppressedMessages = applied.suppressed as SuppressedLintMessage[];
  }
  if (options.quiet) {
    result.messages = result.messages.filter((m) => m.severity === 2);
    result.suppressedMessages = result.suppressedMessages.filter((m) => m.severity === 2);
  }
  if (outcome.status === "not-linted") return finishResult(result, undefined);
  if (entry.output !== undefined || entry.text !== undefined) return finishResult(result, bom + finalText);
  return finishResult(result, (r) => sourceFromDisk(r, entry));
}

/** Results in path order, as ESLint reports them. */
export function sortResults(results: LintResult[]): LintResult[] {
  return results.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
}

/** The run's totals, and whether they fail it (errors, or more warnings than `maxWarnings`). */
export function summarize(results: LintResult[], options: LintOptions): { errored: boolean; errorCount: number; warningCount: number } {
  const errorCount = results.reduce((n, r) => n + r.errorCount, 0);
  const warningCount = results.reduce((n, r) => n + r.warningCount, 0);
  return { errored: errorCount > 0 || (options.maxWarnings !== undefined && warningCount > options.maxWarnings), errorCount, warningCount };
}
