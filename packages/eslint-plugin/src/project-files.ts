import { readdirSync, statSync, type Dirent } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { declaredKindForFile, leavesFolder, POLICY_FILE_EXTENSIONS, readEcrFile, readTextFile, registryForFile, terraformReferencesOnDisk, type AnyRule, type FileKind, type PolicyFile, type ProjectFile, type ProjectReport, type ProjectRoots, type RegistryContext, type TerraformReferences } from "@ecrlint/core";
import { configFor, projectOf, type MinimalContext } from "./file-context.js";
import { MAX_PARSED_CHARACTERS } from "./parser.js";

/**
 * Cross-file rules in ESLint, which hands a rule one file at a time: the other files of the project are read from
 * disk, as eslint-plugin-import reads the modules a file imports. The project is kept as a snapshot per root: the
 * list of its files, what each cross-file rule collected from each (plain facts: no AST is kept), and the outcome of
 * each rule's project check over all of them. A file ESLint lints as it is on disk takes its findings from that one
 * check, so a run over N files reads, collects and checks the project once instead of N times. A file whose text
 * differs from the disk (unsaved in an editor, or fixed in memory) is checked again with its own facts.
 *
 * The snapshot is checked against the disk (the folders walked again, each file's size and modification time) at
 * most every few seconds, and never more often than its own cost allows, so an editor session sees edits on disk
 * and a run over a large tree does not spend its time in `stat`.
 */

/** How long a snapshot is trusted before the disk is looked at again. */
const REFRESH_MS = 3000;
/** Looking at the disk takes at most a twentieth of the time between two looks (a 50,000-file walk takes a fraction of a second). */
const REFRESH_SHARE = 20;
/** Snapshots kept at once (one per project root, working directory and `settings.ecrlint`); the oldest goes first. */
const MAX_SNAPSHOTS = 8;
// The runner's default files: JSON, CloudFormation YAML and Terraform (`.tf`, `.tf.json`).
const POLICY_EXTENSION = new RegExp(`\\.(?:${POLICY_FILE_EXTENSIONS.join("|")})$`, "iu");

type Context = Pick<MinimalContext, "cwd" | "settings" | "getCwd">;

/**
 * One document of a file on disk: its kind, and the facts each cross-file rule collected from it, as JSON text. Facts
 * are plain JSON (the runner's cache keeps them so too); kept as objects, they would keep alive whatever a rule
 * derives from them by identity (a compiled policy, with the syntax tree it is read into) for the whole run. They
 * are kept as objects too (`values`) once a file is checked on its own, so that the next such check finds what the
 * rule derived from them (see `Snapshot.keepValues`).
 */
interface DiskDocument {
  kind: FileKind;
  facts: Map<string, string>;
  values?: Map<string, unknown>;
}

interface DiskFile {
  mtimeMs: number;
  size: number;
  /** What the file was read with besides its text: the kind Terraform reads it as, the module's uses of its documents. */
  readWith: string;
  registry: RegistryContext;
  /** The documents of the file (none when it is not ours). */
  documents: DiskDocument[];
  /** How many of the cross-file rules turned on (the first ones noted) `documents` hold the facts of. */
  rules: number;
}

interface Snapshot {
  /** The project's root; undefined for none, whose snapshot holds no file (see `projectRoot`). */
  root: string | undefined;
  /** The projects of the base path the root is one of: the folders of other projects below the root are not read. */
  roots: ProjectRoots | undefined;
  cwd: string;
  refreshedAt: number;
  /** How long the last refresh took to walk the folders and `stat` the files (reading the changed ones aside), in milliseconds. */
  lookCost: number;
  /** The policy-like files under the root, sorted, so that a rule's check sees them in the same order on every machine. */
  paths: string[];
  /** How the project's Terraform reads its files (the runner's `terraformReferences`): the kinds of file() targets, the module uses of policy documents. */
  terraform: Pick<TerraformReferences, "referenced" | "dataUses">;
  files: Map<string, DiskFile>;
  /** How many of the cross-file rules turned on every file's facts are collected for. */
  rules: number;
  /**
   * Whether the facts read from JSON text are kept as objects: once a file has been checked on its own (unsaved in
   * an editor, or read otherwise than from disk), since each such check would otherwise
   * derive everything again from new objects (compile every destination policy of a replication check).
   */
  keepValues: boolean;
  /** Each rule's check over the whole snapshot (by rule id and options), with its reports by file. */
  checks: Map<string, Map<string, ProjectReport[]>>;
}

