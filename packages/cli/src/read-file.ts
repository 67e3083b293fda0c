import { statSync } from "node:fs";
import { decodeText, declaredKindForFile, DEFAULT_MAX_TEXT_BYTES, isTerraformFile, loadTerraformParser, FILE_PROBLEM_RULE as NOT_LINTED_RULE, type Severity, mightBeEcrFile, nulBytesFinding, plainlyForeignFile, nulBytesLayout, readTextFile, registryForFile, trustFromConfig, type LoadedConfig, type RegistryContext, type RuleSetting, type TerraformDataUse, type TerraformFileReference, type TextEncodingName, type TextFileResult } from "@ecrlint/core";
import { fileStamp, hashText, type ResultCache, type StoredFacts } from "./cache.js";
import type { Configs } from "./configs.js";
import { NO_DIRECTIVES } from "./directives.js";
import { holdFacts } from "./entry-facts.js";
import { fixSource, lintSource, type SourceContext, type SourceOutcome } from "./lint-source.js";
import { arnRegistries, registryIncomplete } from "./notices.js";
import type { ResolvedRules } from "./rules-config.js";
import { timeFile } from "./timing.js";
import type { LintOptions } from "./types.js";

/** Nothing of ours comes near this (a registry policy is at most 10,240 characters); bigger files are not parsed. */
export const MAX_FILE_BYTES = DEFAULT_MAX_TEXT_BYTES;

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

/**
 * What the end of the run reads of the context a file was linted in: its registry, the cross-file rules it takes part
 * in, how unused directives are reported. Kept for every file of the run (25,000 at 50,000 files), so nothing more:
 * a whole context with its closures is 280 bytes.
 */
export type EntryContext = Pick<SourceContext, "registry" | "rules" | "unusedDirectives">;

/** One file the run reads: its text, how it was linted alone, and its text after fixes. */
export interface FileEntry {
  filePath: string;
  /** The config file that governs it (a change to it changes the file's results). */
  configFile?: string;
  bom: boolean;
  /** How the file is encoded, so that a fix is written back the same way. */
  encoding: TextEncodingName;
  /**
   * The text as read, without BOM, kept only where the end of the run needs it: a given text (standard input), a
   * file with directive comments (unused ones are removed by range). Otherwise the file is read again, checked
   * against `content`, when a formatter asks for a result's `source`: a run does not hold every file's text.
   */
  text?: string;
  /** Hash of the text as read (see {@link hashText}). */
  content?: string;
  context?: EntryContext;
  outcome: SourceOutcome | { status: "too-large"; bytes: number; severity: Severity | 0 } | Unlinted;
  /** The text after fixes, when fixing changed it. */
  output?: string;
  /** With `output`: the outcome of the text as read, reported instead when the fixed text cannot be written. */
  unfixed?: SourceOutcome;
  /**
   * An outcome from the cache leaves its documents' facts there (their `facts` are empty): the cross-file rules
   * need only their hash while their project's findings are the cache's too (see entry-facts.ts).
   */
  storedFacts?: StoredFacts;
}

export function notLinted(filePath: string, severity: 1 | 2, message: string): FileEntry {
  return { filePath, bom: false, encoding: "utf8", text: "", outcome: { status: "not-linted", severity, message } };
}

/** What a user is told of a policy file with NUL bytes in it (see core's `nulBytesLayout`). */
function nulLayout(text: string): string {
  const layout = nulBytesLayout(text) ?? { kind: "scattered" };
  const finding = nulBytesFinding(layout);
  if (finding) return `it ${finding}`;
  if (layout.kind === "utf16") return `it is UTF-16 (${layout.order}) without a byte order mark; save it as UTF-8, or as UTF-16 with a BOM`;
  return "it holds NUL bytes; save it as text (UTF-8, or UTF-16 with a BOM)";
}

/**
 * NUL bytes in a file that reads as ours once they are gone: a policy nobody checked, so the run's error (ESLint's
 * parser refuses it too), described by what the bytes say it is (binary files are not ours).
 */
