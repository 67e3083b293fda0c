import { decodeText, declaredKindForFile, FILE_PROBLEM_RULE as NOT_LINTED_RULE, type Severity, mightBeEcrFile, readTextFile, registryForFile, trustFromConfig, type TextEncodingName, type TextFileResult } from "@ecrlint/core";
import { hashText, type ResultCache } from "./cache.js";
import type { Configs } from "./configs.js";
import { fixSource, lintSource, type SourceContext, type SourceOutcome } from "./lint-source.js";
import type { ResolvedRules } from "./rules-config.js";
import { timeFile } from "./timing.js";
import type { LintOptions } from "./types.js";

/** Nothing of ours comes near this (a registry policy is at most 10,240 characters); bigger files are not parsed. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** How much of a file over the limit is read to tell whether it might be ours. */
const SNIFF_BYTES = 64 * 1024;

/**
 * A file the run could not lint, with the one line that says why: an error when it was named or found and then could
 * not be read (deleted since, no permission, not a regular file), a warning when it was skipped but looks like ours.
 */
export interface Unlinted {
  status: "not-linted";
  severity: 1 | 2;
  message: string;
}

/** One file the run reads: its text, how it was linted alone, and its text after fixes. */
export interface FileEntry {
  filePath: string;
  /** The config file that governs it (a change to it changes the file's results). */
  configFile?: string;
  bom: boolean;
  /** How the file is encoded, so that a fix is written back the same way. */
  encoding: TextEncodingName;
  /** The text as read, without BOM. */
  text: string;
  context?: SourceContext;
  outcome: SourceOutcome | { status: "too-large"; bytes: number; severity: Severity | 0 } | Unlinted;
  /** The text after fixes, when fixing changed it. */
  output?: string;
  /** With `output`: the outcome of the text as read, reported instead when the fixed text cannot be written. */
  unfixed?: SourceOutcome;
}

export function notLinted(filePath: string, severity: 1 | 2, message: string): FileEntry {
  return { filePath, bom: false, encoding: "utf8", text: "", outcome: { status: "not-linted", severity, message } };
}

/** NUL bytes: binary, or UTF-16 without a byte order mark, which reads as ours once the NULs are gone. */
function nulBytes(filePath: string, text: string): FileEntry | undefined {
  if (!mightBeEcrFile(text.replaceAll("\u0000", ""))) return undefined;
  return notLinted(filePath, 1, "File not linted: it holds NUL bytes (UTF-16 without a byte order mark?); save it as UTF-8, or as UTF-16 with a BOM.");
}

/** A text given rather than read (standard input), decoded as a file would be. */
function fromBuffer(buffer: Buffer, maxBytes: number): TextFileResult {
  if (buffer.length > maxBytes) return { ok: false, code: "EFBIG", reason: "over the size limit", bytes: buffer.length };
  return { ok: true, ...decodeText(buffer), bytes: buffer.length };
}

/**
 * How a policy too large to check is reported: under `valid-policy` at its level, as the ESLint plugin reports it, so
 * both agree (an error in the shared configs: a policy nobody checked must fail the run, never pass it with a
 * warning only `--max-warnings 0` would catch); nothing when the user turned `valid-policy` off.
 */
function notLintedSeverity(rules: ResolvedRules): Severity | 0 {
  return rules.single.find((r) => r.rule.id === NOT_LINTED_RULE)?.severity ?? 0;
}

/**
 * Reads one file and lints it alone (single-file rules, cross-file facts, fixes), or returns undefined for a file
 * that is not ours or that a nested config ignores. The text's marker test runs here, once: the parser behind
 * `lintSource` trusts it. An unchanged file's outcome comes from the cache.
 */
export function readFile(filePath: string, configs: Configs, options: LintOptions, cache: ResultCache | undefined, given?: Buffer): FileEntry | undefined {
  // Only a regular file is read, its size checked first: a FIFO or a device is this file's error, not a hang.
  const read = given ? fromBuffer(given, MAX_FILE_BYTES) : readTextFile(filePath, { maxBytes: MAX_FILE_BYTES });
  if (!read.ok && read.code !== "EFBIG") return notLinted(filePath, 2, `File not read: ${read.reason}.`);
  const sniffed = read.ok ? read : given ? fromBuffer(given.subarray(0, SNIFF_BYTES), SNIFF_BYTES) : readTextFile(filePath, { maxBytes: SNIFF_BYTES, truncate: true });
  if (!sniffed.ok) return notLinted(filePath, 2, `File not read: ${sniffed.reason}.`);
  const { text, bom, encoding } = sniffed;
  // Cheap tests first: most JSON in a monorepo is not ours and never reaches a config lookup or a parser.
  if (text.includes("\u0000")) return nulBytes(filePath, text);
  if (!mightBeEcrFile(text)) return undefined;
  const loaded = configs.forFile(filePath);
  if (options.ignore !== false && configs.ignores(loaded, filePath)) return undefined;
  const rules = configs.rules(loaded);
  if (!read.ok) return { filePath, bom, encoding, text: "", outcome: { status: "too-large", bytes: read.bytes ?? MAX_FILE_BYTES + 1, severity: notLintedSeverity(rules) } };
  const declared = declaredKindForFile(filePath, loaded);
  const context: SourceContext = {
    filePath,
    registry: registryForFile(filePath, loaded),
    trust: trustFromConfig(loaded),
    rules,
    ...(declared ? { declared } : {}),
    rulesWith: (inline) => configs.rules(loaded, inline),
    inlineConfig: options.inlineConfig !== false,
    unusedDirectives: options.reportUnusedDisableDirectives ?? "warn",
  };
  let outcome: SourceOutcome | undefined;
  let key: { content: string; settings: string } | undefined;
  if (cache) {
    const settings = `${rules.signature}|${context.inlineConfig}|${JSON.stringify(context.registry)}|${JSON.stringify(context.trust)}|${JSON.stringify(declared ?? null)}`;
    key = { content: hashText(text), settings: hashText(settings) };
    outcome = cache.get(filePath, key.content, key.settings);
  }
  if (!outcome) {
    outcome = timeFile(filePath, () => lintSource(text, context));
    if (cache && key) cache.set(filePath, key.content, key.settings, outcome);
  }
  // A file's `/* eslint */` settings decide which cross-file rules it takes part in, too.
  if (outcome.status === "ours" && Object.keys(outcome.inline ?? {}).length > 0) context.rules = context.rulesWith(outcome.inline);
  const entry: FileEntry = { filePath, bom, encoding, text, context, outcome, ...(loaded?.filePath ? { configFile: loaded.filePath } : {}) };
  if ((options.fix || options.fixDryRun) && outcome.status === "ours") {
    const fixed = fixSource(text, outcome, context, options.quiet ?? false);
    if (fixed.text !== text) {
      entry.output = fixed.text;
      entry.unfixed = outcome;
      entry.outcome = fixed.outcome;
    }
  }
  return entry;
}
