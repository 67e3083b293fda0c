/**
 * The outsider search passes without a search the Allows whose compiled statement shows that no outsider can use
 * them (a condition pinning aws:PrincipalArn or aws:PrincipalAccount to trusted accounts). These tests hold that
 * shortcut to the full search: on the forms it takes and the near misses it must not take, and on seeded generated
 * policies, where the search with shortcuts must find exactly what the search of every statement finds.
 */
import { describe, expect, it } from "vitest";
import { analysisCounts, compilePolicy, forgetKeptAnswers, searchOutsiderAccess, WorkBudget, type OutsiderQuery, type OutsiderSearch } from "../../src/evaluator/index.js";

const HOME = "444455556666";
const PARTNER = "111122223333";
const STRANGER = "999988887777";
const registry = { source: "config" as const, account: HOME, region: "us-west-2", partition: "aws" };
const policyOf = (statements: unknown[]) => compilePolicy({ Version: "2012-10-17", Statement: statements }, { registry });
const pull = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: `arn:aws:ecr:us-west-2:${HOME}:repository/*` };
const trusted = { trustedAccounts: [HOME, PARTNER] };
/** As no-external-principal asks: trusted organizations too, and the untrusted values the policy names are tried. */
const external: OutsiderQuery = { trustedAccounts: [HOME, PARTNER], trustedOrgs: ["o-a1b2c3d4e5"], tryNamedValues: true };

/** The search, from nothing kept, and how many quantified queries it asked. */
function counted(statements: unknown[], query: OutsiderQuery, shortcuts: boolean): { result: OutsiderSearch; asked: number } {
  forgetKeptAnswers();
  const before = analysisCounts().queries.asked;
  const result = searchOutsiderAccess(policyOf(statements), { ...query, budget: new WorkBudget(1_000_000), shortcuts });
  return { result, asked: analysisCounts().queries.asked - before };
}

const search = (statements: unknown[], query: OutsiderQuery, shortcuts: boolean) => counted(statements, query, shortcuts).result;

