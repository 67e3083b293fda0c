import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { COVERAGE, documentedDifference, ours, policyArbitrary, requestArbitrary, simulate, type Pair } from "./differential.js";

// CI runs the fixed seed; `NUM_RUNS=200000 SEED=$RANDOM npx vitest run test/evaluator/differential.test.ts` runs a longer, fresh search.
const NUM_RUNS = Number(process.env.NUM_RUNS ?? 10_000);
const SEED = Number(process.env.SEED ?? 20_240_611);

describe("differential test against @cloud-copilot/iam-simulate", () => {
  it(`agrees on ${NUM_RUNS} generated (policy, request) pairs, except for documented differences`, { timeout: 900_000 }, async () => {
    const pairs = fc.sample(fc.tuple(policyArbitrary, requestArbitrary), { numRuns: NUM_RUNS, seed: SEED }) as Pair[];
    const unexplained: { policy: unknown; request: unknown; ours: string; theirs: string }[] = [];
    const documented = new Map<string, number>();
    const decisions = new Map<string, number>();
    let compared = 0;
    const covered = new Map<string, number>(Object.keys(COVERAGE).map((k) => [k, 0]));
    for (const [policy, request] of pairs) {
      const theirs = await simulate(policy, request);
      if (typeof theirs !== "string") continue;
      compared++;
      for (const [name, applies] of Object.entries(COVERAGE)) if (applies(policy, request)) covered.set(name, covered.get(name)! + 1);
      const mine = ours(policy, request);
      decisions.set(mine, (decisions.get(mine) ?? 0) + 1);
      if (mine === theirs) continue;
      const why = documentedDifference(policy, request);
      if (why) documented.set(why.slice(0, why.indexOf(":")), (documented.get(why.slice(0, why.indexOf(":"))) ?? 0) + 1);
      else if (unexplained.length < 5) unexplained.push({ policy, request, ours: mine, theirs });
    }
    if (process.env.DIFFERENTIAL_REPORT) console.log({ compared, decisions: Object.fromEntries(decisions), documented: Object.fromEntries(documented), covered: Object.fromEntries(covered) });
    for (const [name, n] of covered) expect(n, name).toBeGreaterThan(compared * 0.01);
    expect(unexplained).toEqual([]);
    // The generator must exercise every outcome, or agreement would prove little.
    expect(compared).toBeGreaterThan(NUM_RUNS * 0.95);
    for (const d of ["allow", "explicit-deny", "implicit-deny"]) expect(decisions.get(d) ?? 0).toBeGreaterThan(compared * 0.05);
  });
});
