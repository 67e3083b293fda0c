import { realpath } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { encodeText, type LintMessage } from "@ecrlint/core";
import { ResultCache, defaultCacheLocation } from "./cache.js";
import { Configs } from "./configs.js";
import { DEFAULT_FILES, discoverFiles, isIgnoredPath, isInside, toPosix } from "./discover.js";
import { usageError } from "./errors.js";
import { describeWriteError, writeFileInPlace } from "./fs-utils.js";
import { changedFiles, repositoryRoot } from "./git.js";
import { dropFacts, hasFacts } from "./entry-facts.js";
import { cachedProjectRules, runProjectRules, projectOutcome, type ProjectOutcome } from "./project.js";
import { EARLY_START_FILES, earlyPoolSize, LintPool, poolPossible, poolSize } from "./pool.js";
import { completeJob, lintHere, prepareFile, readFile, type FileEntry, type LintJob, type ReadExtras } from "./read-file.js";
import { prepareTerraform, terraformReferences } from "./terraform-references.js";
import { emptyResult, resultFor, selectFiles, sortResults, summarize, warningResult } from "./results.js";
import { describeRules } from "./rules-config.js";
import type { LintOptions, LintReport, LintResult, LintTextOptions } from "./types.js";
import { cacheVersion } from "./version.js";
import { projectNotReadNotice, runStats, unknownRegistryNotice } from "./notices.js";

async function runRoot(options: LintOptions): Promise<string> {
  try {
    return await realpath(resolve(options.cwd ?? process.cwd()));
  } catch {
    throw usageError(`the working directory ${options.cwd} does not exist`);
  }
}

function checkOptions(options: LintOptions): void {
  if (options.maxWarnings !== undefined && !(Number.isInteger(options.maxWarnings) && options.maxWarnings >= 0)) {
    throw usageError("--max-warnings must be a non-negative integer");
  }
  if (options.fix && options.fixDryRun) throw usageError("--fix and --fix-dry-run cannot be used together");
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 0)) throw usageError("workers must be a non-negative integer");
}

/**
 * Writes one file's fixes as ESLint does: in place, through symlinks, keeping owner, mode, hard links and encoding.
 * Returns why the file could not be written, if it could not.
 */
async function writeFix(entry: FileEntry): Promise<string | undefined> {
  try {
    await writeFileInPlace(entry.filePath, encodeText(entry.output!, entry.encoding, entry.bom));
    return undefined;
  } catch (error) {
    return describeWriteError(error);
  }
}

/** A file whose fixes could not be written: its findings as it still is, and the write error, first. */
function unwrittenResult(entry: FileEntry, projectMessages: LintMessage[], options: LintOptions, why: string): LintResult {
  const { output: _output, unfixed, ...rest } = entry;
  const result = resultFor({ ...rest, outcome: unfixed ?? entry.outcome }, projectMessages, options);
  result.messages.unshift({ ruleId: null, fatal: true, severity: 2, message: `File not written: ${why}. Its fixes were not applied.`, line: 1, column: 1 });
  result.errorCount++;
  result.fatalErrorCount++;
  return result;
}

/** ESLint's warning for a file named on the command line outside the base path (`Configs.base`), in any folder of it. */
const OUTSIDE_BASE_PATH = "File ignored because outside of base path.";

/** ESLint's warning for a file named on the command line (or standard input's name) that no `files` glob matches. */
const NO_MATCHING_CONFIGURATION = "File ignored because no matching configuration was supplied.";

/** ESLint 10's warning for a file named on the command line that an ignore pattern skips (eslint-helpers.js). */
function ignoredMessage(filePath: string, cwd: string): string {
  if (dirname(relative(cwd, filePath)).split(sep).includes("node_modules")) {
    return 'File ignored by default because it is located under the node_modules directory. Use ignore pattern "!**/node_modules/" to disable file ignore settings or use "--no-warn-ignored" to suppress this warning.';
  }
  return 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings or use "--no-warn-ignored" to suppress this warning.';
}

