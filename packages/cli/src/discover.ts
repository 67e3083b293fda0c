import { lstat, realpath, stat } from "node:fs/promises";
import { lstatSync, readdir, readFileSync, realpathSync, statSync, type Stats } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import picomatch from "picomatch";
import { describeErrno, diskFolders, leavesFolder, POLICY_FILE_EXTENSIONS, type FolderEntry, type FolderReader } from "@ecrlint/core";
import { ConfigIgnores } from "./config-ignores.js";
import { EcrlintError, usageError } from "./errors.js";
import { repositoryRoot } from "./git.js";
/** Never linted, whatever the config says: dependencies and git internals. */
export const ALWAYS_IGNORED = ["**/node_modules/**", "**/.git/**"];

export const DEFAULT_FILES = POLICY_FILE_EXTENSIONS.map((extension) => `**/*.${extension}`);

export interface DiscoveryInput {
  /** The run's base path: nothing outside it is read (a file named outside it is `outsideRoot`). */
  root: string;
  /** Where `patterns` are relative to: the working directory, inside `root` or `root` itself (default `root`). */
  cwd?: string;
  patterns: string[];
  /** Globs of the files to lint in directories (config `files`), relative to `base`. */
  files: string[];
  /** Globs never linted (config `ignores`), relative to `base`. */
  ignores: string[];
  base: string;
  /** `false` for `--no-ignore`. */
  useIgnores: boolean;
  /** `false` for `--no-error-on-unmatched-pattern`: a pattern that yields no file is skipped instead of an error. */
  errorOnUnmatchedPattern?: boolean;
  /**
   * Where folders are read from: the run's listing, which keeps what the walk read for the config and Terraform
   * searches that follow (else the disk).
   */
  listing?: FolderReader;
  /**
   * Called with the number of files the walk has found so far, each time it finds one in a folder: lets a run start
   * its workers while the walk goes on, once the tree is large enough for them (pool.ts `EARLY_START_FILES`).
   */
  onFound?: (count: number) => void;
  /**
   * Whether the `ignores` of a config below the root one (the nearest to the path) hide a file or a folder named on
   * the command line.
   */
  ignoredByNestedConfig?: (path: string, folder: boolean) => boolean;
}

export interface Discovery {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** Files named on the command line that an ignore pattern hides (ESLint warns about them). */
  ignoredExplicit: string[];
  /** Files named on the command line, or symlinks found in a folder, that resolve outside the root. */
  outsideRoot: string[];
  /**
   * Files named on the command line that no `files` glob matches (`template.yaml`, `RUNBOOK.md` from lint-staged or
   * `git diff --name-only`): ESLint warns that no configuration matches them, and so does the runner; none is parsed.
   */
  unmatchedExplicit: string[];
  /**
   * Things that match the file globs but are not linted, each with the reason (a FIFO, a broken symlink), and
   * `folder` for a folder that could not be read, whose files nobody checked: an error, where the others are warnings.
   */
  skipped: { filePath: string; reason: string; folder?: true }[];
  /**
   * Folders named on the command line (inside the root). Files under them that no `files` glob matches are still
   * linted when a Terraform file of the project reads them (`t/policy.tftpl`), which only the caller can tell.
   */
  folders: string[];
  /**
   * Named folders with no file to lint, each with the error to raise when no file under it turns out to be read by
   * Terraform either (absent under `--no-error-on-unmatched-pattern`).
   */
  emptyFolders: { path: string; error: EcrlintError }[];
  /** The files among `files` that a folder's listing showed as regular files (not named, not links): read without a `stat` first. */
  listed: Set<string>;
  /** Whether a folder or a glob was searched: false when every pattern names a file (a pre-commit hook's run). */
  searched: boolean;
}

export function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

/**
 * A `/`-separated path as a `files` glob that matches it alone: picomatch's special characters escaped, `"` too
 * (picomatch reads what two of them enclose as a quoted literal, backslashes and all), and a backslash as the class
 * `[\\]` (two escaped backslashes in a row do not match two backslashes in picomatch).
 */
