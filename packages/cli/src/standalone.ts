import { readFileSync } from "node:fs";
import { realpath } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import picomatch from "picomatch";
import {
  ConfigLocator,
  formatMessage,
  mightBeEcrFile,
  registryForFile,
  RULE_PREFIX,
  ruleDocsUrl,
  trustFromConfig,
  type ConfigResult,
  type LintMessage,
  type LoadedConfig,
} from "@ecrlint/core";
import { ResultCache, defaultCacheLocation, hashText } from "./cache.js";
import { applyDirectives } from "./directives.js";
import { DEFAULT_FILES, discoverFiles, toPosix } from "./discover.js";
import { configError, EcrlintError, usageError } from "./errors.js";
import { writeFileAtomic } from "./fs-utils.js";
import { changedFiles, repositoryRoot } from "./git.js";
import { fixSource, lintSource, type SourceContext, type SourceOutcome } from "./lint-source.js";
import type { ProjectFile, ProjectReport } from "./project-rule.js";
import { knownRules, resolveRules, validateRuleSettings, type ResolvedRules } from "./rules-config.js";
import type { LintOptions, LintReport, LintResult, RuleDescription, SuppressedLintMessage } from "./types.js";
import { cacheVersion } from "./version.js";

/** Nothing of ours comes near this (a registry policy is at most 10,240 characters); bigger files are not parsed. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;


interface FileEntry {
  filePath: string;
  bom: boolean;
  /** The text as read, without BOM. */
  text: string;
  context?: SourceContext;
  outcome: SourceOutcome | { status: "too-large"; bytes: number };
  /** The text after fixes, when fixing changed it. */
  output?: string;
}

function unwrap(result: ConfigResult): LoadedConfig | undefined {
  if (!result.ok) throw configError(result.error);
  return result.loaded;
}

function byLocation(a: LintMessage, b: LintMessage): number {
  return a.line - b.line || a.column - b.column;
}

/** Per-run view of the configs: each one found, validated and resolved once. */
export class Configs {
  private readonly locator: ConfigLocator;
  private readonly resolved = new Map<LoadedConfig | undefined, ResolvedRules>();
  private readonly ignoreMatchers = new Map<LoadedConfig, (path: string) => boolean>();
  readonly root: LoadedConfig | undefined;

  constructor(
    readonly cwd: string,
    private readonly options: LintOptions,
  ) {
    this.locator = new ConfigLocator();
    this.root = options.configFile ? this.explicit(resolve(cwd, options.configFile)) : this.checked(unwrap(this.locator.forDirectory(cwd)));
    const overrideError = validateRuleSettings(options.rules, undefined);
    if (overrideError) throw new EcrlintError("usage", `rules option: ${overrideError.keyPath}: ${overrideError.message}`);
  }

  private explicit(path: string): LoadedConfig | undefined {
    const result = this.locator.load(path);
    if (!result.ok && /ENOENT/.test(result.error.message)) throw new EcrlintError("config", `${path}: config file not found`, path);
    return this.checked(unwrap(result));
  }

  private checked(loaded: LoadedConfig | undefined): LoadedConfig | undefined {
    const error = validateRuleSettings(loaded?.config.rules, loaded?.filePath);
    if (error) throw configError(error);
    return loaded;
  }

  /** The config that governs a file: `--config` for all, else the nearest one. */
  forFile(filePath: string): LoadedConfig | undefined {
    if (this.options.configFile) return this.root;
    const loaded = unwrap(this.locator.forDirectory(dirname(filePath)));
    if (loaded !== this.root && !this.resolved.has(loaded)) this.checked(loaded);
    return loaded;
  }

  rules(loaded: LoadedConfig | undefined): ResolvedRules {
    let rules = this.resolved.get(loaded);
    if (!rules) {
      rules = resolveRules(loaded?.config.rules, this.options.rules, this.options.quiet ?? false);
      this.resolved.set(loaded, rules);
    }
    return rules;
  }

  /** A nested config's own `ignores` (the root config's were applied while discovering). */
  ignores(loaded: LoadedConfig | undefined, filePath: string): boolean {
    if (!loaded || loaded === this.root || !loaded.config.ignores?.length) return false;
    let match = this.ignoreMatchers.get(loaded);
    if (!match) {
      match = picomatch(loaded.config.ignores, { dot: true });
      this.ignoreMatchers.set(loaded, match);
    }
    return match(toPosix(relative(loaded.baseDir, filePath)));
  }
}

