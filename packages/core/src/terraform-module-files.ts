import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isTerraformFile, terraformFileReferences, type TerraformFileReference } from "./terraform.js";
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

/** How a set of Terraform modules reads files other than the one a resource is written in. */
export interface TerraformReferences {
  /** Policy files read with `file()`/`templatefile()` (absolute path) → the kind it is linted as and the resource that reads it. */
  referenced: Map<string, TerraformFileReference>;
  /**
   * A `.tf`/`.tf.json` file (absolute path) → the resources of other files of its module that read a
   * `data "aws_iam_policy_document"` block it defines: the block is linted in this file as those resources' kinds.
   */
  dataUses: Map<string, TerraformDataUse[]>;
  /** Each file and each file it reads or is read by, tied both ways: `--changed-since` re-checks the pair. */
  ties: Map<string, Set<string>>;
}

const MODULE_FILE = /\.tf(?:\.json)?$/i;

/**
 * Reads the Terraform modules of `files` (absolute paths; safely: regular files only, none over the size limit):
 * the policy files their ECR resources read with `file()`, and the policy documents one of their files defines for
 * a resource of another (every `.tf`/`.tf.json` file of a folder is one module, so a set given one of them reads the
 * others too). Only the `.tf` files in `files` are read for their `file()` references. The cheap text tests come
 * first: only a module with a file that names both `aws_ecr_` and `data.aws_iam_policy_document.` is parsed for its
 * documents. A referenced file that is not a regular file is left out. The runner and the ESLint plugin's
 * cross-file rules both read a project's Terraform through this, so they see the same documents as the same kinds.
 * The HCL grammar should be loaded (`loadTerraformParser`); before that, files are parsed in a worker.
 */
export function terraformReferencesOnDisk(files: readonly string[], cwd: string): TerraformReferences {
  const out: TerraformReferences = { referenced: new Map(), dataUses: new Map(), ties: new Map() };
  const tie = (a: string, b: string) => {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      if (!out.ties.has(from)) out.ties.set(from, new Set());
      out.ties.get(from)!.add(to);
    }
  };
  const given = new Set(files);
  const dirs = [...new Set(files.filter((f) => MODULE_FILE.test(f)).map((f) => dirname(f)))];
  for (const dir of dirs) {
    const texts = new Map<string, string>();
    for (const file of terraformModuleFiles(dir)) {
      const read = readTextFile(file, { maxBytes: MAX_TERRAFORM_BYTES });
      if (read.ok) texts.set(file, read.text);
    }
    for (const [host, text] of texts) {
      if (!given.has(host) || !isTerraformFile(host) || !text.includes("aws_ecr_")) continue;
      for (const reference of terraformFileReferences(text, relative(cwd, host), (d, p) => join(cwd, d, p), dirname)) {
        tie(host, reference.path);
        if (statSync(reference.path, { throwIfNoEntry: false })?.isFile()) out.referenced.set(reference.path, reference);
      }
    }
    if (![...texts.values()].some((t) => t.includes("aws_ecr_") && t.includes("data.aws_iam_policy_document."))) continue;
    const facts = [...texts].filter(([, t]) => t.includes("aws_iam_policy_document")).map(([file, text]) => ({ file, ...terraformModuleFacts(text, file) }));
    for (const definer of facts) {
      const uses = facts.flatMap((user) => (user.file === definer.file ? [] : user.uses.filter((u) => definer.documents.includes(u.data)).map((u) => ({ use: u, from: user.file }))));
      if (uses.length === 0) continue;
      out.dataUses.set(definer.file, uses.map((u) => u.use));
      for (const { from } of uses) tie(definer.file, from);
    }
  }
  return out;
}
