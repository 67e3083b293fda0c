import { parseJsonText, propertyName } from "./parse.js";
import { isTerraformFile, isTerraformJsonFile, parseTerraformText, POLICY_ARGUMENTS, terraformJsonBlocks, type TerraformBlock } from "./terraform.js";

/**
 * Terraform reads every `.tf` and `.tf.json` file of a folder as one module: a resource in `ecr.tf` may take its
 * policy from a `data "aws_iam_policy_document"` block in `iam.tf`. The policy that block builds is written in the
 * block, so it is linted in the block's file, at the block's lines, as the kind of the resource that reads it.
 * https://developer.hashicorp.com/terraform/language/files
 */

/** A resource that takes its policy from a `data "aws_iam_policy_document"` block, by the block's name. */
export interface TerraformDataUse {
  /** The data block's name: `data.aws_iam_policy_document.<data>.json`. */
  data: string;
  /** The policy argument reads one instance (`<data>[0].json`, `<data>["k"].json`) of a block with `count`/`for_each`. */
  instance: boolean;
  /** `aws_ecr_repository_policy.app`: the resource that reads it. */
  resource: string;
  /** `policy`, or `repository_policy` of a creation template. */
  argument: string;
  kind: "registry-policy" | "repository-policy";
  /** The name of the file the resource is written in, in the module's folder (for messages and `--print-config`). */
  file: string;
}

/** What one file contributes to its module: the data blocks it reads from other files, and those it defines. */
export interface TerraformModuleFacts {
  /** Resources of this file reading a policy document that this file does not define. */
  uses: TerraformDataUse[];
  /** The `aws_iam_policy_document` data blocks this file defines, by name. */
  documents: string[];
}

/**
 * `${data.aws_iam_policy_document.<name>.json}` (or `.minified_json`, the same policy without spaces), as the
 * readers give a reference: the block's name and whether one instance is named. Undefined for any other value;
 * `source_policy_documents` and the like are other values and stay unknown.
 */
export function policyDocumentName(value: unknown): { name: string; instance: boolean } | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\$\{\s*data\.aws_iam_policy_document\.([A-Za-z_][\w-]*)(\[\s*(?:\d+|"[^"\\]*")\s*\])?\.(?:minified_)?json\s*\}$/.exec(value);
  return m ? { name: m[1]!, instance: m[2] !== undefined } : undefined;
}

/** Whether a data block is what a reference names: one instance of a block with `count`/`for_each`, or the block. */
export function matchesReference(block: TerraformBlock, name: string, instance: boolean): boolean {
  if (block.kind !== "data" || block.type !== "aws_iam_policy_document" || block.name !== name) return false;
  const repeated = block.body.properties.some((p) => ["count", "for_each"].includes(propertyName(p)));
  return repeated === instance;
}

/** The blocks of a `.tf` or `.tf.json` file; empty for text that does not parse (the run reports that file itself). */
export function terraformFileBlocks(text: string, filePath: string): TerraformBlock[] {
  if (isTerraformFile(filePath)) {
    const parsed = parseTerraformText(text, undefined);
    return parsed.ok && parsed.tree ? parsed.tree.blocks : [];
  }
  if (isTerraformJsonFile(filePath)) {
    const parsed = parseJsonText(text);
    return parsed.ok ? terraformJsonBlocks(parsed.ast, undefined) : [];
  }
  return [];
}

/**
 * The module facts of one file (see {@link TerraformModuleFacts}). Only a file that names `aws_ecr_` can use a
 * document and only one that names `aws_iam_policy_document` can define one, so other text is not parsed.
 */
export function terraformModuleFacts(text: string, filePath: string): TerraformModuleFacts {
  const facts: TerraformModuleFacts = { uses: [], documents: [] };
  if (!text.includes("aws_iam_policy_document")) return facts;
  const blocks = terraformFileBlocks(text, filePath);
  for (const block of blocks) {
    if (block.kind === "data" && block.type === "aws_iam_policy_document") facts.documents.push(block.name);
    const spec = block.kind === "resource" ? POLICY_ARGUMENTS[block.type] : undefined;
    const property = spec && block.body.properties.find((p) => propertyName(p) === spec.argument);
    const reference = property?.value.type === "JSONLiteral" ? policyDocumentName(property.value.value) : undefined;
    if (!spec || !reference) continue;
    // A block of this file is what Terraform reads; the file's own reader resolves it.
    if (blocks.some((b) => matchesReference(b, reference.name, reference.instance))) continue;
    const file = filePath.slice(Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\")) + 1);
    facts.uses.push({ data: reference.name, instance: reference.instance, resource: `${block.type}.${block.name}`, argument: spec.argument, kind: spec.kind, file });
  }
  return facts;
}
