import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { ConfigLocator, POLICY_FILE_EXTENSIONS, readEcrFile, registryForFile, trustFromConfig, hasControls, UNSHOWABLE, type ConfigResult, type ParseProblem, type DiffFailOn, type LoadedConfig, type PolicyFile, type RegistryContext } from "@ecrlint/core";
import { compilePolicy, diffAccess, summarizeAccessDiff, type AccessChange, type AccessDiff, type InconclusiveChange } from "@ecrlint/core/evaluator";
import picomatch from "picomatch";
import { isInside, toPosix } from "./discover.js";
import { configError, EcrlintError } from "./errors.js";
import { filesChangedSince, type ChangedFile } from "./git.js";

export const FAIL_ON_NAMES: readonly DiffFailOn[] = ["new-public", "new-external", "lost-replication", "any-gain"];

/** A row as the report carries it: the engine's row and the commands that reproduce its witness on both versions. */
export interface DiffRow extends AccessChange {
  /** `ecrlint explain <file> …`: the witness on the working tree's version. */
  explain: string;
  /** `ecrlint explain <file> --ref <base commit> …`: the same witness on the base version. */
  explainBase: string;
}

export interface DiffDocument {
  /** Where the policy sits in its file: "" for the whole file, else the host's property path. */
  path: string;
  kind: string;
  status: AccessDiff["status"];
  summary: string;
  gained: DiffRow[];
  lost: DiffRow[];
  inconclusive: InconclusiveChange[];
}

export interface DiffFile {
  /** From the working directory, with slashes. */
  path: string;
  /** For a renamed file: its path at the base, from the working directory. */
  previousPath?: string;
  /** From the repository root, with slashes (SARIF locations). */
  repositoryPath: string;
  documents: DiffDocument[];
}

/** The report `ecrlint diff` prints; its JSON form is described by `@ecrlint/cli/schema/diff.json`. */
export interface DiffReport {
  schemaVersion: 1;
  base: string;
  baseCommit: string;
  summary: string;
  status: AccessDiff["status"];
  files: DiffFile[];
  failOn: DiffFailOn[];
  /**
   * The gates of `failOn` that the change trips: by a row, or by an inconclusive part that could hold such access
   * (a gate never passes on what was not searched).
   */
  failed: DiffFailOn[];
  /** The gates of `failed` that no row trips, only an inconclusive part that could. */
  inconclusiveGates: DiffFailOn[];
  /** Files a side of which cannot be read: no rows are given for them (the command exits 2). */
  errors: DiffError[];
}

/**
 * A version of a changed file that does not parse, or a changed file that could not be read at all: the diff would
 * have to guess, so it gives no rows for the file.
 */
export interface DiffError {
  /** From the working directory, with slashes (the base's path for an error at the base). */
  path: string;
  side: "base" | "working tree";
  line: number;
  column: number;
  message: string;
  /** Neither version could be read (see `ChangedFile.unreadable`): for the summary's words, not in the report. */
  unread?: true;
}

export interface DiffOptions {
  cwd: string;
  base: string;
  patterns?: string[];
  configFile?: string;
  failOn?: DiffFailOn[];
}

type PolicyDocumentFile = Extract<PolicyFile, { kind: "registry-policy" | "repository-policy" }>;

const EMPTY_POLICY = { Version: "2012-10-17", Statement: [] };

function unwrap(result: ConfigResult): LoadedConfig | undefined {
  if (!result.ok) throw configError(result.error);
  return result.loaded;
}

/** The policies of one version of a file; a ParseProblem when the text does not parse (never read as no policy). */
function policies(text: string | undefined, filePath: string, registry: RegistryContext): PolicyDocumentFile[] | ParseProblem {
  if (text === undefined) return [];
  const reading = readEcrFile(text.replace(/^\uFEFF/, ""), { filePath, registry });
  if (reading.status === "parse-error") return reading.error;
  if (reading.status !== "ours") return [];
  return reading.documents.filter((d): d is PolicyDocumentFile => d.kind === "registry-policy" || d.kind === "repository-policy");
}

