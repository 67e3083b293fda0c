/**
 * Decisions and quantified answers that rest on one passage of the IAM User Guide each; the passage is quoted in
 * the test name or beside it.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compilePolicy, decide, EmptyQueryError, evaluateRequest, parseDate, queryPolicy, type ContextValue } from "../../src/evaluator/index.js";
import type { RegistryContext } from "../../src/index.js";

const ACCOUNT = "111122223333";
const REGISTRY = "444455556666";
const RESOURCE = `arn:aws:ecr:us-west-2:${REGISTRY}:repository/app`;
const registry: RegistryContext = { source: "config", account: REGISTRY, region: "us-west-2", partition: "aws" };

describe('NotPrincipal, IAM User Guide "AWS JSON policy elements: NotPrincipal"', () => {
  const denyExcept = (listed: string[]) => ({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*" },
      { Effect: "Deny", NotPrincipal: { AWS: listed }, Action: "ecr:*", Resource: "*" },
    ],
  });
  const role = `arn:aws:iam::${ACCOUNT}:role/ci`;
  const session = `arn:aws:sts::${ACCOUNT}:assumed-role/ci/build-1`;

  it.each([
    // "If an assumed-role user (someone who is using a role) is being evaluated, AWS might validate the account first,
    // then the role, and then the assumed-role user."
    [[role, ACCOUNT], session, "explicit-deny"],
    [[session, ACCOUNT], session, "explicit-deny"],
    [[session, role], session, "explicit-deny"],
    [[session, role, `arn:aws:iam::${ACCOUNT}:root`], session, "allow"],
    [[session, role, ACCOUNT], `arn:aws:sts::${ACCOUNT}:assumed-role/ci/build-2`, "explicit-deny"],
    [[role, ACCOUNT], role, "allow"],
    // "you must also specify the account ARN of the not-denied principal" (a federated user is checked the same way).
    [[`arn:aws:sts::${ACCOUNT}:federated-user/bob`], `arn:aws:sts::${ACCOUNT}:federated-user/bob`, "explicit-deny"],
    [[`arn:aws:sts::${ACCOUNT}:federated-user/bob`, ACCOUNT], `arn:aws:sts::${ACCOUNT}:federated-user/bob`, "allow"],
  ] as const)("a session must be named to be exempt: NotPrincipal %j, caller %s → %s", (listed, caller, expected) => {
    expect(decide(denyExcept([...listed]), { principal: caller, action: "ecr:PutImage", resource: RESOURCE })).toBe(expected);
  });

  it('names in the trace what the list lacks ("Principals must always name a specific session")', () => {
    const result = evaluateRequest(denyExcept([role, ACCOUNT]), { principal: session, action: "ecr:PutImage", resource: RESOURCE });
    expect(result.statements[1]!.principal.reason).toContain("the session itself is not listed");
  });

  it("with the principal quantified, no session of the role escapes the Deny", () => {
    const result = queryPolicy(compilePolicy(denyExcept([role, ACCOUNT]), { registry }), { action: "ecr:PutImage", principals: { kinds: ["session"], accounts: [ACCOUNT] } });
    expect(result.status).toBe("exact");
    expect(result.allowed).toBeUndefined();
    expect(result.explicitDeny?.request.principal).toMatch(/:assumed-role\//);
    const named = queryPolicy(compilePolicy(denyExcept([role, ACCOUNT, session]), { registry }), { action: "ecr:PutImage", principals: { kinds: ["session"], accounts: [ACCOUNT] } });
    expect(named.allowed?.request.principal).toBe(session);
  });
});

describe('policy variables in typed operators, IAM User Guide "IAM JSON policy elements: Condition operators"', () => {
  const allowWhen = (operator: string, key: string, value: string) => ({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { [operator]: { [key]: value } } },
  });
  const at = (policy: unknown, context: Record<string, ContextValue>) => decide(policy, { principal: `arn:aws:iam::${ACCOUNT}:role/ci`, action: "ecr:PutImage", resource: RESOURCE, context });

  it.each([
    // "You can not use a policy variable with the Numeric condition operator."
    ["NumericLessThan", "aws:MultiFactorAuthAge", "${aws:PrincipalTag/max}", { "aws:MultiFactorAuthAge": "10", "aws:PrincipalTag/max": "3600" }],
    ["NumericEquals", "aws:MultiFactorAuthAge", "${aws:PrincipalTag/max, '10'}", { "aws:MultiFactorAuthAge": "10" }],
    // "You can not use a policy variable with the Date condition operator."
    ["DateLessThan", "aws:CurrentTime", "${aws:PrincipalTag/until}", { "aws:CurrentTime": "2024-01-01T00:00:00Z", "aws:PrincipalTag/until": "2030-01-01T00:00:00Z" }],
    // "You can not use a policy variable with the Binary condition operator."
    ["BinaryEquals", "aws:Key", "${aws:PrincipalTag/bytes}", { "aws:Key": "QmluYXJ5", "aws:PrincipalTag/bytes": "QmluYXJ5" }],
    ["BinaryEquals", "aws:Key", "${aws:PrincipalTag/bytes}", { "aws:Key": "${aws:PrincipalTag/bytes}" }],
    // "You can not use a policy variable with the IpAddress condition operator."
    ["IpAddress", "aws:SourceIp", "${aws:PrincipalTag/cidr}", { "aws:SourceIp": "10.0.0.1", "aws:PrincipalTag/cidr": "10.0.0.0/8" }],
  ] as const)("%s with %s = %s takes the text literally and never matches", (operator, key, value, context) => {
    expect(at(allowWhen(operator, key, value), context)).toBe("implicit-deny");
  });

  it('still substitutes under Bool and ARN operators ("You can use a policy variable with the Boolean condition operator")', () => {
    expect(at(allowWhen("Bool", "aws:SecureTransport", "${aws:PrincipalTag/tls}"), { "aws:SecureTransport": "true", "aws:PrincipalTag/tls": "true" })).toBe("allow");
  });

  it("a negated typed operator with a variable is false too (its operands cannot be compared)", () => {
    expect(at(allowWhen("NumericNotEquals", "aws:MultiFactorAuthAge", "${aws:PrincipalTag/max}"), { "aws:MultiFactorAuthAge": "10" })).toBe("implicit-deny");
  });
});

describe('ForAllValues with an empty data set, IAM User Guide "Single-valued vs. multivalued context keys"', () => {
  const policy = (operator: string) => ({
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { [operator]: { "aws:TagKeys": ["team", "env"] } } },
  });
  const at = (operator: string, value: ContextValue) => decide(policy(operator), { principal: `arn:aws:iam::${ACCOUNT}:role/ci`, action: "ecr:TagResource", resource: RESOURCE, context: { "aws:TagKeys": value } });

  // ForAllValues "also returns true if the context key in the request resolves to an empty data set, such as an empty string".
  it.each([
    ["ForAllValues:StringEquals", "", "allow"],
    ["ForAllValues:StringEquals", [], "allow"],
    ["ForAllValues:StringLike", "", "allow"],
    ["ForAnyValue:StringEquals", "", "implicit-deny"],
    ["ForAllValues:StringEquals", "owner", "implicit-deny"],
  ] as const)("%s with %j → %s", (operator, value, expected) => {
    expect(at(operator, value as ContextValue)).toBe(expected);
  });
});

describe('dates, IAM User Guide: "You must specify date/time values with one of the W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time"', () => {
  it.each([
    ["2024", Date.UTC(2024, 0, 1)],
    ["2024-06", Date.UTC(2024, 5, 1)],
    ["2024-06-01", Date.UTC(2024, 5, 1)],
    ["2024-06-01T10:20Z", Date.UTC(2024, 5, 1, 10, 20)],
    ["2024-06-01T10:20:30Z", Date.UTC(2024, 5, 1, 10, 20, 30)],
    ["2024-06-01T10:20:30.45Z", Date.UTC(2024, 5, 1, 10, 20, 30, 450)],
    ["2024-06-01T10:20:30+05:30", Date.UTC(2024, 5, 1, 4, 50, 30)],
    ["2024-06-01T10:20:30-01:00", Date.UTC(2024, 5, 1, 11, 20, 30)],
    ["2024-06-01T10:20:30", Date.UTC(2024, 5, 1, 10, 20, 30)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["1717200000", 1_717_200_000_000],
    ["0", 0],
  ])("reads %s without the machine's time zone", (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });

  it.each(["2024-02-30", "2023-02-29", "2024-13-01", "2024-06-31", "2024-06-01T24:00:00Z", "2024-06-01T10:60Z", "2024-6-1", "June 1, 2024", "2024-06-01T10Z", "", "2024-06-01T10:20:30+25:00"])(
    "rejects %s",
    (text) => {
      expect(parseDate(text)).toBeUndefined();
    },
  );

  it("never reads 2024 as the epoch second 2024", () => {
    const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2024" } } } };
    expect(decide(policy, { principal: ACCOUNT, action: "ecr:PutImage", resource: RESOURCE, context: { "aws:CurrentTime": "2000-01-01T00:00:00Z" } })).toBe("implicit-deny");
    expect(decide(policy, { principal: ACCOUNT, action: "ecr:PutImage", resource: RESOURCE, context: { "aws:CurrentTime": "2024-01-01T00:00:01Z" } })).toBe("allow");
  });
});

describe("the quantified principal space holds every principal kind a policy can tell apart", () => {
  const allowFor = (principal: unknown, condition?: unknown) =>
    compilePolicy({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: principal, Action: "ecr:BatchGetImage", Resource: "*", ...(condition ? { Condition: condition } : {}) } }, { registry });

  // IAM User Guide, "AWS JSON policy elements: Principal": "You can specify AWS STS federated user principals" by their ARN.
  it("finds a federated user named in Principal: some principal may pull", () => {
    const result = queryPolicy(allowFor({ AWS: `arn:aws:sts::${ACCOUNT}:federated-user/bob` }), { action: "ecr:BatchGetImage" });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).toBe(`arn:aws:sts::${ACCOUNT}:federated-user/bob`);
  });

  it("finds federated users that only aws:PrincipalArn singles out", () => {
    const result = queryPolicy(allowFor("*", { ArnLike: { "aws:PrincipalArn": `arn:aws:sts::${ACCOUNT}:federated-user/ops-*` } }), { action: "ecr:BatchGetImage" });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).toMatch(new RegExp(`^arn:aws:sts::${ACCOUNT}:federated-user/ops-`));
  });

  it.each([
    ["account", /^\d{12}$|:root$/],
    ["user", /:user\//],
    ["role", /:role\//],
    ["session", /:assumed-role\//],
    ["federated-user", /:federated-user\//],
    ["service", /amazonaws\.com$/],
  ] as const)("a scope of kind %s finds its principals under Principal *", (kind, shape) => {
    const result = queryPolicy(allowFor("*"), { action: "ecr:BatchGetImage", principals: { kinds: [kind] } });
    expect(result.allowed?.request.principal).toMatch(shape);
  });

  // IAM User Guide, "IAM identifiers": role names are unique within the account whatever their path, so a role is
  // matched by account and name; a condition on aws:PrincipalArn sees the path.
  it("tells roles with and without paths apart", () => {
    const result = queryPolicy(allowFor("*", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/team/*` } }), { action: "ecr:BatchGetImage", principals: { kinds: ["role"] } });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:role/team/`));
    expect(result.implicitDeny?.request.principal).toMatch(/:role\//);
  });
});

describe("nothing evaluated is an error, never a deny", () => {
  it("refuses a principal scope that no principal fits", () => {
    const policy = compilePolicy({ Version: "2012-10-17", Statement: { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*" } }, { registry });
    expect(() => queryPolicy(policy, { action: "ecr:PutImage", principals: { kinds: ["service"], accounts: [ACCOUNT] } })).toThrow(EmptyQueryError);
  });
});

describe("relevance first: statements that cannot apply are set aside before anything is quantified", () => {
  const policy = compilePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        { Sid: "TeamPush", Effect: "Allow", Principal: { AWS: REGISTRY }, Action: "ecr:PutImage", Resource: "*", Condition: { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } } },
        { Sid: "Admins", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${REGISTRY}:role/admin` }, Action: "ecr:DeleteRepository", Resource: "*" },
      ],
    },
    { registry },
  );

  it("a DeleteRepository question is exact despite a variable in an unrelated PutImage statement", () => {
    const result = queryPolicy(policy, { action: "ecr:DeleteRepository", anyContext: true });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.principal).toBe(`arn:aws:iam::${REGISTRY}:role/admin`);
    expect(result.quantified).not.toContain("aws:ResourceTag/team");
  });

  it("a question about another principal sets the statement aside too", () => {
    expect(queryPolicy(policy, { action: "ecr:PutImage", principal: ACCOUNT, anyContext: true })).toMatchObject({ status: "exact" });
  });

  // IAM User Guide, "IAM policy elements: Variables and tags": "If AWS cannot resolve a variable this might cause the
  // entire statement to be invalid"; with the key present, its value is substituted as text.
  describe("a policy variable in a Resource is quantified exactly", () => {
    const teamPush = compilePolicy(
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: REGISTRY }, Action: "ecr:PutImage", Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/\${aws:PrincipalTag/team}/*` },
          { Effect: "Deny", Principal: "*", Action: "ecr:PutImage", Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/prod/*` },
        ],
      },
      { registry },
    );

    it("key present: it stands for any value, so some team's repository is allowed", () => {
      const result = queryPolicy(teamPush, { action: "ecr:PutImage", principal: `arn:aws:iam::${REGISTRY}:role/dev`, anyContext: true });
      expect(result.status).toBe("exact");
      const witness = result.allowed!.request;
      const team = witness.context?.["aws:PrincipalTag/team"] as string;
      expect(witness.resource.startsWith(`arn:aws:ecr:us-west-2:${REGISTRY}:repository/${team}/`)).toBe(true);
      expect(decide(teamPush, witness)).toBe("allow");
    });

    it("key absent: the entry does not match", () => {
      const result = queryPolicy(teamPush, { action: "ecr:PutImage", principal: `arn:aws:iam::${REGISTRY}:role/dev`, anyContext: true, absent: ["aws:PrincipalTag/team"] });
      expect(result).toMatchObject({ status: "exact" });
      expect(result.allowed).toBeUndefined();
    });

    it("a deny on one prefix leaves the others: the team prod is denied, and no value lets prod/ in", () => {
      const result = queryPolicy(teamPush, { action: "ecr:PutImage", principal: `arn:aws:iam::${REGISTRY}:role/dev`, resourcePrefix: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/prod/`, anyContext: true });
      expect(result.status).toBe("exact");
      expect(result.allowed).toBeUndefined();
      expect(result.explicitDeny).toBeDefined();
    });
  });
});

/**
 * Two open keys compared with each other (`"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}`,
 * the attribute-based pattern of the IAM guide's "IAM tutorial: Define permissions to access AWS resources based on
 * tags") are ranged over together, exactly: checked against brute force on a pool of concrete contexts.
 */