/** How much work the project snapshots did, for the tests that hold a run to reading the project once. */
export interface ProjectFileCounts {
  /** Walks of a project's folders. */
  listings: number;
  /** `stat` calls on the project's files to see whether they changed. */
  stats: number;
  /** Files read and parsed from disk. */
  reads: number;
  /** Project checks over the snapshot as it is on disk, shared by every file linted as it is on disk. */
  projectChecks: number;
  /** Project checks for one file whose text differs from what the snapshot holds. */
  fileChecks: number;
}

const counts: ProjectFileCounts = { listings: 0, stats: 0, reads: 0, projectChecks: 0, fileChecks: 0 };
const snapshots = new Map<string, Snapshot>();
/** The cross-file rules ESLint has turned on for some file of this process: a file is read once for all of them. */
const projectRules = new Map<string, AnyRule>();
let clock: () => number = () => performance.now();

export function projectFileCounts(): ProjectFileCounts {
  return { ...counts };
}

/**
 * Forgets every snapshot and zeroes the counts; `now` replaces the clock the snapshots are refreshed by (milliseconds),
 * so that a test decides when the disk is looked at again.
 */
export function resetProjectFiles(now: () => number = () => performance.now()): void {
  snapshots.clear();
  projectRules.clear();
  clock = now;
  for (const key of Object.keys(counts) as (keyof ProjectFileCounts)[]) counts[key] = 0;
}

/**
 * Says that ESLint turned a cross-file rule on for a file (ESLint creates every rule of a file before running any),
 * so that the files of the project are read once for every such rule.
 */
export function noteProjectRule(rule: AnyRule): void {
  if (rule.project && !projectRules.has(rule.id)) projectRules.set(rule.id, rule);
}

/**
 * The policy-like files of the project at `root`, never entering node_modules, .git or a symlink (so never leaving
 * the root), nor a folder of another project (a nested config no config above governs, a second repository checked
 * out inside: the runner joins neither with this one), and the files under it that their Terraform reads with
 * `file()`, as the runner adds them to a run.
 */
function listFiles(root: string | undefined, roots: ProjectRoots | undefined, cwd: string): { paths: string[]; terraform: Snapshot["terraform"] } {
  if (root === undefined || roots === undefined) return { paths: [], terraform: { referenced: new Map(), dataUses: new Map() } };
  counts.listings++;
  const paths: string[] = [];
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === "node_modules" || entry.name === ".git" || entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (roots.of(path) === root) visit(path);
      }
      else if (entry.isFile() && POLICY_EXTENSION.test(entry.name)) paths.push(path);
    }
  };
  visit(root);
  const { referenced, dataUses } = terraformReferencesOnDisk(paths, cwd);
  const listed = new Set(paths);
  for (const path of referenced.keys()) if (!listed.has(path) && !leavesFolder(relative(root, path)) && roots.of(dirname(path)) === root) paths.push(path);
  return { paths: paths.sort(), terraform: { referenced, dataUses } };
}

function collectAll(file: PolicyFile, rules: Iterable<AnyRule>): Map<string, string> {
  const facts = new Map<string, string>();
  for (const rule of rules) {
    const collected = rule.kinds.includes(file.kind) ? rule.project!.collect(file) : undefined;
    if (collected !== undefined) facts.set(rule.id, JSON.stringify(collected));
  }
  return facts;
}

/** What a file is read with besides its text, as a string to compare: the kind of a file() target, the module's uses. */
function readWithOf(path: string, terraform: Snapshot["terraform"]): string {
  return JSON.stringify([terraform.referenced.get(path) ?? null, terraform.dataUses.get(path) ?? null]);
}

