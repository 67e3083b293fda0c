import { describe, expect, it } from "vitest";
import { compilePolicy, decide, searchOutsiderAccess, type OutsiderQuery } from "../../src/evaluator/index.js";

/**
 * The outsider search answers for every value an outsider can have, or says it could not: a statement it leaves
 * out of `found` is checked and fine only when it is in neither `tooComplex` nor `inconclusive`.
 */
const REGISTRY = "444455556666";
const registry = { source: "config" as const, account: REGISTRY, region: "us-west-2", partition: "aws" };
const policyOf = (statements: unknown[]) => compilePolicy({ Version: "2012-10-17", Statement: statements }, { registry });
const search = (statements: unknown[], query: Partial<OutsiderQuery> = {}) => searchOutsiderAccess(policyOf(statements), { trustedAccounts: [REGISTRY], ...query });
const external = (statements: unknown[], trustedOrgs: string[], trustedAccounts: string[] = [REGISTRY]) => search(statements, { trustedAccounts, trustedOrgs, tryNamedValues: true });
const pull = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/*` };
const when = (operator: string, key: string, value: string | string[]) => ({ ...pull, Condition: { [operator]: { [key]: value } } });

/** Every witness is real: the evaluator allows its request. */
function expectWitnessesAllowed(statements: unknown[], found: ReturnType<typeof search>["found"]) {
  for (const f of found) expect(decide(policyOf(statements), f.witness.request), JSON.stringify(f.witness.request)).toBe("allow");
}

describe("pinning keys of statements that cannot cancel the grant are not combined", () => {
  const sevenKeys = { Null: Object.fromEntries(["aws:SourceVpc", "aws:SourceVpce", "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner", "aws:VpceAccount", "aws:VpceOrgID"].map((k) => [k, "true"])) };

  it("finds the public grant beside a Deny on other actions with many pinning keys", () => {
    const statements = [pull, { Effect: "Deny", Principal: "*", Action: "ecr:DeleteRepository", Resource: "*", Condition: sevenKeys }];
    const result = search(statements);
    expect(result.found.map((f) => f.statement)).toEqual([0]);
    expect(result.inconclusive).toEqual([]);
    expectWitnessesAllowed(statements, result.found);
  });

  it("finds it beside a Deny that names only trusted principals, which no outsider is", () => {
    const statements = [pull, { Effect: "Deny", Principal: { AWS: `arn:aws:iam::${REGISTRY}:role/ci` }, Action: "ecr:*", Resource: "*", Condition: sevenKeys }];
    expect(search(statements).found.map((f) => f.statement)).toEqual([0]);
  });

  it("still finds the way around a Deny whose keys multiply past the cap", () => {
    const statements = [pull, { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: sevenKeys }];
    const result = search(statements);
    expect(result.found.map((f) => f.statement)).toEqual([0]);
    expectWitnessesAllowed(statements, result.found);
  });

  it("says the statement is too complex to analyse when the combinations exceed the cap and none tried lets an outsider in", () => {
    // Each key has three cases that matter (absent or fresh, the partner value every Deny refuses, the other one):
    // 3^4 combinations, past the cap of 64. (No outsider gets in: the one way past the Denies of each key, every key
    // set to its second value, is refused by the last Deny.)
    const keys = ["aws:SourceAccount", "aws:SourceOwner", "aws:VpceAccount", "aws:PrincipalOrgID"];
    const values = (k: string) => (k === "aws:PrincipalOrgID" ? ["o-partner0001", "o-partner0002"] : ["777788889999", "777788880000"]);
    const deny = (condition: Record<string, string>) => ({ Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringEquals: condition } });
    const allow = { ...pull, Condition: { StringEquals: Object.fromEntries(keys.map((k) => [k, values(k)])) } };
    const statements = [allow, ...keys.map((k) => deny({ [k]: values(k)[0]! })), deny(Object.fromEntries(keys.map((k) => [k, values(k)[1]!])))];
    const result = external(statements, ["o-ours000001"]);
    expect(result.found).toEqual([]);
    expect(result.inconclusive).toEqual([{ statement: 0, reason: expect.stringMatching(/^too complex to analyse: 81 combinations of the values of aws:SourceAccount, aws:SourceOwner, aws:VpceAccount, aws:PrincipalOrgID/) }]);
  });
});

