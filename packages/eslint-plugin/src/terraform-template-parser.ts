import { VisitorKeys } from "jsonc-eslint-parser";
import { emptyProgram, parser } from "./parser.js";
import { terraformDeclaredKind } from "./terraform-references.js";
import { projectRootWithoutCwd } from "./file-context.js";

/**
 * An ESLint parser for the files a Terraform resource reads with `file()` or `templatefile()` under a name that is
 * not JSON's (`registry-policy.json.tpl`, `policy.tftpl`): such a file is parsed as JSON (as `parser.ts` parses
 * `.json`, then linted as the resource's kind) when a `.tf` file of its project reads it, as the runner lints it.
 * Any other file of these extensions (a Go or Helm template), and a `templatefile()` template with `${…}` or `%{…}`
 * where JSON cannot have them (what Terraform makes of it is unknown), is an empty program: never a parsing error.
 * The interpolations of a template are unknown values, so the rest of it is linted.
 * ESLint gives a parser no working directory: see `projectRootWithoutCwd`.
 */
export const terraformTemplateParser = {
  meta: { name: "@ecrlint/eslint-plugin/terraform-template-parser" },
  parseForESLint(code: string, options?: { filePath?: string }): { ast: object; visitorKeys: typeof VisitorKeys; services: object } {
    const filePath = options?.filePath;
    const read = filePath === undefined ? undefined : terraformDeclaredKind(filePath, projectRootWithoutCwd(filePath), process.cwd());
    const empty = { ast: emptyProgram(code), visitorKeys: VisitorKeys, services: { isJSON: true } };
    if (read === undefined) return empty;
    try {
      return parser.parseForESLint(code, options as Parameters<typeof parser.parseForESLint>[1]);
    } catch (error) {
      // A template that is JSON only once its interpolations are known is unknown, as in the runner.
      if (read.template && /[$%]\{/.test(code)) return empty;
      throw error;
    }
  },
};