function discover(options: LintOptions, configs: Configs, cwd: string, patterns: string[], onFound?: (count: number) => void) {
  const root = configs.root;
  return discoverFiles({
    root: configs.base,
    cwd,
    patterns,
    files: root?.config.files?.length ? root.config.files : DEFAULT_FILES,
    ignores: root?.config.ignores ?? [],
    base: root?.baseDir ?? configs.base,
    useIgnores: options.ignore !== false,
    listing: configs.listing,
    ...(options.errorOnUnmatchedPattern === false ? { errorOnUnmatchedPattern: false } : {}),
    ...(onFound ? { onFound } : {}),
    ignoredByNestedConfig: (path: string, folder: boolean) => configs.ignores(configs.forFile(path), path, folder),
  });
}

/**
 * The files under the named `folders` that a Terraform file reads (`templatefile("${path.module}/t/a.tftpl", …)`):
 * linted like a template named on its own, unless an ignore pattern or .gitignore hides it.
 */
function templatesUnder(folders: readonly string[], referenced: ReadonlyMap<string, unknown>, configs: Configs, options: LintOptions): string[] {
  if (folders.length === 0) return [];
  const ignores = configs.rootIgnores(options.ignore !== false);
  return [...referenced.keys()].filter((p) => folders.some((dir) => isInside(dir, p)) && !isIgnoredPath(p, ignores));
}

/**
 * The rest of the project, for cross-file rules when only some files were named (`ecrlint infra/replication.json`
 * from lint-staged, or standard input) or the run started below the project's top (`cd infra && ecrlint`): its
 * files are read for their facts, never reported or fixed, so a named file gets what a full run reports on it. The
 * project around a file is the folder of the outermost config that governs it inside the base path (the
 * repository's, in a monorepo with one root config), else the base path. Skipped when no
 * named file takes part in a cross-file rule. With `--cache`, an unchanged file's facts are the cache's; any other
 * file passes the cheap text test first and then runs the cross-file rules' `collect` only, not the single-file
 * rules, whose findings on it nobody reads. A file the run has read already is not read again (what it yields is in
 * `foreground`, or it is not ours), nor is a project walked again that is inside a folder the run walked (`ecrlint`
 * from the project's top).
 */
async function backgroundEntries(foreground: FileEntry[], options: LintOptions, configs: Configs, cwd: string, cache: ResultCache | undefined, done: Run["done"]): Promise<{ entries: FileEntry[]; alone: string[] }> {
  const roots = new Set<string>();
  const alone: string[] = [];
  for (const e of foreground) {
    if (!hasFacts(e)) continue;
    const root = configs.projectRoot(e.filePath);
    // Outside any project (see Configs.marksProject), a file is compared with the other named files only.
    if (configs.marksProject(root)) roots.add(root);
    else if (!done?.folders.some((folder) => isInside(folder, e.filePath))) alone.push(e.filePath);
  }
  const walked = done?.folders ?? [];
  const unwalked = [...roots].filter((root) => !walked.some((folder) => isInside(folder, root)));
  if (unwalked.length === 0) return { entries: [], alone };
  const named = new Set([...foreground.map((e) => e.filePath), ...(done?.files ?? [])]);
  const { files, listed } = await discover({ ...options, errorOnUnmatchedPattern: false }, configs, cwd, unwalked.map((root) => relative(cwd, root) || "."));
  const readOnly: LintOptions = { ...options, fix: false, fixDryRun: false };
  const terraform = await terraformReferences(files, cwd, [...roots], configs.listing);
  const out: FileEntry[] = [];
  for (const filePath of files) {
    if (named.has(filePath)) continue;
    const entry = await readFile(filePath, configs, readOnly, cache, { referenced: terraform.referenced, dataUses: terraform.dataUses, listed, factsOnly: true });
    if (entry && hasFacts(entry)) out.push(entry);
  }
  return { entries: out, alone };
}

/** The projects (see `Configs.projectRoot`) that `files` are in. */
function projectRoots(files: readonly string[], configs: Configs): string[] {
  return [...new Set(files.map((f) => configs.projectRoot(f)))];
}

/**
 * Cross-file rules join the files of one project at a time: a tree with its own outermost config (an example, a
 * fixture, a second repository checked out inside) is never joined with its neighbours, as in the ESLint plugin.
 */