describe("an inconclusive query is reported as such, never as no access", () => {
  it("lists a statement whose condition the search cannot split into cases", () => {
    // The pattern has four colons, so its `*` spans ARN parts: account 123400000000's principals match it.
    const result = search([when("StringLike", "aws:PrincipalArn", "arn:aws:iam::1234*")]);
    expect(result.found).toEqual([]);
    expect(result.inconclusive).toEqual([{ statement: 0, reason: expect.stringContaining('the pattern "arn:aws:iam::1234*" on aws:PrincipalArn spans ARN parts') }]);
    expect(decide(policyOf([when("StringLike", "aws:PrincipalArn", "arn:aws:iam::1234*")]), { principal: "arn:aws:iam::123400000000:role/x", action: "ecr:BatchGetImage", resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/app` })).toBe("allow");
  });

  it("lists nothing for a statement it answers exactly", () => {
    expect(search([when("StringEquals", "aws:SourceAccount", REGISTRY)])).toEqual({ found: [], tooComplex: [], inconclusive: [] });
  });
});

describe("wildcard values of pinning keys admit outsiders whose values match them", () => {
  it("a prefix of an organization id trusts organizations no one knows", () => {
    const statements = [when("StringLike", "aws:PrincipalOrgID", "o-abc*")];
    const [found] = search(statements).found;
    expect(found?.namedContext).toEqual([expect.stringMatching(/^aws:PrincipalOrgID = o-abc[a-z0-9]{7,}, which "o-abc\*" matches$/)]);
    expectWitnessesAllowed(statements, search(statements).found);
  });

  it("even when the trusted organization matches the prefix too", () => {
    const [found] = external([when("StringLike", "aws:PrincipalOrgID", "o-abc*")], ["o-abc1234567"]).found;
    const value = found?.witness.request.context?.["aws:PrincipalOrgID"];
    expect(value).toMatch(/^o-abc[a-z0-9]{7,32}$/);
    expect(value).not.toBe("o-abc1234567");
  });

  it("a Deny that exempts a prefix of organizations lets the unknown ones matching it in", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringNotLike: { "aws:PrincipalOrgID": "o-abc*" } } };
    const result = external([pull, deny], ["o-abc1234567"]);
    expect(result.found.map((f) => f.statement)).toEqual([0]);
    expectWitnessesAllowed([pull, deny], result.found);
  });

  it("a pattern only trusted organizations' paths match lets no outsider in", () => {
    const statements = [when("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4e5/*")];
    expect(external(statements, ["o-a1b2c3d4e5"])).toEqual({ found: [], tooComplex: [], inconclusive: [] });
    const [found] = external([when("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", "o-a1b2c3d4*/*")], ["o-a1b2c3d4e5"]).found;
    expect(found?.witness.request.context?.["aws:PrincipalOrgPaths"]).toEqual([expect.stringMatching(/^o-a1b2c3d4(?!e5\/)[a-z0-9]+\//)]);
  });

  it.each([
    ["StringLike", "aws:SourceAccount", "11112222333?"],
    ["StringLike", "aws:SourceAccount", "1111*"],
    ["StringLike", "aws:SourceOwner", "*"],
    ["StringLike", "aws:PrincipalAccount", "11112222333?"],
    ["ArnLike", "aws:SourceArn", "arn:aws:sns:us-east-1:*:builds"],
    ["ArnEquals", "aws:SourceArn", "arn:aws:sns:us-east-1:11112222333?:builds"],
    ["ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:role/ci"],
  ])("%s %s %s admits accounts other than the trusted one", (operator, key, value) => {
    const statements = [when(operator, key, value)];
    const result = search(statements, { trustedAccounts: [REGISTRY, "111122223333"] });
    expect(result.found.map((f) => f.statement)).toEqual([0]);
    expectWitnessesAllowed(statements, result.found);
    expect(JSON.stringify(result.found[0]!.witness.request)).not.toContain("111122223333");
  });

  it.each([
    ["ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*"],
    ["StringEquals", "aws:SourceAccount", "11112222333?"],
    ["StringLike", "aws:SourceAccount", "111122223333"],
  ])("%s %s %s admits the trusted account only", (operator, key, value) => {
    expect(search([when(operator, key, value)], { trustedAccounts: [REGISTRY, "111122223333"] })).toEqual({ found: [], tooComplex: [], inconclusive: [] });
  });
});

describe("wildcard values of keys that name no account admit the ids no one wrote down", () => {
  it.each([
    ["aws:SourceVpce", "vpce-*"],
    ["aws:SourceVpc", "vpc-0abc*"],
    ["aws:userid", "AROA*"],
    ["aws:userid", "*:alice"],
  ])("StringLike %s %s lets an outsider in", (key, value) => {
    const statements = [when("StringLike", key, value)];
    const result = search(statements);
    expect(result.found.map((f) => f.statement)).toEqual([0]);
    expect(result.found[0]!.namedContext).toEqual([expect.stringContaining(`which "${value}" matches`)]);
    expectWitnessesAllowed(statements, result.found);
  });

  it.each([
    ["aws:SourceVpce", "vpce-1a2b3c4d"],
    ["aws:userid", "AROAEXAMPLEID12345678:*"],
    ["aws:userid", `${REGISTRY}:*`],
  ])("StringLike %s %s names someone in particular", (key, value) => {
    expect(search([when("StringLike", key, value)])).toEqual({ found: [], tooComplex: [], inconclusive: [] });
  });
});

describe("organization ids compare as AWS compares them", () => {
  it("StringEqualsIgnoreCase on the trusted organization written in capitals admits only that organization", () => {
    expect(external([when("StringEqualsIgnoreCase", "aws:PrincipalOrgID", "O-A1B2C3D4E5")], ["o-a1b2c3d4e5"])).toEqual({ found: [], tooComplex: [], inconclusive: [] });
  });

  it("a trusted organization configured in capitals is the same organization", () => {
    expect(external([when("StringEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5")], ["O-A1B2C3D4E5"])).toEqual({ found: [], tooComplex: [], inconclusive: [] });
  });

  it("StringEqualsIgnoreCase on a partner organization still admits the partner", () => {
    const [found] = external([when("StringEqualsIgnoreCase", "aws:PrincipalOrgID", ["o-a1b2c3d4e5", "O-PARTNER0001"])], ["o-a1b2c3d4e5"]).found;
    expect(found?.witness.request.context?.["aws:PrincipalOrgID"]).toBe("o-partner0001");
  });
});

describe("keys the registry decides are fixed to the registry's values", () => {
  it("aws:RequestedRegion is the registry's Region: a grant for another Region lets no one in", () => {
    expect(search([when("StringEquals", "aws:RequestedRegion", "eu-west-1")]).found).toEqual([]);
    expect(search([when("StringEquals", "aws:RequestedRegion", "us-west-2")]).found.map((f) => f.statement)).toEqual([0]);
  });

  it("aws:ResourceAccount is the registry's account: a Deny on it cannot be escaped", () => {
    const deny = (operator: string) => ({ Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { [operator]: { "aws:ResourceAccount": REGISTRY } } });
    expect(search([pull, deny("StringEquals")]).found).toEqual([]);
    expect(search([pull, deny("StringNotEquals")]).found.map((f) => f.statement)).toEqual([0]);
  });

  it("a Deny outside the registry's Region does not close the grant", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-west-2" } } };
    const result = search([pull, deny]);
    expect(result.found.map((f) => f.statement)).toEqual([0]);
    expect(result.found[0]!.witness.request.context?.["aws:RequestedRegion"]).toBe("us-west-2");
  });
});
