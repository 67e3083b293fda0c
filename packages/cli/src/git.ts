import { execFile } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { usageError } from "./errors.js";

const run = promisify(execFile);

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * Files changed since `ref`, as absolute paths: compared with the merge base of `ref` and HEAD (what a pull request
 * changes, not what `ref` gained meanwhile), including uncommitted and untracked files; deleted files are left out.
 */
export async function changedFiles(cwd: string, ref: string): Promise<Set<string>> {
  let top: string;
  try {
    top = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw usageError(`--changed-since: ${cwd} is not inside a git repository`);
  }
  const shallow = async () => (await git(cwd, ["rev-parse", "--is-shallow-repository"]).catch(() => "false")).trim() === "true";
  try {
    await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    if (await shallow()) {
      throw usageError(`--changed-since: unknown git ref "${ref}" in this shallow clone; fetch it first (git fetch origin ${ref.replace(/^origin\//u, "")}), or check out with full history (actions/checkout fetch-depth: 0)`);
    }
    throw usageError(`--changed-since: unknown git ref "${ref}"`);
  }
  let base: string;
  try {
    base = (await git(cwd, ["merge-base", ref, "HEAD"])).trim();
  } catch {
    // The ref is there but not the history that joins it to HEAD: CI checked out a shallow clone.
    const hint = (await shallow())
      ? "this is a shallow clone; fetch more history (git fetch --unshallow, or git fetch --deepen=<n>; actions/checkout fetch-depth: 0)"
      : "the histories are unrelated";
    throw usageError(`--changed-since: the merge base of "${ref}" and HEAD is missing: ${hint}`);
  }
  const diff = await git(top, ["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "--"]);
  const untracked = await git(top, ["ls-files", "--others", "--exclude-standard", "-z"]);
  const files = new Set<string>();
  for (const name of `${diff}\0${untracked}`.split("\0")) if (name) files.add(resolve(top, name));
  return files;
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

/**
 * Files changed between the merge base of `ref` and HEAD and the working tree (uncommitted and untracked files
 * included, deleted files too), with their text on both sides. Renames are paired by git's rename detection
 * (`git diff -M`, tracked files): a file moved with its content is one change from its old path to its new one.
 */
export async function filesChangedSince(cwd: string, ref: string): Promise<{ top: string; base: string; files: ChangedFile[] }> {
  let top: string;
  try {
    top = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw usageError(`diff: ${cwd} is not inside a git repository`);
  }
  let base: string;
  try {
    await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
    base = (await git(cwd, ["merge-base", ref, "HEAD"])).trim();
  } catch {
    throw usageError(`diff: unknown git ref "${ref}"`);
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
      before = await git(top, ["show", `${base}:${previousRepoPath ?? repoPath}`]);
    } catch {
      before = undefined;
    }
    const after = existsSync(filePath) ? readFileSync(filePath, "utf8") : undefined;
    files.push({ filePath, repoPath, ...(previousRepoPath !== undefined ? { previousRepoPath } : {}), before, after });
  }
  return { top, base, files: pairUntrackedMoves(files, untracked) };
}

/**
 * A file's text as committed at `ref` (`git show <ref>:<path>`), or undefined when the file is not there at that ref.
 * A ref git does not know, or a folder outside a repository, is a usage error.
 */
export async function fileAtRef(cwd: string, ref: string, filePath: string): Promise<string | undefined> {
  let top: string;
  try {
    top = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw usageError(`--ref: ${cwd} is not inside a git repository`);
  }
  let commit: string;
  try {
    commit = (await git(cwd, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim();
  } catch {
    throw usageError(`--ref: unknown git ref "${ref}"`);
  }
  // git names the top folder by its real path; the working directory may be reached through a symlink.
  const repoPath = relative(top, resolve(realpathSync(cwd), filePath)).split(sep).join("/");
  if (repoPath.startsWith("../")) throw usageError(`--ref: ${filePath} is outside the repository at ${top}`);
  try {
    return await git(top, ["show", `${commit}:${repoPath}`]);
  } catch {
    return undefined;
  }
}