function runProjects(entries: FileEntry[], configs: Configs, cwd: string, cache: ResultCache | undefined, changedSince: boolean): ProjectOutcome {
  const groups = new Map<string, FileEntry[]>();
  const rootOf = new Map<string, string>();
  for (const e of entries) {
    if (!hasFacts(e)) continue;
    const root = configs.projectRoot(e.filePath);
    rootOf.set(e.filePath, root);
    const group = groups.get(root);
    if (group) group.push(e);
    else groups.set(root, [e]);
  }
  const parts = new Map<string, ProjectOutcome>();
  const ties = new Map<string, Set<string>>();
  for (const [root, group] of groups) {
    // In path order whatever the order of reading (named files first): the same project is the same input.
    group.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
    const part = cache ? cachedProjectRules(group, cwd, root, cache, changedSince) : projectOutcome(runProjectRules(group, cwd, changedSince));
    parts.set(root, part);
    for (const [path, set] of part.ties) ties.set(path, set);
  }
  // A file's findings are its project's.
  const none = { messages: [], relations: [] };
  return { ties, of: (filePath) => parts.get(rootOf.get(filePath)!)?.of(filePath) ?? none };
}

interface Run {
  cwd: string;
  configs: Configs;
  /** The files to report, read. */
  entries: FileEntry[];
  /** Files named on the command line that the run skips, with ESLint's warning. */
  skipped: { filePath: string; message: string }[];
  /**
   * Things that look like policy files but were not read (a FIFO, a broken symlink, a link out of the root), and
   * folders that could not be listed (`folder`).
   */
  unread: { filePath: string; reason: string; folder?: true }[];
  cache: ResultCache | undefined;
  /** How many files discovery found, and when the run began (for the summary line). */
  discovered: number;
  startedAt: number;
  /** What to call a file in notices when it is not a path (standard input without a file name is `<text>`). */
  shownAs?: (filePath: string) => string;
  /** Files re-checked together under `--changed-since` beyond the cross-file rules' ties (Terraform and the files it reads). */
  ties?: Map<string, Set<string>>;
  /**
   * What the run has read: every file (whether or not it yielded an entry) and the folders discovery walked from
   * their top, whose files are all among them. The rest of the project around named files skips both.
   */
  done?: { files: readonly string[]; folders: readonly string[] };
}

function mergeTies(a: Map<string, Set<string>>, b: Map<string, Set<string>> | undefined): Map<string, Set<string>> {
  if (!b) return a;
  const out = new Map([...a].map(([k, v]) => [k, new Set(v)]));
  for (const [k, v] of b) for (const other of v) (out.get(k) ?? out.set(k, new Set()).get(k)!).add(other);
  return out;
}

async function finish(run: Run, options: LintOptions): Promise<LintReport> {
  const { cwd, entries, configs, cache } = run;
  // Named files and folders are a part of their project, and so is the working directory when it is below the
  // project's top (`cd infra && ecrlint`): cross-file rules still see the whole of it, and under --changed-since a
  // change outside the run's files re-checks the files tied to it.
  const background = await backgroundEntries(entries, options, configs, cwd, cache, run.done);
  const project = runProjects([...entries, ...background.entries], configs, cwd, cache, options.changedSince !== undefined);
  // The facts have been joined: a result needs none of them, and a compiled policy kept for them may be let go.
  dropFacts(entries);
  const changed = options.changedSince ? await changedFiles(cwd, options.changedSince) : undefined;
  const selected = selectFiles(entries, changed, mergeTies(project.ties, run.ties));

  // What the summary and the notice need of the entries, before the entries are let go one by one below.
  const stats = runStats(entries, selected, run.discovered, run.startedAt);
  const notices = [unknownRegistryNotice(entries, cwd, configs.base, run.shownAs), projectNotReadNotice(background.alone, cwd, run.shownAs)].filter((n) => n !== undefined);
  const results: LintResult[] = [];
  const fixedFiles: string[] = [];
  // A result copies its file's findings: each entry is dropped once its result is made, so that a run over 25,000
  // files never holds both.
  const remaining: (FileEntry | undefined)[] = entries;
  for (let i = 0; i < remaining.length; i++) {
    const entry = remaining[i]!;
    remaining[i] = undefined;
    if (!selected.has(entry.filePath) || entry.outcome.status === "not-ours") continue;
    const { messages: projectMessages, relations } = project.of(entry.filePath);
    // A file that cannot be written is that file's error; the run goes on and fixes the others.
    const unwritten = options.fix && entry.output !== undefined ? await writeFix(entry) : undefined;
    if (options.fix && entry.output !== undefined && unwritten === undefined) fixedFiles.push(entry.filePath);
    results.push(unwritten === undefined ? resultFor(entry, projectMessages, options, relations) : unwrittenResult(entry, projectMessages, options, unwritten));
  }
  // ESLint's warnings for files named on the command line that the run skips; `--no-warn-ignored` drops them.
  if (options.warnIgnored !== false) for (const { filePath, message } of run.skipped) results.push(warningResult(filePath, message));
  for (const { filePath, reason, folder } of run.unread) {
    results.push(folder ? warningResult(filePath, `Folder not read: ${reason}. The files in it were not linted.`, 2) : warningResult(filePath, `File not linted: ${reason}.`));
  }

  const unsaved = cache?.save();
  if (unsaved) notices.push({ id: "cache-not-saved", message: `${unsaved}; the next run lints every file again.`, details: [], files: [] });
  return {
    results: sortResults(results),
    ...summarize(results, options),
    cwd,
    // Outside git, the base path holds every file the run lints, where the working directory may not.
    rootDir: repositoryRoot(cwd) ?? configs.base,
    rulesMeta: describeRules(),
    fixedFiles,
    stats,
    notices,
  };
}

