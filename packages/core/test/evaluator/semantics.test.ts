/**
 * The IAM documentation's evaluation semantics as tables (REFERENCE §6): every condition operator with the key
 * present, absent, multi-valued, with IfExists and under both set operators; every principal form; the Not elements.
 */
import { describe, expect, it } from "vitest";
import { compilePolicy, decide, evaluateRequest, type ContextValue } from "../../src/evaluator/index.js";

const ACCOUNT = "111122223333";
const REGISTRY = "444455556666";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/replicator`;
const RESOURCE = `arn:aws:ecr:us-west-2:${REGISTRY}:repository/app`;

function conditionHolds(operator: string, policyValue: string | string[], requestValue: ContextValue | undefined, version = "2012-10-17"): boolean {
  const policy = {
    Version: version,
    Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { [operator]: { "aws:Key": policyValue } } },
  };
  const context: Record<string, ContextValue> = requestValue === undefined ? {} : { "aws:key": requestValue };
  return decide(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context }) === "allow";
}

/** An operator with a policy value, a request value it accepts and one it rejects (both single strings). */
type OperatorCase = [operator: string, policyValue: string, accepted: string, rejected: string];

const positive: OperatorCase[] = [
  ["StringEquals", "blue", "blue", "Blue"],
  ["StringEqualsIgnoreCase", "Blue", "bLUE", "green"],
  ["StringLike", "bl*-?", "blue-1", "blue-12"],
  ["NumericEquals", "10", "10.0", "11"],
  ["NumericLessThan", "10", "9.5", "10"],
  ["NumericLessThanEquals", "10", "10", "10.01"],
  ["NumericGreaterThan", "10", "11", "10"],
  ["NumericGreaterThanEquals", "10", "10", "9"],
  ["DateEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.000Z", "2024-01-02T00:00:00Z"],
  ["DateLessThan", "2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", "2024-01-01T00:00:00Z"],
  ["DateLessThanEquals", "2024-01-01T00:00:00Z", "1704067200", "2024-01-01T00:00:01Z"],
  ["DateGreaterThan", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", "2024-01-01T00:00:00Z"],
  ["DateGreaterThanEquals", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "2023-01-01T00:00:00Z"],
  ["Bool", "true", "TRUE", "false"],
  ["BinaryEquals", "QmluYXJ5", "QmluYXJ5", "cmluYXJ5"],
  ["IpAddress", "10.0.0.0/8", "10.200.3.4", "11.0.0.1"],
  ["IpAddress", "2001:db8::/32", "2001:db8:0:0:0:0:0:1", "2001:db9::1"],
  ["IpAddress", "0.0.0.0/0", "203.0.113.9", "2001:db8::1"],
  ["ArnEquals", `arn:aws:ecr:*:${ACCOUNT}:repository/*`, `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/a`, `arn:aws:ecr:eu-west-1:${REGISTRY}:repository/a`],
  ["ArnLike", `arn:aws:ecr:*:${ACCOUNT}:repository/*`, `arn:aws:ecr:eu-west-1:${ACCOUNT}:repository/a`, `arn:aws:s3:::bucket`],
];

/** Each negated operator is the "no value matches" form of a positive one. */
const negated: [string, OperatorCase][] = [
  ["StringNotEquals", positive[0]!],
  ["StringNotEqualsIgnoreCase", positive[1]!],
  ["StringNotLike", positive[2]!],
  ["NumericNotEquals", positive[3]!],
  ["DateNotEquals", positive[8]!],
  ["NotIpAddress", positive[15]!],
  ["ArnNotEquals", positive[18]!],
  ["ArnNotLike", positive[19]!],
];

