import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { readTextFile, terraformFileReferences, type DeclaredKind, type TerraformFileReference } from "@ecrlint/core";

/** A Terraform file is a few kilobytes; one over the runner's limit is not read here either. */
const MAX_TERRAFORM_BYTES = 5 * 1024 * 1024;

const tfFilesByDir = new Map<string, string[]>();
const referencesByTf = new Map<string, TerraformFileReference[]>();

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

function referencesOf(tfPath: string, cwd: string): TerraformFileReference[] {
  let refs = referencesByTf.get(tfPath);
  if (!refs) {
    const read = readTextFile(tfPath, { maxBytes: MAX_TERRAFORM_BYTES });
    refs = read.ok && read.text.includes("aws_ecr_") ? terraformFileReferences(read.text, relative(cwd, tfPath), (d, p) => resolve(cwd, d, p), dirname) : [];
    referencesByTf.set(tfPath, refs);
  }
  return refs;
}

/**
 * The kind a policy file has because a Terraform resource reads it with `file()` or `templatefile()`, as the runner
 * gives it: the `.tf` files of the file's folder and of each folder above it, up to `root`, are read (once per
 * process) for their references. Undefined when none reads it; `"template"` for a file that `templatefile()` reads
 * and that has `${…}` or `%{…}` of its own: what Terraform makes of it is unknown, and it is not linted.
 */
export function terraformDeclaredKind(filename: string, text: string, root: string, cwd: string): { kind: DeclaredKind; declaredBy: string } | "template" | undefined {
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    for (const tf of terraformFilesIn(dir)) {
      const reference = referencesOf(tf, cwd).find((r) => r.path === filename);
      if (!reference) continue;
      if (reference.template && /[$%]\{/.test(text)) return "template";
      return { kind: reference.kind, declaredBy: reference.from };
    }
    if (dir === root || !dir.startsWith(root) || dirname(dir) === dir) break;
  }
  return undefined;
}