export function literalGlob(path: string): string {
  return path.replace(/[\\*?[\]{}()!@+"]/g, (c) => (c === "\\" ? "[\\\\]" : `\\${c}`));
}

export function isInside(root: string, path: string): boolean {
  return !leavesFolder(relative(root, path));
}

function insideReally(root: string, path: string): boolean {
  try {
    return isInside(root, realpathSync(path));
  } catch {
    return false;
  }
}

type Target = { pattern: string } & ({ type: "file"; path: string } | { type: "directory"; path: string } | { type: "glob" } | { type: "missing" });

async function classify(root: string, pattern: string): Promise<Target> {
  const abs = resolve(root, pattern);
  try {
    const info = await stat(abs);
    if (info.isDirectory()) return { pattern, type: "directory", path: abs };
    return { pattern, type: "file", path: abs };
  } catch (error) {
    if (picomatch.scan(pattern).isGlob) return { pattern, type: "glob" };
    // A path in a folder that may not be searched exists as far as anyone can tell: its read error says why.
    if ((error as NodeJS.ErrnoException).code === "EACCES") return { pattern, type: "file", path: abs };
    try {
      // A dangling or looping symlink exists but cannot be read: a read error names it, not "no files".
      await lstat(abs);
      return { pattern, type: "file", path: abs };
    } catch {
      return { pattern, type: "missing" };
    }
  }
}

/** A `files` glob that says "any file with this extension, at any depth": `**\/*.json`, as the defaults are. */
const EXTENSION_GLOB = /^\*\*\/\*\.([A-Za-z0-9_-]+)$/;

/**
 * The `files` globs as a test of a walked path (relative, `/`-separated, under `prefix`), or undefined when some glob
 * is more than an extension. When every glob is `**\/*.<extension>`, picomatch's answer (with `dot`) on a path
 * without empty, `.` or `..` segments is whether the last name ends in `.<extension>`: a walk builds its paths from
 * folder entries, which never are such names, so only `prefix` needs checking, once. Ten thousand picomatch tests of
 * seven globs each are a name's extension looked up instead.
 */
function byExtension(globs: readonly string[], prefix: string): ((relative: string) => boolean) | undefined {
  const extensions = new Set<string>();
  for (const glob of globs) {
    const match = EXTENSION_GLOB.exec(glob);
    if (!match) return undefined;
    extensions.add(match[1]!);
  }
  if (prefix !== "" && prefix.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return undefined;
  return (relative) => {
    const dot = relative.lastIndexOf(".");
    return dot > relative.lastIndexOf("/") && extensions.has(relative.slice(dot + 1));
  };
}

/** ESLint's errors for a pattern that yields no file to lint (its CLI prints these texts). */
function unmatchedPattern(pattern: string, allIgnored: boolean): EcrlintError {
  return usageError(
    allIgnored
      ? `You are linting "${pattern}", but all of the files matching the glob pattern "${pattern}" are ignored.\n\nIf you don't want to lint these files, remove the pattern "${pattern}" from the list of arguments passed to ecrlint.\n\nIf you do want to lint these files, explicitly list one or more of the files from this glob that you'd like to lint to see more details about why they are ignored.`
      : pattern.includes("\uFFFD")
        ? // Node reads each argument as UTF-8: bytes that are not show as U+FFFD, and no file has the name they make.
          `No files matching the pattern "${pattern}" were found.\nIf it names a file or folder whose name is not valid UTF-8 (the bytes that do not decode show as \uFFFD), Node cannot open it by that name: rename it.`
        : `No files matching the pattern "${pattern}" were found.\nPlease check for typing mistakes in the pattern.`,
  );
}

interface GitignoreLayer {
  dir: string;
  rules: Ignore;
  /**
   * Every pattern matches by name alone (`dist/`, `*.log`: no slash but a trailing one, no `**`) and none re-includes
   * (`!`): inside a folder this layer does not ignore, its verdict on an entry is its verdict on the entry's name.
   */
  byName: boolean;
  /**
   * With `byName`, when every pattern is a plain name (`dist/`, `.ecrlintcache`: no wildcard, escape or space), the
   * names it ignores, lower-cased as the `ignore` package compares them: folders only (`dist/`), and any entry. A
   * set lookup then answers for the thousands of entries of a tree.
   */
  names?: { folders: Set<string>; any: Set<string> };
}

/** Whether each line of a .gitignore is blank, a comment, or a pattern that matches a name at any depth. */
function matchesByName(text: string): boolean {
  for (const raw of text.split(/\r?\n/u)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("!") || line.includes("**") || line.replace(/\/$/u, "").includes("/")) return false;
  }
  return true;
}

function gitignoreLayer(dir: string, file = join(dir, ".gitignore")): GitignoreLayer | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const byName = matchesByName(text);
  const names = byName ? plainNames(text) : undefined;
  return { dir, rules: ignore().add(text), byName, ...(names ? { names } : {}) };
}

const BEYOND_ASCII = /[^\u0000-\u007f]/u;

/** The names a .gitignore of plain names ignores (see GitignoreLayer.names), or undefined when a line is more than a name. */
function plainNames(text: string): GitignoreLayer["names"] {
  const names = { folders: new Set<string>(), any: new Set<string>() };
  for (const line of text.split(/\r?\n/u)) {
    if (line === "" || line.startsWith("#")) continue;
    const folder = line.endsWith("/");
    const name = folder ? line.slice(0, -1) : line;
    if (name === "" || /[*?[\]\\\s]/u.test(name) || BEYOND_ASCII.test(name)) return undefined;
    (folder ? names.folders : names.any).add(name.toLowerCase());
  }
  return names;
}

/**
 * A plain-names layer's verdict on an entry of a folder it has not ignored; undefined for a name beyond ASCII, whose
 * lower case may differ from the `ignore` package's case-insensitive match (the Kelvin sign lower-cases to `k`).
 */
function byPlainName(names: NonNullable<GitignoreLayer["names"]>, name: string, isDirectory: boolean): { ignored: boolean; unignored: boolean } | undefined {
  if (BEYOND_ASCII.test(name)) return undefined;
  const lower = name.toLowerCase();
  return { ignored: names.any.has(lower) || (isDirectory && names.folders.has(lower)), unignored: false };
}

/** The repository's `info/exclude` (in the common git directory, for a linked worktree too), as a layer at its top. */
function excludeLayer(top: string): GitignoreLayer | undefined {
  let gitDir = join(top, ".git");
  try {
    if (!statSync(gitDir).isDirectory()) {
      const pointer = /^gitdir:\s*(.+?)\s*$/mu.exec(readFileSync(gitDir, "utf8"));
      if (!pointer) return undefined;
      gitDir = resolve(top, pointer[1]!);
      try {
        gitDir = resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim());
      } catch {
        // Not a linked worktree: the pointed-to directory is the git directory.
      }
    }
  } catch {
    return undefined;
  }
  return gitignoreLayer(top, join(gitDir, "info", "exclude"));
}

