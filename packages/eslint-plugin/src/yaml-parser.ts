import * as yamlEslint from "yaml-eslint-parser";
import { isYamlFile, mightBeEcrFile, parseJsonText, parseYamlText } from "@ecrlint/core";
import { emptyProgram, filePathOf, MAX_PARSED_CHARACTERS, parsingError, tooLarge, utf16Problem } from "./parser.js";

/**
 * The plugin's parser for YAML: `yaml-eslint-parser`, the one `eslint-plugin-yml` users already have, so that its
 * rules and ours can share `**\/*.yaml` (ESLint gives a file one parser, and this one's tree is yaml-eslint-parser's
 * own). The rules read a CloudFormation template from the text with the same YAML library as the runner (see
 * file-context.ts); only templates with `AWS::ECR::*` resources are ours, and one that reader cannot read is a
 * parsing error with its message and place. Three guards: YAML that does not parse is
 * a parsing error only when it names an `AWS::ECR::` type, so that a Helm template or a broken workflow elsewhere in
 * the repository is not reported by this plugin; text over 5 MB is not parsed; UTF-16 is named as such.
 */
export const yamlParser = {
  meta: { name: "@ecrlint/eslint-plugin/yaml-parser", version: yamlEslint.meta.version },
  parseForESLint(code: string, options?: Parameters<typeof yamlEslint.parseForESLint>[1]) {
    const path = filePathOf(options);
    if (code.length > MAX_PARSED_CHARACTERS) return { ast: emptyProgram(code), visitorKeys: yamlEslint.VisitorKeys, services: { isYAML: true, ecrlintSkipped: tooLarge(code, path) } };
    const utf16 = utf16Problem(code, path);
    if (utf16) throw parsingError(utf16);
    // The runner's test of whether the file is ours: `AWS::ECR::` in YAML; a `.template` that is JSON is read as
    // JSON, ours by its name or the markers of any JSON policy file.
    const json = path !== undefined && /\.template$/i.test(path) && !isYamlFile(path, code);
    const ours = path === undefined ? code.includes("AWS::ECR::") : mightBeEcrFile(code, path);
    // A template is read by the runner's reader first, so that what makes it unreadable (a repeated key, a second
    // document, an alias, nesting too deep) is one message at one place in both front ends.
    if (ours) {
      const read = json ? parseJsonText(code) : parseYamlText(code);
      if (!read.ok) throw parsingError(read.error.message.replace(/^Parsing error: /, ""), read.error);
    }
    try {
      return yamlEslint.parseForESLint(code, options);
    } catch (error) {
      // yaml-eslint-parser's columns are 0-based; ESLint shows a parser's column as it is, so make it 1-based.
      const { lineNumber, column, message } = error as { lineNumber?: unknown; column?: unknown; message?: unknown };
      if (ours && typeof lineNumber === "number" && typeof column === "number") throw parsingError(String(message), { line: lineNumber, column: column + 1 });
      if (ours) throw error;
      return { ast: emptyProgram(code), visitorKeys: yamlEslint.VisitorKeys, services: { isYAML: true } };
    }
  },
};
