import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { terraformModuleFacts, type TerraformDataUse, type TerraformModuleFacts } from "./terraform-module.js";
import { readTextFile } from "./text-file.js";

/** A Terraform file is a few kilobytes; one over the runner's 5 MB limit is not read for its module either. */
const MAX_TERRAFORM_BYTES = 5 * 1024 * 1024;

/** The `.tf` and `.tf.json` files of a folder, sorted: one Terraform module. None when the folder cannot be read. */
export function terraformModuleFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.tf(?:\.json)?$/i.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The module facts of a file on disk (see `terraformModuleFacts`): only a regular file within the size limit that
 * names `aws_ecr_` can read a policy document for an ECR resource; any other gives none. Never throws.
 */
export function terraformModuleFactsOnDisk(file: string): TerraformModuleFacts {
  const read = readTextFile(file, { maxBytes: MAX_TERRAFORM_BYTES });
  return read.ok && read.text.includes("aws_ecr_") ? terraformModuleFacts(read.text, file) : { uses: [], documents: [] };
}

/**
 * The resources of the other files of `filePath`'s folder (its Terraform module) that read a
 * `data "aws_iam_policy_document"` block by name, read from disk: what `ReadOptions.terraformUses` takes for a file
 * read on its own (the ESLint plugin, `@ecrlint/testing`). A caller that reads many files passes cached readers.
 */
export function terraformUsesOnDisk(filePath: string, factsOf: (file: string) => TerraformModuleFacts = terraformModuleFactsOnDisk, filesIn: (dir: string) => string[] = terraformModuleFiles): TerraformDataUse[] {
  return filesIn(dirname(filePath)).flatMap((file) => (file === filePath ? [] : factsOf(file).uses));
}
