import { VisitorKeys } from "jsonc-eslint-parser";
import { emptyProgram, parser } from "./parser.js";
import { terraformDeclaredKind } from "./terraform-references.js";
import { projectRootWithoutCwd } from "./file-context.js";

/**
 * An ESLint parser for the files a Terraform resource reads with `file()` or `templatefile()` under a name that is
 * not JSON's (`registry-policy.json.tpl`, `policy.tftpl`): such a file is parsed as JSON (as `parser.ts` parses
 * `.json`, then linted as the resource's kind) when a `.tf` file of its project reads it, as the runner lints it.
 * Any other file of these extensions (a Go or Helm template), and a `templatefile()` template with `${…}` or `%{…}`
 * of its own (what Terraform makes of it is unknown), is an empty program: never a parsing error.
 * ESLint gives a parser no working directory: see `projectRootWithoutCwd`.
 */
export const terraformTemplateParser = {
  meta: { name: "@ecrlint/eslint-plugin/terraform-template-parser" },
  parseForESLint(code: string, options?: { filePath?: string }): { ast: object; visitorKeys: typeof VisitorKeys; services: object } {
    const filePath = options?.filePath;
    const read = filePath === undefined ? undefined : terraformDeclaredKind(filePath, code, projectRootWithoutCwd(filePath), process.cwd());
    if (read === undefined || read === "template") return { ast: emptyProgram(code), visitorKeys: VisitorKeys, services: { isJSON: true } };
    return parser.parseForESLint(code, options as Parameters<typeof parser.parseForESLint>[1]);
  },
};
