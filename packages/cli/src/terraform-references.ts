import { isTerraformFile, loadTerraformParser, terraformReferencesOnDisk, type TerraformReferences } from "@ecrlint/core";

export type { TerraformReferences };

/** Loads the HCL grammar (WebAssembly, loaded once) when some file of the run is Terraform, so reading stays synchronous. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some((f) => isTerraformFile(f))) await loadTerraformParser();
}

/**
 * Reads the Terraform modules of `files` (see `terraformReferencesOnDisk`, which the ESLint plugin's cross-file
 * rules read a project through too): the policy files their ECR resources read with `file()`, and the policy
 * documents one of their files defines for a resource of another.
 */
export async function terraformReferences(files: readonly string[], cwd: string): Promise<TerraformReferences> {
  await prepareTerraform(files);
  return terraformReferencesOnDisk(files, cwd);
}
