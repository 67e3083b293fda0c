import { execFile } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { CONFIG_FILE_NAMES, MAX_CONFIG_BYTES, readTextFile } from "@ecrlint/core";
import { usageError } from "./errors.js";

const run = promisify(execFile);

/**
 * The environment of a git started in another folder than ours. `GIT_DIR` (which a hook sets) is read by git
 * relative to the folder it starts in, and without `GIT_WORK_TREE` git takes that folder for the top of the work
 * tree: a hook that runs `cd infra && ecrlint …` would list paths from the wrong top. Both are fixed to what they
 * mean: the git directory made absolute, and the top of its work tree, which a linked worktree's git directory
 * names in its `gitdir` file and a `.git` folder is the parent of. A git directory that does not exist here, or
 * whose work tree cannot be told, throws: the caller then walks the folders. `GIT_INDEX_FILE` (a pre-commit hook
 * gets `.git/index` or a temporary index) is read relative to the top of the work tree, and is left as it is.
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  if (env.GIT_DIR) {
    const gitDir = resolve(env.GIT_DIR);
    if (!existsSync(gitDir)) throw new Error(`GIT_DIR ${env.GIT_DIR} does not exist here`);
    // Every git directory holds HEAD (git's own test of one).
    if (!existsSync(join(gitDir, "HEAD"))) throw new Error(`GIT_DIR ${env.GIT_DIR} is not a git repository`);
    env.GIT_DIR = gitDir;
    env.GIT_WORK_TREE = env.GIT_WORK_TREE ? resolve(env.GIT_WORK_TREE) : workTreeOf(gitDir);
  } else if (env.GIT_WORK_TREE) env.GIT_WORK_TREE = resolve(env.GIT_WORK_TREE);
  return env;
}

/** The top of the work tree of a git directory given without `GIT_WORK_TREE`. */
function workTreeOf(gitDir: string): string {
  const pointer = join(gitDir, "gitdir");
  // A linked worktree's git directory (.git/worktrees/<name>) names the `.git` file at its work tree's top.
  if (existsSync(pointer)) return dirname(resolve(gitDir, readFileSync(pointer, "utf8").trim()));
  if (gitDir.endsWith(`${sep}.git`)) return dirname(gitDir);
  throw new Error(`the work tree of GIT_DIR ${gitDir} is not known`);
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, env: gitEnvironment(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * The top of the git work tree that holds `cwd`, for a command that needs one (`flag` names the option in messages;
 * a subcommand, which names itself, gives none). Each way of failing says what it is: "not inside a git repository" sent users looking for a repository
 * that was there when git was missing, or when git refused the checkout as another user's ("dubious ownership",
 * the usual case in CI containers, with git's own command to allow it).
 * @throws EcrlintError (`usage`): outside a work tree, git not installed or not on PATH, git refusing the repository.
 */
async function workTreeTop(cwd: string, flag?: string): Promise<string> {
  const said = (words: string) => usageError(flag ? `${flag}: ${words}` : words);
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch (error) {
    const failure = error as Omit<NodeJS.ErrnoException, "code"> & { code?: string | number; stderr?: string };
    // A code in words is the start's failure (git was not found); a number is git's exit status.
    if (failure.code === "ENOENT") throw said("git could not be run: it is not installed, or not on PATH");
    // Thrown before git ran (GIT_DIR names a folder that is not there): its own words.
    if (typeof failure.code !== "number") throw said(failure.message);
    const lines = (failure.stderr ?? "").split("\n").map((line) => line.trim()).filter((line) => line !== "");
    if (lines.length === 0 || lines.some((line) => /not a git repository/iu.test(line))) throw said(`${cwd} is not inside a git repository`);
    const allow = lines.find((line) => line.startsWith("git config "));
    throw said(`git refused the repository: ${lines[0]!.replace(/^fatal:\s*/u, "")}${allow ? ` (to allow it: ${allow})` : ""}`);
  }
}

/** `git ls-files --stage` modes of the entries that are regular files (not links, not submodules). */
const REGULAR_FILE_MODES = new Set(["100644", "100755"]);

/**
 * The `.tf` files (any case) in git's index under `root`, as `/`-separated paths relative to `root`: tracked and
 * staged files, those of checked-out submodules too, regular files only (a link is not followed). The index is read
 * (about 20 ms at 50,000 files), not the working tree, so a file git does not track is not there. Undefined when
 * `root` is not in a git work tree or git cannot be run: the caller then walks the folders.
 */
export async function trackedTerraformFiles(root: string): Promise<string[] | undefined> {
  let listed: string;
  try {
    listed = await git(root, ["ls-files", "-z", "--stage", "--recurse-submodules", "--", ":(icase)*.tf"]);
  } catch {
    return undefined;
  }
  const files = new Set<string>();
  // `<mode> <object> <stage>\t<path>`: a file in conflict is there once per stage.
  for (const entry of listed.split("\0")) {
    const tab = entry.indexOf("\t");
    if (tab > 0 && REGULAR_FILE_MODES.has(entry.slice(0, entry.indexOf(" ")))) files.add(entry.slice(tab + 1));
  }
  return [...files];
}

/**
 * How to get a ref that a shallow clone lacks. A branch can be fetched by name; a commit relative to HEAD
 * (`HEAD~3`, `main^`) or a commit id cannot, and needs more history instead.
 */
async function fetchHint(cwd: string, ref: string): Promise<string> {
  const fullHistory = "or check out with full history (actions/checkout fetch-depth: 0)";
  if (/(?:[~^]\d*|@\{[^}]*\})$/u.test(ref)) {
    const steps = [...ref.matchAll(/[~^](\d*)/gu)].reduce((n, m) => n + (m[1] ? Number(m[1]) : 1), 0);
    return `fetch more history (git fetch --deepen=${Math.max(steps, 1)}, or git fetch --unshallow), ${fullHistory}`;
  }
  if (/^[0-9a-f]{7,64}$/iu.test(ref)) return `fetch more history (git fetch --unshallow), ${fullHistory}`;
  const branch = ref.replace(/^origin\//u, "");
  const valid = await git(cwd, ["check-ref-format", "--branch", branch]).then(() => true, () => false);
  if (!valid) return `fetch more history (git fetch --unshallow), ${fullHistory}`;
  return `fetch it first (git fetch origin ${branch}), ${fullHistory}`;
}

/** What changed since a ref, for `--changed-since`. */
export interface Changes {
  /** Files changed, added or untracked, as absolute paths (deleted ones are not there to lint). */
  files: Set<string>;
  /**
   * Folders whose ecrlint config was added, edited, deleted or renamed away (a package.json counts when either
   * side has an "ecrlint" key): every file governed from there may now have another resolved config.
   */
  configDirs: Set<string>;
}

/** The folder a config governs: `.config/ecrlintrc.json` speaks for the folder that holds `.config`. */
function governedFolder(top: string, repoPath: string): string | undefined {
  const parts = repoPath.split("/");
  const name = parts.length >= 2 && parts[parts.length - 2] === ".config" ? `.config/${parts[parts.length - 1]}` : parts[parts.length - 1]!;
  if (!CONFIG_FILE_NAMES.includes(name)) return undefined;
  return resolve(top, ...parts.slice(0, parts.length - name.split("/").length));
}

/**
 * Files changed since `ref`, as absolute paths: compared with the merge base of `ref` and HEAD (what a pull request
 * changes, not what `ref` gained meanwhile), including uncommitted and untracked files; and the folders whose config
 * changed, deleted configs included.
 */
/** Whether the repository holding `cwd` is a shallow clone (CI's usual checkout). */
async function isShallow(cwd: string): Promise<boolean> {
  return (await git(cwd, ["rev-parse", "--is-shallow-repository"]).catch(() => "false")).trim() === "true";
}

/**
 * The commit `ref` names, for a command that compares with it (`flag` names the option in messages, as for
 * {@link workTreeTop}).
 * @throws EcrlintError (`usage`): a ref git does not know, with how to fetch it in a shallow clone (where it is
 * usually history that was not fetched), or a repository with no commit yet.
 */
async function commitOf(cwd: string, ref: string, flag?: string): Promise<string> {
  const said = (words: string) => usageError(flag ? `${flag}: ${words}` : words);
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    if (await isShallow(cwd)) throw said(`unknown git ref "${ref}" in this shallow clone; ${await fetchHint(cwd, ref)}`);
    const born = await git(cwd, ["rev-parse", "--verify", "--quiet", "HEAD"]).then(() => true, () => false);
    throw said(born ? `unknown git ref "${ref}"` : `unknown git ref "${ref}": the repository has no commit yet`);
  }
}

export async function changedFiles(cwd: string, ref: string): Promise<Changes> {
  const top = await workTreeTop(cwd, "--changed-since");
  await commitOf(cwd, ref, "--changed-since");
  let base: string;
  try {
    base = (await git(cwd, ["merge-base", ref, "HEAD"])).trim();
  } catch {
    // The ref is there but not the history that joins it to HEAD: CI checked out a shallow clone.
    const hint = (await isShallow(cwd))
      ? "this is a shallow clone; fetch more history (git fetch --unshallow, or git fetch --deepen=<n>; actions/checkout fetch-depth: 0)"
      : "the histories are unrelated";
    throw usageError(`--changed-since: the merge base of "${ref}" and HEAD is missing: ${hint}`);
  }
  // --no-renames: a config renamed away is its deletion, which changes the config of every file it governed.
  const diff = await git(top, ["diff", "--name-status", "-z", "--no-renames", base, "--"]);
  const untracked = await git(top, ["ls-files", "--others", "--exclude-standard", "-z"]);
  const changes: Changes = { files: new Set(), configDirs: new Set() };
  const fields = diff.split("\0");
  const touched: [string, boolean][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) touched.push([fields[i + 1]!, fields[i] === "D"]);
  for (const name of untracked.split("\0")) if (name) touched.push([name, false]);
  for (const [name, deleted] of touched) {
    const filePath = resolve(top, name);
    if (!deleted) changes.files.add(filePath);
    const folder = governedFolder(top, name);
    if (folder === undefined) continue;
    if (name.split("/").pop() === "package.json") {
      const before = await git(top, ["cat-file", "blob", `${base}:${name}`]).catch(() => "");
      const after = deleted ? undefined : readTextFile(filePath, { maxBytes: MAX_CONFIG_BYTES });
      if (!before.includes('"ecrlint"') && !(after?.ok === true && after.text.includes('"ecrlint"'))) continue;
    }
    changes.configDirs.add(folder);
  }
  return changes;
}

/** The repository root (the nearest folder with `.git`), for paths in SARIF and GitHub annotations. */
export function repositoryRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A file changed between a ref and the working tree, with its text at the ref (undefined when it is new there). */
export interface ChangedFile {
  /** Absolute path in the working tree. */
  filePath: string;
  /** Path from the repository root, with slashes. */
  repoPath: string;
  /** For a renamed (or moved) file, its path at the ref from the repository root: `before` is that file's text. */
  previousRepoPath?: string;
  before: string | undefined;
  /** Undefined when the file was deleted. */
  after: string | undefined;
  /**
   * A version that could not be read for another reason than the file being new or deleted, and why: a name that is
   * not valid UTF-8 (git's bytes reach Node with U+FFFD in place of what does not decode, and no file or blob has
   * that name).
   */
  unreadable?: { side: "base" | "working tree"; reason: string };
}

/** `git diff --name-status -z`: a status, then one path (two for a rename: old, new), each ended by NUL. */
function nameStatus(output: string): { path: string; from?: string }[] {
  const fields = output.split("\0");
  const out: { path: string; from?: string }[] = [];
  for (let i = 0; i < fields.length - 1; ) {
    const status = fields[i++]!;
    if (!status) continue;
    if (status.startsWith("R") || status.startsWith("C")) {
      const from = fields[i++]!;
      out.push(status.startsWith("R") ? { path: fields[i++]!, from } : { path: fields[i++]! });
    } else out.push({ path: fields[i++]! });
  }
  return out;
}

/**
 * A file moved with plain `mv` (not yet added) is a deleted file and an untracked one, which git's rename detection
 * does not see: paired here when the content is the same byte for byte.
 */
function pairUntrackedMoves(files: ChangedFile[], untracked: ReadonlySet<string>): ChangedFile[] {
  const deleted = files.filter((f) => f.after === undefined && f.before !== undefined && f.previousRepoPath === undefined);
  const paired = new Set<ChangedFile>();
  for (const file of files) {
    if (!untracked.has(file.repoPath) || file.after === undefined) continue;
    const from = deleted.find((d) => !paired.has(d) && d.before === file.after);
    if (!from) continue;
    paired.add(from);
    file.previousRepoPath = from.repoPath;
    file.before = from.before;
  }
  return files.filter((f) => !paired.has(f));
}

const UNDECODABLE_NAME = "its name is not valid UTF-8, so this version cannot be read (the bytes that do not decode show as \uFFFD): rename it";

/**
 * Files changed between the merge base of `ref` and HEAD and the working tree (uncommitted and untracked files
 * included, deleted files too), with their text on both sides. Renames are paired by git's rename detection
 * (`git diff -M`, tracked files): a file moved with its content is one change from its old path to its new one.
 */
export async function filesChangedSince(cwd: string, ref: string): Promise<{ top: string; base: string; files: ChangedFile[] }> {
  const top = await workTreeTop(cwd);
  await commitOf(cwd, ref);
  let base: string;
  try {
    base = (await git(cwd, ["merge-base", ref, "HEAD"])).trim();
  } catch {
    throw usageError((await isShallow(cwd)) ? `the merge base of "${ref}" and HEAD is missing: this is a shallow clone; fetch more history (git fetch --unshallow)` : `"${ref}" and HEAD have no common history`);
  }
  // Renames staged with `git mv` come first: among files of the same content the working tree's pairing is arbitrary.
  const staged = nameStatus(await git(top, ["diff", "-M", "--name-status", "-z", "--cached", base, "--"]));
  const worktree = nameStatus(await git(top, ["diff", "-M", "--name-status", "-z", base, "--"]));
  const renamedTo = new Map<string, string>();
  for (const { from, path } of [...staged, ...worktree]) {
    if (from !== undefined && !renamedTo.has(path) && ![...renamedTo.values()].includes(from) && worktree.some((c) => c.path === path || c.from === path)) renamedTo.set(path, from);
  }
  const sources = new Set(renamedTo.values());
  const previous = new Map<string, string | undefined>();
  for (const { from, path } of worktree) {
    for (const name of from !== undefined ? [from, path] : [path]) if (!sources.has(name) || renamedTo.has(name)) previous.set(name, renamedTo.get(name));
  }
  const untracked = new Set((await git(top, ["ls-files", "--others", "--exclude-standard", "-z"])).split("\0").filter(Boolean));
  for (const name of untracked) previous.set(name, undefined);
  const files: ChangedFile[] = [];
  for (const repoPath of [...previous.keys()].sort()) {
    const filePath = resolve(top, repoPath);
    const previousRepoPath = previous.get(repoPath);
    let before: string | undefined;
    try {
      before = await git(top, ["cat-file", "blob", `${base}:${previousRepoPath ?? repoPath}`]);
    } catch {
      before = undefined;
    }
    const after = existsSync(filePath) ? readFileSync(filePath, "utf8") : undefined;
    // A side missing under a name with U+FFFD may be there under bytes Node cannot name: a rename to or from such a
    // name would otherwise read as a deletion or an addition, and the diff would invent the access it loses or gains.
    const side: "base" | "working tree" | undefined = after === undefined && repoPath.includes("\uFFFD") ? "working tree" : before === undefined && (previousRepoPath ?? repoPath).includes("\uFFFD") ? "base" : undefined;
    const unreadable = side ? { side, reason: UNDECODABLE_NAME } : undefined;
    files.push({ filePath, repoPath, ...(previousRepoPath !== undefined ? { previousRepoPath } : {}), before, after, ...(unreadable ? { unreadable } : {}) });
  }
  return { top, base, files: pairUntrackedMoves(files, untracked) };
}

/**
 * A file's text as committed at `ref` (`git cat-file blob <ref>:<path>`: `git show` reads a name it cannot resolve,
 * `q[ab]/p.json` say, as a pathspec, and prints nothing), or undefined when the file is not there at that ref.
 * A ref git does not know, or a folder outside a repository, is a usage error.
 */
export async function fileAtRef(cwd: string, ref: string, filePath: string): Promise<string | undefined> {
  const top = await workTreeTop(cwd, "--ref");
  const commit = await commitOf(cwd, ref, "--ref");
  // git names the top folder by its real path; the working directory may be reached through a symlink.
  const repoPath = relative(top, resolve(realpathSync(cwd), filePath)).split(sep).join("/");
  if (repoPath.startsWith("../")) throw usageError(`--ref: ${filePath} is outside the repository at ${top}`);
  try {
    return await git(top, ["cat-file", "blob", `${commit}:${repoPath}`]);
  } catch {
    return undefined;
  }
}
