import { isTerraformFile, loadTerraformParser, type FolderReader, terraformReferencesNeedParser, terraformReferencesOnDisk, terraformTextCache, type TerraformReferences } from "@ecrlint/core";

export type { TerraformReferences };

/** Loads the HCL grammar (WebAssembly, loaded once) when some file of the run is Terraform, so reading stays synchronous. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some((f) => isTerraformFile(f))) await loadTerraformParser();
}

/**
 * Reads the Terraform modules of `files` and the `.tf` files of the projects `roots` (see
 * `terraformReferencesOnDisk`, which the ESLint plugin's cross-file rules read a project through too): the policy
 * files ECR resources read with `file()`, and the policy documents one file of a module defines for a resource of
 * another. The HCL grammar is loaded only when the cheap text tests find something to parse. Folders are read
 * through the run's `listing`: the projects' folders that discovery walked are not read again.
 */
export async function terraformReferences(files: readonly string[], cwd: string, roots: readonly string[], listing: FolderReader): Promise<TerraformReferences> {
  const reading = { roots, textOf: terraformTextCache(), listing };
  if (terraformReferencesNeedParser(files, reading)) await loadTerraformParser();
  return terraformReferencesOnDisk(files, cwd, reading);
}