describe("two quantified keys compared for equality are ranged over together", () => {
  const operators = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringEqualsIfExists", "StringNotEqualsIfExists"];
  const values = ["${aws:PrincipalTag/team}", "${aws:PrincipalTag/team, 'none'}"];
  const pool: (string | string[] | undefined)[] = [undefined, "x", "X", "y", "none", "NONE", []];
  const statement = fc.record({ effect: fc.constantFrom("Allow", "Deny"), operator: fc.constantFrom(...operators), value: fc.constantFrom(...values) }).map((s) => ({
    Effect: s.effect,
    Principal: "*",
    Action: "ecr:PutImage",
    Resource: "*",
    Condition: { [s.operator]: { "aws:ResourceTag/team": s.value } },
  }));

  it("finds an allowed context whenever brute force does, and says exact", () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), (Statement) => {
        const policy = compilePolicy({ Version: "2012-10-17", Statement }, { registry });
        const result = queryPolicy(policy, { action: "ecr:PutImage", principal: ACCOUNT, resource: RESOURCE, anyContext: true });
        expect(result.status).toBe("exact");
        let brute = false;
        for (const a of pool) {
          for (const b of pool) {
            const context: Record<string, ContextValue> = {};
            if (a !== undefined) context["aws:ResourceTag/team"] = a;
            if (b !== undefined) context["aws:PrincipalTag/team"] = b;
            if (decide(policy, { principal: ACCOUNT, action: "ecr:PutImage", resource: RESOURCE, context }) === "allow") brute = true;
          }
        }
        expect(result.allowed !== undefined).toBe(brute);
        if (result.allowed) expect(decide(policy, result.allowed.request)).toBe("allow");
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});

/**
 * A Resource variable with its key left open, checked against brute force: every team value from a pool (absent
 * included) against every repository of a pool. IAM User Guide, "IAM policy elements: Variables and tags": the value
 * is substituted into the Resource as text; "If AWS cannot resolve a variable this might cause the entire statement
 * to be invalid".
 */
describe("a Resource variable agrees with brute force", () => {
  const base = `arn:aws:ecr:us-west-2:${REGISTRY}:repository/`;
  const patterns = ["${aws:PrincipalTag/team}/*", "team-${aws:PrincipalTag/team}", "${aws:PrincipalTag/team}", "*/${aws:PrincipalTag/team}/*"];
  const others = ["*", "prod/*", "a*", "x/y", "team-a"];
  const teams = [undefined, "a", "b", "x", "prod", "team-a", "x/y", "a/b", "zz"];
  const names = ["a/b", "b/c", "x/y", "prod/a", "team-a", "team-b", "a", "x", "zz", "q/x/y", "ab"];
  const statement = fc.record({ effect: fc.constantFrom("Allow", "Allow", "Deny"), variable: fc.boolean(), pattern: fc.constantFrom(...patterns), other: fc.constantFrom(...others), not: fc.integer({ min: 0, max: 5 }) }).map((s) => ({
    Effect: s.effect,
    Principal: { AWS: REGISTRY },
    Action: "ecr:PutImage",
    [s.not === 0 ? "NotResource" : "Resource"]: base + (s.variable ? s.pattern : s.other),
  }));
  const policies = fc.array(statement, { minLength: 1, maxLength: 3 }).filter((st) => st.filter((s) => JSON.stringify(s).includes("${")).length <= 1);

  it("finds an allowed repository and value whenever brute force does, exactly", () => {
    fc.assert(
      fc.property(policies, (Statement) => {
        const policy = compilePolicy({ Version: "2012-10-17", Statement }, { registry });
        const result = queryPolicy(policy, { action: "ecr:PutImage", principal: `arn:aws:iam::${REGISTRY}:role/dev`, anyContext: true });
        expect(result.status).toBe("exact");
        let brute: string | undefined;
        for (const team of teams) {
          for (const name of names) {
            const context: Record<string, ContextValue> = team === undefined ? {} : { "aws:PrincipalTag/team": team };
            const request = { principal: `arn:aws:iam::${REGISTRY}:role/dev`, action: "ecr:PutImage", resource: base + name, context };
            if (!brute && decide(policy, request) === "allow") brute = JSON.stringify(request);
          }
        }
        if (brute) expect(result.allowed, brute).toBeDefined();
        if (result.allowed) expect(decide(policy, result.allowed.request)).toBe("allow");
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe("the empty string is a context value of its own in quantified queries", () => {
  it('finds the request whose tag is "" when only that is allowed', () => {
    const policy = compilePolicy(
      { Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "ecr:PutImage", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/team": "" } } } },
      { registry },
    );
    const result = queryPolicy(policy, { action: "ecr:PutImage", principal: ACCOUNT, resource: RESOURCE, anyContext: true });
    expect(result.status).toBe("exact");
    expect(result.allowed?.request.context).toEqual({ "aws:PrincipalTag/team": "" });
  });

  it("treats it as an empty data set under ForAllValues: a Deny on every tag key but team lets it through", () => {
    const policy = compilePolicy(
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: "*", Action: "ecr:TagResource", Resource: "*" },
          { Effect: "Deny", Principal: "*", Action: "ecr:TagResource", Resource: "*", Condition: { "ForAnyValue:StringNotLike": { "aws:TagKeys": ["team", "*"] } } },
        ],
      },
      { registry },
    );
    expect(decide(policy, { principal: ACCOUNT, action: "ecr:TagResource", resource: RESOURCE, context: { "aws:TagKeys": "" } })).toBe("allow");
  });
});
