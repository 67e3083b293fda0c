/**
 * A glob given more than once (every Deny's `Resource: "*"` in one resource split) is read as one automaton by the
 * class search. Its copies are always in the same state, so the classes, their witnesses and the order they are
 * found in are those of the list without copies, and every copy still counts in the steps charged.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { forgetKeptAnswers, WorkBudget } from "../../src/evaluator/index.js";
import { ANY_CHAR, classWitnesses, DIGIT, repeat, star, type GlobSpec, type WitnessResult } from "../../src/evaluator/witness.js";

const glob = (text: string, wildcards = true): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards });

function search(globs: GlobSpec[], shape = star(ANY_CHAR), prefix?: string): { result: WitnessResult; steps: number } {
  // Kept searches would answer the second question from the first: each is run afresh.
  forgetKeptAnswers();
  const budget = new WorkBudget(10_000_000);
  const result = classWitnesses({ shape, globs, budget, ...(prefix ? { prefix } : {}) });
  return { result, steps: budget.steps };
}

/** The search of `globs` with every copy left out, its matches read back onto the list as given. */
function withoutCopies(globs: GlobSpec[], shape = star(ANY_CHAR), prefix?: string): { result: WitnessResult; steps: number } {
  const texts = globs.map((g) => JSON.stringify(g));
  const distinct = [...new Set(texts)];
  const { result, steps } = search(distinct.map((t) => JSON.parse(t) as GlobSpec), shape, prefix);
  const expanded = result.witnesses.map((w) => ({ value: w.value, matches: texts.map((t) => w.matches[distinct.indexOf(t)]!) }));
  return { result: { ...result, witnesses: expanded }, steps };
}

describe("class search: globs given more than once", () => {
  it("finds the classes of the list without copies, a copy matching as its first does", () => {
    const base = "arn:aws:ecr:us-west-2:444455556666:repository/";
    const globs = [glob(`${base}team/*`), glob("*"), glob("*"), glob(`${base}??*`), glob("*")];
    const copies = search(globs, star(ANY_CHAR), base);
    expect(copies.result).toEqual(withoutCopies(globs, star(ANY_CHAR), base).result);
    for (const w of copies.result.witnesses) expect(w.matches[1]).toBe(w.matches[2]);
  });

  it("charges every copy: a list with copies costs more steps than the list without", () => {
    const globs = [glob("444455556666", false), glob("111122223333", false), glob("444455556666", false)];
    const copies = search(globs, repeat(DIGIT, 12));
    const single = withoutCopies(globs, repeat(DIGIT, 12));
    expect(copies.result).toEqual(single.result);
    expect(copies.steps).toBeGreaterThan(single.steps);
  });

  it("gives the same witnesses, in the same order, for generated lists with copies", () => {
    const pattern = fc.stringMatching(/^[ab*?]{0,5}$/);
    fc.assert(
      fc.property(fc.array(pattern, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (texts, picks) => {
        const distinct = texts.map((t) => glob(t));
        const globs = [...distinct, ...picks.map((p) => distinct[p % distinct.length]!)];
        expect(search(globs).result).toEqual(withoutCopies(globs).result);
      }),
      { numRuns: 150, seed: 17 },
    );
  });
});
