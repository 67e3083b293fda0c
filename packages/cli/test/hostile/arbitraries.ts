import fc from "fast-check";

/**
 * Hostile policies for the fuzz test, generated as JSON text so that keys may repeat and may be `__proto__`: a JSON
 * value is written as entries, never through a JavaScript object that would give those keys a meaning.
 */
export type Json = string | number | boolean | null | { array: Json[] } | { entries: [string, Json][] } | { raw: string };

export function toText(value: Json, pretty = false, depth = 0): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if ("raw" in value) return value.raw;
  const nl = pretty ? `\n${"  ".repeat(depth + 1)}` : "";
  const close = pretty ? `\n${"  ".repeat(depth)}` : "";
  const sep = pretty ? `,${nl}` : ", ";
  if ("array" in value) return value.array.length ? `[${nl}${value.array.map((v) => toText(v, pretty, depth + 1)).join(sep)}${close}]` : "[]";
  if (value.entries.length === 0) return "{}";
  return `{${nl}${value.entries.map(([k, v]) => `${JSON.stringify(k)}: ${toText(v, pretty, depth + 1)}`).join(sep)}${close}}`;
}

/** Keys that name something on every JavaScript object. */
export const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "length"];

const hostileKey = fc.constantFrom(...HOSTILE_KEYS);
const obj = (entries: [string, Json][]): Json => ({ entries });
const list = (array: Json[]): Json => ({ array });

const ACCOUNTS = ["111122223333", "444455556666", "777788889999", "999999999999"];
const accountArb = fc.constantFrom(...ACCOUNTS);

/** Stars and question marks by the dozen: every matcher and search meets them. */
export function wildcardHeavy(maxRepeat: number): fc.Arbitrary<string> {
  const n = fc.integer({ min: 1, max: maxRepeat });
  return fc.oneof(
    n.map((k) => "*".repeat(k)),
    n.map((k) => "?*".repeat(k)),
    n.map((k) => `arn:aws:ecr:*:*:repository/${"*?".repeat(k)}`),
    n.map((k) => `arn:aws:iam::${"*".repeat(k)}:role/${"a*".repeat(k)}`),
    n.map((k) => `ecr:${"*?".repeat(k)}Image`),
    fc.tuple(n, fc.constantFrom("a", "/", ":", "-")).map(([k, c]) => Array.from({ length: k }, () => `*${c}`).join("")),
  );
}

/** Numbers and dates at and beyond the edges of what Date and Number hold. */
export const EXTREME_SCALARS: Json[] = [
  "9000000000000",
  "-9000000000000",
  "8640000000000001",
  "275760-09-13T00:00:00.001Z",
  "-271821-04-20T00:00:00Z",
  "0000-01-01T00:00:00Z",
  "2024-02-30T25:61:61Z",
  "2024-01-01T00:00:00+99:99",
  "1e21",
  "1e400",
  "-0",
  "NaN",
  "Infinity",
  "",
  " ",
  "0x10",
  "٣",
  0,
  -0,
  1e308,
  -1e308,
  5e-324,
  9007199254740993,
  { raw: "1e400" },
  { raw: "-1e400" },
  { raw: "123456789012345678901234567890" },
  true,
  null,
];
const extremeScalar = fc.constantFrom(...EXTREME_SCALARS);

function stringValue(maxRepeat: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("*", "ecr:*", "ecr:PutImage", "ecr:ReplicateImage", "arn:aws:ecr:us-west-2:444455556666:repository/app", "o-a1b2c3d4e5", "10.0.0.0/8", "::/0", "${aws:username}", "${*}", "true") },
    { weight: 2, arbitrary: wildcardHeavy(maxRepeat) },
    { weight: 1, arbitrary: hostileKey },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
}

function scalar(maxRepeat: number): fc.Arbitrary<Json> {
  return fc.oneof({ weight: 3, arbitrary: stringValue(maxRepeat) as fc.Arbitrary<Json> }, { weight: 2, arbitrary: extremeScalar });
}

function valueOrList(maxRepeat: number): fc.Arbitrary<Json> {
  return fc.oneof(scalar(maxRepeat), fc.array(scalar(maxRepeat), { maxLength: 4 }).map(list));
}

/** Extra entries with hostile keys, to be mixed into any object. */
function hostileEntries(maxRepeat: number): fc.Arbitrary<[string, Json][]> {
  return fc.array(fc.tuple(hostileKey, fc.oneof(valueOrList(maxRepeat), fc.constant(obj([["Effect", "Allow"], ["Principal", "*"], ["Action", "ecr:*"], ["Resource", "*"]]))) as fc.Arbitrary<Json>), { maxLength: 2 });
}

function mix(arb: fc.Arbitrary<[string, Json][]>, maxRepeat: number): fc.Arbitrary<Json> {
  return fc.tuple(arb, hostileEntries(maxRepeat), fc.nat()).map(([entries, extra, seed]) => {
    const all = [...entries];
    for (const [i, e] of extra.entries()) all.splice((seed + i * 7) % (all.length + 1), 0, e);
    return obj(all);
  });
}

const OPERATORS = [
  "StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "ForAnyValue:StringLike", "ForAllValues:StringEquals",
  "NumericLessThan", "NumericGreaterThanEquals", "NumericEquals", "DateLessThan", "DateGreaterThan", "DateEquals", "DateNotEquals",
  "Bool", "BoolIfExists", "IpAddress", "NotIpAddress", "ArnLike", "ArnNotLike", "ArnEquals", "Null", "BinaryEquals", "StringLikeIfExists",
];
const CONDITION_KEYS = [
  "aws:PrincipalOrgID", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:SourceIp", "aws:CurrentTime", "aws:EpochTime", "aws:SecureTransport",
  "aws:MultiFactorAuthAge", "aws:SourceVpce", "aws:TagKeys", "ecr:ResourceTag/team", "aws:PrincipalTag/team", "aws:userid",
];

