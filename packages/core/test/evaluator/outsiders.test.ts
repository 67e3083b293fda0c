import { describe, expect, it } from "vitest";
import { compilePolicy, decide, findOutsiderAccess, queryPolicy } from "../../src/evaluator/index.js";

const registry = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };
const policyOf = (statements: unknown[]) => compilePolicy({ Version: "2012-10-17", Statement: statements }, { registry });
const access = (statements: unknown[], trustedAccounts: string[] = ["444455556666"]) => findOutsiderAccess(policyOf(statements), { trustedAccounts });
const pull = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" };

describe("findOutsiderAccess", () => {
  it("finds an outsider for a bare \"*\" and names the statement and the Principal value that lets it in", () => {
    const [found] = access([pull]);
    expect(found).toMatchObject({ statement: 0, principalValue: "*", namedContext: [] });
    expect(found?.witness.result.decision).toBe("allow");
    expect(found?.witness.request.principal).not.toContain("444455556666");
  });

  it("takes aws:SourceAccount under StringEquals as pinning, and under StringEqualsIfExists as not", () => {
    expect(access([{ ...pull, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }], ["444455556666", "111122223333"])).toEqual([]);
    expect(access([{ ...pull, Condition: { StringEqualsIfExists: { "aws:SourceAccount": "111122223333" } } }], ["444455556666", "111122223333"])).toHaveLength(1);
  });

  it("requires a present key when Null says false, which an outsider's own request can satisfy", () => {
    expect(access([{ ...pull, Condition: { Null: { "aws:PrincipalOrgID": "false" } } }])).toHaveLength(1);
  });

  it("lets a Deny on everyone outside the organization close the grant, even written with IfExists", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    expect(access([pull, deny])).toEqual([]);
  });

  it("does not search a statement that names only trusted principals", () => {
    expect(access([{ ...pull, Principal: { AWS: "arn:aws:iam::444455556666:role/ci", Service: "codebuild.amazonaws.com" } }])).toEqual([]);
  });

  it("reads a missing key as the evaluator does: ForAnyValue with IfExists holds without the key", () => {
    const statement = { ...pull, Condition: { "ForAnyValue:StringEqualsIfExists": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    const [found] = access([statement]);
    expect(found?.witness.request.context?.["aws:PrincipalOrgID"]).toBeUndefined();
    const request = { principal: "999999999999", action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app" };
    expect(decide(policyOf([statement]), request)).toBe("allow");
  });

  it("names the untrusted values the policy itself names, when asked to", () => {
    const statement = { ...pull, Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-ours", "o-partner"] } } };
    const [found] = findOutsiderAccess(policyOf([statement]), { trustedAccounts: ["444455556666"], trustedOrgs: ["o-ours"], tryNamedValues: true });
    expect(found?.namedContext).toEqual(["aws:PrincipalOrgID = o-partner"]);
  });
});

describe("queryPolicy with absent keys", () => {
  it("leaves a key out of every request it tries, while ranging over the others", () => {
    const policy = policyOf([{ ...pull, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-ours" }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }]);
    const query = { action: "ecr:BatchGetImage", anyContext: true };
    expect(queryPolicy(policy, query).allowed).toBeDefined();
    expect(queryPolicy(policy, { ...query, absent: ["aws:principalorgid"] }).allowed).toBeUndefined();
    const withoutIp = queryPolicy(policy, { ...query, absent: ["aws:SourceIp"] });
    expect(withoutIp.status).toBe("exact");
    expect(withoutIp.allowed).toBeUndefined();
  });
});
