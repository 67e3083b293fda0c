import { statSync } from "node:fs";
import { dirname } from "node:path";
import { isTerraformFile, loadTerraformParser, mayReadPolicyFiles, readTextFile, referenceOfReaders, terraformFileReaders, terraformFilesUnder, terraformModuleFacts, terraformModuleFiles, type TerraformDataUse, type TerraformFileReference } from "@ecrlint/core";
import { MAX_FILE_BYTES } from "./read-file.js";

/** How a run's Terraform modules read files other than the one a resource is written in. */
export interface TerraformReferences {
  /**
   * Policy files read with `file()`/`templatefile()` by a `.tf` file of the run or of its project (absolute path) →
   * the kind it is linted as and the resource that reads it (see `referenceOfReaders`).
   */
  referenced: Map<string, TerraformFileReference>;
  /** The policy files that the run's own `.tf` files read: linted with them even when no pattern names them. */
  readByRun: Set<string>;
  /**
   * A `.tf`/`.tf.json` file (absolute path) → the resources of other files of its module that read a
   * `data "aws_iam_policy_document"` block it defines: the block is linted in this file as those resources' kinds.
   */
  dataUses: Map<string, TerraformDataUse[]>;
  /** Each file and each file it reads or is read by, tied both ways: `--changed-since` re-checks the pair. */
  ties: Map<string, Set<string>>;
}

/** Loads the HCL grammar (WebAssembly, loaded once) when some file of the run is Terraform, so reading stays synchronous. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some((f) => isTerraformFile(f))) await loadTerraformParser();
}

const MODULE_FILE = /\.tf(?:\.json)?$/i;

/**
 * Reads the Terraform modules of `files` (safely: regular files only, none over the size limit): the policy files
 * that ECR resources read with `file()`, and the policy documents one of their files defines for a resource of
 * another (every `.tf`/`.tf.json` file of a folder is one module, so a run given one of them reads the others too).
 * What a policy file is does not depend on which paths the run names: every `.tf` file under `roots` (the projects
 * of the run's files) is read for the files it reads, so a file named alone, or read from another folder
 * (`${path.module}/../shared/p.json`), gets the kind of the resources that read it. The cheap text tests come
 * first: only a `.tf` file naming `aws_ecr_` and calling `file(` or `templatefile(` is parsed for its references,
 * and only a module with a file that names both `aws_ecr_` and `data.aws_iam_policy_document.` for its documents.
 * A referenced file that is not a regular file is left to the run to report, or not.
 */
export async function terraformReferences(files: readonly string[], cwd: string, roots: readonly string[] = []): Promise<TerraformReferences> {
  const out: TerraformReferences = { referenced: new Map(), readByRun: new Set(), dataUses: new Map(), ties: new Map() };
  const tie = (a: string, b: string) => {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      if (!out.ties.has(from)) out.ties.set(from, new Set());
      out.ties.get(from)!.add(to);
    }
  };
  const given = new Set(files);
  const hosts = new Set([...files.filter((f) => isTerraformFile(f)), ...roots.flatMap((root) => terraformFilesUnder(root))]);
  const textCache = new Map<string, string | undefined>();
  const textOf = (file: string): string | undefined => {
    if (!textCache.has(file)) {
      const read = readTextFile(file, { maxBytes: MAX_FILE_BYTES });
      textCache.set(file, read.ok ? read.text : undefined);
    }
    return textCache.get(file);
  };
  // The grammar is loaded for a project's .tf files only when one of them may read a policy file.
  if ([...hosts].some((f) => mayReadPolicyFiles(textOf(f) ?? ""))) await loadTerraformParser();
  for (const [path, readers] of terraformFileReaders(hosts, cwd, textOf)) {
    for (const r of readers) {
      tie(r.host!, path);
      if (given.has(r.host!)) out.readByRun.add(path);
    }
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) out.referenced.set(path, referenceOfReaders(readers)!);
  }
  const dirs = [...new Set(files.filter((f) => MODULE_FILE.test(f)).map((f) => dirname(f)))];
  for (const dir of dirs) {
    const texts = new Map<string, string>();
    for (const file of terraformModuleFiles(dir)) {
      const text = textOf(file);
      if (text !== undefined) texts.set(file, text);
    }
    if (![...texts.values()].some((t) => t.includes("aws_ecr_") && t.includes("data.aws_iam_policy_document."))) continue;
    await loadTerraformParser();
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
