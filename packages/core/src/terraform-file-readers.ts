import { realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { leavesFolder } from "./relative-path.js";
import { diskFolders, type FolderReader } from "./folder-listing.js";
import { terraformFileReferences, type TerraformFileReference } from "./terraform.js";
import { readTextFile } from "./text-file.js";

/** Folders never searched for `.tf` files: dependencies, version control, Terraform's and Terragrunt's download caches. */
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".terraform", ".terragrunt-cache"]);

/**
 * The `.tf` files under `root`, sorted. Symbolic links are not followed (a link leading out of the project is not
 * the project's), nor are the folders of {@link SKIPPED_FOLDERS}; an unreadable folder is passed over. Folders are
 * read through `folders` (a run's listing, which its discovery has mostly filled already).
 */
export function terraformFilesUnder(root: string, folders: FolderReader = diskFolders): string[] {
  const out: string[] = [];
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    let entries;
    try {
      entries = folders.entries(dir);
    } catch {
      continue;
    }
    // Below `root`, a folder's path came out of path.join and an entry's name holds no separator: the child's path
    // is the two with a separator between, without path.join normalising every path of the tree again (a fifth of
    // the search on 13,000 folders).
    const prefix = dir === root ? undefined : dir + sep;
    for (const e of entries) {
      const wanted = e.isDirectory() ? !SKIPPED_FOLDERS.has(e.name) : e.isFile() && TF_FILE.test(e.name);
      if (!wanted) continue;
      const path = prefix === undefined ? join(root, e.name) : prefix + e.name;
      if (e.isDirectory()) pending.push(path);
      else out.push(path);
    }
  }
  return out.sort();
}

const TF_FILE = /\.tf$/i;

/**
 * What {@link terraformFilesUnder} finds under `root`, without listing every folder: the paths git's index holds
 * (`tracked`: relative to `root`, `/`-separated, regular files only, as `git ls-files` gives them) and the `.tf`
 * files of the folders `near` (absolute; those outside `root` are passed over) and of every folder above each up to
 * `root`, listed through `folders`. The same names and folders are passed over as by the walk (only `.tf`, nothing
 * under {@link SKIPPED_FOLDERS}); a tracked file deleted since is kept (reading it then gives nothing, as for any
 * file that cannot be read). What it cannot see is a `.tf` file git does not track in a folder that is neither
 * near nor above a near one. Sorted, without duplicates.
 */
export function terraformFilesFromIndex(root: string, tracked: readonly string[], near: readonly string[], folders: FolderReader = diskFolders): string[] {
  const out = new Set<string>();
  for (const path of tracked) {
    const parts = path.split("/");
    if (TF_FILE.test(parts[parts.length - 1]!) && !parts.slice(0, -1).some((p) => SKIPPED_FOLDERS.has(p))) out.add(join(root, ...parts));
  }
  const listed = new Set<string>();
  const realRoot = realPathOf(root);
  for (const start of near) {
    const rel = relative(root, start);
    if (leavesFolder(rel) || rel.split(sep).some((p) => SKIPPED_FOLDERS.has(p)) || realRoot === undefined || realPathOf(start) !== join(realRoot, rel)) continue;
    for (let dir = start; !listed.has(dir); dir = dirname(dir)) {
      listed.add(dir);
      for (const file of terraformFilesIn(dir, folders)) out.add(file);
      if (dir === root) break;
    }
  }
  return [...out].sort();
}

/** A folder's path without symbolic links, or undefined when it is not there. A near folder reached through a linked folder is one the walk never enters. */
function realPathOf(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

/** The `.tf` files of one folder (regular files, not links); none when it cannot be listed. */
function terraformFilesIn(dir: string, folders: FolderReader): string[] {
  try {
    return folders
      .entries(dir)
      .filter((e) => e.isFile() && TF_FILE.test(e.name))
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Whether a `.tf` file's text may read a policy file: it names an ECR resource and calls `file()` or `templatefile()`. */
export function mayReadPolicyFiles(text: string): boolean {
  return text.includes("aws_ecr_") && /\b(?:template)?file\s*\(/.test(text);
}

/**
 * Every policy file that the given `.tf` files read with `file()`/`templatefile()`, by absolute path, with every
 * resource that reads it (sorted by the resource's place, so the first is the same whatever order the files come
 * in). A text is parsed only when {@link mayReadPolicyFiles}. `textOf` gives a file's text (a caller's cache), else
 * it is read from disk; `cwd` is what `from` names the `.tf` file relative to.
 */
export function terraformFileReaders(tfFiles: Iterable<string>, cwd: string, textOf: (file: string) => string | undefined = readTerraformText): Map<string, TerraformFileReference[]> {
  const out = new Map<string, TerraformFileReference[]>();
  for (const tf of tfFiles) {
    const text = textOf(tf);
    if (text === undefined || !mayReadPolicyFiles(text)) continue;
    for (const reference of terraformFileReferences(text, relative(cwd, tf), (d, p) => resolve(cwd, d, p), dirname)) {
      const read = { ...reference, host: tf };
      const list = out.get(reference.path);
      if (list) list.push(read);
      else out.set(reference.path, [read]);
    }
  }
  for (const list of out.values()) list.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return out;
}

/**
 * The text of a Terraform file, or undefined when it cannot be read (read safely: regular files only). A Terraform file
 * is a few kilobytes; one over the runner's limit (`DEFAULT_MAX_TEXT_BYTES`) is not read for its references either.
 */
export function readTerraformText(file: string): string | undefined {
  const read = readTextFile(file);
  return read.ok ? read.text : undefined;
}

/**
 * How a file read by Terraform resources is linted: as the kind of each resource that reads it. Resources of one
 * kind give one reading (the first names it); a file that a registry policy and a repository policy both read is
 * deployed as both, so it is linted as both (`also`), each finding saying which resource declares its kind. A
 * `templatefile()` template is rendered before it is deployed; only a file that every resource reads with
 * `templatefile()` is a template.
 */
export function referenceOfReaders(readers: readonly TerraformFileReference[]): TerraformFileReference | undefined {
  const [first] = readers;
  if (!first) return undefined;
  const also = readers.filter((r, i) => r.kind !== first.kind && readers.findIndex((o) => o.kind === r.kind) === i).map((r) => ({ kind: r.kind, from: r.from }));
  return { ...first, template: readers.every((r) => r.template), ...(also.length ? { also } : {}) };
}
