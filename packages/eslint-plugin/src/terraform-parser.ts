import { VisitorKeys } from "jsonc-eslint-parser";
import { loadTerraformParser, parseTerraformText } from "@ecrlint/core";
import { documentsReadElsewhere, emptyProgram, parsingError, tooLarge, utf16Problem, type SkippedFile } from "./parser.js";

// The HCL grammar is WebAssembly, which loads asynchronously: it starts loading when the plugin is imported (no
// top-level await, so that require() of the plugin works), and the files parsed before it is ready are read in one
// helper thread that loads it once.
loadTerraformParser().catch(() => undefined);

/**
 * An ESLint parser for Terraform `.tf` files: the tree-sitter HCL grammar reads the file, and the plugin's rules see
 * the JSON-shaped tree of its `aws_ecr_*` resources in the file's coordinates, as the runner does, with the file's
 * `#`, `//` and `/* *\/` comments for `eslint-disable` directives. A file that names no `aws_ecr_` resource is an
 * empty program, whatever its syntax, unless it defines a `data "aws_iam_policy_document"` that a resource in
 * another file of its folder (its module) reads; text over 5 MB is not parsed; UTF-16 is named as such.
 */
export const terraformParser = {
  meta: { name: "@ecrlint/eslint-plugin/terraform-parser" },
  parseForESLint(code: string, options?: { filePath?: string }): { ast: object; visitorKeys: typeof VisitorKeys; services: { isTerraform: true; ecrlintSkipped?: SkippedFile } } {
    const skipped = tooLarge(code, options?.filePath);
    // Terraform is ours by its one marker, as in the runner: a file of policy documents over the limit cannot be read
    // for the names other files use, so it is not known to be ours.
    if (skipped) return { ast: emptyProgram(code), visitorKeys: VisitorKeys, services: { isTerraform: true, ecrlintSkipped: { ...skipped, mightBeOurs: code.includes("aws_ecr_") } } };
    const utf16 = utf16Problem(code, options?.filePath);
    if (utf16) throw parsingError(utf16);
    const ours = code.includes("aws_ecr_") || documentsReadElsewhere(code, options?.filePath);
    const parsed = parseTerraformText(ours ? code : "", undefined);
    if (!parsed.ok) throw Object.assign(parsingError(parsed.error.message.replace(/^Parsing error: /, "")), { lineNumber: parsed.error.line, column: parsed.error.column });
    return { ast: parsed.ast, visitorKeys: VisitorKeys, services: { isTerraform: true } };
  },
};
