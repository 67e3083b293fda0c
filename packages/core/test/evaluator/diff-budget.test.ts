import { describe, expect, it } from "vitest";
import { DEFAULT_DIFF_STEPS, diffAccess, WorkBudget } from "../../src/evaluator/index.js";
import type { RegistryContext } from "../../src/config/registry.js";

const registry: RegistryContext = { account: "444455556666", region: "us-west-2", partition: "aws", source: "config" };
const repo = (name: string) => `arn:aws:ecr:us-west-2:444455556666:repository/${name}`;
const policy = (statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/** Statements that make the searches work hard: wildcard-heavy resources and conditions, every one different. */
function heavy(n: number, withConditions: boolean): unknown[] {
  return Array.from({ length: n }, (_, i) => ({
    Sid: `S${i}`,
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${String(100000000000 + i)}:role/r*${"?*".repeat(i % 7)}` },
    Action: i % 2 ? PULL : ["ecr:*"],
    Resource: repo(`${"*a".repeat(1 + (i % 9))}*/t${i}?*`),
    ...(withConditions ? { Condition: { StringLike: { "aws:SourceArn": `arn:aws:*:*:${"*x".repeat(1 + (i % 5))}:${i}*`, "aws:UserAgent": `*${i}*b*c*` } } } : {}),
  }));
}

describe("diffAccess work budget (counted steps, never time)", () => {
  it("a diff that runs out says so once per direction, as too complex to analyse", () => {
    const before = policy([{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: PULL, Resource: repo("*"), Condition: { StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } } }]);
    const after = policy([{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: PULL, Resource: repo("*") }]);
    const budget = new WorkBudget(50);
    const result = diffAccess(before, after, { registry, budget });
    expect(result.status).toBe("inconclusive");
    expect(result.inconclusive.length).toBeGreaterThan(0);
    expect(result.inconclusive.length).toBeLessThanOrEqual(2);
    for (const part of result.inconclusive) expect(part.reason).toMatch(/^too complex to analyse \(over 50 steps\)/u);
    expect(budget.steps).toBeLessThanOrEqual(51);
  });

  it("the same diff with the default budget is exact", () => {
    const before = policy([{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: PULL, Resource: repo("*"), Condition: { StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } } }]);
    const after = policy([{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: PULL, Resource: repo("*") }]);
    const result = diffAccess(before, after, { registry });
    expect(result.status).toBe("exact");
    expect(result.gained).toHaveLength(1);
  });

  it("two hostile 40-statement versions: the whole diff stays within one budget", () => {
    const budget = new WorkBudget(DEFAULT_DIFF_STEPS);
    const result = diffAccess(policy(heavy(40, true)), policy(heavy(40, false)), { registry, budget });
    expect(budget.steps).toBeLessThanOrEqual(DEFAULT_DIFF_STEPS + 1);
    if (budget.exhausted) {
      const tooComplex = result.inconclusive.filter((p) => p.reason.startsWith("too complex to analyse"));
      expect(tooComplex.length).toBeGreaterThan(0);
      expect(tooComplex.length).toBeLessThanOrEqual(2);
    }
  });
});
