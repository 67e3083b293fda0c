import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compilePolicy, decide, queryPolicy, type EvaluationRequest, WorkBudget } from "../../src/evaluator/index.js";
import { type RegistryContext } from "../../src/index.js";

const SOURCE = "111122223333";
const REGISTRY: RegistryContext = { source: "config", account: "444455556666", region: "us-west-2", partition: "aws" };
const replication = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ReplicationAccessCrossAccount",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${SOURCE}:root` },
      Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
      Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*",
    },
  ],
};

describe("queryPolicy: quantified principal and resource", () => {
  const compiled = compilePolicy(replication, { registry: REGISTRY });

  it("finds a witness when some repository of the registry is allowed", () => {
    const result = queryPolicy(compiled, { principal: SOURCE, action: "ecr:ReplicateImage" });
    expect(result.status).toBe("exact");
    expect(result.quantified).toEqual(["resource"]);
    expect(result.allowed?.request.resource).toMatch(/^arn:aws:ecr:us-west-2:444455556666:repository\/[a-z0-9]/);
    expect(result.allowed?.result.decision).toBe("allow");
  });

  it("proves a deny for every repository and gives none that is allowed", () => {
    const result = queryPolicy(compiled, { principal: "999999999999", action: "ecr:ReplicateImage" });
    expect(result).toMatchObject({ status: "exact" });
    expect(result.allowed).toBeUndefined();
    expect(result.implicitDeny?.result.decision).toBe("implicit-deny");
  });

  it("answers 'is any principal outside the source account allowed?' with an exclusion set", () => {
    expect(queryPolicy(compiled, { action: "ecr:ReplicateImage", principals: { excludeAccounts: [SOURCE] } }).allowed).toBeUndefined();
    const open = compilePolicy({ ...replication, Statement: [{ ...replication.Statement[0], Principal: "*" }] }, { registry: REGISTRY });
    const result = queryPolicy(open, { action: "ecr:ReplicateImage", principals: { excludeAccounts: [SOURCE] } });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).not.toContain(SOURCE);
  });

  it("ranges only over the registry's repositories when the registry is known", () => {
    const value = { ...replication, Statement: [{ ...replication.Statement[0], Resource: "arn:aws:ecr:us-east-1:444455556666:repository/*" }] };
    const elsewhere = compilePolicy(value, { registry: REGISTRY });
    expect(queryPolicy(elsewhere, { principal: SOURCE, action: "ecr:ReplicateImage" }).allowed).toBeUndefined();
    const unknownRegistry = compilePolicy(value);
    expect(queryPolicy(unknownRegistry, { principal: SOURCE, action: "ecr:ReplicateImage" }).allowed?.request.resource).toMatch(/^arn:aws:ecr:us-east-1:444455556666:repository\//);
  });

  it("finds the one repository name that a deny leaves open", () => {
    const policy = compilePolicy(
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/prod-*" },
          { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/prod-?*" },
        ],
      },
      { registry: REGISTRY },
    );
    // "prod-" alone is not a valid repository name (it ends in a separator), so nothing is allowed.
    expect(queryPolicy(policy, { principal: SOURCE, action: "ecr:PutImage" })).toMatchObject({ status: "exact" });
    expect(queryPolicy(policy, { principal: SOURCE, action: "ecr:PutImage" }).allowed).toBeUndefined();
  });

  it("finds principals that only a condition on aws:PrincipalArn singles out", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: SOURCE }, Action: "ecr:*", Resource: "*", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${SOURCE}:role/ci-*` } } }],
    });
    const result = queryPolicy(policy, { action: "ecr:PutImage", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app" });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).toMatch(new RegExp(`^arn:aws:(iam::${SOURCE}:role/ci-|sts::${SOURCE}:assumed-role/ci-)`));
  });

  it("keeps context keys the request does not give absent, unless anyContext", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }],
    });
    const request = { principal: SOURCE, action: "ecr:PutImage", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app" };
    expect(queryPolicy(policy, request).allowed).toBeUndefined();
    const any = queryPolicy(policy, { ...request, anyContext: true });
    expect(any.status).toBe("exact");
    expect(any.allowed?.request.context?.["aws:SourceIp"]).toMatch(/^10\./);
  });

  it("finds tag keys that an allow requires and a ForAnyValue deny lets through", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": "team" } } },
        { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { "ForAnyValue:StringNotLike": { "aws:TagKeys": ["team", "env"] } } },
      ],
    });
    const result = queryPolicy(policy, { principal: SOURCE, action: "ecr:TagResource", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app", anyContext: true });
    expect(result.status).toBe("exact");
    const keys = ([] as string[]).concat(result.allowed?.request.context?.["aws:TagKeys"] ?? []);
    expect(keys).toContain("team");
    expect(keys.every((k) => k === "team" || k === "env")).toBe(true);
  });

  it("says inconclusive, with the reason, when a pattern (not an equality) compares two quantified values", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringLike: { "aws:PrincipalTag/team": "${aws:ResourceTag/team}-*" } } }],
    });
    const result = queryPolicy(policy, { principal: SOURCE, action: "ecr:PutImage", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app", anyContext: true });
    expect(result.status).toBe("inconclusive");
    expect(result.reason).toContain("${aws:resourcetag/team}");
  });

  it("uses the resource * for actions that act on no resource type", () => {
    const result = queryPolicy(compiled, { principal: SOURCE, action: "ecr:GetAuthorizationToken" });
    expect(result.quantified).toEqual([]);
    expect(result.implicitDeny?.request.resource).toBe("*");
  });
});

/**
 * The brute-force cross-check: on small random policies, the case split must find an allowed request whenever a
 * large pool of concrete requests contains one, and every witness it gives must be allowed.
 */
describe("queryPolicy agrees with brute force", () => {
  const accounts = [SOURCE, "444455556666", "999999999999"];
  const names = ["ab", "ac", "abc", "b1", "prod-a", "prod-ab", "team/ab", "team/x1", "zz"];
  const principals = [
    ...accounts,
    ...accounts.flatMap((a) => [`arn:aws:iam::${a}:role/ci`, `arn:aws:iam::${a}:role/ci-x`, `arn:aws:iam::${a}:user/bob`, `arn:aws:sts::${a}:assumed-role/ci/s`]),
    "ecr.amazonaws.com",
    "anonymous",
  ];
  const resources = names.map((n) => `arn:aws:ecr:us-west-2:444455556666:repository/${n}`);
  const ips = [undefined, "10.0.0.1", "10.255.255.255", "11.0.0.0", "192.168.1.1"];

  const principalElement = fc.oneof(
    fc.constant<unknown>("*"),
    fc.subarray([...accounts, `arn:aws:iam::${SOURCE}:role/ci`, `arn:aws:iam::444455556666:user/bob`], { minLength: 1 }).map((aws) => ({ AWS: aws })),
    fc.constant<unknown>({ Service: "ecr.amazonaws.com" }),
  );
  const resourcePattern = fc.constantFrom(
    "*",
    "arn:aws:ecr:us-west-2:444455556666:repository/a*",
    "arn:aws:ecr:us-west-2:444455556666:repository/*b",
    "arn:aws:ecr:us-west-2:444455556666:repository/prod-?",
    "arn:aws:ecr:us-west-2:444455556666:repository/team/*",
    "arn:aws:ecr:*:444455556666:repository/?c",
  );
  const condition = fc.oneof(
    fc.constant<unknown>(undefined),
    fc.constantFrom("IpAddress", "NotIpAddress", "NotIpAddressIfExists").map((op) => ({ [op]: { "aws:SourceIp": "10.0.0.0/8" } })),
    fc.constantFrom("ArnLike", "ArnNotLike", "StringLike").map((op) => ({ [op]: { "aws:PrincipalArn": `arn:aws:iam::*:role/ci-*` } })),
    fc.constantFrom("StringEquals", "StringNotEquals").map((op) => ({ [op]: { "aws:PrincipalAccount": SOURCE } })),
  );
  const statement = fc.record({ Effect: fc.constantFrom("Allow", "Deny"), Principal: principalElement, Resource: fc.subarray(["x"]).chain(() => resourcePattern), Condition: condition }).map((s) => {
    const out: Record<string, unknown> = { Effect: s.Effect, Principal: s.Principal, Action: "ecr:*", Resource: s.Resource };
    if (s.Condition) out.Condition = s.Condition;
    return out;
  });
  const policies = fc.array(statement, { minLength: 1, maxLength: 4 }).map((Statement) => ({ Version: "2012-10-17", Statement }));

  it("on 300 random policies, with principal, resource and context quantified", () => {
    fc.assert(
      fc.property(policies, (policy) => {
        const compiled = compilePolicy(policy, { registry: REGISTRY });
        const result = queryPolicy(compiled, { action: "ecr:PutImage", anyContext: true });
        let bruteAllowed: EvaluationRequest | undefined;
        search: for (const principal of principals) {
          for (const resource of resources) {
            for (const ip of ips) {
              const request: EvaluationRequest = { principal, action: "ecr:PutImage", resource, context: ip ? { "aws:SourceIp": ip } : {} };
              if (decide(compiled, request) === "allow") {
                bruteAllowed = request;
                break search;
              }
            }
          }
        }
        if (result.allowed) expect(decide(compiled, result.allowed.request)).toBe("allow");
        expect(result.status).toBe("exact");
        if (bruteAllowed) expect(result.allowed, `brute force found ${JSON.stringify(bruteAllowed)}`).toBeDefined();
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe("queryPolicy searches independent context keys one at a time", () => {
  // Keys in different conditions are independent unless a condition compares them: the decision depends only on
  // which conditions hold, so each key contributes its distinct outcomes and the case count is a sum, not a product.
  const timed = JSON.parse(readFileSync(new URL("../../../../bench/policies/11-timed-mfa-network.json", import.meta.url), "utf8")) as unknown;

  it("answers a 2-statement policy with five ranged keys exactly (it was over 200000 cases)", () => {
    const result = queryPolicy(timed, { action: "ecr:ListImages", anyContext: true });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).toBe("arn:aws:iam::111122223333:role/ci");
    expect(decide(timed, result.allowed!.request)).toBe("allow");
    expect(decide(timed, result.explicitDeny!.request)).toBe("explicit-deny");
    expect(result.evaluated).toBeLessThan(20_000);
    // Asked of every principal it is not denied (role/ci is allowed) and the Deny can be escaped.
    expect(queryPolicy(timed, { action: "ecr:ListImages", principal: "arn:aws:iam::111122223333:role/ci", anyContext: true }).allowed).toBeDefined();
    expect(queryPolicy(timed, { action: "ecr:ListImages", principal: "arn:aws:iam::111122223333:role/other", anyContext: true }).allowed).toBeUndefined();
  });

  const keyCondition = fc.oneof(
    fc.constantFrom("IpAddress", "NotIpAddress", "NotIpAddressIfExists").map((op) => [op, "aws:SourceIp", "10.0.0.0/8"] as const),
    fc.constantFrom("Bool", "BoolIfExists").map((op) => [op, "aws:ViaAWSService", "false"] as const),
    fc.constantFrom("NumericLessThan", "NumericGreaterThanEquals").map((op) => [op, "aws:MultiFactorAuthAge", "3600"] as const),
    fc.constantFrom("ForAnyValue:StringLike", "ForAllValues:StringEquals", "StringLike").map((op) => [op, "aws:TagKeys", ["a*", "b"]] as const),
    fc.constantFrom("DateGreaterThan", "DateLessThan").map((op) => [op, "aws:CurrentTime", "2024-01-01T00:00:00Z"] as const),
    fc.constantFrom("Null").map((op) => [op, "aws:SourceVpce", "true"] as const),
  );
  const statement = fc.record({
    Effect: fc.constantFrom("Allow", "Deny"),
    Principal: fc.constantFrom<unknown>("*", { AWS: SOURCE }, { AWS: `arn:aws:iam::${SOURCE}:role/ci` }),
    conditions: fc.array(keyCondition, { maxLength: 3 }),
  }).map(({ Effect, Principal, conditions }) => {
    const Condition: Record<string, Record<string, unknown>> = {};
    for (const [op, key, value] of conditions) (Condition[op] ??= {})[key] = value;
    return { Effect, Principal, Action: "ecr:*", Resource: "*", ...(conditions.length ? { Condition } : {}) };
  });
  const policies = fc.array(statement, { minLength: 1, maxLength: 4 }).map((Statement) => ({ Version: "2012-10-17", Statement }));

  it("finds the same decisions as trying every combination, on 150 random policies", () => {
    fc.assert(
      fc.property(policies, (policy) => {
        const compiled = compilePolicy(policy, { registry: REGISTRY });
        const query = { action: "ecr:PutImage", principal: `arn:aws:iam::${SOURCE}:role/ci`, resource: "arn:aws:ecr:us-west-2:444455556666:repository/app", anyContext: true };
        const factored = queryPolicy(compiled, query);
        // Every combination, with no work budget: the reference the factored search must agree with.
        const product = queryPolicy(compiled, query, { factor: false, maxEvaluations: 5_000_000, budget: new WorkBudget(Number.POSITIVE_INFINITY) });
        expect(factored.status).toBe(product.status);
        expect(Boolean(factored.allowed)).toBe(Boolean(product.allowed));
        expect(Boolean(factored.implicitDeny)).toBe(Boolean(product.implicitDeny));
        expect(Boolean(factored.explicitDeny)).toBe(Boolean(product.explicitDeny));
        for (const [w, d] of [[factored.allowed, "allow"], [factored.implicitDeny, "implicit-deny"], [factored.explicitDeny, "explicit-deny"]] as const) {
          if (w) expect(decide(compiled, w.request)).toBe(d);
        }
      }),
      { numRuns: 150, seed: 11 },
    );
  });
});
