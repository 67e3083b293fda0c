/**
 * Generators and the comparison for the differential test against @cloud-copilot/iam-simulate. The simulator is
 * AGPL: it is a root devDependency used only here, as an oracle, and never reaches `src`.
 */
import fc from "fast-check";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { compilePolicy, decide, DEFAULT_CURRENT_TIME, parseCaller, parseDate, type Decision, type EvaluationRequest } from "../../src/evaluator/index.js";
import { matchEntry, notPrincipalExempts } from "../../src/evaluator/principal.js";
import { parseArn } from "../../src/arn.js";

const SOURCE = "111122223333";
const DEST = "444455556666";
const OTHER = "777788889999";

const principalValues = [
  SOURCE,
  `arn:aws:iam::${SOURCE}:root`,
  `arn:aws:iam::${SOURCE}:role/replicator`,
  `arn:aws:iam::${SOURCE}:user/alice`,
  `arn:aws:iam::${DEST}:role/admin`,
  `arn:aws:sts::${SOURCE}:assumed-role/replicator/build-7`,
  `arn:aws:sts::${SOURCE}:federated-user/bob`,
  OTHER,
];
const servicePrincipals = ["ecr.amazonaws.com", "replication.ecr.amazonaws.com"];

const principalElement = fc.oneof(
  { weight: 1, arbitrary: fc.constant<unknown>("*") },
  { weight: 1, arbitrary: fc.constant<unknown>({ AWS: "*" }) },
  { weight: 6, arbitrary: fc.subarray(principalValues, { minLength: 1, maxLength: 4 }).map((v) => ({ AWS: v.length === 1 ? v[0] : v })) },
  { weight: 2, arbitrary: fc.constantFrom(...servicePrincipals).map((s) => ({ Service: s })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.subarray(principalValues, { minLength: 1, maxLength: 2 }), fc.constantFrom(...servicePrincipals))
      .map(([aws, service]) => ({ AWS: aws, Service: service })),
  },
);