describe("condition operators (IAM User Guide, condition operators; REFERENCE §6)", () => {
  describe.each(positive)("%s %j", (operator, policyValue, accepted, rejected) => {
    it.each([
      ["the key present and matching", operator, accepted, true],
      ["the key present and not matching", operator, rejected, false],
      ["the key absent: false", operator, undefined, false],
      ["a multi-valued key without a set operator: false", operator, [accepted], false],
      ["IfExists, key absent: true", `${operator}IfExists`, undefined, true],
      ["IfExists, key present and matching", `${operator}IfExists`, accepted, true],
      ["IfExists, key present and not matching", `${operator}IfExists`, rejected, false],
      ["ForAnyValue, one value matches", `ForAnyValue:${operator}`, [rejected, accepted], true],
      ["ForAnyValue, no value matches", `ForAnyValue:${operator}`, [rejected], false],
      ["ForAnyValue, a single string value", `ForAnyValue:${operator}`, accepted, true],
      ["ForAnyValue, empty list: false", `ForAnyValue:${operator}`, [], false],
      ["ForAnyValue, key absent: false", `ForAnyValue:${operator}`, undefined, false],
      ["ForAnyValueIfExists, key absent: true", `ForAnyValue:${operator}IfExists`, undefined, true],
      ["ForAllValues, every value matches", `ForAllValues:${operator}`, [accepted, accepted], true],
      ["ForAllValues, one value does not match", `ForAllValues:${operator}`, [accepted, rejected], false],
      ["ForAllValues, empty list: true", `ForAllValues:${operator}`, [], true],
      ["ForAllValues, key absent: true", `ForAllValues:${operator}`, undefined, true],
    ] as const)("%s", (_, op, value, expected) => {
      expect(conditionHolds(op, policyValue, value as ContextValue | undefined)).toBe(expected);
    });
  });

  describe.each(negated)("%s (negation of %j)", (operator, [, policyValue, acceptedByPositive, rejectedByPositive]) => {
    it.each([
      ["true when the positive form fails", operator, rejectedByPositive, true],
      ["false when the positive form holds", operator, acceptedByPositive, false],
      ["the key absent: true", operator, undefined, true],
      ["a multi-valued key without a set operator: false", operator, [rejectedByPositive], false],
      ["IfExists, key absent: true", `${operator}IfExists`, undefined, true],
      ["ForAnyValue, one value is not matched", `ForAnyValue:${operator}`, [acceptedByPositive, rejectedByPositive], true],
      ["ForAnyValue, every value is matched", `ForAnyValue:${operator}`, [acceptedByPositive], false],
      ["ForAnyValue, key absent: false", `ForAnyValue:${operator}`, undefined, false],
      ["ForAllValues, no value is matched", `ForAllValues:${operator}`, [rejectedByPositive, rejectedByPositive], true],
      ["ForAllValues, one value is matched", `ForAllValues:${operator}`, [rejectedByPositive, acceptedByPositive], false],
      ["ForAllValues, key absent: true", `ForAllValues:${operator}`, undefined, true],
    ] as const)("%s", (_, op, value, expected) => {
      expect(conditionHolds(op, policyValue, value as ContextValue | undefined)).toBe(expected);
    });
  });

  it("ORs the values of one key and ANDs keys and operators", () => {
    expect(conditionHolds("StringEquals", ["red", "blue"], "blue")).toBe(true);
    expect(conditionHolds("StringNotEquals", ["red", "blue"], "blue")).toBe(false);
    const policy = {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: "*",
        Action: "ecr:*",
        Resource: "*",
        Condition: { StringEquals: { "aws:A": "1", "aws:B": "2" }, Bool: { "aws:SecureTransport": "true" } },
      },
    };
    const at = (context: Record<string, string>) => decide(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context });
    expect(at({ "aws:A": "1", "aws:B": "2", "aws:SecureTransport": "true" })).toBe("allow");
    expect(at({ "aws:A": "1", "aws:B": "2", "aws:SecureTransport": "false" })).toBe("implicit-deny");
    expect(at({ "aws:A": "1", "aws:SecureTransport": "true" })).toBe("implicit-deny");
  });

  it("reads condition key names case-insensitively", () => {
    expect(conditionHolds("StringEquals", "blue", "blue")).toBe(true);
    const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "AWS:SOURCEVPC": "vpc-1" } } } };
    expect(decide(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context: { "aws:SourceVpc": "vpc-1" } })).toBe("allow");
  });

  it.each([
    ["true", undefined, true],
    ["true", "x", false],
    ["false", "x", true],
    ["false", undefined, false],
    ["false", [], true],
  ] as const)("Null %s with the key %j", (policyValue, value, expected) => {
    expect(conditionHolds("Null", policyValue, value as ContextValue | undefined)).toBe(expected);
  });

  it("never holds for an operator AWS does not have", () => {
    expect(conditionHolds("StringEqualz", "blue", "blue")).toBe(false);
    expect(conditionHolds("NullIfExists", "true", undefined)).toBe(false);
  });

  it("treats operands that cannot be compared as not matching, even under a negated operator", () => {
    expect(conditionHolds("NumericNotEquals", "10", "ten")).toBe(false);
    expect(conditionHolds("DateNotEquals", "2024-01-01T00:00:00Z", "yesterday")).toBe(false);
    expect(conditionHolds("NotIpAddress", "10.0.0.0/8", "not-an-ip")).toBe(false);
  });

  it("treats a value that is not an ARN as unlike every ARN pattern (the Deny applies)", () => {
    expect(conditionHolds("ArnLike", "arn:aws:ecr:*:*:*", "not-an-arn")).toBe(false);
    expect(conditionHolds("ArnNotLike", "arn:aws:ecr:*:*:*", "not-an-arn")).toBe(true);
  });

  it("compares ARN parts separately: a wildcard does not cross a colon", () => {
    expect(conditionHolds("ArnLike", "arn:aws:ecr:*:repository/app", `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/app`)).toBe(false);
    expect(conditionHolds("ArnLike", "arn:aws:ecr:*:*:repository/*", `arn:aws:ecr:us-west-2:${ACCOUNT}:repository/a:b`)).toBe(true);
  });
});

