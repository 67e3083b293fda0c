import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closest, levenshtein } from "../src/did-you-mean.js";

/** The textbook table, for comparison. */
function fullDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

describe("edit distance is capped by length", () => {
  it("equals the full table up to the cap, and cap + 1 beyond it", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "b", "c", "S", "t"), maxLength: 12 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 6 }), (a, b, max) => {
        const full = fullDistance(a, b);
        expect(levenshtein(a, b, max)).toBe(full <= max ? full : max + 1);
        expect(levenshtein(a, b)).toBe(full);
      }),
      { seed: 16, numRuns: 2000 },
    );
  });

  it("a one-megabyte operator costs a length check: the suggestion is undefined, the candidates untouched", () => {
    const huge = "StringEquals".padEnd(1024 * 1024, "x");
    expect(closest(huge, ["StringEquals", "StringLike"], 4, true)).toBeUndefined();
    expect(levenshtein(huge, "statement", 2)).toBe(3);
    // Two long strings that differ a little: the band keeps it to length × (2 × cap + 1) cells.
    const long = "a".repeat(200_000);
    expect(levenshtein(long, `${long}b`, 3)).toBe(1);
    expect(levenshtein(long, `b${long.slice(1)}`, 3)).toBe(1);
  });

  it("keeps the first of equally close candidates, as before", () => {
    expect(closest("StringEqual", ["StringEquals", "StringEqualz"], 3)).toBe("StringEquals");
    expect(closest("Statment", ["Statement"], 2, true)).toBe("Statement");
    expect(closest("Effect", ["Effect", "Effects"], 3)).toBe("Effect");
  });
});