function nulBytes(filePath: string, text: string): FileEntry | undefined {
  if (!mightBeEcrFile(text.replaceAll("\u0000", ""), filePath)) return undefined;
  return notLinted(filePath, 2, `File not linted: ${nulLayout(text)}.`);
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

/** A text that is lost on reading it again (standard input) or that directives will cut (see {@link FileEntry.text}). */
function keepText(outcome: FileEntry["outcome"], given: boolean): boolean {
  return given || (outcome.status === "ours" && outcome.directives.comments.length > 0);
}

/** How the file was linted alone: a config lookup, and the rules run unless the cache has the outcome. */
export interface Linting {
  loaded: LoadedConfig | undefined;
  context: SourceContext;
  /** The cache's settings hash for the file. */
  settings: string | undefined;
}

/** What a caller knows about a file beyond its path. */
export interface ReadExtras {
  /** The file's bytes, given rather than read (standard input). */
  given?: Buffer;
  /** Policy files that Terraform reads with `file()`/`templatefile()`, by absolute path, with the kind they are. */
  referenced?: ReadonlyMap<string, TerraformFileReference>;
  /** Terraform files by absolute path → the resources of other files of the module that read a policy document of theirs. */
  dataUses?: ReadonlyMap<string, readonly TerraformDataUse[]>;
  /**
   * Only the cross-file rules' facts are wanted (the rest of the project around named files): the single-file
   * rules do not run, and what is linted so is never written to the cache, whose entries hold whole outcomes.
   */
  factsOnly?: boolean;
  /** Files a folder's listing showed as regular files (discovery's `listed`): opened without a `stat` first. */
  listed?: ReadonlySet<string>;
}

/** The context with no single-file rule: the file is read for its cross-file facts only. */
function factsOnlyContext(context: SourceContext): SourceContext {
  const strip = (rules: ResolvedRules): ResolvedRules => ({ ...rules, single: [] });
  return { ...context, rules: strip(context.rules), rulesWith: (inline) => strip(context.rulesWith(inline)) };
}

/**
 * The JSON of a registry: the one registry object a folder's path names is shared by all its files (see
 * `registryFromPath`), so each is written out once, not once per file of a warm run.
 */
const registryJson = new WeakMap<object, string>();
function jsonOf(registry: object): string {
  let json = registryJson.get(registry);
  if (json === undefined) {
    json = JSON.stringify(registry);
    registryJson.set(registry, json);
  }
  return json;
}

/** Settings hashes by their text: the files of a folder, of a config, mostly share one (the rule settings are long). */
const settingsHashes = new Map<string, string>();
const MAX_KEPT_SETTINGS = 10_000;
function settingsHash(text: string): string {
  let hash = settingsHashes.get(text);
  if (hash === undefined) {
    hash = hashText(text);
    if (settingsHashes.size >= MAX_KEPT_SETTINGS) settingsHashes.clear();
    settingsHashes.set(text, hash);
  }
  return hash;
}

/**
 * The settings hash of the files with nothing of their own (no declared kind, template or module uses), by their
 * rules and registry: a run's rules object is its config's (and so are the trust and the options of the run), and a
 * registry object is shared by the files of a folder or of a config entry. A warm run asks for every cached file.
 */
const settingsByRules = new WeakMap<ResolvedRules, Map<RegistryContext, string>>();
function sharedSettings(rules: ResolvedRules, registry: RegistryContext, compute: () => string): string {
  let byRegistry = settingsByRules.get(rules);
  if (!byRegistry) settingsByRules.set(rules, (byRegistry = new Map()));
  let settings = byRegistry.get(registry);
  if (settings === undefined) {
    settings = compute();
    byRegistry.set(registry, settings);
  }
  return settings;
}

export function sourceContext(
  filePath: string,
  loaded: LoadedConfig | undefined,
  configs: Configs,
  options: LintOptions,
  cache: ResultCache | undefined,
  reference?: TerraformFileReference,
  terraformUses?: readonly TerraformDataUse[],
): Linting {
  const rules = configs.rules(loaded);
  // The config's kinds first; then a policy file that Terraform reads with file() is the kind of that resource.
  const configured = declaredKindForFile(filePath, loaded);
  // A file that resources of two kinds read is linted as each.
  const declared: SourceContext["declared"] =
    configured ?? (reference ? { kind: reference.kind, declaredBy: reference.from, ...(reference.also ? { also: reference.also.map((a) => ({ kind: a.kind, declaredBy: a.from })) } : {}) } : undefined);
  // What templatefile() reads is rendered as a template; what file() reads, or the config declares, is read as written.
  const terraformTemplate = !configured && reference?.template === true;
  const context: SourceContext = {
    filePath,
    registry: registryForFile(filePath, loaded),
    trust: trustFromConfig(loaded),
    rules,
    ...(declared ? { declared } : {}),
    ...(terraformTemplate ? { terraformTemplate } : {}),
    ...(terraformUses?.length ? { terraformUses } : {}),
    rulesWith: (inline) => configs.rules(loaded, inline),
    inlineConfig: options.inlineConfig !== false,
    unusedDirectives: options.reportUnusedDisableDirectives ?? "warn",
  };
  const settingsOf = () =>
    settingsHash(`${rules.signature}|${context.inlineConfig}|${jsonOf(context.registry)}|${JSON.stringify(context.trust)}|${JSON.stringify(declared ?? null)}${terraformTemplate ? "|template" : ""}${terraformUses?.length ? `|${JSON.stringify(terraformUses)}` : ""}`);
  const own = declared !== undefined || terraformTemplate || terraformUses?.length;
  const settings = cache ? (own ? settingsOf() : sharedSettings(rules, context.registry, settingsOf)) : undefined;
  return { loaded, context, settings };
}

const NO_INLINE: Record<string, RuleSetting> = Object.freeze({});

function entryFor(filePath: string, linting: Linting, outcome: SourceOutcome, read: { bom: boolean; encoding: TextEncodingName; content: string }): FileEntry {
  const { context: linted, loaded } = linting;
  holdFacts(outcome);
  if (outcome.status === "ours") {
    // Most files have no directive and no inline settings: one shared, frozen, empty value each, which interning
    // passes by.
    const { directives, inline } = outcome;
    if (directives.comments.length === 0 && directives.directives.length === 0 && directives.problems.length === 0) outcome.directives = NO_DIRECTIVES;
    if (Object.keys(inline ?? {}).length === 0) outcome.inline = NO_INLINE;
  }
  intern(outcome);
  // A file's `/* eslint */` settings decide which cross-file rules it takes part in, too.
  const rules = outcome.status === "ours" && outcome.inline !== NO_INLINE ? linted.rulesWith(outcome.inline) : linted.rules;
  const context: EntryContext = { registry: linted.registry, rules, unusedDirectives: linted.unusedDirectives };
  return { filePath, bom: read.bom, encoding: read.encoding, content: read.content, context, outcome, ...(loaded?.filePath ? { configFile: loaded.filePath } : {}) };
}

/**
 * An unchanged file's entry from the cache without reading it: its `stat` stamp is the recorded one. Undefined
 * when the file must be read (changed, or its config changed); `null` for a file that is not ours.
 */
function fromCache(filePath: string, configs: Configs, options: LintOptions, cache: ResultCache, stamp: string, reference: TerraformFileReference | undefined, uses: readonly TerraformDataUse[] | undefined): FileEntry | null | undefined {
  const content = cache.unchanged(filePath, stamp);
  if (content === undefined) return undefined;
  // A file of policy documents passes no marker test, and is ours while another file of its module reads them.
  if (!uses && cache.notOurs(filePath, content)) return null;
  const loaded = configs.forFile(filePath);
  if (options.ignore !== false && configs.ignores(loaded, filePath)) return null;
  const linting = sourceContext(filePath, loaded, configs, options, cache, reference, uses);
  const cached = cache.get(filePath, content, linting.settings!);
  if (!cached || keepText(cached.outcome, false)) return undefined;
  // BOM and encoding matter to fixes only, and a fixing run has no cache.
  return { ...entryFor(filePath, linting, cached.outcome, { bom: false, encoding: "utf8", content }), storedFacts: cached.facts };
}

/** A file read and found ours, whose rules are still to run: in this thread, or in a worker (see pool.ts). */
export interface LintJob {
  filePath: string;
  text: string;
  bom: boolean;
  encoding: TextEncodingName;
  content: string;
  stamp: string | undefined;
  linting: Linting;
  given: boolean;
  /** How Terraform reads the file with file()/templatefile(), when it does: its kind then comes from the resource. */
  reference?: TerraformFileReference;
  /** The resources of other files of its Terraform module that read a policy document of this file. */
  uses?: readonly TerraformDataUse[];
}

/** What running the rules on a job's text gives: its outcome and, when fixing changed the text, the fixed one. */
export interface JobResult {
  outcome: SourceOutcome;
  output?: string;
  /** With `output`: the outcome of the text as read. */
  unfixed?: SourceOutcome;
}

/**
 * Runs the rules on a file's text (single-file rules, cross-file facts, then fixes when fixing): the part of a
 * run that a worker takes over. Everything it needs is the text and the file's context.
 */
export function runRulesOn(text: string, context: SourceContext, options: Pick<LintOptions, "fix" | "fixDryRun" | "quiet">): JobResult {
  const outcome = timeFile(context.filePath, () => lintSource(text, context));
  // What the unknown-registry notice needs of the text, kept with the outcome (the text itself is not kept).
  const incomplete = registryIncomplete(context.registry);
  if (outcome.status === "ours" && incomplete) outcome.arns = arnRegistries(text);
  if (!(options.fix || options.fixDryRun) || outcome.status !== "ours") return { outcome };
  const fixed = fixSource(text, outcome, context, options.quiet ?? false);
  if (fixed.text === text) return { outcome };
  if (fixed.outcome.status === "ours" && incomplete) fixed.outcome.arns = arnRegistries(fixed.text);
  return { outcome: fixed.outcome, output: fixed.text, unfixed: outcome };
}

/** Strings every file repeats (rule ids, message ids, kinds, reasons, messages), one copy each for the whole run. */
const interned = new Map<string, string>();
const MAX_INTERNED = 100_000;
/** Messages are repeated too ("Resource" in a repository policy…), and are the longest strings an outcome holds. */
const MAX_INTERNED_LENGTH = 256;
/**
 * V8 copies a substring or a concatenation shorter than this; a longer one may point into the string it was cut from
 * (a sliced or a cons string), and so keep the file's whole text alive.
 */
const COPIED_BELOW = 13;

/**
 * A string that holds no other string: a value that the parser sliced out of a file's text, or a message built
 * around one, would otherwise keep the text alive for as long as the outcome (the run). Slicing a concatenation
 * makes V8 write the concatenation out into a fresh string first; the slice holds that one (one character longer)
 * and nothing else. A fifth of the cost of a JSON.stringify and JSON.parse round trip.
 */
export function ownString(value: string): string {
  return value.length < COPIED_BELOW ? value : (value + " ").slice(0, -1);
}

/**
 * Whether `intern` gave another value than `item`. A string copy is equal to the string it copies (`===` compares
 * strings by their characters), so a string long enough to be a slice is always written back: comparing would keep
 * every slice, and with it the file's text.
 */
function changed(own: unknown, item: unknown): boolean {
  return typeof item === "string" ? item.length >= COPIED_BELOW : own !== item;
}

/**
 * Replaces, in place, every string of an outcome (copied out of a worker, made in this thread, or parsed from the
 * cache) by its one shared copy, a copy that holds no file's text: 25,000 files' outcomes repeat the same few hundred
 * strings. Strings are copied only on their first sight, so an outcome made in this thread need not be cloned whole.
 */
export function intern<T>(value: T): T {
  // Written back only when changed; a frozen object is a constant of the code, whose strings are its own.
  if (Array.isArray(value)) {
    if (Object.isFrozen(value)) return value;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const own = intern(item);
      if (changed(own, item)) value[i] = own;
    }
  } else if (typeof value === "object" && value !== null) {
    if (Object.isFrozen(value)) return value;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const own = intern(item);
      if (changed(own, item)) record[key] = own;
    }
  } else if (typeof value === "string") {
    const known = interned.get(value);
    if (known !== undefined) return known as T;
    const own = ownString(value);
    if (own.length <= MAX_INTERNED_LENGTH && interned.size < MAX_INTERNED) interned.set(own, own);
    return own as T;
  }
  return value;
}