function quote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  // What a terminal would act on (an escape, a line break, a bidi override) is written as an escape of the shell's
  // ANSI-C quoting (bash, zsh, ksh), so that the command is shown safely and still names the same characters.
  // Each as the bytes of its UTF-8 (`\xe2\x80\xa8`): `\u` escapes need a UTF-8 locale, bytes do not.
  if (hasControls(arg)) return `$'${arg.replace(/[\\']/g, (c) => `\\${c}`).replace(UNSHOWABLE, (c) => [...Buffer.from(c, "utf8")].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join(""))}'`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}


/** Which version of a file an explain command reads, and how. */
export interface ExplainTarget {
  file: string;
  /** The policy's place in its file ("" for a file that is one policy). */
  document: string;
  /** The git ref of the version, or undefined for the working tree. */
  ref?: string;
  /** The policy is not in this version: explain reads it as one with no statements, as the diff compared it. */
  absent?: boolean;
}

/** The explain command line that replays a row's witness on one version of its policy. */
export function explainCommand(target: ExplainTarget, row: AccessChange): string {
  const args = ["ecrlint", "explain", target.file];
  if (target.ref !== undefined) args.push("--ref", target.ref);
  if (target.document) args.push("--document", target.document);
  if (target.absent) args.push("--absent-as-empty");
  args.push("--action", row.witness.action, "--principal", row.witness.principal, "--resource", row.witness.resource);
  for (const [key, value] of Object.entries(row.witness.context ?? {})) for (const v of typeof value === "string" ? [value] : value) args.push("--context", `${key}=${v}`);
  return args.map(quote).join(" ");
}

/**
 * Which changed files to compare: without patterns, those under the working directory; else those a pattern names,
 * relative to the working directory as ESLint reads them, anywhere in the repository (`../infra`, `..`, an absolute
 * path): a file named, a file under a folder named, or a file a glob matches (a relative glob by its path from the
 * working directory, an absolute one by its own).
 */
function matcher(patterns: string[] | undefined, cwd: string): (filePath: string) => boolean {
  if (!patterns?.length) return (filePath) => isInside(cwd, filePath);
  const named = patterns.map((p) => resolve(cwd, p));
  const globs = (list: string[]) => (list.length ? picomatch(list.map(toPosix), { dot: true }) : () => false);
  const relativeGlobs = globs(patterns.filter((p) => !isAbsolute(p)));
  const absoluteGlobs = globs(patterns.filter((p) => isAbsolute(p)));
  return (filePath) => named.some((path) => isInside(path, filePath)) || relativeGlobs(toPosix(relative(cwd, filePath))) || absoluteGlobs(toPosix(filePath));
}

/**
 * ESLint's "No files matching the pattern" for a pattern that names nothing: neither a file or folder on disk, nor a
 * changed file (a deleted one is only at the base), nor, for a glob, any file. A typo (`infra/prdo`) would otherwise
 * pass the access review with "No policy changed access".
 */
async function checkPatternsMatch(patterns: readonly string[], cwd: string, changed: readonly ChangedFile[]): Promise<void> {
  for (const pattern of patterns) {
    const one = matcher([pattern], cwd);
    if (changed.some((f) => one(f.filePath))) continue;
    if (!picomatch.scan(pattern).isGlob) {
      if (existsSync(resolve(cwd, pattern))) continue;
    } else {
      const { globby } = await import("globby");
      if ((await globby(toPosix(pattern), { cwd, dot: true, gitignore: false, onlyFiles: true, followSymbolicLinks: false })).length > 0) continue;
    }
    throw new EcrlintError("usage", `No files matching the pattern "${pattern}" were found.`);
  }
}

