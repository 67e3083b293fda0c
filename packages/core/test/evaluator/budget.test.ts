import { describe, expect, it } from "vitest";
import { compilePolicy, DEFAULT_ANALYSIS_STEPS, queryPolicy, replicationGrant, searchOutsiderAccess, WorkBudget } from "../../src/evaluator/index.js";
import { ANY_CHAR, classWitnesses, star } from "../../src/evaluator/witness.js";

const REGISTRY = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };
const stars = (n: number) => "*".repeat(n);

/** The example: an ArnLike on aws:PrincipalArn with ten thousand stars took over five minutes. */
const manyStars = compilePolicy(
  { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${stars(10_000)}:role/x` } } }] },
  { registry: REGISTRY },
);

describe("a work budget counts steps, never time", () => {
  it("refuses work it cannot pay for, before it is done, and stays spent", () => {
    const budget = new WorkBudget(10);
    expect(budget.spend(4)).toBe(true);
    expect(budget.spend(7)).toBe(false);
    expect(budget.exhausted).toBe(true);
    expect(budget.steps).toBe(11);
    expect(budget.spend(1)).toBe(false);
  });

  it("a class search stops when its budget is spent, and says it is incomplete", () => {
    const glob = (text: string) => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards: true });
    const budget = new WorkBudget(5_000);
    const r = classWitnesses({ shape: star(ANY_CHAR), globs: [glob(`${"*a".repeat(500)}b`), glob(`${"*b".repeat(500)}a`)], budget });
    expect(r).toMatchObject({ complete: false, exhausted: true });
    expect(budget.steps).toBe(5_001);
  });
});

describe("a query that runs out of budget answers inconclusive: too complex to analyse", () => {
  it("within its steps, whatever the policy", () => {
    const result = queryPolicy(manyStars, { action: "ecr:BatchGetImage" });
    expect(result).toMatchObject({ status: "inconclusive", tooComplex: true });
    expect(result.reason).toMatch(/^too complex to analyse \(over 1,000,000 steps\)/);
    expect(result.steps).toBeLessThanOrEqual(DEFAULT_ANALYSIS_STEPS + 1);
  });

  it("queries of one analysis share its budget", () => {
    const budget = new WorkBudget(50_000);
    const first = queryPolicy(manyStars, { action: "ecr:BatchGetImage" }, { budget });
    const second = queryPolicy(manyStars, { action: "ecr:PutImage" }, { budget });
    expect(first.tooComplex).toBe(true);
    expect(second).toMatchObject({ tooComplex: true, evaluated: 0 });
    expect(budget.steps).toBe(50_001);
  });

  it("the outsider search lists the statements it could not judge", () => {
    const search = searchOutsiderAccess(manyStars, { trustedAccounts: ["444455556666"], budget: new WorkBudget(50_000) });
    expect(search).toEqual({ found: [], tooComplex: [0], inconclusive: [] });
  });

  it("a replication grant it cannot decide is too complex, not missing", () => {
    const value = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:ReplicateImage", Resource: "*", Condition: { StringLike: { "aws:SourceVpce": `${"*a".repeat(200)}b` } } },
      ],
    };
    const policy = compilePolicy(value, { registry: REGISTRY });
    const query = { source: "111122223333", destination: REGISTRY, repositories: { pattern: "*" } };
    expect(replicationGrant(policy, { ...query, budget: new WorkBudget(100) })).toEqual({ status: "too-complex" });
    expect(replicationGrant(compilePolicy(value, { registry: REGISTRY }), query)).toEqual({ status: "granted" });
  });
});

describe("a query leaves out the statements none of its requests can match", () => {
  it("other actions and conditions that fail on the keys it fixes: their keys multiply no cases", () => {
    const noise = Array.from({ length: 12 }, (_, i) => ({
      Effect: "Allow",
      Principal: "*",
      Action: "ecr:PutImage",
      Resource: "*",
      Condition: { StringEquals: { [`aws:PrincipalTag/k${i}`]: ["a", "b", "c"] } },
    }));
    const pinned = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, StringLike: { "aws:PrincipalTag/team": ["a*", "b*", "c*"] } } };
    const policy = compilePolicy({ Version: "2012-10-17", Statement: [...noise, pinned] }, { registry: REGISTRY });
    const outsider = queryPolicy(policy, { action: "ecr:BatchGetImage", context: { "aws:PrincipalOrgID": "o-other00000" }, anyContext: true });
    expect(outsider).toMatchObject({ status: "exact", quantified: ["principal", "resource"] });
    expect(outsider.allowed).toBeUndefined();
    const member = queryPolicy(policy, { action: "ecr:BatchGetImage", context: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, anyContext: true });
    expect(member).toMatchObject({ status: "exact", quantified: ["principal", "aws:PrincipalTag/team", "resource"] });
    expect(member.allowed?.request.context).toMatchObject({ "aws:PrincipalOrgID": "o-a1b2c3d4e5" });
    // The witness is explained against the whole policy: every statement shows in its trace.
    expect(member.allowed?.result.statements).toHaveLength(13);
  });
});