function readDiskFile(path: string, info: { mtimeMs: number; size: number }, terraform: Snapshot["terraform"], context: Context): DiskFile {
  const readWith = readWithOf(path, terraform);
  // Only a regular file, its size checked first, as the runner reads it: a 50 MB data file in the project is not
  // parsed, and a FIFO put there since the listing does not hang the run. One that cannot be read takes no part,
  // and is not tried again until its size or modification time changes.
  const read = readTextFile(path, { maxBytes: MAX_PARSED_CHARACTERS });
  if (!read.ok) return { mtimeMs: info.mtimeMs, size: info.size, readWith, registry: { source: "unknown" }, documents: [], rules: projectRules.size };
  counts.reads++;
  // Read as the runner reads it: the registry and a kind the config declares come first, then the kind of the
  // Terraform resource that reads the file with file(); a templatefile() target with interpolations is not read.
  const reference = terraform.referenced.get(path);
  const terraformUses = terraform.dataUses.get(path);
  const config = configFor(context, path);
  const loaded = config.ok ? config.loaded : undefined;
  const registry = registryForFile(path, loaded);
  const declared = declaredKindForFile(path, loaded) ?? (reference ? { kind: reference.kind, declaredBy: reference.from } : undefined);
  const template = reference?.template === true && /[$%]\{/u.test(read.text);
  const reading = template
    ? undefined
    : readEcrFile(read.text, { filePath: path, registry, ...(declared ? { declaredKind: declared.kind, declaredBy: declared.declaredBy } : {}), ...(terraformUses?.length ? { terraformUses } : {}) });
  const rules = [...projectRules.values()];
  const documents = reading?.status === "ours" ? reading.documents.map((file) => ({ kind: file.kind, facts: collectAll(file, rules) })) : [];
  return { mtimeMs: info.mtimeMs, size: info.size, readWith, registry, documents, rules: projectRules.size };
}

/** Looks at the disk again: files added, removed or changed since the last look are read, the others kept. */
function refresh(snapshot: Snapshot, context: Context): void {
  const started = clock();
  let reading = 0;
  const { paths, terraform } = listFiles(snapshot.root, snapshot.roots, snapshot.cwd);
  let changed = paths.length !== snapshot.paths.length || paths.some((p, i) => p !== snapshot.paths[i]);
  const files = new Map<string, DiskFile>();
  for (const path of paths) {
    let info: { mtimeMs: number; size: number };
    try {
      counts.stats++;
      info = statSync(path);
    } catch {
      changed = true;
      continue;
    }
    const kept = snapshot.files.get(path);
    if (kept && kept.mtimeMs === info.mtimeMs && kept.size === info.size && kept.readWith === readWithOf(path, terraform)) {
      files.set(path, kept);
      continue;
    }
    changed = true;
    const readStarted = clock();
    files.set(path, readDiskFile(path, info, terraform, context));
    reading += clock() - readStarted;
  }
  snapshot.paths = paths;
  snapshot.terraform = terraform;
  snapshot.files = files;
  if (changed) snapshot.checks.clear();
  snapshot.refreshedAt = clock();
  snapshot.lookCost = snapshot.refreshedAt - started - reading;
}

/** Reads again the files read before some cross-file rule was turned on, for its facts. */
function collectForNewRules(snapshot: Snapshot, context: Context): void {
  if (snapshot.rules === projectRules.size) return;
  for (const [path, file] of snapshot.files) {
    if (file.rules === projectRules.size) continue;
    snapshot.files.set(path, readDiskFile(path, file, snapshot.terraform, context));
  }
  snapshot.rules = projectRules.size;
  snapshot.checks.clear();
}

function snapshotFor(project: { root: string; roots: ProjectRoots } | undefined, context: Context): Snapshot {
  const root = project?.root;
  // ESLint 9 and 10 (with or without `getCwd`) resolve `settings.ecrlint` globs from different folders.
  const key = `${root ?? ""}\0${context.cwd}\0${typeof context.getCwd}\0${JSON.stringify(context.settings["ecrlint"] ?? null)}`;
  let snapshot = snapshots.get(key);
  if (snapshot) {
    // Most recently used last, so that the first is the one to drop.
    snapshots.delete(key);
  } else {
    snapshot = { root, roots: project?.roots, cwd: context.cwd, refreshedAt: -Infinity, lookCost: 0, paths: [], terraform: { referenced: new Map(), dataUses: new Map() }, files: new Map(), rules: 0, keepValues: false, checks: new Map() };
    if (snapshots.size >= MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value!);
  }
  snapshots.set(key, snapshot);
  if (clock() - snapshot.refreshedAt >= Math.max(REFRESH_MS, REFRESH_SHARE * snapshot.lookCost)) refresh(snapshot, context);
  collectForNewRules(snapshot, context);
  return snapshot;
}

export interface CurrentFile {
  filePath: string;
  /** The documents of the file that the rule reads. */
  documents: PolicyFile[];
  registry: RegistryContext;
  options: unknown;
}

/**
 * A file's part in a rule's check: one entry per document the rule collected from (a template may hold a policy and
 * a rule), its facts as JSON text, and as the object the check reads.
 */
type Part = { kind: FileKind; facts: string; value(): unknown }[];

function diskPart(file: DiskFile, rule: AnyRule, keepValues: boolean): Part {
  return file.documents.flatMap((d) => {
    const facts = d.facts.get(rule.id);
    if (facts === undefined) return [];
    const value = () => {
      if (!keepValues) return JSON.parse(facts) as unknown;
      d.values ??= new Map();
      if (!d.values.has(rule.id)) d.values.set(rule.id, JSON.parse(facts));
      return d.values.get(rule.id);
    };
    return [{ kind: d.kind, facts, value }];
  });
}

function samePart(a: Part, b: Part): boolean {
  return a.length === b.length && a.every((d, i) => d.kind === b[i]!.kind && d.facts === b[i]!.facts);
}

/** Runs the rule's check over the snapshot's files, `current` in place of the disk's copy of its file when given. */
function runCheck(rule: AnyRule, snapshot: Snapshot, options: unknown, current?: { filePath: string; registry: RegistryContext; part: Part }): ProjectReport[] {
  const posix = (path: string) => relative(snapshot.cwd, path).split(sep).join("/");
  const files: ProjectFile<unknown, unknown>[] = [];
  const add = (filePath: string, registry: RegistryContext, part: Part) => {
    for (const { kind, value } of part) files.push({ filePath, relativePath: posix(filePath), kind, registry, facts: value(), options });
  };
  let placed = current === undefined;
  for (const path of snapshot.paths) {
    if (!placed && current!.filePath <= path) {
      add(current!.filePath, current!.registry, current!.part);
      placed = true;
      if (path === current!.filePath) continue;
    }
    const file = snapshot.files.get(path);
    if (file) add(path, file.registry, diskPart(file, rule, snapshot.keepValues));
  }
  if (!placed) add(current!.filePath, current!.registry, current!.part);
  const reports: ProjectReport[] = [];
  rule.project!.check({ files, report: (d) => reports.push(d), tie: () => undefined, relate: () => undefined });
  return reports;
}

/**
 * Runs a cross-file rule's project check over the current file (its text as ESLint has it, which may be unsaved)
 * and the policy files of its project (the runner's project around the file when started in ESLint's working
 * directory: see `projectRoot`), and returns what it reports on the current file.
 */
export function checkProject(rule: AnyRule, current: CurrentFile, context: Context): ProjectReport[] {
  noteProjectRule(rule);
  const part: Part = current.documents.flatMap((file) => {
    const facts = rule.project!.collect(file);
    return facts === undefined ? [] : [{ kind: file.kind, facts: JSON.stringify(facts), value: () => facts }];
  });
  if (part.length === 0) return [];
  const snapshot = snapshotFor(projectOf(current.filePath, context.cwd), context);
  const onDisk = snapshot.files.get(current.filePath);
  if (!onDisk || !samePart(part, diskPart(onDisk, rule, false)) || JSON.stringify(current.registry) !== JSON.stringify(onDisk.registry)) {
    counts.fileChecks++;
    snapshot.keepValues = true;
    return runCheck(rule, snapshot, current.options, { filePath: current.filePath, registry: current.registry, part }).filter((d) => d.filePath === current.filePath);
  }
  const key = `${rule.id}\0${JSON.stringify(current.options)}`;
  let byFile = snapshot.checks.get(key);
  if (!byFile) {
    counts.projectChecks++;
    byFile = new Map();
    for (const d of runCheck(rule, snapshot, current.options)) {
      const list = byFile.get(d.filePath);
      if (list) list.push(d);
      else byFile.set(d.filePath, [d]);
    }
    snapshot.checks.set(key, byFile);
  }
  return byFile.get(current.filePath) ?? [];
}