describe("policy variables", () => {
  it.each([
    ["${aws:PrincipalTag/team}", { "aws:PrincipalTag/team": "blue" }, "blue", true],
    ["${aws:principaltag/TEAM}", { "aws:PrincipalTag/team": "blue" }, "blue", true],
    ["${aws:PrincipalTag/team}", {}, "blue", false],
    ["${aws:PrincipalTag/team, 'blue'}", {}, "blue", true],
    ["${aws:PrincipalTag/team, 'blue'}", { "aws:PrincipalTag/team": "red" }, "blue", false],
    ["a${*}b", {}, "a*b", true],
    ["a${?}b", {}, "a?b", true],
    ["${$}x", {}, "$x", true],
  ])("StringEquals %s with %j against %s", (policyValue, context, requestValue, expected) => {
    const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:Key": policyValue } } } };
    expect(decide(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context: { ...context, "aws:Key": requestValue } })).toBe(expected ? "allow" : "implicit-deny");
  });

  it("substitutes a value's `*` as a literal, not a wildcard", () => {
    const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringLike: { "aws:Key": "${aws:PrincipalTag/team}-x" } } } };
    const at = (key: string) => decide(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context: { "aws:PrincipalTag/team": "*", "aws:Key": key } });
    expect(at("*-x")).toBe("allow");
    expect(at("blue-x")).toBe("implicit-deny");
  });

  it("keeps `${*}` a literal star under StringLike", () => {
    expect(conditionHolds("StringLike", "a${*}", "a*")).toBe(true);
    expect(conditionHolds("StringLike", "a${*}", "abc")).toBe(false);
  });

  it("leaves variables as literal text under Version 2008-10-17", () => {
    expect(conditionHolds("StringEquals", "${aws:username}", "${aws:username}", "2008-10-17")).toBe(true);
    const policy = { Version: "2008-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:Key": "${aws:username}" } } } };
    expect(decide(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context: { "aws:username": "bob", "aws:Key": "bob" } })).toBe("implicit-deny");
  });

  it("substitutes Resource variables only after the fifth colon", () => {
    const resource = (pattern: string, context: Record<string, string>) =>
      decide({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: pattern } }, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context });
    expect(resource(`arn:aws:ecr:us-west-2:${REGISTRY}:repository/\${aws:PrincipalTag/app}`, { "aws:PrincipalTag/app": "app" })).toBe("allow");
    expect(resource("arn:aws:ecr:us-west-2:${aws:ResourceAccount}:repository/app", { "aws:ResourceAccount": REGISTRY })).toBe("implicit-deny");
  });

  it("names the variable that did not resolve in the trace", () => {
    const policy = { Version: "2012-10-17", Statement: { Sid: "Team", Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringEquals: { "aws:Key": "${aws:PrincipalTag/team}" } } } };
    const result = evaluateRequest(policy, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE, context: { "aws:Key": "x" } });
    expect(result.statements[0]!.conditions[0]).toMatchObject({ matched: false, unresolvedVariables: ["aws:PrincipalTag/team"] });
  });
});