/** A job's entry once its rules have run; a fresh outcome goes into the cache. */
export function completeJob(job: LintJob, result: JobResult, cache: ResultCache | undefined): FileEntry {
  const { outcome } = result;
  if (cache && job.stamp) cache.set(job.filePath, job.stamp, job.content, job.linting.settings!, result.unfixed ?? outcome);
  const entry = entryFor(job.filePath, job.linting, outcome, job);
  if (result.output !== undefined) {
    entry.output = result.output;
    entry.unfixed = intern(result.unfixed!);
  }
  if (keepText(entry.outcome, job.given) || entry.output !== undefined) entry.text = job.text;
  return entry;
}

/**
 * Reads one file up to the point where its rules would run: the entry when there is nothing to run (not ours,
 * unreadable, too large, or its outcome in the cache), else the job. The text's marker test runs here, once: the
 * parser behind `lintSource` trusts it.
 */
export function prepareFile(filePath: string, configs: Configs, options: LintOptions, cache: ResultCache | undefined, extra: ReadExtras = {}): { entry: FileEntry | undefined } | { job: LintJob } {
  const { given } = extra;
  const reference = extra.referenced?.get(filePath);
  const uses = extra.dataUses?.get(filePath);
  let stamp: string | undefined;
  if (cache && !given) {
    const info = statSync(filePath, { throwIfNoEntry: false });
    if (info?.isFile()) {
      stamp = fileStamp(info);
      const cached = fromCache(filePath, configs, options, cache, stamp, reference, uses);
      if (cached !== undefined) return { entry: cached ?? undefined };
    }
  }
  // Only a regular file is read, its size checked first: a FIFO or a device is this file's error, not a hang.
  const read = given ? fromBuffer(given, MAX_FILE_BYTES) : (configs.texts.take(filePath) ?? readTextFile(filePath, { maxBytes: MAX_FILE_BYTES, listedAsFile: extra.listed?.has(filePath) === true }));
  if (!read.ok && read.code !== "EFBIG") return { entry: notLinted(filePath, 2, `File not read: ${read.reason}.`) };
  const sniffed = read.ok ? read : given ? fromBuffer(given.subarray(0, SNIFF_BYTES), SNIFF_BYTES) : readTextFile(filePath, { maxBytes: SNIFF_BYTES, truncate: true });
  if (!sniffed.ok) return { entry: notLinted(filePath, 2, `File not read: ${sniffed.reason}.`) };
  const { text, bom, encoding } = sniffed;
  // Cheap tests first: most JSON in a monorepo is not ours and never reaches a config lookup or a parser.
  if (text.includes("\u0000")) return { entry: nulBytes(filePath, text) };
  if (!mightBeEcrFile(text, filePath) && !uses) {
    // Most files end here: their content is hashed only for a cache to remember them by.
    if (cache && stamp && read.ok) cache.setNotOurs(filePath, stamp, hashText(text));
    return { entry: undefined };
  }
  const content = hashText(text);
  const loaded = configs.forFile(filePath);
  if (options.ignore !== false && configs.ignores(loaded, filePath)) return { entry: undefined };
  if (!read.ok) return { entry: { filePath, bom, encoding, text: "", outcome: { status: "too-large", bytes: read.bytes ?? MAX_FILE_BYTES + 1, severity: notLintedSeverity(configs.rules(loaded)) } } };
  // A bucket, key or role policy leaves before its context is built, unless a config or a Terraform file() declares
  // its kind: the parser would drop it (see plainlyForeignFile). With a cache it goes on, remembered by its outcome.
  if (!cache && !reference && !uses && plainlyForeignFile(text, { filePath }) && !declaredKindForFile(filePath, loaded)) return { entry: undefined };
  const linting = sourceContext(filePath, loaded, configs, options, cache, reference, uses);
  const cached = cache?.get(filePath, content, linting.settings!);
  if (cached) {
    // The same text under a new stamp (a checkout touched it): recorded, so that the next run need not read it.
    if (stamp && cache!.unchanged(filePath, stamp) === undefined) cache!.restamp(filePath, stamp);
    const entry = completeJob({ filePath, text, bom, encoding, content, stamp: undefined, linting, given: given !== undefined, ...(reference ? { reference } : {}), ...(uses ? { uses } : {}) }, { outcome: cached.outcome }, undefined);
    return { entry: { ...entry, storedFacts: cached.facts } };
  }
  return { job: { filePath, text, bom, encoding, content, stamp, linting, given: given !== undefined, ...(reference ? { reference } : {}), ...(uses ? { uses } : {}) } };
}

/**
 * Reads one file and lints it alone (single-file rules, cross-file facts, fixes), or returns undefined for a file
 * that is not ours or that a nested config ignores. An unchanged file's outcome comes from the cache.
 */
export async function readFile(filePath: string, configs: Configs, options: LintOptions, cache: ResultCache | undefined, extra: ReadExtras = {}): Promise<FileEntry | undefined> {
  const prepared = prepareFile(filePath, configs, options, cache, extra);
  if ("entry" in prepared) return prepared.entry;
  const { job } = prepared;
  // The HCL grammar loads for the first Terraform file that is read, never for one whose outcome was cached.
  if (isTerraformFile(filePath)) await loadTerraformParser();
  if (!extra.factsOnly) return completeJob(job, lintHere(job, options), cache);
  const facts = { ...job, linting: { ...job.linting, context: factsOnlyContext(job.linting.context) } };
  return completeJob(facts, lintHere(facts, options), undefined);
}

/**
 * Runs a job's rules in this thread. The outcome is not copied as a worker's answer is: {@link completeJob} interns
 * its strings, which copies each one that might hold the file's text (see {@link ownString}).
 */
export function lintHere(job: LintJob, options: LintOptions): JobResult {
  return runRulesOn(job.text, job.linting.context, options);
}
