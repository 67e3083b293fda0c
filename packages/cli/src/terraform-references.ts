import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isTerraformFile, loadTerraformParser, readTextFile, terraformFileReferences, terraformModuleFacts, terraformModuleFiles, type TerraformDataUse, type TerraformFileReference } from "@ecrlint/core";
import { MAX_FILE_BYTES } from "./read-file.js";

/** How a run's Terraform modules read files other than the one a resource is written in. */
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

/** Loads the HCL grammar (WebAssembly, loaded once) when some file of the run is Terraform, so reading stays synchronous. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some((f) => isTerraformFile(f))) await loadTerraformParser();
}

const MODULE_FILE = /\.tf(?:\.json)?$/i;

/** Core's own first test in terraformFileReferences: a file with no `file(`/`templatefile(` call reads no other file. */
const FILE_CALL = /\b(?:template)?file\s*\(/;

/**
 * Reads the Terraform modules of `files` (safely: regular files only, none over the size limit): the policy files
 * their ECR resources read with `file()`, and the policy documents one of their files defines for a resource of
 * another (every `.tf`/`.tf.json` file of a folder is one module, so a run given one of them reads the others too).
 * The cheap text tests come first: only a module with a file that names both `aws_ecr_` and
 * `data.aws_iam_policy_document.` is parsed for its documents. A referenced file that is not a regular file is left
 * to the run to report, or not.
 */
export async function terraformReferences(files: readonly string[], cwd: string): Promise<TerraformReferences> {
  const out: TerraformReferences = { referenced: new Map(), dataUses: new Map(), ties: new Map() };
  // The grammar loads only before a module is parsed: a run whose Terraform files are all cached, and read no
  // policy file with file(), never loads it (the cheap text tests below decide, as terraformFileReferences does).
  const parse = () => prepareTerraform(files);
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
      const read = readTextFile(file, { maxBytes: MAX_FILE_BYTES });
      if (read.ok) texts.set(file, read.text);
    }
    for (const [host, text] of texts) {
      if (!given.has(host) || !isTerraformFile(host) || !text.includes("aws_ecr_")) continue;
      if (FILE_CALL.test(text)) await parse();
      for (const reference of terraformFileReferences(text, relative(cwd, host), (d, p) => join(cwd, d, p), dirname)) {
        tie(host, reference.path);
        if (statSync(reference.path, { throwIfNoEntry: false })?.isFile()) out.referenced.set(reference.path, reference);
      }
    }
    if (![...texts.values()].some((t) => t.includes("aws_ecr_") && t.includes("data.aws_iam_policy_document."))) continue;
    await parse();
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