/** Whether a file's name is one the runner reads policies from (by its extension), for a file whose text is not known. */
function mayHoldPolicies(filePath: string): boolean {
  const dot = filePath.lastIndexOf(".");
  return dot > filePath.lastIndexOf("/") && POLICY_FILE_EXTENSIONS.includes(filePath.slice(dot + 1).toLowerCase());
}

function diffFile(file: ChangedFile, cwd: string, registry: RegistryContext, baseCommit: string, top: string, trustedAccounts: readonly string[]): DiffFile | DiffError | undefined {
  const path = toPosix(relative(cwd, file.filePath));
  const previousPath = file.previousRepoPath !== undefined ? toPosix(relative(cwd, resolve(top, file.previousRepoPath))) : undefined;
  // A file that may hold policies and could not be read is never passed over as unchanged access.
  if (file.unreadable) {
    const { side, reason } = file.unreadable;
    const at = side === "base" ? (previousPath ?? path) : path;
    return mayHoldPolicies(at) ? { path: at, side, line: 1, column: 1, message: reason, unread: true } : undefined;
  }
  const before = policies(file.before, file.filePath, registry);
  if (!Array.isArray(before)) return { path: previousPath ?? path, side: "base", ...before };
  const after = policies(file.after, file.filePath, registry);
  if (!Array.isArray(after)) return { path, side: "working tree", ...after };
  if (!before.length && !after.length) return undefined;
  const documents: DiffDocument[] = [];
  // Documents pair by their place in the host; a policy only on one side is compared with an empty one.
  const places = [...new Set([...before, ...after].map((d) => d.host.path))];
  for (const place of places) {
    const old = before.find((d) => d.host.path === place);
    const now = after.find((d) => d.host.path === place);
    const diff = diffAccess(old ? compilePolicy(old.policy, { registry }) : compilePolicy(EMPTY_POLICY, { registry }), now ? compilePolicy(now.policy, { registry }) : compilePolicy(EMPTY_POLICY, { registry }), { registry, trustedAccounts });
    const withExplain = (row: AccessChange): DiffRow => ({
      ...row,
      explain: explainCommand({ file: path, document: place, absent: !now }, row),
      explainBase: explainCommand({ file: previousPath ?? path, document: place, ref: baseCommit, absent: !old }, row),
    });
    // A policy of the file whose access did not change (another resource of the template) is not a row of the review.
    if (!diff.gained.length && !diff.lost.length && !diff.inconclusive.length) continue;
    documents.push({ path: place, kind: (now ?? old)!.kind, status: diff.status, summary: summarizeAccessDiff(diff), gained: diff.gained.map(withExplain), lost: diff.lost.map(withExplain), inconclusive: diff.inconclusive });
  }
  return { path, ...(previousPath !== undefined ? { previousPath } : {}), repositoryPath: file.repoPath, documents };
}

/**
 * The gates a report trips, and those of them only an inconclusive part trips. An inconclusive part that could
 * belong to a gate (a gain that could be to anyone or another account, a loss that could be of replication) trips it:
 * a gate is a promise that nothing of its kind got through, which an unsearched part cannot keep.
 */
export function trippedGates(files: readonly DiffFile[], failOn: readonly DiffFailOn[]): { failed: DiffFailOn[]; inconclusive: DiffFailOn[] } {
  const documents = files.flatMap((f) => f.documents);
  const gained = documents.flatMap((d) => d.gained);
  const lost = documents.flatMap((d) => d.lost);
  const unsearched = documents.flatMap((d) => d.inconclusive);
  const byRow: Record<DiffFailOn, boolean> = {
    "new-public": gained.some((r) => r.public),
    "new-external": gained.some((r) => r.external),
    "lost-replication": lost.some((r) => r.replication),
    "any-gain": gained.length > 0,
  };
  const byPart: Record<DiffFailOn, boolean> = {
    "new-public": unsearched.some((i) => i.change === "gain" && i.public),
    "new-external": unsearched.some((i) => i.change === "gain" && i.external),
    "lost-replication": unsearched.some((i) => i.change === "loss" && i.replication),
    "any-gain": unsearched.some((i) => i.change === "gain"),
  };
  return { failed: failOn.filter((gate) => byRow[gate] || byPart[gate]), inconclusive: failOn.filter((gate) => !byRow[gate] && byPart[gate]) };
}

