/**
 * A query asked only whether some request is allowed (`until: "allowed"`) stops at the first allowed request. The
 * witness is the one the full search gives, and an answer with no allowed request is the full search's.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePolicy, forgetKeptAnswers, queryPolicy, WorkBudget, type PolicyQuery, type QueryResult } from "../../src/evaluator/index.js";

const REGISTRY = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };
const repo = (name: string) => `arn:aws:ecr:us-west-2:444455556666:repository/${name}`;

function both(policy: unknown, query: PolicyQuery): { full: QueryResult; until: QueryResult; fullSteps: number; untilSteps: number } {
  // Each on a policy of its own: a compiled policy keeps the resource cases its first query worked out.
  forgetKeptAnswers();
  const a = new WorkBudget(10_000_000);
  const full = queryPolicy(compilePolicy(policy, { registry: REGISTRY }), query, { budget: a });
  forgetKeptAnswers();
  const b = new WorkBudget(10_000_000);
  const until = queryPolicy(compilePolicy(policy, { registry: REGISTRY }), query, { budget: b, until: "allowed" });
  return { full, until, fullSteps: a.steps, untilSteps: b.steps };
}

describe('queryPolicy with until: "allowed"', () => {
  it("stops at the allowed request the full search finds first, before the cases no Deny needs", () => {
    // No Deny: the full search goes through every case of aws:SourceVpce looking for an explicit deny.
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: repo("*"), Condition: { StringNotEquals: { "aws:SourceVpce": ["vpce-1", "vpce-2", "vpce-3"] } } }],
    };
    const { full, until, fullSteps, untilSteps } = both(policy, { action: "ecr:BatchGetImage", anyContext: true });
    expect(until.allowed?.request).toEqual(full.allowed?.request);
    expect(until.allowed?.result.decision).toBe("allow");
    expect(full.explicitDeny).toBeUndefined();
    expect(until.evaluated).toBeLessThan(full.evaluated);
    expect(untilSteps).toBeLessThan(fullSteps);
  });

  it("answers as the full search does when nothing is allowed", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:BatchGetImage", Resource: repo("team/*") },
        { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    };
    const { full, until, fullSteps, untilSteps } = both(policy, { action: "ecr:BatchGetImage", anyContext: true, principals: { excludeAccounts: ["111122223333"] } });
    expect(full.allowed).toBeUndefined();
    expect(JSON.parse(JSON.stringify(until))).toEqual(JSON.parse(JSON.stringify(full)));
    expect(untilSteps).toBe(fullSteps);
  });

  it("keeps its answer apart from the full query's", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: repo("*"), Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1" } } }],
    };
    const query: PolicyQuery = { action: "ecr:BatchGetImage", anyContext: true };
    forgetKeptAnswers();
    const fresh = JSON.parse(JSON.stringify(queryPolicy(compilePolicy(policy, { registry: REGISTRY }), query))) as unknown;
    forgetKeptAnswers();
    queryPolicy(compilePolicy(policy, { registry: REGISTRY }), query, { until: "allowed" });
    const after = queryPolicy(compilePolicy(policy, { registry: REGISTRY }), query);
    expect(after.implicitDeny).toBeDefined();
    expect(JSON.parse(JSON.stringify(after))).toEqual(fresh);
  });

  it("finds the full search's allowed witness on generated policies", () => {
    const statement = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      Principal: fc.constantFrom("*", { AWS: "111122223333" }, { AWS: "arn:aws:iam::999999999999:role/ci" }),
      Action: fc.constantFrom("ecr:BatchGetImage", "ecr:*", ["ecr:PutImage", "ecr:BatchGetImage"]),
      Resource: fc.constantFrom(repo("*"), repo("team/*"), "*"),
      Condition: fc.constantFrom(undefined, { Bool: { "aws:SecureTransport": "false" } }, { StringLike: { "aws:SourceVpce": "vpce-a*" } }, { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
    });
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (statements) => {
        const policy = { Version: "2012-10-17", Statement: statements.map((s) => JSON.parse(JSON.stringify(s)) as unknown) };
        const { full, until, fullSteps, untilSteps } = both(policy, { action: "ecr:BatchGetImage", anyContext: true });
        expect(until.allowed?.request).toEqual(full.allowed?.request);
        expect(untilSteps).toBeLessThanOrEqual(fullSteps);
        if (!full.allowed) expect(JSON.parse(JSON.stringify(until))).toEqual(JSON.parse(JSON.stringify(full)));
      }),
      { numRuns: 120, seed: 17 },
    );
  });
});