describe("principals (REFERENCE §6)", () => {
  const allowFor = (principal: unknown) => ({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: principal, Action: "ecr:*", Resource: "*" } });
  const at = (principalElement: unknown, caller: string) => decide(allowFor(principalElement), { principal: caller, action: "ecr:PutImage", resource: RESOURCE });

  it.each([
    ["*", "anonymous", "allow"],
    ["*", ROLE, "allow"],
    [{ AWS: "*" }, "anonymous", "allow"],
    [{ AWS: ACCOUNT }, ROLE, "allow"],
    [{ AWS: ACCOUNT }, `arn:aws:iam::${ACCOUNT}:user/alice`, "allow"],
    [{ AWS: ACCOUNT }, `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, "allow"],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, ACCOUNT, "allow"],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:root` }, ROLE, "allow"],
    [{ AWS: ACCOUNT }, `arn:aws:iam::${REGISTRY}:role/replicator`, "implicit-deny"],
    [{ AWS: ACCOUNT }, "anonymous", "implicit-deny"],
    [{ AWS: ROLE }, ROLE, "allow"],
    [{ AWS: ROLE }, `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, "allow"],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:role/team/replicator` }, `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, "allow"],
    [{ AWS: ROLE }, `arn:aws:sts::${ACCOUNT}:assumed-role/other/s1`, "implicit-deny"],
    [{ AWS: ROLE }, `arn:aws:iam::${ACCOUNT}:user/replicator`, "implicit-deny"],
    [{ AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1` }, `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, "allow"],
    [{ AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1` }, `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s2`, "implicit-deny"],
    [{ AWS: `arn:aws:iam::${ACCOUNT}:role/repl*` }, ROLE, "implicit-deny"],
    [{ Service: "replication.ecr.amazonaws.com" }, "replication.ecr.amazonaws.com", "allow"],
    [{ Service: "replication.ecr.amazonaws.com" }, "ecr.amazonaws.com", "implicit-deny"],
    [{ Service: "replication.ecr.amazonaws.com" }, ROLE, "implicit-deny"],
    [{ Federated: "accounts.google.com" }, "accounts.google.com", "allow"],
    [{ CanonicalUser: "a".repeat(64) }, `CanonicalUser:${"a".repeat(64)}`, "allow"],
    [{ AWS: [REGISTRY, ROLE], Service: "ecr.amazonaws.com" }, "ecr.amazonaws.com", "allow"],
  ] as const)("Principal %j and caller %s → %s", (element, caller, expected) => {
    expect(at(element, caller)).toBe(expected);
  });

  it("says when the allow needs the caller's identity policy too", () => {
    const evaluate = (element: unknown, caller: string, resource = RESOURCE) => evaluateRequest(allowFor(element), { principal: caller, action: "ecr:PutImage", resource }).needsIdentityAllow;
    expect(evaluate({ AWS: ACCOUNT }, ROLE)).toBe(true);
    const sameAccountRole = `arn:aws:iam::${REGISTRY}:role/admin`;
    expect(evaluate({ AWS: sameAccountRole }, sameAccountRole)).toBe(false);
    expect(evaluate({ AWS: REGISTRY }, sameAccountRole)).toBe(true);
    expect(evaluate({ AWS: ROLE }, ROLE)).toBe(true);
    expect(evaluate({ Service: "ecr.amazonaws.com" }, "ecr.amazonaws.com")).toBe(false);
  });

  it("derives aws:PrincipalArn and aws:PrincipalAccount from the caller", () => {
    const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { ArnEquals: { "aws:PrincipalArn": ROLE }, StringEquals: { "aws:PrincipalAccount": ACCOUNT } } } };
    expect(decide(policy, { principal: `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, action: "ecr:PutImage", resource: RESOURCE })).toBe("allow");
    expect(decide(policy, { principal: `arn:aws:iam::${ACCOUNT}:user/replicator`, action: "ecr:PutImage", resource: RESOURCE })).toBe("implicit-deny");
  });

  describe("NotPrincipal (IAM User Guide: list the account ARN with the principal)", () => {
    const denyExcept = (listed: string[]) => ({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*" },
        { Effect: "Deny", NotPrincipal: { AWS: listed }, Action: "ecr:*", Resource: "*" },
      ],
    });
    const bob = `arn:aws:iam::${ACCOUNT}:user/bob`;
    const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
    it.each([
      [[bob, `arn:aws:iam::${ACCOUNT}:root`], bob, "allow"],
      [[bob, `arn:aws:iam::${ACCOUNT}:root`], alice, "explicit-deny"],
      [[bob], bob, "explicit-deny"],
      [[ACCOUNT], alice, "explicit-deny"],
      [[ACCOUNT], ACCOUNT, "allow"],
      [[ROLE, ACCOUNT], `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, "explicit-deny"],
      [[ROLE, ACCOUNT, `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`], `arn:aws:sts::${ACCOUNT}:assumed-role/replicator/s1`, "allow"],
      [[ROLE, ACCOUNT], "anonymous", "explicit-deny"],
      [["*"], alice, "allow"],
    ] as const)("NotPrincipal %j, caller %s → %s", (listed, caller, expected) => {
      expect(decide(denyExcept([...listed]), { principal: caller, action: "ecr:PutImage", resource: RESOURCE })).toBe(expected);
    });

    it("says in the trace that the account is missing from the list", () => {
      const result = evaluateRequest(denyExcept([bob]), { principal: bob, action: "ecr:PutImage", resource: RESOURCE });
      expect(result.statements[1]!.principal.reason).toContain(`its account ${ACCOUNT} is not listed`);
    });
  });

  it("rejects a request principal it cannot read", () => {
    expect(() => decide(allowFor("*"), { principal: "not a principal", action: "ecr:PutImage", resource: RESOURCE })).toThrow(/Cannot read the principal/);
  });
});