/** How long this thread lints, in ms, before it takes in the workers' answers and sends them their next batches. */
const LINT_TURN_MS = 8;

/**
 * This thread lints jobs still waiting for a worker, from the end of the queue while the workers take from its
 * start, for as long as `more()` says: while the pool is backlogged, and once every file is read, until every job is
 * answered (on 2 cores the reading thread would otherwise idle for most of a large run). It turns to the event loop
 * every {@link LINT_TURN_MS} ms so that a worker that answers gets its next batch at once. A job's answer is the
 * same from either thread (the same rules on the same text and context).
 */
async function lintAlongside(pool: LintPool, sent: Map<number, LintJob>, options: LintOptions, more: () => boolean): Promise<void> {
  let turn = performance.now();
  while (more()) {
    const taken = pool.takeBack();
    if (!taken) {
      await pool.answered();
      continue;
    }
    const job = sent.get(taken.id)!;
    await prepareTerraform([job.filePath]);
    // A rule that throws here fails the run, as it does in a run without workers.
    taken.done({ id: taken.id, result: lintHere(job, options) });
    if (performance.now() - turn >= LINT_TURN_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      turn = performance.now();
    }
  }
}

/** How many files are read between two turns of the event loop, in which the workers' answers are taken in. */
const FILES_PER_TURN = 64;

/**
 * Reads and lints the files, in their order. Files whose rules must run wait in this thread until there are enough
 * of them for a worker pool to pay (pool.ts); from then on they are queued for the pool as they are read, and the
 * workers take them in batches while this thread reads on. A pool started early (`early`, while discovery walks) is
 * used from then on too, and closed unused when the run has too few files for it. Either way the entries come back
 * in the files' order.
 */