function condition(maxRepeat: number): fc.Arbitrary<Json> {
  const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...CONDITION_KEYS) }, { weight: 1, arbitrary: hostileKey });
  const operator = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...OPERATORS) }, { weight: 1, arbitrary: hostileKey });
  const block = fc.array(fc.tuple(key, valueOrList(maxRepeat)), { minLength: 1, maxLength: 3 }).map(obj);
  return fc.array(fc.tuple(operator, block), { minLength: 1, maxLength: 3 }).map(obj);
}

function principal(maxRepeat: number): fc.Arbitrary<Json> {
  const type = fc.oneof({ weight: 4, arbitrary: fc.constantFrom("AWS", "Service", "Federated", "CanonicalUser") }, { weight: 1, arbitrary: hostileKey });
  const value = fc.oneof(
    accountArb.map((a): Json => a),
    accountArb.map((a): Json => `arn:aws:iam::${a}:role/${a === "999999999999" ? "*" : "builder"}`),
    fc.constantFrom<Json>("*", "ecr.amazonaws.com", "replication.ecr.amazonaws.com"),
    wildcardHeavy(maxRepeat).map((s): Json => s),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Json>("*") },
    { weight: 4, arbitrary: fc.array(fc.tuple(type, fc.oneof(value, fc.array(value, { maxLength: 3 }).map(list))), { minLength: 1, maxLength: 3 }).map(obj) },
  );
}

function statement(maxRepeat: number): fc.Arbitrary<Json> {
  const entries = fc.record({
    sid: fc.option(fc.constantFrom<Json>("Replication", "Pull", "Replication", 7)),
    effect: fc.oneof({ weight: 5, arbitrary: fc.constantFrom<Json>("Allow", "Deny") }, { weight: 1, arbitrary: scalar(maxRepeat) }),
    principalKey: fc.constantFrom("Principal", "Principal", "Principal", "NotPrincipal"),
    principal: principal(maxRepeat),
    actionKey: fc.constantFrom("Action", "Action", "NotAction"),
    action: valueOrList(maxRepeat),
    resourceKey: fc.constantFrom("Resource", "Resource", "NotResource", "none"),
    resource: valueOrList(maxRepeat),
    condition: fc.option(condition(maxRepeat), { freq: 2 }),
  }).map((r) => {
    const out: [string, Json][] = [];
    if (r.sid !== null) out.push(["Sid", r.sid]);
    out.push(["Effect", r.effect], [r.principalKey, r.principal], [r.actionKey, r.action]);
    if (r.resourceKey !== "none") out.push([r.resourceKey, r.resource]);
    if (r.condition !== null) out.push(["Condition", r.condition]);
    return out;
  });
  // Sometimes the whole statement hides under a hostile key, as in issue 16's first example.
  return fc.oneof({ weight: 5, arbitrary: mix(entries, maxRepeat) }, { weight: 1, arbitrary: fc.tuple(hostileKey, mix(entries, maxRepeat)).map(([k, s]) => obj([[k, s]])) });
}

export function policyText(maxRepeat: number): fc.Arbitrary<string> {
  const root = fc.record({
    version: fc.constantFrom<Json>("2012-10-17", "2012-10-17", "2008-10-17", "__proto__"),
    statements: fc.array(statement(maxRepeat), { minLength: 1, maxLength: 4 }),
    single: fc.boolean(),
    pretty: fc.boolean(),
  });
  return fc.tuple(root, hostileEntries(maxRepeat), fc.nat()).map(([r, extra, seed]) => {
    const entries: [string, Json][] = [["Version", r.version], ["Statement", r.single && r.statements.length === 1 ? r.statements[0]! : list(r.statements)]];
    for (const [i, e] of extra.entries()) entries.splice((seed + i) % (entries.length + 1), 0, e);
    return toText(obj(entries), r.pretty);
  });
}

export interface FuzzRequest {
  principal: string;
  action: string;
  resource: string;
  context: [string, string | string[]][];
}

export function request(maxRepeat: number): fc.Arbitrary<FuzzRequest> {
  const contextValue = fc.oneof(
    fc.constantFrom("o-a1b2c3d4e5", "10.1.2.3", "true", "2024-01-01T00:00:00Z", "9000000000000", "1e400", "-0", "NaN", "*"),
    stringValue(maxRepeat),
  );
  return fc.record({
    principal: fc.oneof(accountArb, accountArb.map((a) => `arn:aws:iam::${a}:role/builder`), fc.constantFrom("anonymous", "replication.ecr.amazonaws.com")),
    action: fc.constantFrom("ecr:PutImage", "ecr:ReplicateImage", "ecr:BatchGetImage", "ecr:CreateRepository", "ecr:GetAuthorizationToken"),
    resource: fc.constantFrom("arn:aws:ecr:us-west-2:444455556666:repository/app", "arn:aws:ecr:us-east-1:111122223333:repository/a/b", "*"),
    context: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...CONDITION_KEYS), hostileKey), fc.oneof(contextValue, fc.array(contextValue, { maxLength: 3 }))), { maxLength: 3 }),
  });
}