describe("actions and resources (REFERENCE §6)", () => {
  const policy = (statement: Record<string, unknown>) => ({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", ...statement } });
  const at = (statement: Record<string, unknown>, action: string, resource = RESOURCE) => decide(policy(statement), { principal: ROLE, action, resource });

  it.each([
    [{ Action: "ECR:replicateimage", Resource: "*" }, "ecr:ReplicateImage", "allow"],
    [{ Action: "ecr:Replicate*", Resource: "*" }, "ecr:ReplicateImage", "allow"],
    [{ Action: "ecr:Replicate?mage", Resource: "*" }, "ecr:ReplicateImage", "allow"],
    [{ Action: "ecr:Replicate?", Resource: "*" }, "ecr:ReplicateImage", "implicit-deny"],
    [{ Action: "*", Resource: "*" }, "ecr:ReplicateImage", "allow"],
    [{ NotAction: "ecr:Replicate*", Resource: "*" }, "ecr:ReplicateImage", "implicit-deny"],
    [{ NotAction: "ecr:Replicate*", Resource: "*" }, "ecr:PutImage", "allow"],
  ] as const)("%j and %s → %s", (statement, action, expected) => {
    expect(at(statement, action)).toBe(expected);
  });

  it.each([
    [{ Action: "ecr:*", Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/*` }, `arn:aws:ecr:us-west-2:${REGISTRY}:repository/team/app`, "allow"],
    [{ Action: "ecr:*", Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/App` }, RESOURCE, "implicit-deny"],
    [{ Action: "ecr:*", Resource: `arn:aws:ecr:*:${REGISTRY}:repository/a??` }, RESOURCE, "allow"],
    [{ Action: "ecr:*", Resource: "arn:aws:ecr:*" }, RESOURCE, "allow"],
    [{ Action: "ecr:*", Resource: `arn:aws:ecr:us-east-1:${REGISTRY}:repository/*` }, RESOURCE, "implicit-deny"],
    [{ Action: "ecr:*", NotResource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/app` }, RESOURCE, "implicit-deny"],
    [{ Action: "ecr:*", NotResource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/other` }, RESOURCE, "allow"],
    [{ Action: "ecr:*" }, RESOURCE, "allow"],
  ] as const)("%j and %s → %s", (statement, resource, expected) => {
    expect(at(statement, "ecr:PutImage", resource)).toBe(expected);
  });

  it("explains a near-miss resource by the ARN part that differs", () => {
    const result = evaluateRequest(policy({ Action: "ecr:*", Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/*` }), {
      principal: ROLE,
      action: "ecr:PutImage",
      resource: `arn:aws:ecr:us-east-1:${REGISTRY}:repository/app`,
    });
    expect(result.statements[0]!.resource.reason).toBe("Region us-east-1 does not match us-west-2");
  });

  it("matches a 10,000-character pattern of stars against a 10,000-character value without backtracking", () => {
    const pattern = `${"*a".repeat(5_000)}`;
    const value = `${"a".repeat(9_999)}b`;
    const long = policy({ Action: "ecr:*", Resource: pattern });
    expect(decide(long, { principal: ROLE, action: "ecr:PutImage", resource: value })).toBe("implicit-deny");
    expect(decide(policy({ Action: "ecr:*", Resource: "*".repeat(10_000) }), { principal: ROLE, action: "ecr:PutImage", resource: value })).toBe("allow");
  });
});

describe("decisions", () => {
  it("lets an explicit deny win over any allow, and reports the deciding statements with Sid and line", () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*" },
    { "Sid": "DenyPush", "Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage", "Resource": "*" }
  ]
}`;
    const compiled = compilePolicy(text);
    const push = evaluateRequest(compiled, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE });
    expect(push.decision).toBe("explicit-deny");
    expect(push.deciding.map((s) => [s.sid, s.line])).toEqual([["DenyPush", 5]]);
    const pull = evaluateRequest(compiled, { principal: ROLE, action: "ecr:BatchGetImage", resource: RESOURCE });
    expect(pull.decision).toBe("allow");
    expect(pull.deciding.map((s) => s.sid)).toEqual(["AllowAll"]);
  });

  it("never matches a statement without Principal, Action or a valid Effect", () => {
    for (const statement of [
      { Effect: "Allow", Action: "ecr:*", Resource: "*" },
      { Effect: "Allow", Principal: "*", Resource: "*" },
      { Effect: "allow", Principal: "*", Action: "ecr:*", Resource: "*" },
    ]) {
      const result = evaluateRequest({ Version: "2012-10-17", Statement: statement }, { principal: ROLE, action: "ecr:PutImage", resource: RESOURCE });
      expect(result.decision).toBe("implicit-deny");
      expect(result.statements[0]!.notes?.length).toBe(1);
    }
  });
});