async function readAll(files: string[], configs: Configs, options: LintOptions, cache: ResultCache | undefined, cwd: string, extra: ReadExtras, early: LintPool | undefined): Promise<FileEntry[]> {
  const slots: (FileEntry | undefined)[] = new Array(files.length);
  const pending: { index: number; job: LintJob }[] = [];
  let pool: LintPool | undefined;
  let failure: Error | undefined;
  const lost: { index: number; job: LintJob }[] = [];
  const pooling = early !== undefined || poolPossible(options);
  // The jobs sent to the pool and not answered yet, by index: the ones still waiting for a worker can be taken back.
  const sent = new Map<number, LintJob>();
  // A rule that throws in a worker fails the run as it would in this thread.
  const send = (index: number, job: LintJob) => {
    sent.set(index, job);
    return pool!.submit({ id: index, filePath: job.filePath, text: job.text, ...(job.reference ? { reference: job.reference } : {}), ...(job.uses ? { uses: job.uses } : {}) }, (reply) => {
      sent.delete(index);
      if ("error" in reply) failure ??= new Error(reply.error);
      else if ("lost" in reply) lost.push({ index, job });
      else slots[index] = completeJob(job, reply.result, cache);
    });
  };
  try {
    for (let index = 0; index < files.length; index++) {
      if (pool && index % FILES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const prepared = prepareFile(files[index]!, configs, options, cache, extra);
      if ("entry" in prepared) {
        slots[index] = prepared.entry;
        continue;
      }
      if (pool) {
        send(index, prepared.job);
        if (pool.backlogged) await lintAlongside(pool, sent, options, () => pool!.backlogged);
        continue;
      }
      if (!pooling) {
        // No worker will ever take it: linted now, so that the run never holds the texts of the files waiting.
        await prepareTerraform([prepared.job.filePath]);
        slots[index] = completeJob(prepared.job, lintHere(prepared.job, options), cache);
        continue;
      }
      pending.push({ index, job: prepared.job });
      const size = poolSize(options, pending.length, files.length);
      if (size > 0) {
        early?.grow(size);
        pool = early ?? new LintPool(size, { cwd, options, folders: configs.workerFolders() });
        for (const { index: i, job } of pending.splice(0)) send(i, job);
      }
    }
    if (pool) {
      pool.finishing();
      await lintAlongside(pool, sent, options, () => pool!.outstanding > 0);
    }
    if (failure) throw failure;
    // Files read in this thread: the grammar loads now, only when one of them is Terraform and missed the cache.
    await prepareTerraform([...pending, ...lost].map(({ job }) => job.filePath));
    const left = [...pending.splice(0), ...lost.splice(0)];
    for (let i = 0; i < left.length; i++) {
      const { index, job } = left[i]!;
      // Let go as soon as linted: a job holds its file's text.
      left[i] = undefined!;
      slots[index] = completeJob(job, lintHere(job, options), cache);
    }
  } finally {
    await (pool ?? early)?.close();
  }
  return slots.filter((entry) => entry !== undefined);
}

/**
 * Lints the policy files of a repository: the programmatic API behind the `ecrlint` command. It prints nothing and
 * never exits; problems that stop the run (bad config, bad pattern, unreadable file) reject with an EcrlintError.
 *
 * The pipeline: configs → files discovered → each file read and linted alone (read-file.ts) → cross-file rules
 * over what the files yielded (project.ts) → the files to report and their results (results.ts).
 */
export async function lint(options: LintOptions = {}): Promise<LintReport> {
  const startedAt = Date.now();
  const cwd = await runRoot(options);
  checkOptions(options);
  const configs = new Configs(cwd, options);
  const patterns = options.patterns ?? [];
  const pool: PoolHolder = {};
  try {
    return await lintFiles(options, configs, cwd, patterns, pool, startedAt);
  } finally {
    await pool.early?.close();
  }
}

/** The pool started ahead of reading, if any: closed by `lint()` whatever happens. */
interface PoolHolder {
  early?: LintPool;
}

async function lintFiles(options: LintOptions, configs: Configs, cwd: string, patterns: string[], pool: PoolHolder, startedAt: number): Promise<LintReport> {
  // A large tree's workers start while the walk goes on, so that they have loaded the rules when the first files
  // are read; they get the folders the walk lists with their first batch.
  // Asked for, a worker starts at the first file found (with the folders listed so far; the walk's come with its
  // first batch) and loads the rules while this thread walks the tree.
  const startEarly = (found: number) => {
    if (pool.early || (found !== EARLY_START_FILES && (options.workers === undefined || found !== 1))) return;
    const size = earlyPoolSize(options, found);
    if (size > 0) pool.early = new LintPool(size, { cwd, options, folders: configs.workerFolders() });
  };
  const discovery = await discover(options, configs, cwd, patterns, startEarly);
  const size = pool.early ? 0 : earlyPoolSize(options, discovery.files.length);
  if (size > 0) pool.early = new LintPool(size, { cwd, options, folders: configs.workerFolders() });
  else pool.early?.shareFolders(configs.workerFolders());
  const fixing = options.fix || options.fixDryRun;
  const cache = options.cache && !fixing ? await ResultCache.open(options.cacheLocation ?? defaultCacheLocation(cwd), cacheVersion()) : undefined;
  // A policy file read with file() is linted even when its name is not one the run discovers (`policy.json.tpl`).
  // Every .tf file of the projects the run's files are in may read one of them with file(): their kind is the same
  // whatever paths are named. A template the run names (`ecrlint mod/policy.tftpl`) is linted, not ignored.
  // A named folder is a part of its project even when it holds only templates: its project's .tf files are read too.
  const roots = projectRoots([...discovery.files, ...discovery.unmatchedExplicit, ...discovery.folders.map((dir) => join(dir, "_"))], configs);
  // Files named one by one (a pre-commit hook): their projects' .tf files come from git's index where it can tell.
  const named = patterns.length > 0 && !discovery.searched ? [...discovery.files, ...discovery.unmatchedExplicit] : undefined;
  const terraform = await terraformReferences(discovery.files, cwd, roots, configs.listing, named, (root) => configs.marksProject(root));
  const namedTemplates = [...discovery.unmatchedExplicit.filter((p) => terraform.referenced.has(p)), ...templatesUnder(discovery.folders, terraform.referenced, configs, options)];
  for (const empty of discovery.emptyFolders) {
    if (!namedTemplates.some((p) => isInside(empty.path, p))) throw empty.error;
  }
  const files = [...new Set([...discovery.files, ...namedTemplates])].sort();
  let entries: FileEntry[];
  try {
    entries = await readAll(files, configs, options, cache, cwd, { referenced: terraform.referenced, dataUses: terraform.dataUses, listed: discovery.listed }, pool.early);
  } catch (error) {
    cache?.close();
    throw error;
  }
  const skipped = [
    ...discovery.ignoredExplicit.map((filePath) => ({ filePath, message: ignoredMessage(filePath, cwd) })),
    ...discovery.outsideRoot.map((filePath) => ({ filePath, message: OUTSIDE_BASE_PATH })),
    ...discovery.unmatchedExplicit.filter((p) => !terraform.referenced.has(p)).map((filePath) => ({ filePath, message: NO_MATCHING_CONFIGURATION })),
  ];
  const unread = discovery.skipped;
  const done = { files, folders: discovery.folders };
  return finish({ cwd, configs, entries, skipped, unread, cache, discovered: files.length, startedAt, ties: terraform.ties, done }, options);
}

/** ESLint's name for standard input given without --stdin-filename. */
const TEXT_NAME = "<text>";

/**
 * Lints a text as if it were the file `filePath` (ESLint's `lintText`, behind `--stdin`): its config, registry and
 * ignores are those of that path, and cross-file rules read the rest of the repository from disk.
 */
export async function lintText(text: string, options: LintTextOptions = {}): Promise<LintReport> {
  const startedAt = Date.now();
  const cwd = await runRoot(options);
  checkOptions(options);
  const configs = new Configs(cwd, options);
  const filePath = options.filePath !== undefined ? resolve(cwd, options.filePath) : undefined;
  const run: Run = { cwd, configs, entries: [], skipped: [], unread: [], cache: undefined, discovered: 1, startedAt };
  const ignored = (p: string) => isIgnoredPath(p, configs.rootIgnores(true)) || configs.ignores(configs.forFile(p), p);
  // As in ESLint's lintText: a file name outside the base path is not linted, whatever the ignore settings.
  if (filePath !== undefined && !isInside(configs.base, filePath)) {
    run.skipped.push({ filePath, message: OUTSIDE_BASE_PATH });
    return finish(run, options);
  }
  if (filePath !== undefined && options.ignore !== false && ignored(filePath)) {
    run.skipped.push({ filePath, message: ignoredMessage(filePath, cwd) });
    return finish(run, options);
  }
  const path = filePath ?? resolve(cwd, "__placeholder__.json");
  // The other files of a Terraform module are read from disk, as Terraform reads them: they may read its documents.
  const terraform = await terraformReferences([path], cwd, projectRoots([path], configs), configs.listing, [path], (root) => configs.marksProject(root));
  // As a file named on the command line: a name no `files` glob matches is not linted (unless a .tf file reads it).
  // (`ties`: a .tf file reads it, though the name is not on disk yet: an editor's unsaved file.)
  if (filePath !== undefined && !terraform.referenced.has(filePath) && !terraform.ties.has(filePath) && !configs.filesMatch(filePath)) {
    run.skipped.push({ filePath, message: NO_MATCHING_CONFIGURATION });
    return finish(run, options);
  }
  const entry = await readFile(path, configs, options, undefined, { given: Buffer.from(text, "utf8"), referenced: terraform.referenced, dataUses: terraform.dataUses });
  const shown = filePath ?? TEXT_NAME;
  if (filePath === undefined) run.shownAs = (f) => (f === path ? TEXT_NAME : toPosix(relative(cwd, f)));
  if (!entry || entry.outcome.status === "not-ours") {
    const report = await finish(run, options);
    report.results.push(emptyResult(shown));
    return report;
  }
  run.entries.push(entry);
  const report = await finish(run, options);
  if (filePath === undefined) for (const r of report.results) r.filePath = shown;
  return report;
}
