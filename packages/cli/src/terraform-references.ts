import { statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { isTerraformFile, loadTerraformParser, readTextFile, terraformFileReferences, type TerraformFileReference } from "@ecrlint/core";
import { MAX_FILE_BYTES } from "./read-file.js";

/** The policy files that a run's Terraform files read with `file()`/`templatefile()`, and which files read each. */
export interface TerraformReferences {
  /** Referenced file (absolute path) → the kind it is linted as and the resource that reads it. */
  referenced: Map<string, TerraformFileReference>;
  /** Each referenced file and each `.tf` file that reads one, tied both ways: `--changed-since` re-checks the pair. */
  ties: Map<string, Set<string>>;
}

/** Loads the HCL grammar (WebAssembly, loaded once) when some file of the run is Terraform, so reading stays synchronous. */
export async function prepareTerraform(files: readonly string[]): Promise<void> {
  if (files.some((f) => isTerraformFile(f))) await loadTerraformParser();
}

/**
 * Reads the `.tf` files among `files` (safely: regular files only, none over the size limit) for the policy files
 * their ECR resources read. A referenced file that is not a regular file is left to the run to report, or not.
 */
export async function terraformReferences(files: readonly string[], cwd: string): Promise<TerraformReferences> {
  const out: TerraformReferences = { referenced: new Map(), ties: new Map() };
  await prepareTerraform(files);
  const tie = (a: string, b: string) => {
    if (!out.ties.has(a)) out.ties.set(a, new Set());
    out.ties.get(a)!.add(b);
  };
  for (const host of files) {
    if (!isTerraformFile(host)) continue;
    const read = readTextFile(host, { maxBytes: MAX_FILE_BYTES });
    if (!read.ok || !read.text.includes("aws_ecr_")) continue;
    for (const reference of terraformFileReferences(read.text, relative(cwd, host), (d, p) => join(cwd, d, p), dirname)) {
      tie(host, reference.path);
      tie(reference.path, host);
      if (statSync(reference.path, { throwIfNoEntry: false })?.isFile()) out.referenced.set(reference.path, reference);
    }
  }
  return out;
}
