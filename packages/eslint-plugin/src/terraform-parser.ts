import { VisitorKeys } from "jsonc-eslint-parser";
import { loadTerraformParser, parseTerraformText } from "@ecrlint/core";

// The HCL grammar is WebAssembly, which loads asynchronously: it starts loading when the plugin is imported (no
// top-level await, so that require() of the plugin works), and a file parsed before it is ready is read in a worker.
loadTerraformParser().catch(() => undefined);

/**
 * An ESLint parser for Terraform `.tf` files: the tree-sitter HCL grammar reads the file, and the plugin's rules see
 * the JSON-shaped tree of its `aws_ecr_*` resources in the file's coordinates, as the runner does. A file that
 * names no `aws_ecr_` resource is an empty program, whatever its syntax.
 */
export const terraformParser: { meta: { name: string }; parseForESLint(text: string): { ast: object; visitorKeys: Record<string, readonly string[]>; services: { isTerraform: true } } } = {
  meta: { name: "@ecrlint/eslint-plugin/terraform-parser" },
  parseForESLint(text: string) {
    let parsed = parseTerraformText(text.includes("aws_ecr_") ? text : "", undefined);
    if (!parsed.ok) {
      const error = new SyntaxError(parsed.error.message.replace(/^Parsing error: /, "")) as SyntaxError & { lineNumber: number; column: number; index: number };
      error.lineNumber = parsed.error.line;
      error.column = parsed.error.column;
      error.index = 0;
      throw error;
    }
    return { ast: parsed.ast, visitorKeys: VisitorKeys as Record<string, readonly string[]>, services: { isTerraform: true as const } };
  },
};