/** The tripped gates for a person: `new-public, lost-replication (inconclusive: a part not searched could hold it)`. */
export function failing(report: Pick<DiffReport, "failed" | "inconclusiveGates">, name: (gate: string) => string = (g) => g): string {
  return report.failed.map((g) => (report.inconclusiveGates.includes(g) ? `${name(g)} (inconclusive: a part of the change not searched could hold it)` : name(g))).join(", ");
}

/** One summary for the whole change, from every document's rows. */
export function summarizeReport(files: readonly DiffFile[]): string {
  const documents = files.flatMap((f) => f.documents);
  const all: AccessDiff = {
    status: documents.every((d) => d.status === "exact") ? "exact" : "inconclusive",
    gained: documents.flatMap((d) => d.gained),
    lost: documents.flatMap((d) => d.lost),
    inconclusive: documents.flatMap((d) => d.inconclusive),
  };
  return summarizeAccessDiff(all);
}

/** The summary, saying how many changed files were not compared (a version that does not parse), when some were not. */
function withUncompared(summary: string, errors: readonly DiffError[]): string {
  if (errors.length === 0) return summary;
  const why = errors.every((e) => e.unread) ? "it could not be read" : errors.some((e) => e.unread) ? "a version does not parse, or could not be read" : "a version does not parse";
  return `${summary}; ${errors.length} changed ${errors.length === 1 ? "file" : "files"} not compared (${why})`;
}

/** Reads every policy changed since `base` on both sides and diffs its access. */
export async function diffSince(options: DiffOptions): Promise<DiffReport> {
  const locator = new ConfigLocator();
  let root: LoadedConfig | undefined;
  if (options.configFile) {
    const result = locator.load(options.configFile);
    if (!result.ok && /ENOENT/.test(result.error.message)) throw new EcrlintError("config", `${options.configFile}: config file not found`, options.configFile);
    root = unwrap(result);
  } else root = unwrap(locator.forDirectory(options.cwd));
  const changed = await filesChangedSince(options.cwd, options.base);
  await checkPatternsMatch(options.patterns ?? [], options.cwd, changed.files);
  const wanted = matcher(options.patterns, options.cwd);
  const files: DiffFile[] = [];
  const errors: DiffError[] = [];
  for (const file of changed.files) {
    if (!wanted(file.filePath)) continue;
    const loaded = options.configFile ? root : unwrap(locator.forDirectory(file.filePath.slice(0, file.filePath.lastIndexOf("/")) || "/"));
    const diffed = diffFile(file, options.cwd, registryForFile(file.filePath, loaded), changed.base, changed.top, trustFromConfig(loaded).accounts);
    if (diffed && "side" in diffed) errors.push(diffed);
    else if (diffed?.documents.length) files.push(diffed);
  }
  const failOn = options.failOn ?? root?.config.diff?.failOn ?? [];
  const gates = trippedGates(files, failOn);
  return {
    schemaVersion: 1,
    base: options.base,
    baseCommit: changed.base,
    summary: withUncompared(summarizeReport(files), errors),
    // A file that was not compared leaves the report short of exact, whatever the compared ones say.
    status: errors.length === 0 && files.every((f) => f.documents.every((d) => d.status === "exact")) ? "exact" : "inconclusive",
    files,
    failOn,
    failed: gates.failed,
    inconclusiveGates: gates.inconclusive,
    errors: errors.map(({ unread: _unread, ...error }) => error),
  };
}
