import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { readTextFile, terraformFileReferences, terraformModuleFactsOnDisk, terraformModuleFiles, terraformUsesOnDisk, type DeclaredKind, type TerraformDataUse, type TerraformFileReference, type TerraformModuleFacts } from "@ecrlint/core";

/** A Terraform file is a few kilobytes; one over the runner's limit is not read here either. */
const MAX_TERRAFORM_BYTES = 5 * 1024 * 1024;

const tfFilesByDir = new Map<string, string[]>();
const referencesByTf = new Map<string, TerraformFileReference[]>();
const factsByFile = new Map<string, TerraformModuleFacts>();
const moduleFilesByDir = new Map<string, string[]>();

function terraformFilesIn(dir: string): string[] {
  let files = tfFilesByDir.get(dir);
  if (!files) {
    try {
      files = readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isFile() && /\.tf$/i.test(e.name))
        .map((e) => join(dir, e.name));
    } catch {
      files = [];
    }
    tfFilesByDir.set(dir, files);
  }
  return files;
}

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

/** By working directory too: a reference names its `.tf` file relative to it, in messages. */
function referencesOf(tfPath: string, cwd: string): TerraformFileReference[] {
  const key = `${cwd}\0${tfPath}`;
  let refs = referencesByTf.get(key);
  if (!refs) {
    const read = readTextFile(tfPath, { maxBytes: MAX_TERRAFORM_BYTES });
    refs = read.ok && read.text.includes("aws_ecr_") ? terraformFileReferences(read.text, relative(cwd, tfPath), (d, p) => resolve(cwd, d, p), dirname) : [];
    referencesByTf.set(key, refs);
  }
  return refs;
}

/**
 * The kind a policy file has because a Terraform resource reads it with `file()` or `templatefile()`, as the runner
 * gives it: the `.tf` files of the file's folder and of each folder above it, up to `root`, are read (once per
 * process) for their references. Undefined when none reads it; `template` for a file that `templatefile()` reads,
 * whose `${…}` and `%{…}` are unknown values (see `ReadOptions.terraformTemplate`).
 */
export function terraformDeclaredKind(filename: string, root: string, cwd: string): { kind: DeclaredKind; declaredBy: string; template: boolean } | undefined {
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    for (const tf of terraformFilesIn(dir)) {
      const reference = referencesOf(tf, cwd).find((r) => r.path === filename);
      if (!reference) continue;
      return { kind: reference.kind, declaredBy: reference.from, template: reference.template };
    }
    if (dir === root || !dir.startsWith(root) || dirname(dir) === dir) break;
  }
  return undefined;
}
