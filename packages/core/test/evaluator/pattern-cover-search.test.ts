import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { conditionValueCovers, patternCovers, resourcePatternsOverlap } from "../../src/evaluator/index.js";
import { ANY, classWitnesses, forgetSearches, type GlobSpec } from "../../src/evaluator/witness.js";

// patternCovers and resourcePatternsOverlap look for one class of strings only (in the first pattern and not the
// second; in both), stopping at its first string, and answer literal patterns and patterns whose literal starts or
// ends part ways without a search. Held here to the full class search, which lists every class.
const glob = (text: string, options: { ignoreCase?: boolean; arn?: boolean } = {}): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: options.ignoreCase ?? false, wildcards: true, arn: options.arn ?? false });
const classes = (a: GlobSpec, b: GlobSpec) => classWitnesses({ shape: ANY, globs: [a, b], maxStates: 10_000 });
const coversByClasses = (outer: string, inner: string, options: { ignoreCase?: boolean; arn?: boolean } = {}) => {
  const r = classes(glob(outer, options), glob(inner, options));
  return r.complete && !r.witnesses.some((w) => w.matches[1] && !w.matches[0]);
};
const overlapByClasses = (a: string, b: string) => {
  const r = classes(glob(a), glob(b));
  return !r.complete || r.witnesses.some((w) => w.matches.every(Boolean));
};

// Patterns like the ones policies write: ARNs with wildcards in any part, org paths, short names that share starts
// and ends, characters of both cases.
const PIECES = ["arn:aws:iam::", "123456789012", "1234", "*", "?", ":", "role/", "user/", "ci", "CI", "-", "deploy", "o-abc", "/", "a", "b", "ab", ""];
const pattern = fc.array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 6 }).map((parts) => parts.join(""));

describe("the one-class searches behind patternCovers and resourcePatternsOverlap", () => {
  it("answer as the full class search does, for generated pairs of patterns", () => {
    fc.assert(
      fc.property(pattern, pattern, fc.boolean(), fc.boolean(), (outer, inner, ignoreCase, arn) => {
        forgetSearches();
        expect(patternCovers(outer, inner, { ignoreCase, arn }), `${outer} covers ${inner} (ignoreCase ${ignoreCase}, arn ${arn})`).toBe(coversByClasses(outer, inner, { ignoreCase, arn }));
        expect(resourcePatternsOverlap(outer, inner), `${outer} meets ${inner}`).toBe(overlapByClasses(outer, inner));
      }),
      { numRuns: 1500, seed: 17 },
    );
  });

  it("answers a literal start and one star without a search, as the full class search does", () => {
    const literal = fc.array(fc.constantFrom(...PIECES.filter((p) => !/[*?]/.test(p))), { minLength: 0, maxLength: 6 }).map((parts) => parts.join(""));
    fc.assert(
      fc.property(literal, pattern, fc.boolean(), (start, rest, arn) => {
        forgetSearches();
        const outer = `${start}*`;
        for (const inner of [start + rest, rest]) {
          expect(patternCovers(outer, inner, { arn }), `${outer} covers ${inner} (arn ${arn})`).toBe(coversByClasses(outer, inner, { arn }));
        }
      }),
      { numRuns: 800, seed: 17 },
    );
  });

  it("answers the pairs a policy's lists hold: literal values, parted starts and ends, wildcards that reach further", () => {
    // Literal inner values are read through the outer pattern.
    expect(patternCovers("arn:aws:iam::123456789012:role/ci-*", "arn:aws:iam::123456789012:role/ci-build")).toBe(true);
    expect(patternCovers("arn:aws:iam::123456789012:role/ci-*", "arn:aws:iam::123456789012:role/deploy")).toBe(false);
    // Starts that differ where both write a character: neither covers the other, and they cannot meet.
    expect(patternCovers("arn:aws:iam::111122223333:role/*", "arn:aws:iam::555566667777:role/*")).toBe(false);
    expect(resourcePatternsOverlap("repository/prod-*", "repository/dev-*")).toBe(false);
    // An inner wildcard earlier than the outer's literal start ends: some value leaves the outer pattern.
    expect(patternCovers("arn:aws:iam::1234*", "arn:aws:iam::12*")).toBe(false);
    expect(resourcePatternsOverlap("arn:aws:iam::1234*", "arn:aws:iam::12*")).toBe(true);
    // Ends that differ: `*-` never matches what ends in `-?`'s last character.
    expect(patternCovers("arn:aws:iam::1*:user/ops*-", "arn:aws:iam::1*:user/puller-?")).toBe(false);
    // Covered only through the search: the same literal ends, a wider middle.
    expect(patternCovers("arn:aws:iam::*:role/*-deploy", "arn:aws:iam::123456789012:role/ci-?-deploy")).toBe(true);
    // Read without case, a literal of other case is covered; ArnLike reads part by part.
    expect(patternCovers("ARN:AWS:IAM::*", "arn:aws:iam::123456789012:role/CI", { ignoreCase: true })).toBe(true);
    expect(patternCovers("ARN:AWS:IAM::*", "arn:aws:iam::123456789012:role/CI")).toBe(false);
    expect(conditionValueCovers("ArnLike", "arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/ci*")).toBe(true);
    expect(conditionValueCovers("ArnLike", "arn:aws:iam::1*", "arn:aws:iam::123456789012:role/ci")).toBe(false);
  });
});
