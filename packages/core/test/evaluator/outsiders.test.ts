import { describe, expect, it } from "vitest";
import { compilePolicy, decide, DEFAULT_ANALYSIS_STEPS, findOutsiderAccess, queryPolicy, searchOutsiderAccess, WorkBudget } from "../../src/evaluator/index.js";

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

describe("searchOutsiderAccess on many statements", () => {
  const repo = (name: string) => `arn:aws:ecr:us-west-2:444455556666:repository/${name}`;
  const search = (statements: unknown[]) => {
    const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
    const result = searchOutsiderAccess(policyOf(statements), { trustedAccounts: ["444455556666"], trustedOrgs: ["o-a1b2c3d4e5"], budget });
    return { found: result.found.map((f) => f.statement), tooComplex: result.tooComplex, inconclusive: result.inconclusive, steps: budget.steps };
  };
  const partner = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/puller" }, Action: "ecr:*", Resource: repo("team/*"), Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } };

  it("leaves out a Deny that can meet none of the Allow's callers or repositories: same answer, same steps", () => {
    const otherAccount = { Effect: "Deny", Principal: { AWS: "555566667777" }, Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-x1y2z3w4v5" } } };
    const otherRepositories = { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: repo("prod-*"), Condition: { StringLike: { "aws:SourceArn": "arn:aws:codebuild:us-west-2:*:project/*" } } };
    const alone = search([partner]);
    expect(alone.found).toEqual([0]);
    const beside = search([partner, otherAccount, otherRepositories]);
    expect(beside).toEqual(alone);
    // The same Denies on the Allow's account or repositories do close it.
    expect(search([partner, { ...otherAccount, Principal: { AWS: "111122223333" }, Condition: undefined }]).found).toEqual([]);
    expect(search([partner, { ...otherRepositories, Resource: repo("team/web*"), Condition: undefined }, { ...otherRepositories, Resource: repo("team/*"), Condition: undefined }]).found).toEqual([]);
  });

  it("pays once per search for what its Allows share: twenty Allows with the same conditions stay conclusive", () => {
    const names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t"];
    const condition = { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*/r-ab12/ou-*" }, StringLike: { "aws:SourceArn": "arn:aws:codebuild:us-west-2:*:project/*" } };
    const statements = names.map((n) => ({ ...partner, Principal: "*", Resource: repo(`${n}-*`), Condition: condition }));
    const one = search(statements.slice(0, 1));
    const all = search(statements);
    expect(all.tooComplex).toEqual([]);
    expect(all.inconclusive).toEqual([]);
    expect(all.found).toEqual(names.map((_, i) => i));
    // The pinning keys' splits are the bulk of one Allow's cost; the others reuse them.
    expect(all.steps).toBeLessThan(one.steps * 2);
  });

  it("charges a class search once per budget, and a fresh budget what a run costs", () => {
    const statements = [partner, { ...partner, Principal: { AWS: "arn:aws:iam::210987654321:role/ci" }, Resource: repo("svc-*") }];
    const policy = policyOf(statements);
    const query = { action: "ecr:BatchGetImage", anyContext: true, principals: { excludeAccounts: ["444455556666"] } };
    const shared = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
    const first = queryPolicy(policy, query, { budget: shared });
    const again = queryPolicy(policy, { ...query, action: "ecr:PutImage" }, { budget: shared });
    // Another copy of the policy: resource splits are kept with the compiled policy, and this one has none yet.
    const fresh = queryPolicy(policyOf(statements), { ...query, action: "ecr:PutImage" }, { budget: new WorkBudget(DEFAULT_ANALYSIS_STEPS) });
    expect(again.allowed === undefined).toBe(fresh.allowed === undefined);
    expect(again.steps).toBeLessThan(fresh.steps!);
    expect(shared.steps).toBe(first.steps! + again.steps!);
  });
});