/**
 * Git's rule: the deepest .gitignore that has a say wins, and a `!pattern` there re-includes. `relPaths[i]` is the
 * path relative to `layers[i].dir`, built up while walking rather than computed with path.relative per entry.
 */
function gitIgnores(layers: GitignoreLayer[], relPaths: string[], isDirectory: boolean): boolean {
  let ignored = false;
  for (let i = 0; i < layers.length; i++) {
    const verdict = layers[i]!.rules.test(isDirectory ? `${relPaths[i]}/` : relPaths[i]!);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

/**
 * The .gitignore files of `dir` and the folders above it up to the repository root (or the run's root outside
 * git), which all apply inside `dir`, after the repository's `info/exclude`, which git reads first.
 */
function layersDownTo(dir: string, root: string, inside = dir): GitignoreLayer[] {
  // The repository is the one that holds what is being walked (`inside`), which may be nested in another.
  const top = repositoryRoot(inside) ?? root;
  const chain: string[] = [];
  for (let d = dir; isInside(top, d); d = dirname(d)) {
    chain.unshift(d);
    if (d === top) break;
  }
  const exclude = repositoryRoot(inside) !== undefined ? excludeLayer(top) : undefined;
  return [...(exclude ? [exclude] : []), ...chain.flatMap((d) => gitignoreLayer(d) ?? [])];
}

interface Walked {
  files: string[];
  /** Symlinks whose names match: followed afterwards, when they stay inside the root. */
  links: string[];
  /** Entries whose names match but that are neither files nor folders (FIFOs, sockets, devices). */
  special: string[];
  /** Folders that could not be listed (no permission), with why: the run goes on without them. */
  unreadable: { path: string; reason: string }[];
}

/**
 * Walks a directory tree synchronously: on a monorepo of 20,000 JSON files a plain readdir walk with
 * .gitignore pruning takes a third of a second, where globby with `gitignore: true` took ten times that.
 * Ignored folders (by .gitignore, or by `skipFolder`: the config's `ignores`) are never entered, nor even listed;
 * symlinked folders are never followed (no cycles, nothing outside the root). A folder that cannot be listed is
 * noted and passed over: one unreadable folder never hides the rest of the tree. `accept` gets the path relative
 * to `start`.
 */
function walkDirectory(
  start: string,
  root: string,
  useGitignore: boolean,
  accept: (path: string, relative: string) => boolean,
  folders: FolderReader,
  skipFolder: (path: string) => boolean = () => false,
): Walked {
  const out: Walked = { files: [], links: [], special: [], unreadable: [] };
  // For each active .gitignore: the path of the folder being walked, relative to that .gitignore's folder.
  // `clear[i]`: layer i ignores neither the folder being walked nor a folder above it (see GitignoreLayer.byName).
  const visit = (dir: string, rel: string, layers: GitignoreLayer[], layerRels: string[], clear: boolean[]) => {
    let entries: readonly FolderEntry[];
    try {
      entries = folders.entries(dir);
    } catch (error) {
      out.unreadable.push({ path: dir, reason: describeErrno(error, {}, dir) });
      return;
    }
    if (useGitignore && entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      const layer = gitignoreLayer(dir);
      if (layer) {
        layers = [...layers, layer];
        layerRels = [...layerRels, ""];
        clear = [...clear, true];
      }
    }
    const childRels = new Array<string>(layers.length);
    const childClear = new Array<boolean>(layers.length);
    for (const entry of entries) {
      const name = entry.name;
      if (name === "node_modules" || name === ".git") continue;
      const isDirectory = entry.isDirectory();
      const path = `${dir}${sep}${name}`;
      const childRel = rel ? `${rel}/${name}` : name;
      // Most files of a monorepo are not JSON: the cheap glob test goes before the .gitignore rules.
      if (!isDirectory && !accept(path, childRel)) continue;
      if (layers.length > 0) {
        // Git's rule: the deepest .gitignore that has a say wins, and a `!pattern` there re-includes.
        let ignored = false;
        for (let i = 0; i < layers.length; i++) {
          const layer = layers[i]!;
          childRels[i] = layerRels[i] ? `${layerRels[i]}/${name}` : name;
          // A name's verdict is cached by the layer: a monorepo repeats a few names (package.json) thousands of times.
          const tested = layer.byName && clear[i] ? name : childRels[i]!;
          const verdict = (layer.names && clear[i] ? byPlainName(layer.names, name, isDirectory) : undefined) ?? layer.rules.test(isDirectory ? `${tested}/` : tested);
          childClear[i] = clear[i]! && !verdict.ignored;
          if (verdict.ignored) ignored = true;
          else if (verdict.unignored) ignored = false;
        }
        if (ignored) continue;
      }
      if (isDirectory) {
        if (!skipFolder(path)) visit(path, childRel, layers, [...childRels], [...childClear]);
      } else if (entry.isFile()) out.files.push(path);
      else if (entry.isSymbolicLink()) out.links.push(path);
      else out.special.push(path);
    }
  };
  const initial = useGitignore ? layersDownTo(dirname(start), root, start) : [];
  const startRels = initial.map((l) => toPosix(relative(l.dir, start)));
  // A layer above the start folder is clear there when it ignores neither it nor a folder on the way (a run named
  // a folder its parent's .gitignore ignores walks it): `test` checks a path's parents too.
  const startClear = initial.map((l, i) => startRels[i] === "" || !l.rules.test(`${startRels[i]}/`).ignored);
  visit(start, "", initial, startRels, startClear);
  return out;
}

function describeSpecial(path: string): string {
  const info = lstatSync(path, { throwIfNoEntry: false });
  return info ? kindOf(info) : "not a regular file";
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a regular file";
}

/**
 * A symlinked file is linted under its own path when its target is a regular file inside the root (as ESLint lints
 * it) and not already linted under the target's path; anything else it could be is said, never skipped in silence.
 */
function followLinks(links: string[], root: string, found: Set<string>, discovery: Discovery): void {
  for (const link of links) {
    let real: string;
    let info: Stats;
    try {
      real = realpathSync(link);
      info = statSync(real);
    } catch (error) {
      discovery.skipped.push({ filePath: link, reason: `a symbolic link that leads nowhere (${(error as NodeJS.ErrnoException).code ?? "unreadable"})` });
      continue;
    }
    if (!isInside(root, real)) discovery.outsideRoot.push(link);
    else if (info.isDirectory()) continue;
    else if (!info.isFile()) discovery.skipped.push({ filePath: link, reason: `a symbolic link to ${kindOf(info)}` });
    else if (!found.has(real)) found.add(link);
  }
}

/** A path with its folder's links resolved and its own name kept (the file may itself be a link). */
async function inRealFolder(path: string): Promise<string> {
  try {
    return join(await realpath(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

/** Whether a file named explicitly (or standard input's file name) is ignored: node_modules, .git, the config's `ignores`, git's rules. */
export function isIgnoredPath(filePath: string, input: Pick<DiscoveryInput, "root" | "ignores" | "base" | "useIgnores">): boolean {
  const { root } = input;
  if (picomatch(ALWAYS_IGNORED, { dot: true })(toPosix(relative(root, filePath)))) return true;
  if (!input.useIgnores) return false;
  if (input.ignores.length && new ConfigIgnores(input.ignores).file(toPosix(relative(input.base, filePath)))) return true;
  const layers = layersDownTo(dirname(filePath), root);
  return gitIgnores(layers, layers.map((l) => toPosix(relative(l.dir, filePath))), false);
}

/**
 * Finds the files to lint. Directories are walked respecting `.gitignore` (as git does, parent folders' files
 * included), skipping node_modules and .git and never following a symlink, so nothing outside the root is reached
 * and link cycles cost nothing. Globs go through globby with the same rules. A file named explicitly is followed
 * only when its real path stays inside the root.
 */
export async function discoverFiles(input: DiscoveryInput): Promise<Discovery> {
  const { root, base } = input;
  const cwd = input.cwd ?? root;
  const folders = input.listing ?? diskFolders;
  const patterns = input.patterns.length ? input.patterns : ["."];
  const targets = await Promise.all(patterns.map((p) => classify(cwd, p)));
  const configIgnores = input.useIgnores && input.ignores.length ? new ConfigIgnores(input.ignores) : undefined;
  const alwaysMatch = picomatch(ALWAYS_IGNORED, { dot: true });
  // A file the walk finds is in no ignored folder (it does not enter one): its own path is what is left to test.
  const walkedFileIgnored = (abs: string) => configIgnores !== undefined && configIgnores.fileItself(toPosix(relative(base, abs)));
  const configIgnored = (abs: string) => configIgnores !== undefined && configIgnores.file(toPosix(relative(base, abs)));
  // A folder as ESLint tests it against `ignores`: `scratch/**`, `scratch/` and `scratch` skip it.
  const folderIgnored = (abs: string) => configIgnores !== undefined && configIgnores.folder(toPosix(relative(base, abs)));
  const filesMatch = picomatch(input.files, { dot: true });
  const found = new Set<string>();
  const discovery: Discovery = { files: [], ignoredExplicit: [], outsideRoot: [], unmatchedExplicit: [], skipped: [], folders: [], emptyFolders: [], listed: new Set(), searched: targets.some((t) => t.type === "directory" || t.type === "glob") };
  const { ignoredExplicit, outsideRoot, unmatchedExplicit } = discovery;
  const links: string[] = [];
  let foundInFolders = 0;
  /** A path as the `files` globs see it: relative to the config's folder, or to the root for a --config outside it. */
  const filesPath = (abs: string) => {
    const fromBase = toPosix(relative(base, abs));
    return fromBase === ".." || fromBase.startsWith("../") ? toPosix(relative(root, abs)) : fromBase;
  };

  const unmatched = (pattern: string, allIgnored: () => boolean | Promise<boolean>) => {
    if (input.errorOnUnmatchedPattern === false) return;
    return Promise.resolve(allIgnored()).then((ignored) => {
      throw unmatchedPattern(pattern, ignored);
    });
  };
  const top = repositoryRoot(root);
  const infoExclude = input.useIgnores && top ? excludeLayer(top) : undefined;
  const excluded = (abs: string) => infoExclude !== undefined && isInside(top!, abs) && infoExclude.rules.ignores(toPosix(relative(top!, abs)));

  for (const target of targets) {
    if (target.type === "missing") {
      await unmatched(target.pattern, () => false);
    } else if (target.type === "file") {
      let real: string;
      try {
        real = await realpath(target.path);
      } catch {
        real = target.path;
      }
      if (!isInside(root, real)) {
        outsideRoot.push(target.path);
        continue;
      }
      // Named through a link to a folder of the tree (`/tmp/link/infra/p.json` for `/work/repo/infra/p.json`, a
      // checkout reached through a symlink): the file is the tree's, at its place there; a link that is the file
      // itself stays what it is.
      const path = isInside(root, target.path) ? target.path : await inRealFolder(target.path);
      if (isIgnoredPath(path, input) || (input.useIgnores && input.ignoredByNestedConfig?.(path, false) === true)) {
        ignoredExplicit.push(path);
        continue;
      }
      if (!filesMatch(filesPath(path))) {
        unmatchedExplicit.push(path);
        continue;
      }
      found.add(path);
    } else if (target.type === "directory") {
      // A folder reached through a symlink is walked only when its real path stays inside the root. One outside it
      // has only files the run ignores: ESLint's "all of the files ... are ignored", exit 2, as for an ignored folder.
      if (!isInside(root, target.path) || !isInside(root, await realpath(target.path))) {
        if (input.errorOnUnmatchedPattern !== false) discovery.emptyFolders.push({ path: target.path, error: unmatchedPattern(target.pattern, true) });
        continue;
      }
      // A folder the ignores hide, or one inside such a folder, is all ignored when named, as in ESLint. The root's
      // own config is the root config: no search starts above the root.
      const hidden = configIgnores?.folderOrAbove(toPosix(relative(base, target.path))) === true || (input.useIgnores && target.path !== root && input.ignoredByNestedConfig?.(target.path, true) === true);
      if (hidden) {
        if (input.errorOnUnmatchedPattern !== false) discovery.emptyFolders.push({ path: target.path, error: unmatchedPattern(target.pattern, true) });
        continue;
      }
      const prefix = filesPath(target.path);
      const quick = byExtension(input.files, prefix);
      const accept = (file: string, rel: string) => {
        if (!(quick ? quick(rel) : filesMatch(prefix ? `${prefix}/${rel}` : rel)) || walkedFileIgnored(file)) return false;
        input.onFound?.(++foundInFolders);
        return true;
      };
      const walked = walkDirectory(target.path, root, input.useIgnores, accept, folders, folderIgnored);
      for (const file of walked.files) {
        found.add(file);
        discovery.listed.add(file);
      }
      links.push(...walked.links);
      for (const path of walked.special) discovery.skipped.push({ filePath: path, reason: describeSpecial(path) });
      for (const { path, reason } of walked.unreadable) discovery.skipped.push({ filePath: path, reason, folder: true });
      discovery.folders.push(target.path);
      if (walked.files.length + walked.links.length + walked.special.length + walked.unreadable.length === 0 && input.errorOnUnmatchedPattern !== false) {
        const allIgnored = walkDirectory(target.path, root, false, (_file, rel) => filesMatch(prefix ? `${prefix}/${rel}` : rel), folders).files.length > 0;
        discovery.emptyFolders.push({ path: target.path, error: unmatchedPattern(target.pattern, allIgnored) });
      }
    } else {
      // globby is loaded only for glob patterns: most runs walk directories and should not pay for its import.
      const { globby } = await import("globby");
      // Not onlyFiles: that drops symlinks to files (and FIFOs) without a word; they are sorted out below. A folder
      // the glob cannot list is noted and passed over, as the walk does (fast-glob would reject the whole search).
      const unlistable = new Map<string, string>();
      const listing = {
        readdir: (dir: string, options: object, done: (error: NodeJS.ErrnoException | null, entries: unknown[]) => void) =>
          readdir(dir, options as { withFileTypes: true }, (error, entries) => {
            if (error && error.code !== "ENOENT" && error.code !== "ENOTDIR") {
              unlistable.set(resolve(cwd, dir), describeErrno(error, {}, dir));
              done(null, []);
            } else done(error, entries);
          }),
      };
      const search = async (gitignore: boolean) =>
        (
          await globby([target.pattern], {
            cwd,
            absolute: true,
            dot: true,
            onlyFiles: false,
            markDirectories: true,
            followSymbolicLinks: false,
            gitignore,
            ignore: ALWAYS_IGNORED,
            fs: listing as never,
          })
        ).filter((file) => !file.endsWith("/"));
      const files = await search(input.useIgnores);
      // Only a folder under the glob's fixed part could have held a file it names: globby lists the rest of the
      // tree for its .gitignore files, and a folder it could not list there hides nothing the pattern asked for.
      const base = resolve(cwd, picomatch.scan(target.pattern).base || ".");
      for (const [path, reason] of unlistable) {
        const ignored = input.useIgnores && (folderIgnored(path) || excluded(path) || isIgnoredPath(path, input));
        if (!ignored && isInside(base, path)) discovery.skipped.push({ filePath: path, reason, folder: true });
      }
      // A glob's fixed part may pass through a symlinked folder or lead out of the base path (`/elsewhere/*.json`):
      // what lies outside the base path is never read.
      const kept = files.filter((file) => !configIgnored(file) && !excluded(file) && insideReally(root, dirname(file)));
      for (const file of kept) {
        const info = lstatSync(file, { throwIfNoEntry: false });
        if (!info) continue;
        if (info.isSymbolicLink()) links.push(file);
        else if (info.isFile()) found.add(file);
        else discovery.skipped.push({ filePath: file, reason: kindOf(info) });
      }
      if (kept.length === 0 && unlistable.size === 0) await unmatched(target.pattern, async () => files.length > 0 || (input.useIgnores && (await search(false)).length > 0));
    }
  }
  // Links last, so that a link to a file linted under its own path is not linted twice.
  followLinks([...new Set(links)], root, found, discovery);
  discovery.files = [...found].sort();
  return discovery;
}
