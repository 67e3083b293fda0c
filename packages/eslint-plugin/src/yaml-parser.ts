import { VisitorKeys } from "jsonc-eslint-parser";
import { parseYamlText } from "@ecrlint/core";

/**
 * An ESLint parser for CloudFormation YAML templates: the `yaml` library reads the file, and the plugin's rules
 * see the same JSON-shaped tree, in the YAML file's coordinates, that the runner lints (short-form tags as their
 * long forms). YAML that does not parse is an error only when it names an `AWS::ECR::` type, so that a broken
 * workflow file elsewhere in the repository is not reported by this plugin.
 */
export const yamlParser: { meta: { name: string }; parseForESLint(text: string): { ast: object; visitorKeys: Record<string, readonly string[]>; services: { isYAML: true } } } = {
  meta: { name: "@ecrlint/eslint-plugin/yaml-parser" },
  parseForESLint(text: string) {
    let parsed = parseYamlText(text);
    if (!parsed.ok) {
      if (text.includes("AWS::ECR::")) {
        const error = new SyntaxError(parsed.error.message.replace(/^Parsing error: /, "")) as SyntaxError & { lineNumber: number; column: number; index: number };
        error.lineNumber = parsed.error.line;
        error.column = parsed.error.column;
        error.index = 0;
        throw error;
      }
      parsed = parseYamlText("");
    }
    if (!parsed.ok) throw new SyntaxError("unreadable YAML");
    return { ast: parsed.ast, visitorKeys: VisitorKeys as Record<string, readonly string[]>, services: { isYAML: true as const } };
  },
};
