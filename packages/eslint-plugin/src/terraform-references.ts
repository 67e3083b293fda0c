import { readdirSync } from "node:fs";
import { referenceOfReaders, terraformFileReaders, terraformFilesUnder, terraformModuleFactsOnDisk, terraformModuleFiles, terraformUsesOnDisk, type DeclaredKind, type TerraformDataUse, type TerraformFileReference, type TerraformModuleFacts } from "@ecrlint/core";

const factsByFile = new Map<string, TerraformModuleFacts>();
const moduleFilesByDir = new Map<string, string[]>();

/**
 * The resources of the other `.tf` and `.tf.json` files of a file's folder (its Terraform module) that read a
 * `data "aws_iam_policy_document"` block by name, as the runner gives them: the reader lints the blocks of this file
 * that they name, as their kinds. Each folder is listed and each file read once per process, and parsed only when a
 * resource of it reads such a block.
 */
export function terraformDataUses(filename: string): TerraformDataUse[] {
  return terraformUsesOnDisk(filename, cachedFacts, cachedModuleFiles);
}

function cachedFacts(file: string): TerraformModuleFacts {
  let facts = factsByFile.get(file);
  if (!facts) factsByFile.set(file, (facts = terraformModuleFactsOnDisk(file)));
  return facts;
}

function cachedModuleFiles(dir: string): string[] {
  let files = moduleFilesByDir.get(dir);
  if (!files) moduleFilesByDir.set(dir, (files = terraformModuleFiles(dir)));
  return files;
}

/** By project root and working directory: a reference names its `.tf` file relative to the latter, in messages. */
const readersByProject = new Map<string, Map<string, TerraformFileReference[]>>();

/**
 * The policy files that the `.tf` files under `root` read with `file()`/`templatefile()`, each with its readers:
 * the folder is searched and each `.tf` file read once per process, and parsed only when its text names `aws_ecr_`
 * and calls `file(` or `templatefile(` (see `terraformFileReaders`).
 */
function readersUnder(root: string, cwd: string): Map<string, TerraformFileReference[]> {
  const key = `${root}\0${cwd}`;
  let readers = readersByProject.get(key);
  if (!readers) readersByProject.set(key, (readers = terraformFileReaders(terraformFilesUnder(root), cwd)));
  return readers;
}

/**
 * The kind a policy file has because Terraform resources read it with `file()` or `templatefile()`, as the runner
 * gives it: every `.tf` file of the project (`root`) is read once per process for the files it reads, so the kind
 * does not depend on where the `.tf` file is (`${path.module}/../shared/p.json`). A file that resources of two kinds
 * read is linted as both (`also`). Undefined when none reads it; `template` for a file that only `templatefile()`
 * reads, whose `${…}` and `%{…}` are unknown values (see `ReadOptions.terraformTemplate`). No project (`root`
 * undefined: the home folder, a file system's root) is searched for `.tf` files.
 */
export function terraformDeclaredKind(filename: string, root: string | undefined, cwd: string): { kind: DeclaredKind; declaredBy: string; template: boolean; also?: { kind: "registry-policy" | "repository-policy"; declaredBy: string }[] } | undefined {
  if (root === undefined) return undefined;
  const reference = referenceOfReaders(readersUnder(root, cwd).get(filename) ?? []);
  if (!reference) return undefined;
  return { kind: reference.kind, declaredBy: reference.from, template: reference.template, ...(reference.also ? { also: reference.also.map((a) => ({ kind: a.kind, declaredBy: a.from })) } : {}) };
}
