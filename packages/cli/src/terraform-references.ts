import { dirname } from "node:path";
import { isTerraformFile, loadTerraformParser, type FolderReader, terraformFilesFromIndex, terraformReferencesNeedParser, terraformReferencesOnDisk, terraformTextCache, type TerraformReferences } from "@ecrlint/core";
import { isInside } from "./discover.js";
import { trackedTerraformFiles } from "./git.js";

export type { TerraformReferences };

/** Loads the HCL grammar (WebAssembly, loaded once) when some file of the run is Terraform, so reading stays synchronous. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some((f) => isTerraformFile(f))) await loadTerraformParser();
}

/** Whether a folder between `file` and `root` (the root excluded) holds a `.git`: the file is in a repository of its own. */
function inNestedRepository(file: string, root: string, listing: FolderReader): boolean {
  for (let dir = dirname(file); dir !== root && isInside(root, dir); dir = dirname(dir)) {
    try {
      if (listing.entries(dir).some((e) => e.name === ".git")) return true;
    } catch {
      // A folder that is not there (a name given with --stdin-filename) holds nothing.
    }
  }
  return false;
}

/**
 * The `.tf` files of each of `roots` for a run that names files (a pre-commit hook's, which runs in a git work tree):
 * git's index (tracked and staged files) and the folders of the named files and those above them up to the root
 * (untracked files there too), without listing every folder of the project. A root that is not in a git work tree,
 * where git cannot be run or fails, or where a named file sits in a repository of its own inside it (a checkout
 * that the root's index does not hold) is left out: the caller walks it.
 */
async function terraformFilesOfNamed(roots: readonly string[], named: readonly string[], listing: FolderReader, marksProject?: (root: string) => boolean): Promise<Map<string, string[]>> {
  const known = new Map<string, string[]>();
  await Promise.all(
    roots.map(async (root) => {
      const near = named.filter((f) => isInside(root, f));
      if (near.some((f) => inNestedRepository(f, root, listing))) return;
      const folders = [...new Set(near.map((f) => dirname(f)))];
      const tracked = await trackedTerraformFiles(root);
      if (tracked) known.set(root, terraformFilesFromIndex(root, tracked, folders, listing));
      // A folder that marks no project (the home folder, /tmp, `/`): only the named files' folders and those above.
      else if (marksProject && !marksProject(root)) known.set(root, terraformFilesFromIndex(root, [], folders, listing));
    }),
  );
  return known;
}

/**
 * Reads the Terraform modules of `files` and the `.tf` files of the projects `roots` (see
 * `terraformReferencesOnDisk`, which the ESLint plugin's cross-file rules read a project through too): the policy
 * files ECR resources read with `file()`, and the policy documents one file of a module defines for a resource of
 * another. The HCL grammar is loaded only when the cheap text tests find something to parse. Folders are read
 * through the run's `listing`: the projects' folders that discovery walked are not read again.
 *
 * `named`, for a run whose patterns all name files (no folder, no glob; standard input as the file it is given as):
 * the projects' `.tf` files are then git's tracked and staged ones plus those of the named files' folders and the
 * folders above them (`terraformFilesOfNamed`), instead of a walk of every folder of the project. Findings are the
 * walk's whenever the `.tf` files that read the named files are tracked or beside them; an untracked `.tf` file in
 * an unrelated folder is not seen. Outside git, or when git fails, the projects are walked, but for a root that
 * `marksProject` says is none (a folder with no config outside git: the home folder, `/`), whose named files'
 * folders and those above them are read alone.
 */
export async function terraformReferences(files: readonly string[], cwd: string, roots: readonly string[], listing: FolderReader, named?: readonly string[], marksProject?: (root: string) => boolean): Promise<TerraformReferences> {
  const known = named ? await terraformFilesOfNamed(roots, named, listing, marksProject) : undefined;
  const reading = { roots, textOf: terraformTextCache(), listing, ...(known ? { terraformFiles: (root: string) => known.get(root) } : {}) };
  if (terraformReferencesNeedParser(files, reading)) await loadTerraformParser();
  return terraformReferencesOnDisk(files, cwd, reading);
}
