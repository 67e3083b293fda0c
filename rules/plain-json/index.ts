import { defineRule, isPlainJsonTree, jsonEscapeOf, positionsIn, type SourceLocation } from "@ecrlint/core";
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

/**
 * Spaces and line breaks that JavaScript (and so JSON5 and the parser behind ESLint) skips between tokens, and JSON
 * does not (RFC 8259, section 2: only space, tab, line feed and carriage return): a policy copied from a web page or
 * a word processor brings no-break spaces with it.
 */
const NOT_JSON_SPACES = /[\u000b\u000c\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+/gu;

const SPACE_NAMES: Record<string, string> = {
  "\u000b": "a vertical tab",
  "\u000c": "a form feed",
  "\u00a0": "a no-break space",
  "\u2028": "a line separator",
  "\u2029": "a paragraph separator",
  "\u202f": "a narrow no-break space",
  "\u3000": "an ideographic space",
  "\ufeff": "a zero-width no-break space",
};

const CONTROL_NAMES: Record<number, string> = { 0x00: "a NUL", 0x08: "a backspace", 0x09: "a tab", 0x0b: "a vertical tab", 0x0c: "a form feed", 0x0d: "a carriage return", 0x1b: "an escape" };

/** `U+00A0 (a no-break space)`: what the first character of a run of non-JSON spaces is. */
function spaceName(run: string): string {
  const code = `U+${run.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  const name = SPACE_NAMES[run[0]!];
  return `${code}${name ? ` (${name})` : ""}${run.length > 1 ? ` and ${run.length - 1} more like it` : ""}`;
}

/** Where JSON's own whitespace may stand: the gaps between tokens and comments, as character ranges. */
function gaps(text: string, tokens: readonly { range: [number, number] }[]): [number, number][] {
  const sorted = [...tokens].sort((a, b) => a.range[0] - b.range[0]);
  const out: [number, number][] = [];
  let at = 0;
  for (const t of sorted) {
    if (t.range[0] > at) out.push([at, t.range[0]]);
    at = Math.max(at, t.range[1]);
  }
  if (at < text.length) out.push([at, text.length]);
  return out;
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
      space: "{{what}} between values: JSON allows only spaces, tabs and line breaks there, so the AWS CLI rejects this .json file as it is.",
      control: "{{what}} written as it is in a string: JSON allows it only escaped ({{escape}}), so the AWS CLI rejects this .json file as it is.",
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
    const { text } = context;
    const position = positionsIn(text);
    const at = (offset: number) => {
      const { line, column } = position(offset);
      return { line, column: column - 1 };
    };
    // A tab pasted into a Sid: JavaScript's strings take it as it is, JSON's only escaped.
    for (const token of tokens) {
      if (token.type !== "String" || !/[\u0000-\u001f]/.test(token.value)) continue;
      for (let i = 0; i < token.value.length; i++) {
        const c = token.value.charCodeAt(i);
        if (c >= 0x20) continue;
        const start = token.range[0] + i;
        const escape = jsonEscapeOf(c);
        context.report({ node: ast, loc: { start: at(start), end: at(start + 1) }, messageId: "control", data: { what: `U+${c.toString(16).toUpperCase().padStart(4, "0")}${CONTROL_NAMES[c] ? ` (${CONTROL_NAMES[c]})` : ""}`, escape }, fix: [{ range: [start, start + 1], text: escape }] });
      }
    }
    for (const [from, to] of gaps(text, [...tokens, ...(program.comments ?? [])])) {
      for (const run of text.slice(from, to).matchAll(NOT_JSON_SPACES)) {
        const start = from + run.index;
        const end = start + run[0].length;
        // Each becomes the JSON space it stands for: a line break for a line or paragraph separator, else a space.
        const replacement = run[0].replace(/[\u2028\u2029]/gu, "\n").replace(/[^\n]/gu, " ");
        context.report({ node: ast, loc: { start: at(start), end: at(end) }, messageId: "space", data: { what: spaceName(run[0]) }, fix: [{ range: [start, end], text: replacement }] });
      }
    }
  },
});