function emptyResult(filePath: string): LintResult {
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

function finishResult(result: LintResult, text: string | undefined): LintResult {
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
  if (result.output === undefined && text !== undefined && result.errorCount + result.warningCount > 0) result.source = text;
  return result;
}

function warningResult(filePath: string, message: string): LintResult {
  const result = emptyResult(filePath);
  // ESLint's ignore warnings have no location; formatters treat a missing line as "the whole file".
  result.messages.push({ ruleId: null, fatal: false, severity: 1, message } as unknown as LintMessage);
  return finishResult(result, undefined);
}

export function describeRules(): Record<string, RuleDescription> {
  const out: Record<string, RuleDescription> = {};
  for (const rule of knownRules().values()) out[RULE_PREFIX + rule.id] = { meta: rule.meta, url: ruleDocsUrl(rule.id) };
  return out;
}

function readEntry(filePath: string, cwd: string, configs: Configs, options: LintOptions, cache: ResultCache | undefined): FileEntry | undefined {
  let buffer: Buffer;
  try {
    // Synchronous on purpose: for thousands of small files one readFileSync is several times faster than
    // fs.promises.readFile (open, fstat, read and close each a trip through the thread pool).
    buffer = readFileSync(filePath);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new EcrlintError("io", `cannot read ${relative(cwd, filePath) || filePath}: ${e.code ?? e.message}`, filePath);
  }
  let text = buffer.toString("utf8");
  // Cheap tests first: most JSON in a monorepo is not ours and never reaches a config lookup or a parser.
  if (!mightBeEcrFile(text) || text.includes("\u0000")) return undefined;
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  const loaded = configs.forFile(filePath);
  if (options.ignore !== false && configs.ignores(loaded, filePath)) return undefined;
  if (buffer.length > MAX_FILE_BYTES) return { filePath, bom, text, outcome: { status: "too-large", bytes: buffer.length } };
  const rules = configs.rules(loaded);
  const context: SourceContext = { filePath, registry: registryForFile(filePath, loaded), trust: trustFromConfig(loaded), rules };
  let outcome: SourceOutcome | undefined;
  let key: { content: string; settings: string } | undefined;
  if (cache) {
    key = { content: hashText(text), settings: hashText(`${rules.signature}|${JSON.stringify(context.registry)}|${JSON.stringify(context.trust)}`) };
    outcome = cache.get(filePath, key.content, key.settings);
  }
  if (!outcome) {
    outcome = lintSource(text, context);
    if (cache && key) cache.set(filePath, key.content, key.settings, outcome);
  }
  const entry: FileEntry = { filePath, bom, text, context, outcome };
  if ((options.fix || options.fixDryRun) && outcome.status === "ours") {
    const fixed = fixSource(text, outcome, context, options.quiet ?? false);
    if (fixed.text !== text) {
      entry.output = fixed.text;
      entry.outcome = fixed.outcome;
    }
  }
  return entry;
}

interface ProjectOutcome {
  messages: Map<string, LintMessage[]>;
  ties: Map<string, Set<string>>;
}

function runProjectRules(entries: FileEntry[], cwd: string): ProjectOutcome {
  const messages = new Map<string, LintMessage[]>();
  const ties = new Map<string, Set<string>>();
  const tie = (a: string, b: string) => {
    if (!ties.has(a)) ties.set(a, new Set());
    if (!ties.has(b)) ties.set(b, new Set());
    ties.get(a)!.add(b);
    ties.get(b)!.add(a);
  };
  const enabled = new Set<string>();
  for (const e of entries) for (const id of e.context?.rules.project.keys() ?? []) enabled.add(id);
  for (const id of [...enabled].sort()) {
    const rule = knownRules().get(id)!.project!;
    const byPath = new Map<string, FileEntry>();
    const files: ProjectFile<unknown, unknown>[] = [];
    for (const e of entries) {
      if (e.outcome.status !== "ours" || !e.context || !(id in e.outcome.facts)) continue;
      const configured = e.context.rules.project.get(id)!;
      byPath.set(e.filePath, e);
      files.push({
        filePath: e.filePath,
        relativePath: toPosix(relative(cwd, e.filePath)),
        kind: e.outcome.kind,
        registry: e.context.registry,
        facts: e.outcome.facts[id],
        options: configured.options,
      });
    }
    const report = (d: ProjectReport) => {
      const entry = byPath.get(d.filePath);
      const configured = entry?.context?.rules.project.get(id);
      if (!configured) return;
      const list = messages.get(d.filePath) ?? [];
      list.push({
        ruleId: RULE_PREFIX + id,
        severity: configured.severity,
        message: formatMessage(rule.meta.messages[d.messageId] ?? d.messageId, d.data),
        messageId: d.messageId,
        ...d.loc,
      });
      messages.set(d.filePath, list);
    };
    try {
      rule.check({ files, report, tie });
    } catch (error) {
      throw new EcrlintError("internal", `rule ${RULE_PREFIX}${id} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { messages, ties };
}

function selectFiles(entries: FileEntry[], changed: Set<string> | undefined, ties: Map<string, Set<string>>): Set<string> {
  if (!changed) return new Set(entries.map((e) => e.filePath));
  const selected = new Set<string>();
  for (const e of entries) {
    if (!changed.has(e.filePath)) continue;
    selected.add(e.filePath);
    for (const other of ties.get(e.filePath) ?? []) selected.add(other);
  }
  return selected;
}

function resultFor(entry: FileEntry, projectMessages: LintMessage[], options: LintOptions): LintResult {
  const result = emptyResult(entry.filePath);
  const bom = entry.bom ? "\uFEFF" : "";
  const { outcome } = entry;
  if (entry.output !== undefined) result.output = bom + entry.output;
  const finalText = entry.output ?? entry.text;
  if (outcome.status === "too-large") {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    result.messages.push({
      ruleId: null,
      fatal: false,
      severity: 1,
      message: `File not linted: ${mb(outcome.bytes)} MB is over the ${mb(MAX_FILE_BYTES)} MB limit for policy files.`,
      line: 1,
      column: 1,
    });
  } else if (outcome.status === "fatal") {
    result.messages.push(outcome.message);
  } else if (outcome.status === "ours") {
    const all = [...outcome.messages, ...projectMessages].sort(byLocation);
    const applied = applyDirectives(outcome.directives, all, finalText, true);
    result.messages = applied.messages;
    result.suppressedMessages = applied.suppressed as SuppressedLintMessage[];
  }
  if (options.quiet) {
    result.messages = result.messages.filter((m) => m.severity === 2);
    result.suppressedMessages = result.suppressedMessages.filter((m) => m.severity === 2);
  }
  return finishResult(result, bom + finalText);
}

/**
 * Lints the policy files of a repository: the programmatic API behind the `ecrlint` command. It prints nothing and
 * never exits; problems that stop the run (bad config, bad pattern, unreadable file) reject with an EcrlintError.
 */
export async function lint(options: LintOptions = {}): Promise<LintReport> {
  let cwd: string;
  try {
    cwd = await realpath(resolve(options.cwd ?? process.cwd()));
  } catch {
    throw usageError(`the working directory ${options.cwd} does not exist`);
  }
  if (options.maxWarnings !== undefined && !(Number.isInteger(options.maxWarnings) && options.maxWarnings >= 0)) {
    throw usageError("--max-warnings must be a non-negative integer");
  }
  if (options.fix && options.fixDryRun) throw usageError("--fix and --fix-dry-run cannot be used together");
  const configs = new Configs(cwd, options);
  const root = configs.root;
  const discovery = await discoverFiles({
    root: cwd,
    patterns: options.patterns ?? [],
    files: root?.config.files?.length ? root.config.files : DEFAULT_FILES,
    ignores: root?.config.ignores ?? [],
    base: root?.baseDir ?? cwd,
    useIgnores: options.ignore !== false,
  });
  const changed = options.changedSince ? await changedFiles(cwd, options.changedSince) : undefined;
  const fixing = options.fix || options.fixDryRun;
  const cache = options.cache && !fixing ? await ResultCache.open(options.cacheLocation ?? defaultCacheLocation(cwd), cacheVersion()) : undefined;

  const entries: FileEntry[] = [];
  for (const filePath of discovery.files) {
    const entry = readEntry(filePath, cwd, configs, options, cache);
    if (entry) entries.push(entry);
  }
  const project = runProjectRules(entries, cwd);
  const selected = selectFiles(entries, changed, project.ties);

  const results: LintResult[] = [];
  const fixedFiles: string[] = [];
  for (const entry of entries) {
    if (!selected.has(entry.filePath) || entry.outcome.status === "not-ours") continue;
    const result = resultFor(entry, project.messages.get(entry.filePath) ?? [], options);
    if (options.fix && entry.output !== undefined) {
      try {
        await writeFileAtomic(entry.filePath, result.output!);
      } catch (error) {
        throw new EcrlintError("io", `cannot write ${relative(cwd, entry.filePath)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, entry.filePath);
      }
      fixedFiles.push(entry.filePath);
    }
    results.push(result);
  }
  for (const filePath of discovery.ignoredExplicit) {
    results.push(warningResult(filePath, 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings.'));
  }
  for (const filePath of discovery.outsideRoot) {
    results.push(warningResult(filePath, "File ignored because outside of base path."));
  }
  results.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));

  if (cache) {
    cache.retain(entries.map((e) => e.filePath));
    await cache.save().catch(() => undefined);
  }
  const errorCount = results.reduce((n, r) => n + r.errorCount, 0);
  const warningCount = results.reduce((n, r) => n + r.warningCount, 0);
  return {
    results,
    errored: errorCount > 0 || (options.maxWarnings !== undefined && warningCount > options.maxWarnings),
    errorCount,
    warningCount,
    cwd,
    rootDir: repositoryRoot(cwd) ?? cwd,
    rulesMeta: describeRules(),
    fixedFiles,
  };
}