const actionPatterns = ["ecr:*", "ecr:ReplicateImage", "ecr:Replicate*", "ecr:CreateRepository", "ECR:createrepository", "ecr:Batch?mportUpstreamImage", "ecr:*Image", "*", "s3:GetObject"];
const resourcePatterns = [
  "*",
  `arn:aws:ecr:us-west-2:${DEST}:repository/*`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/app`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/App`,
  `arn:aws:ecr:*:${DEST}:repository/a*`,
  `arn:aws:ecr:us-east-1:*:repository/*`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/team/*`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/?pp`,
  `arn:aws:ecr:*`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/\${aws:PrincipalTag/team}/*`,
  `arn:aws:ecr:us-west-2:\${aws:PrincipalAccount}:repository/*`,
];

interface KeySpec {
  key: string;
  operators: string[];
  policyValues: string[];
  requestValues: (string | string[])[];
}

const keys: KeySpec[] = [
  {
    key: "aws:PrincipalTag/team",
    operators: ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
    policyValues: ["blue", "Blue", "bl*", "b?ue", "green", "${aws:PrincipalTag/env}", "${aws:PrincipalTag/env, 'blue'}", "*"],
    requestValues: ["blue", "BLUE", "green", "bl*", "blank", "b"],
  },
  {
    key: "aws:SourceIp",
    operators: ["IpAddress", "NotIpAddress"],
    policyValues: ["10.0.0.0/8", "10.1.2.3/32", "192.168.0.0/16", "2001:db8::/32", "0.0.0.0/0", "${aws:PrincipalTag/cidr}"],
    requestValues: ["10.1.2.3", "10.255.0.1", "192.168.4.4", "172.16.0.1", "2001:db8::1", "2001:db9::1"],
  },
  {
    key: "aws:MultiFactorAuthAge",
    operators: ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
    policyValues: ["3600", "0", "7200", "3600.5", "${aws:PrincipalTag/age}"],
    requestValues: ["3600", "100", "7200", "99999", "3600.5"],
  },
  {
    key: "aws:TokenIssueTime",
    operators: ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
    policyValues: ["2024-01-01T00:00:00Z", "2025-06-30T12:00:00Z", "2024", "2024-06", "2024-06-01", "2024-06-01T10:00Z", "2024-06-01T10:00:00+05:30", "1717236000", "${aws:PrincipalTag/until}"],
    requestValues: ["2024-01-01T00:00:00Z", "2023-05-05T00:00:00Z", "2025-06-30T12:00:00Z", "2026-01-01T00:00:00Z", "2024-06-01T04:30:00Z", "1717236000", "2024-06-01T10:00:00.000Z"],
  },
  { key: "aws:SecureTransport", operators: ["Bool"], policyValues: ["true", "false"], requestValues: ["true", "false", "TRUE"] },
  {
    key: "aws:SourceArn",
    operators: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    policyValues: [`arn:aws:ecr:us-west-2:${SOURCE}:repository/*`, `arn:aws:ecr:*:${SOURCE}:*`, `arn:aws:ecr:us-west-2:${SOURCE}:repository/app`, "arn:aws:*:*:*:*"],
    requestValues: [`arn:aws:ecr:us-west-2:${SOURCE}:repository/app`, `arn:aws:ecr:eu-west-1:${SOURCE}:repository/x`, `arn:aws:s3:::bucket`, `arn:aws:ecr:us-west-2:${OTHER}:repository/app`],
  },
  {
    key: "aws:TagKeys",
    operators: ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"],
    policyValues: ["env", "team", "cost-*"],
    requestValues: [["env"], ["env", "team"], ["owner"], ["cost-center", "env"], []],
  },
  {
    key: "aws:PrincipalAccount",
    operators: ["StringEquals", "StringNotEquals", "StringLike"],
    policyValues: [SOURCE, DEST, "1111*"],
    requestValues: [],
  },
  {
    key: "aws:PrincipalArn",
    operators: ["ArnLike", "ArnNotLike", "StringLike", "ArnEquals"],
    policyValues: [`arn:aws:iam::${SOURCE}:role/*`, `arn:aws:iam::*:role/replicator`, `arn:aws:iam::${SOURCE}:root`],
    requestValues: [],
  },
];

const operatorOf = (spec: KeySpec) =>
  fc
    .tuple(fc.constantFrom(...spec.operators), fc.constantFrom("", "", "", "ForAnyValue:", "ForAllValues:"), fc.boolean())
    .map(([op, set, ifExists]) => `${set}${op}${ifExists ? "IfExists" : ""}`);

const conditionBlock = fc
  .array(
    fc.oneof(
      fc.constantFrom(...keys).chain((spec) =>
        fc.tuple(fc.constant(spec.key), operatorOf(spec), fc.subarray(spec.policyValues, { minLength: 1, maxLength: 2 })),
      ),
      fc.tuple(fc.constantFrom(...keys.map((k) => k.key)), fc.constant("Null"), fc.constantFrom<string[]>(["true"], ["false"])),
    ),
    { minLength: 0, maxLength: 3 },
  )
  .map((entries) => {
    const condition: Record<string, Record<string, string | string[]>> = {};
    for (const [key, op, values] of entries) (condition[op] ??= {})[key] = values.length === 1 ? values[0]! : values;
    return condition;
  });

const statement = fc
  .record({
    effect: fc.constantFrom("Allow", "Deny"),
    notPrincipal: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    principal: principalElement,
    actions: fc.subarray(actionPatterns, { minLength: 1, maxLength: 3 }),
    notAction: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
    resources: fc.subarray(resourcePatterns, { minLength: 1, maxLength: 2 }),
    resourceKind: fc.constantFrom("Resource", "Resource", "Resource", "NotResource"),
    condition: conditionBlock,
    sid: fc.integer({ min: 0, max: 99 }),
  })
  .map((s) => {
    const out: Record<string, unknown> = { Sid: `S${s.sid}`, Effect: s.effect };
    out[s.notPrincipal ? "NotPrincipal" : "Principal"] = s.principal;
    out[s.notAction ? "NotAction" : "Action"] = s.actions.length === 1 ? s.actions[0] : s.actions;
    out[s.resourceKind] = s.resources.length === 1 ? s.resources[0] : s.resources;
    if (Object.keys(s.condition).length) out.Condition = s.condition;
    return out;
  });

export const policyArbitrary = fc
  .tuple(fc.constantFrom("2012-10-17", "2012-10-17", "2008-10-17"), fc.array(statement, { minLength: 1, maxLength: 4 }))
  .map(([Version, Statement]) => ({ Version, Statement }));

const requestPrincipals = [
  SOURCE,
  `arn:aws:iam::${SOURCE}:role/replicator`,
  `arn:aws:sts::${SOURCE}:assumed-role/replicator/build-7`,
  `arn:aws:sts::${SOURCE}:assumed-role/other/build-8`,
  `arn:aws:iam::${SOURCE}:user/alice`,
  `arn:aws:iam::${SOURCE}:user/bob`,
  `arn:aws:sts::${SOURCE}:federated-user/bob`,
  `arn:aws:iam::${DEST}:role/admin`,
  `arn:aws:iam::${OTHER}:role/replicator`,
  "ecr.amazonaws.com",
  "replication.ecr.amazonaws.com",
];
const requestActions = ["ecr:ReplicateImage", "ecr:CreateRepository", "ecr:BatchImportUpstreamImage", "ecr:PutImage", "ecr:BatchGetImage"];
const requestResources = [
  `arn:aws:ecr:us-west-2:${DEST}:repository/app`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/App`,
  `arn:aws:ecr:us-east-1:${DEST}:repository/app`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/team/web`,
  `arn:aws:ecr:us-west-2:${DEST}:repository/blue/web`,
  `arn:aws:ecr:us-west-2:${SOURCE}:repository/abc`,
];

const contextArbitrary = fc
  .tuple(
    fc.subarray(keys.filter((k) => k.requestValues.length > 0)),
    fc.array(fc.nat(), { minLength: keys.length, maxLength: keys.length }),
    fc.constantFrom(undefined, "blue", "green"),
  )
  .map(([chosen, picks, env]) => {
    const context: Record<string, string | string[]> = {};
    chosen.forEach((spec, i) => {
      context[spec.key] = spec.requestValues[picks[i]! % spec.requestValues.length]!;
    });
    if (env) context["aws:PrincipalTag/env"] = env;
    // Values a typed operator would compare if it substituted variables (it must not: IAM User Guide).
    if (env === "blue") Object.assign(context, { "aws:PrincipalTag/cidr": "10.0.0.0/8", "aws:PrincipalTag/age": "3600", "aws:PrincipalTag/until": "2025-01-01T00:00:00Z" });
    return context;
  });

export const requestArbitrary = fc.record({
  principal: fc.constantFrom(...requestPrincipals),
  action: fc.constantFrom(...requestActions),
  resource: fc.constantFrom(...requestResources),
  context: contextArbitrary,
});

export type Pair = [policy: { Version: string; Statement: Record<string, unknown>[] }, request: EvaluationRequest & { context: Record<string, string | string[]> }];

/** The simulator's resource-policy verdict, in our terms. */
export async function simulate(policy: unknown, request: Pair[1]): Promise<Decision | { error: string }> {
  const caller = parseCaller(request.principal)!;
  const context: Record<string, string | string[]> = { ...request.context };
  // Both engines get the principal-derived keys explicitly, so that the comparison is about evaluation alone.
  if (caller.principalArn) context["aws:PrincipalArn"] = caller.principalArn;
  if (caller.account) context["aws:PrincipalAccount"] = caller.account;
  alwaysPresent(policy, request, context);
  const result = await runSimulation(
    {
      request: {
        principal: caller.kind === "account" ? `arn:aws:iam::${caller.account}:root` : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: parseArn(request.resource)!.account },
        contextVariables: context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    { simulationMode: "Strict" },
  );
  if (result.resultType === "error") return { error: result.errors.message };
  if (result.resultType !== "single") return { error: `unexpected ${result.resultType} result` };
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length) return { error: `ignored context keys ${ignored.join(", ")}` };
  switch (result.result.analysis.resourceAnalysis?.result) {
    case "Allowed":
    case "AllowedForAccount":
      return "allow";
    case "ExplicitlyDenied":
    case "DeniedForAccount":
      return "explicit-deny";
    default:
      return "implicit-deny";
  }
}

/**
 * Keys AWS puts in every request that the policy uses, filled in for both engines as ours defaults them (the
 * simulator would take them as absent), so that the comparison is about evaluation alone.
 */
function alwaysPresent(policy: unknown, request: Pair[1], context: Record<string, string | string[]>): void {
  const text = JSON.stringify(policy).toLowerCase();
  const has = (key: string) => Object.keys(context).some((k) => k.toLowerCase() === key);
  const caller = parseCaller(request.principal)!;
  const defaults: Record<string, string | undefined> = {
    "aws:CurrentTime": DEFAULT_CURRENT_TIME,
    "aws:EpochTime": String(Date.parse(DEFAULT_CURRENT_TIME) / 1000),
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": parseArn(request.resource)?.region,
    "aws:PrincipalIsAWSService": caller.kind === "service" ? "true" : caller.account !== undefined ? "false" : undefined,
    "aws:PrincipalType": { account: "Account", user: "User", session: "AssumedRole", "federated-user": "FederatedUser", anonymous: "Anonymous" }[caller.kind as string],
  };
  for (const [key, value] of Object.entries(defaults)) if (value && text.includes(key.toLowerCase()) && !has(key.toLowerCase())) context[key] = value;
}

export function ours(policy: unknown, request: Pair[1]): Decision {
  const caller = parseCaller(request.principal)!;
  const context: Record<string, string | string[]> = { ...request.context };
  if (caller.principalArn) context["aws:PrincipalArn"] = caller.principalArn;
  if (caller.account) context["aws:PrincipalAccount"] = caller.account;
  alwaysPresent(policy, request, context);
  return decide(compilePolicy(policy), { ...request, context });
}

/** How the simulator reads a date value (its `parseDate`), to tell when a disagreement comes from reading it. */
function simulatorDate(value: string): number | undefined {
  const integer = parseInt(value, 10);
  if (!Number.isNaN(integer) && integer.toString() === value) return integer;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Disagreements where the IAM documentation shows our answer is right, each with the passage. Returns undefined
 * for a disagreement that is not explained (a bug on one side to fix).
 */
export function documentedDifference(policy: Pair[0], request: Pair[1]): string | undefined {
  const compiled = compilePolicy(policy);
  const caller = parseCaller(request.principal)!;
  for (const s of compiled.statements) {
    if (!s.principal?.negated) continue;
    const loose = s.principal.entries.some((e) => matchEntry(e, caller) !== undefined);
    if (loose !== notPrincipalExempts(s.principal.entries, caller).exempt) {
      return (
        "NotPrincipal: the simulator exempts a caller when any listed entry covers it (an account entry covers the whole account). " +
        "IAM User Guide, NotPrincipal: \"When you use NotPrincipal, you must also specify the account ARN of the not-denied principal. " +
        "Otherwise, the policy might deny access to the entire account containing the principal… If an assumed-role user (someone who is using a role) " +
        "is being evaluated, AWS might validate the account first, then the role, and then the assumed-role user\", and \"Principals must always name a " +
        "specific session\". We exempt only a caller whose account and own identity (for a session: its role and the session) are all listed."
      );
    }
  }
  if (policy.Version !== "2012-10-17" && JSON.stringify(policy).includes("${")) {
    return (
      "Policy variables under Version 2008-10-17: the simulator substitutes them. IAM User Guide, policy variables: " +
      "\"you must include the Version element and set it to a version that supports policy variables (2012-10-17)… " +
      "Earlier versions of the policy language don't support policy variables\", so the text is literal (REFERENCE §6)."
    );
  }
  for (const s of compiled.statements) {
    if (s.resource?.negated && s.resource.patterns.some((t) => t.variables.some((v) => !Object.keys(request.context).some((k) => k.toLowerCase() === v.toLowerCase())))) {
      return (
        "NotResource with a variable that has no value: the simulator still lets a pattern whose Region or account differs exclude nothing. " +
        "IAM User Guide, policy variables: \"If AWS cannot resolve a variable this might cause the entire statement to be invalid\"; we do not apply the statement."
      );
    }
  }
  const lowerContext = new Map(Object.entries(request.context).map(([k, v]) => [k.toLowerCase(), v]));
  for (const s of compiled.statements) {
    for (const c of s.conditions) {
      if (!c.operator) continue;
      const value = lowerContext.get(c.key);
      if (c.operator.ifExists && c.operator.set && (value === undefined)) {
        return (
          "IfExists with a set operator on an absent key: the simulator applies the set operator's rule (ForAnyValue fails). " +
          "IAM User Guide, condition operators: \"...IfExists… If the key is not present, evaluate the condition element as true.\""
        );
      }
      if (c.operator.base.family === "date" && value !== undefined) {
        const values = [...c.values.map((t) => t.source), ...(typeof value === "string" ? [value] : value)];
        if (values.some((v) => simulatorDate(v) !== parseDate(v))) {
          return (
            "Date values: the simulator reads an all-digit value as milliseconds since the epoch (so `2024` is 2.024 seconds after 1970, " +
            "and epoch seconds are read a thousand times too small) and a value without a zone in the machine's time zone. IAM User Guide, " +
            "condition operators: \"You must specify date/time values with one of the W3C implementations of the ISO 8601 date formats or in epoch " +
            "(UNIX) time\": `2024` is the year (W3C `YYYY`), epoch time counts seconds, and we read a value without a zone as UTC."
          );
        }
      }
      if (c.operator.base.family === "ip" && value !== undefined && c.values.some((t) => t.source.endsWith("/0"))) {
        return "IpAddress/NotIpAddress with a /0 block: the simulator masks with `-1 << 32`, which is -1 in JavaScript, so 0.0.0.0/0 contains only 0.0.0.0. A /0 block holds every address (RFC 4632 §3.1: the prefix length is the number of leading bits that must match).";
      }
      if (c.operator.base.family === "arn" && c.operator.base.negated && value !== undefined) {
        const values = typeof value === "string" ? [value] : value;
        if (values.some((v) => v.split(":").length < 6)) {
          return "ArnNotLike/ArnNotEquals with a request value that is not an ARN: the simulator answers false (its issue #50), so a Deny is skipped; a value that is not an ARN is not like the pattern (REFERENCE §6).";
        }
      }
    }
  }
  return undefined;
}

/** The constructions the generator must keep producing, so that agreement on them means something. */
export const COVERAGE: Record<string, (policy: Pair[0], request: Pair[1]) => boolean> = {
  "a policy variable in a Numeric, Date or IP address operator": (policy) =>
    policy.Version === "2012-10-17" && /"((Not)?IpAddress|Numeric|Date)[A-Za-z]*":\{[^}]*\$\{/.test(JSON.stringify(policy).replace(/"(ForAnyValue|ForAllValues):/g, '"')),
  "NotPrincipal with an assumed-role session as the caller": (policy, request) => JSON.stringify(policy).includes('"NotPrincipal"') && request.principal.includes(":assumed-role/"),
  "a W3C date short of a full timestamp, or epoch seconds": (policy) => /"Date[A-Za-z]*":\{[^}]*"(\d{4}(-\d{2}){0,2}|\d{10})"/.test(JSON.stringify(policy).replace(/"(ForAnyValue|ForAllValues):/g, '"')),
  "a federated user, in the policy or as the caller": (policy, request) => JSON.stringify(policy).includes(":federated-user/") || request.principal.includes(":federated-user/"),
};
