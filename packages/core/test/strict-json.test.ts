import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseJSON } from "jsonc-eslint-parser";
import type { AST } from "jsonc-eslint-parser";
import { MAX_NESTING_DEPTH, parseJsonText, rootExpression, type JsonObject, type JsonSyntax } from "../src/parse.js";
import { parseEmbeddedJson } from "../src/embedded-json.js";
import { isPlainJsonTree, parseStrictJsonAst } from "../src/strict-json.js";

const SYNTAXES: (JsonSyntax | undefined)[] = [undefined, "JSON", "JSONC", "JSON5"];

/** The tree as plain data: each `parent` as its type and range (the tree is cyclic), every other field as it is. */
function plain(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(plain);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "parent" ? (value ? `${(value as { type: string }).type}@${String((value as { range: number[] }).range)}` : value) : plain(value);
  }
  return out;
}

/** What jsonc-eslint-parser gives for a text, as plain data or as its error with line and column. */
function general(text: string, syntax: JsonSyntax | undefined): unknown {
  try {
    return plain(syntax ? parseJSON(text, { jsonSyntax: syntax }) : parseJSON(text));
  } catch (error) {
    const e = error as { message: string; lineNumber: number; column: number };
    return { error: `Parsing error: ${e.message}`, line: e.lineNumber, column: e.column };
  }
}

