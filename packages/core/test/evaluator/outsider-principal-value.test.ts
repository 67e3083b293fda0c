/**
 * The outsider search names the Principal value that lets its witness in from the Allow itself, without evaluating
 * the witness: it must be the value the witness's own trace names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compilePolicy, forgetKeptAnswers, searchOutsiderAccess } from "../../src/evaluator/index.js";

const REGISTRY = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };
const repo = (name: string) => `arn:aws:ecr:us-west-2:444455556666:repository/${name}`;

const principal = fc.constantFrom<unknown>(
  "*",
  { AWS: "*" },
  { AWS: "999999999999" },
  { AWS: ["arn:aws:iam::999999999999:root", "111122223333"] },
  { AWS: ["arn:aws:iam::888899990000:role/ci", "arn:aws:iam::888899990000:root"] },
  { AWS: ["888899990000", "arn:aws:iam::888899990000:user/ops"] },
  { AWS: "arn:aws:sts::777788889999:assumed-role/deploy/session" },
  { Service: "ecs-tasks.amazonaws.com" },
);
const statement = fc.record({
  Effect: fc.constantFrom("Allow", "Allow", "Deny"),
  principal,
  negated: fc.boolean(),
  Action: fc.constantFrom("ecr:BatchGetImage", "ecr:*", ["ecr:PutImage", "ecr:BatchGetImage"]),
  Resource: fc.constantFrom(repo("*"), repo("team/*"), "*"),
});

describe("the Principal value an outsider's access is named by", () => {
  it("is the one the witness's trace names, on generated policies", () => {
    let named = 0;
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (statements) => {
        forgetKeptAnswers();
        const policy = {
          Version: "2012-10-17",
          Statement: statements.map(({ principal: p, negated, ...rest }) => ({ ...rest, [negated && rest.Effect === "Allow" ? "NotPrincipal" : "Principal"]: negated && p === "*" ? { AWS: "111122223333" } : p })),
        };
        const search = searchOutsiderAccess(compilePolicy(policy, { registry: REGISTRY }), { trustedAccounts: ["444455556666", "111122223333"] });
        for (const access of search.found) {
          const trace = access.witness.result.statements.find((t) => t.index === access.statement);
          expect(access.principalValue).toBe(trace?.principal.matchedValue);
          if (access.principalValue !== undefined) named++;
        }
      }),
      { numRuns: 150, seed: 17 },
    );
    expect(named).toBeGreaterThan(50);
  });
});
