import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { jsonFiles, plain } from "./json-trees.js";
import fc from "fast-check";
import { jsonTreeOf, MAX_NESTING_DEPTH, parseJsonText, rootExpression } from "../src/parse.js";
import { compilePolicy } from "../src/evaluator/index.js";

/** The parser's tree of the value's JSON text, its root detached from the statement as `jsonTreeOf`'s is. */
function parsedTree(value: unknown): unknown {
  const parsed = parseJsonText(JSON.stringify(value));
  if (!parsed.ok) throw new Error(parsed.error.message);
  const root = plain(rootExpression(parsed.ast)) as Record<string, unknown>;
  return { ...root, parent: null };
}

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

describe("the tree of a plain value, built without its text", () => {
  it("is the parser's tree of the value's JSON text, field for field, for every JSON file of the fixtures and examples", () => {
    let read = 0;
    for (const file of [...jsonFiles(join(repoRoot, "fixtures")), ...jsonFiles(join(repoRoot, "examples"))]) {
      let value: unknown;
      try {
        value = JSON.parse(readFileSync(file, "utf8").replace(/^\uFEFF/, ""));
      } catch {
        continue;
      }
      if (JSON.stringify(value).includes('"__proto__"')) continue;
      // A string holding a line separator is left to the parser, which counts it as a line break.
      if (/[\u2028\u2029]/u.test(JSON.stringify(value))) {
        expect(jsonTreeOf(value), file).toBeUndefined();
        continue;
      }
      expect(plain(jsonTreeOf(value)), file).toEqual(parsedTree(value));
      read++;
    }
    expect(read).toBeGreaterThan(100);
  });

  it("writes numbers, strings and what JSON.stringify leaves out or turns into null as the text does", () => {
    const values: unknown[] = [
      { a: -1, b: -0, c: 0, d: 1e21, e: -1e-7, f: 1.5, g: Number.MAX_VALUE, h: -Number.MIN_VALUE, i: Infinity, j: -Infinity, k: NaN },
      ["", "é", "\ud800", "\ud83d\ude00", '"\\/\b\f\n\r\t\u0000\u001f', "${aws:username}"],
      { skipped: undefined, fn: () => 1, kept: [undefined, () => 1, Symbol("s")], nested: { empty: {}, list: [] } },
      { 2: "integer keys first", a: 1, 1: "then", "": "empty key", "a b": [true, false, null] },
      Object.assign(Object.create(null) as object, { Version: "2012-10-17", Statement: [{ Effect: "Allow" }] }),
    ];
    for (const value of values) expect(plain(jsonTreeOf(value)), JSON.stringify(value)).toEqual(parsedTree(value));
  });

  it("agrees with the parser on generated values", () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary", maxDepth: 6 }), (value) => {
        if (/"__proto__"|[\u2028\u2029]/.test(JSON.stringify(value))) return;
        expect(plain(jsonTreeOf(value))).toEqual(parsedTree(value));
      }),
      { numRuns: 1000, seed: 31 },
    );
  });

  it("leaves to the parser what is not plain data (a toJSON, an object of a class, a __proto__ key, nesting past the limit) and line separators", () => {
    const deep = (depth: number): unknown => (depth === 0 ? 1 : [deep(depth - 1)]);
    for (const value of [["\u2028"], { "\u2029": 1 }, { when: new Date(0) }, { toJSON: () => ({}) }, [new Map()], JSON.parse('{"__proto__": 1}'), deep(MAX_NESTING_DEPTH + 1), 10n]) {
      expect(jsonTreeOf(value)).toBeUndefined();
    }
    expect(jsonTreeOf(deep(MAX_NESTING_DEPTH))).toBeDefined();
  });

  it("compiles a policy value as its JSON text compiles", () => {
    const value = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Pull", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:root", "444455556666"] }, Action: ["ecr:BatchGetImage", "ecr:Get*"], Resource: "*", Condition: { NumericLessThan: { "aws:MultiFactorAuthAge": -1 }, StringLike: { "aws:PrincipalTag/team": "${aws:username}" } } },
        { Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::111122223333:role/ci" }, NotAction: "ecr:Describe*", Resource: ["arn:aws:ecr:us-east-1:111122223333:repository/prod-*"] },
      ],
    };
    const fromValue = compilePolicy(value);
    const fromText = compilePolicy(JSON.stringify(value));
    // The text's compile keeps its lines; the statements are otherwise the same (matchers are closures: compared as written).
    const written = (statements: readonly object[]) => JSON.stringify(statements.map((s) => ({ ...s, line: undefined })));
    expect(written(fromValue.statements)).toEqual(written(fromText.statements));
  });
});
