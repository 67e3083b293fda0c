import { defineRule, isPlainJsonTree, type SourceLocation } from "@ecrlint/core";
import { check, DOCS } from "../_shared/docs.js";

interface Options {
  /** Accept comments, for teams whose deployment strips them before the policy reaches AWS. */
  allowComments: boolean;
}

interface Token {
  type: string;
  value: string;
  range: [number, number];
  loc: SourceLocation;
}

/** A JSON number: what JSON5 adds (hex, a leading or trailing point, Infinity) is not one. */
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** What a token written in JSON5 but not in JSON is, for the message; undefined for a JSON token. */
function json5Only(token: Token): string | undefined {
  switch (token.type) {
    case "Identifier":
      return token.value === "Infinity" || token.value === "NaN" ? `The number ${token.value}` : `The unquoted name ${token.value}`;
    case "String":
      return token.value.startsWith("'") ? `The single-quoted string ${token.value}` : undefined;
    case "Numeric":
      return JSON_NUMBER.test(token.value) ? undefined : `The number ${token.value}`;
    case "Punctuator":
      return token.value === "+" ? 'A leading "+"' : undefined;
    case "Template":
      return `The template literal ${token.value}`;
    default:
      return undefined;
  }
}

export const plainJson = defineRule<Options>({
  id: "plain-json",
  meta: {
    type: "problem",
    docs: {
      description: "Require .json policy files to be plain JSON, without the comments, trailing commas and JSON5 forms the AWS CLI rejects",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Json syntax error")],
      sources: [DOCS.grammar, DOCS.putRegistryPolicy],
    },
    messages: {
      comment: "A comment in a .json file: JSON has none, so `aws ecr put-registry-policy --policy-text file://…` (and every other ECR call) rejects the file as it is; remove it, name the file .jsonc, or set allowComments if comments are stripped before deploying.",
      trailingComma: "Remove this trailing comma: JSON has none, so the AWS CLI rejects the file as it is.",
      json5: "{{what}} is JSON5, not JSON: the AWS CLI rejects this .json file as it is.",
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: { allowComments: { type: "boolean" } },
      },
    ],
    fixable: "code",
  },
  kinds: ["registry-policy", "repository-policy", "replication-configuration", "pull-through-cache-rules", "repository-creation-template"],
  defaultOptions: { allowComments: false },
  check(context) {
    // A .jsonc or .json5 file says its dialect; only a .json file is sent to AWS as it is. A document inside a host
    // (a CloudFormation resource, CLI output) is not the file AWS reads, and several of them would repeat the finding.
    if (!/\.json$/i.test(context.filePath) || context.file.host.path !== "" || context.file.host.embedding) return;
    const { ast } = context.file;
    // Read as plain JSON: nothing here to report, and no tokens to build to know it.
    if (isPlainJsonTree(ast)) return;
    const program = ast as typeof ast & { comments?: Token[]; tokens?: Token[] };
    if (!context.options.allowComments) {
      for (const comment of program.comments ?? []) context.report({ node: ast, loc: comment.loc, messageId: "comment" });
    }
    const tokens = program.tokens ?? [];
    tokens.forEach((token, i) => {
      const next = tokens[i + 1];
      if (token.value === "," && token.type === "Punctuator" && (next?.value === "]" || next?.value === "}")) {
        // Removing a trailing comma changes nothing else, so it is a fix.
        context.report({ node: ast, loc: token.loc, messageId: "trailingComma", fix: [{ range: token.range, text: "" }] });
        return;
      }
      const what = json5Only(token);
      if (what) context.report({ node: ast, loc: token.loc, messageId: "json5", data: { what } });
    });
  },
});