describe("outsider search shortcuts", () => {
  const closing: [string, Record<string, Record<string, unknown>>][] = [
    ["ArnLike on aws:PrincipalArn with trusted accounts", { ArnLike: { "aws:PrincipalArn": [`arn:aws:iam::${HOME}:role/ci-*`, `arn:aws:iam::${PARTNER}:*`] } }],
    ["ArnEquals on aws:PrincipalArn", { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${HOME}:role/deploy` } }],
    ["StringLike on aws:PrincipalArn with no wildcard before the account", { StringLike: { "aws:PrincipalArn": `arn:aws:iam::${PARTNER}:role/*` } }],
    ["StringEquals on aws:PrincipalAccount", { StringEquals: { "aws:PrincipalAccount": [HOME, PARTNER] } }],
    ["StringEquals on aws:SourceAccount with trusted accounts", { StringEquals: { "aws:SourceAccount": [HOME, PARTNER] } }],
    ["an organization the policy names, with its paths", { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-*" } }],
    ["a closing condition beside one the search would split", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${HOME}:*` }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }],
  ];
  it.each(closing)("passes %s without a query, as the full search judges it", (_, condition) => {
    const statements = [{ ...pull, Condition: condition }];
    expect(counted(statements, trusted, true)).toEqual({ result: { found: [], tooComplex: [], inconclusive: [] }, asked: 0 });
    expect(search(statements, trusted, false)).toEqual({ found: [], tooComplex: [], inconclusive: [] });
  });

  const searched: [string, Record<string, Record<string, unknown>>][] = [
    ["an untrusted account in one of the values", { ArnLike: { "aws:PrincipalArn": [`arn:aws:iam::${HOME}:role/ci`, `arn:aws:iam::${STRANGER}:role/ci`] } }],
    ["a wildcard in the account part", { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::4444555566?6:role/ci" } }],
    ["StringLike with a wildcard before the account", { StringLike: { "aws:PrincipalArn": `arn:aws:*::${HOME}:role/ci` } }],
    ["StringLike whose wildcard spans the parts", { StringLike: { "aws:PrincipalArn": `*:${HOME}:*` } }],
    ["IfExists, which holds for a caller without the key", { ArnLikeIfExists: { "aws:PrincipalArn": `arn:aws:iam::${HOME}:*` } }],
    ["a negated operator", { ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::${HOME}:*` } }],
    ["a set operator", { "ForAllValues:ArnLike": { "aws:PrincipalArn": `arn:aws:iam::${HOME}:*` } }],
    ["a policy variable", { StringEquals: { "aws:PrincipalAccount": "${aws:ResourceAccount}" } }],
    ["a wildcard account under StringLike", { StringLike: { "aws:PrincipalAccount": "44445555666?" } }],
    ["a numeric operator", { NumericEquals: { "aws:PrincipalAccount": HOME } }],
    ["an untrusted source account", { StringEquals: { "aws:SourceAccount": [HOME, STRANGER] } }],
    ["an organization path pattern that can reach into the organization", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2*" } }],
    ["ForAllValues on organization paths, which holds without them", { "ForAllValues:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*" } }],
  ];
  it.each(searched)("searches a statement with %s as the full search does", (_, condition) => {
    const statements = [{ ...pull, Condition: condition }];
    for (const query of [trusted, external]) {
      const fast = counted(statements, query, true);
      const full = counted(statements, query, false);
      expect(fast.asked).toBe(full.asked);
      expect(JSON.stringify(fast.result)).toBe(JSON.stringify(full.result));
    }
  });
});

// mulberry32: small and seeded, so that a failure names a policy that can be made again.
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("outsider search shortcuts on generated policies", () => {
  const random = generator(17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const ACCOUNTS = [HOME, PARTNER, STRANGER];
  const CONDITIONS = [
    () => ({ ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${pick(ACCOUNTS)}:role/${pick(["ci-*", "deploy", "*"])}` } }),
    () => ({ ArnLike: { "aws:PrincipalArn": [`arn:aws:iam::${pick(ACCOUNTS)}:role/ci`, `arn:aws:iam::${pick(ACCOUNTS)}:*`] } }),
    () => ({ StringLike: { "aws:PrincipalArn": pick([`arn:aws:iam::${pick(ACCOUNTS)}:role/*`, `arn:aws:*::${pick(ACCOUNTS)}:*`, `*${pick(ACCOUNTS)}*`]) } }),
    () => ({ [pick(["ArnLikeIfExists", "ArnNotLike", "ForAnyValue:ArnLike"])]: { "aws:PrincipalArn": `arn:aws:iam::${pick(ACCOUNTS)}:*` } }),
    () => ({ [pick(["StringEquals", "StringNotEquals", "StringEqualsIfExists", "StringLike"])]: { "aws:PrincipalAccount": pick([pick(ACCOUNTS), "44445555666?", [HOME, pick(ACCOUNTS)]]) } }),
    () => ({ [pick(["StringEquals", "StringEqualsIgnoreCase", "StringEqualsIfExists", "ForAnyValue:StringEquals", "StringNotEquals"])]: { "aws:PrincipalOrgID": pick(["o-a1b2c3d4e5", "o-partner0001", "O-A1B2C3D4E5", ["o-a1b2c3d4e5", "o-partner0001"]]) } }),
    () => ({ StringLike: { "aws:PrincipalOrgID": pick(["o-a1b2*", "o-a1b2c3d4e5"]) } }),
    () => ({ [pick(["ForAnyValue:StringLike", "ForAllValues:StringLike", "StringLike"])]: { "aws:PrincipalOrgPaths": pick(["o-a1b2c3d4e5/r-ab12/ou-*", "o-partner0001/*", "o-a1b2*", "o-a1b2c3d4e5/*"]) } }),
    () => ({ [pick(["StringEquals", "StringLike", "StringEqualsIfExists"])]: { [pick(["aws:SourceAccount", "aws:SourceOwner"])]: pick([HOME, STRANGER, [HOME, PARTNER], "4444555566?6"]) } }),
    () => ({ IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }),
    () => ({ Bool: { "aws:SecureTransport": pick(["true", "false"]) } }),
    () => ({ StringEquals: { "aws:SourceAccount": pick(ACCOUNTS) } }),
  ];
  const statement = () => {
    const condition: Record<string, Record<string, unknown>> = {};
    const count = Math.floor(random() * 3);
    for (let i = 0; i < count; i++) for (const [op, keys] of Object.entries(pick(CONDITIONS)())) condition[op] = { ...condition[op], ...keys };
    const principal = pick<unknown>(["*", "*", { AWS: `arn:aws:iam::${pick(ACCOUNTS)}:root` }, { AWS: pick(ACCOUNTS) }]);
    return {
      Effect: random() < 0.75 ? "Allow" : "Deny",
      ...(random() < 0.1 ? { NotPrincipal: { AWS: `arn:aws:iam::${pick(ACCOUNTS)}:root` } } : { Principal: principal }),
      Action: pick(["ecr:BatchGetImage", "ecr:*", ["ecr:PutImage", "ecr:BatchGetImage"], "ecr:Describe*"]),
      Resource: pick([`arn:aws:ecr:us-west-2:${HOME}:repository/*`, `arn:aws:ecr:us-west-2:${HOME}:repository/prod-*`, "*"]),
      ...(count ? { Condition: condition } : {}),
    };
  };
  const policies = Array.from({ length: 150 }, () => Array.from({ length: 1 + Math.floor(random() * 4) }, statement));
  const queries: [string, OutsiderQuery][] = [
    ["the world (no-public-access)", trusted],
    ["outside the trusted accounts and organizations (no-external-principal)", external],
  ];

  it.each(queries)("finds, for %s, exactly what the search of every statement finds", (_, query) => {
    let shortcutTaken = 0;
    for (const statements of policies) {
      const { result: fast, asked } = counted(statements, query, true);
      const { result: full, asked: askedByFull } = counted(statements, query, false);
      if (asked < askedByFull) shortcutTaken++;
      const context = JSON.stringify(statements);
      // Every outsider the full search finds is found, with the same witness, and nothing else is.
      expect(JSON.stringify(fast.found), context).toBe(JSON.stringify(full.found));
      // A statement the full search could judge exactly is judged alike; one it could not is left unjudged, unless
      // the shortcut showed it closed (then the full search found no outsider either, as checked above).
      for (const s of fast.tooComplex) expect(full.tooComplex, context).toContain(s);
      for (const s of fast.inconclusive) expect(full.inconclusive, context).toContainEqual(s);
    }
    // The generated policies exercise the shortcut, not only the search.
    expect(shortcutTaken).toBeGreaterThan(10);
  });
});