function ours(text: string, syntax: JsonSyntax | undefined): unknown {
  const parsed = parseJsonText(text, syntax);
  return parsed.ok ? plain(parsed.ast) : { error: parsed.error.message, line: parsed.error.line, column: parsed.error.column };
}

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") jsonFiles(path, out);
    else if (/\.json5?$|\.jsonc$/.test(entry.name)) out.push(path);
  }
  return out;
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("plain JSON read in one pass", () => {
  it("gives jsonc-eslint-parser's tree, field for field, for every JSON file of the fixtures and examples", () => {
    const files = [...jsonFiles(join(repoRoot, "fixtures")), ...jsonFiles(join(repoRoot, "examples"))];
    expect(files.length).toBeGreaterThan(100);
    let fast = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
      if (parseStrictJsonAst(text, () => parseJSON(text), MAX_NESTING_DEPTH)) fast++;
      for (const syntax of SYNTAXES) expect(ours(text, syntax), `${file} as ${syntax ?? "any"}`).toEqual(general(text, syntax));
    }
    // Most of them are plain JSON: the one-pass reader is the one that read them.
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  it("leaves every text that is not plain JSON to jsonc-eslint-parser", () => {
    const notPlain = [
      '{"a": 1,}',
      "[1, 2,]",
      '{"a": 1} // note',
      '/* c */ {"a": 1}',
      "{'a': 1}",
      "{a: 1}",
      '{"a": 0x10}',
      '{"a": +1}',
      '{"a": .5}',
      '{"a": 1.}',
      '{"a": 01}',
      '{"a": -}',
      '{"a": Infinity}',
      '{"a": NaN}',
      '{"a": undefined}',
      '{"a": "tab\there"}',
      '{"a": "line\u2028separator"}',
      '{"a": 1}\u2028',
      '{"a": "\\x41"}',
      '{"a": "\\u00"}',
      '{"__proto__": 1, "__proto__": 2}',
      '{"a": 1} {"b": 2}',
      '{"a" 1}',
      '{"a": [1 2]}',
      '{"a": 1',
      '"unterminated',
      "",
      "   ",
      "\u00a0{}",
      "\v{}",
      "tru",
      "nul",
      "`x`",
    ];
    for (const text of notPlain) {
      expect(parseStrictJsonAst(text, () => parseJSON(text), MAX_NESTING_DEPTH), text).toBeUndefined();
      for (const syntax of SYNTAXES) expect(ours(text, syntax), `${text} as ${syntax ?? "any"}`).toEqual(general(text, syntax));
    }
  });

  it("counts lines as jsonc-eslint-parser does: \\n, \\r\\n and a lone \\r", () => {
    const text = '{\r\n  "a": [\r    1,\n\t-2.5e3, "x\\u0041\\n"\r\n  ],\r\n"b": {}, "c": [], "d": true, "e": false, "f": null\n}\r\n';
    expect(parseStrictJsonAst(text, () => parseJSON(text), MAX_NESTING_DEPTH)).toBeDefined();
    for (const syntax of SYNTAXES) expect(ours(text, syntax)).toEqual(general(text, syntax));
  });

  it("gives the tokens of the general parser when a rule asks for them", () => {
    const text = '{"a": [1, "b", null]}';
    const parsed = parseJsonText(text, "JSON");
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(plain(parsed.ast.tokens)).toEqual(plain(parseJSON(text, { jsonSyntax: "JSON" }).tokens));
    expect(parsed.ast.comments).toEqual([]);
    expect(isPlainJsonTree(parsed.ast)).toBe(true);
    const general = parseJsonText('{"a": [1, "b", null,]}', "JSONC");
    expect(general.ok && isPlainJsonTree(general.ast)).toBe(false);
  });

  it("builds the tokens of a document written in a host string in host coordinates, like its nodes", () => {
    const text = '{\n  "policyText": "{\\"a\\": [1, \\"b\\"]}"\n}';
    const host = parseJsonText(text, "JSON");
    if (!host.ok) throw new Error(host.error.message);
    const literal = (rootExpression(host.ast) as JsonObject).properties[0]!.value as AST.JSONLiteral;
    const embedded = parseEmbeddedJson(literal);
    if (!embedded?.ok) throw new Error("not parsed");
    expect(isPlainJsonTree(embedded.ast)).toBe(true);
    const tokens = embedded.ast.tokens.map((t) => ({ value: t.value, written: text.slice(t.range[0], t.range[1]), line: t.loc.start.line, column: t.loc.start.column }));
    expect(tokens).toEqual([
      { value: "{", written: "{", line: 2, column: 17 },
      { value: '"a"', written: '\\"a\\"', line: 2, column: 18 },
      { value: ":", written: ":", line: 2, column: 23 },
      { value: "[", written: "[", line: 2, column: 25 },
      { value: "1", written: "1", line: 2, column: 26 },
      { value: ",", written: ",", line: 2, column: 27 },
      { value: '"b"', written: '\\"b\\"', line: 2, column: 29 },
      { value: "]", written: "]", line: 2, column: 34 },
      { value: "}", written: "}", line: 2, column: 35 },
    ]);
    const a = (rootExpression(embedded.ast) as JsonObject).properties[0]!.key;
    expect(text.slice(a.range[0], a.range[1])).toBe('\\"a\\"');
  });

  it("agrees with jsonc-eslint-parser on generated JSON, written compactly or indented, and on its mutations", () => {
    const texts = fc.oneof(
      fc.tuple(fc.jsonValue(), fc.constantFrom(undefined, 2, "\t", "\r\n ")).map(([v, indent]) => {
        const text = JSON.stringify(v, null, typeof indent === "string" && indent.startsWith("\r") ? 1 : indent) ?? "null";
        return typeof indent === "string" && indent.startsWith("\r") ? text.replace(/\n/g, "\r\n") : text;
      }),
      fc.tuple(fc.jsonValue(), fc.nat(), fc.constantFrom(",", "]", "}", "/", "'", "\r", "\u2028", "\t", "-", "0", ".", "e", "\\", '"', "x")).map(([v, at, c]) => {
        const text = JSON.stringify(v, null, 1) ?? "null";
        const i = at % (text.length + 1);
        return text.slice(0, i) + c + text.slice(i);
      }),
    );
    fc.assert(
      fc.property(texts, fc.constantFrom(...SYNTAXES), (text, syntax) => {
        expect(ours(text, syntax)).toEqual(general(text, syntax));
      }),
      { numRuns: 1500, seed: 17 },
    );
  });
});
