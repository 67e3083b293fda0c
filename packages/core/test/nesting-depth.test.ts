import { describe, expect, it } from "vitest";
import { MAX_NESTING_DEPTH, NESTING_TOO_DEEP, nestingTooDeep, parseJsonText } from "../src/index.js";

const nested = (n: number) => "[".repeat(n) + "]".repeat(n);

describe("the nesting depth limit, checked before any recursive parse", () => {
  it("allows the limit and refuses one level more, at the bracket that opens it", () => {
    expect(nestingTooDeep(nested(MAX_NESTING_DEPTH))).toBeUndefined();
    expect(nestingTooDeep(`{\n  "a": ${nested(MAX_NESTING_DEPTH)}\n}`)).toEqual({ line: 2, column: 8 + MAX_NESTING_DEPTH - 1 });
    expect(nestingTooDeep(`{\n  "a": ${nested(1000)}}`)).toEqual({ line: 2, column: 8 + MAX_NESTING_DEPTH - 1 });
  });

  it("does not count brackets in strings, escaped quotes or comments", () => {
    const brackets = "[".repeat(1000);
    expect(nestingTooDeep(`{"a": "${brackets}", "b": "\\"${brackets}"}`)).toBeUndefined();
    expect(nestingTooDeep(`// ${brackets}\n{"a": 1 /* ${brackets}\n ${brackets} */}`)).toBeUndefined();
    expect(nestingTooDeep(`{'a': '${brackets}'}`)).toBeUndefined();
    // A line moves the reported place after a block comment that spans lines.
    expect(nestingTooDeep(`/*\n\n*/${nested(300)}`)).toEqual({ line: 3, column: 3 + MAX_NESTING_DEPTH });
  });

  it("is the parse error, with its place, whatever the stack (a million levels, no recursion)", () => {
    for (const depth of [257, 1000, 1_000_000]) {
      const parsed = parseJsonText(`{"Statement": ${nested(depth)}}`);
      expect(parsed).toEqual({ ok: false, error: { message: `Parsing error: ${NESTING_TOO_DEEP}`, line: 1, column: 15 + MAX_NESTING_DEPTH - 1 } });
    }
  });
});
