import { describe, expect, it } from "vitest";
import { compilePolicy, decide, searchOutsiderAccess } from "../../src/evaluator/index.js";

/**
 * The outsider search on policies of 50 statements and near the 10,240-character limit, in the shapes that make it
 * work hardest: many patterns on one key (aws:PrincipalArn, aws:SourceArn, aws:SourceAccount, organization ids and
 * paths), IP lists, NotPrincipal, NotAction and NotResource, Denies whose conditions overlap the Allows', long
 * principal lists. Whatever it finds must be real: the evaluator allows every witness against the whole policy.
 */
const HOME = "444455556666";
const registry = { source: "config" as const, account: HOME, region: "us-west-2", partition: "aws" };
const ACCOUNTS = ["111122223333", "555566667777", "888899990000", "123456789012", "210987654321"];
const WORDS = ["ci", "deploy", "puller", "build", "ops", "web"];
const WILD = ["*", "?", "", "-*", "*-"];

function generator(seed: number) {
  let s = seed;
  const random = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const many = <T>(n: number, make: () => T): T[] => Array.from({ length: 1 + int(n) }, make);
  const conditions = [
    () => ({ StringLike: { "aws:PrincipalArn": many(20, () => `arn:aws:iam::${pick([...ACCOUNTS, "*"])}:role/${pick(WORDS)}${pick(WILD)}`) } }),
    () => ({ ArnLike: { "aws:SourceArn": many(10, () => `arn:aws:codebuild:us-west-2:${pick([...ACCOUNTS, "*", "1111*"])}:project/${pick(WORDS)}${pick(WILD)}`) } }),
    () => ({ StringLike: { "aws:SourceAccount": many(8, () => `${pick(ACCOUNTS).slice(0, 4 + int(8))}${pick(["*", "?", "*?"])}`) } }),
    () => ({ StringEquals: { "aws:PrincipalOrgID": many(3, () => pick(["o-a1b2c3d4e5", "o-partner0001", `o-x${int(99999)}yzabcde`])) } }),
    () => ({ StringLike: { "aws:PrincipalOrgID": many(5, () => `o-${pick(["a1b2", "part", "x"])}${pick(WILD)}`) } }),
    () => ({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": many(5, () => `o-a1b2c3d4e5/r-ab12/ou-${pick(["ab", "cd", "*"])}${pick(WILD)}/*`) } }),
    () => ({ IpAddress: { "aws:SourceIp": many(10, () => `${10 + int(200)}.${int(256)}.0.0/${pick([8, 16, 24])}`) } }),
    () => ({ StringNotEquals: { "aws:PrincipalAccount": many(3, () => pick(ACCOUNTS)) } }),
    () => ({ StringNotLike: { "aws:PrincipalArn": many(5, () => `arn:aws:iam::${pick(ACCOUNTS)}:role/${pick(WORDS)}*`) } }),
    () => ({ Bool: { "aws:SecureTransport": pick(["true", "false"]) } }),
  ];
  const statement = (i: number) => {
    const st: Record<string, unknown> = { Sid: `S${i}`, Effect: random() < 0.3 ? "Deny" : "Allow" };
    const principal = pick([
      () => "*",
      () => ({ AWS: many(30, () => `arn:aws:iam::${pick(ACCOUNTS)}:role/${pick(WORDS)}-${int(100)}`) }),
      () => ({ AWS: many(3, () => `arn:aws:iam::${pick(ACCOUNTS)}:root`) }),
      () => ({ AWS: pick(ACCOUNTS) }),
    ])();
    if (random() < 0.1) st.NotPrincipal = { AWS: `arn:aws:iam::${pick(ACCOUNTS)}:root` };
    else st.Principal = principal;
    const actions = many(3, () => pick(["ecr:BatchGetImage", "ecr:PutImage", "ecr:Get*", "ecr:*", "ecr:CreateRepository", "ecr:ReplicateImage", "ecr:Describe*"]));
    if (random() < 0.1) st.NotAction = actions;
    else st.Action = actions;
    const resources = many(3, () => `arn:aws:ecr:us-west-2:${HOME}:repository/${pick(["*", "prod-*", "team/*", "app-?", "a*b*c*"])}`);
    if (random() < 0.1) st.NotResource = resources;
    else st.Resource = resources;
    if (random() < 0.8) st.Condition = Object.assign({}, ...many(3, () => pick(conditions)()));
    return st;
  };
  return { statement };
}

function policyOf(seed: number, size: { statements?: number; characters?: number }) {
  const { statement } = generator(seed);
  const statements: unknown[] = [];
  while (size.statements ? statements.length < size.statements : JSON.stringify(statements).length < size.characters! - 1_000) statements.push(statement(statements.length));
  return { Version: "2012-10-17", Statement: statements };
}

describe("the outsider search on large policies", () => {
  const shapes = [
    ...[1, 2, 3, 4].map((seed) => ({ name: `50 statements, seed ${seed}`, policy: policyOf(seed, { statements: 50 }) })),
    ...[5, 6, 7].map((seed) => ({ name: `10 KB, seed ${seed}`, policy: policyOf(seed, { characters: 10_240 }) })),
  ];
  for (const { name, policy } of shapes) {
    it(`finds only real access, and accounts for every Allow it does not find (${name})`, () => {
      const compiled = compilePolicy(policy, { registry });
      for (const query of [{ trustedAccounts: [HOME] }, { trustedAccounts: [HOME, "123456789012"], trustedOrgs: ["o-a1b2c3d4e5"], tryNamedValues: true }]) {
        const result = searchOutsiderAccess(compiled, query);
        for (const f of result.found) {
          expect(decide(compiled, f.witness.request), JSON.stringify(f.witness.request)).toBe("allow");
          expect(policy.Statement[f.statement]).toMatchObject({ Effect: "Allow" });
        }
        // A statement is found, too complex or inconclusive at most once.
        const listed = [...result.found.map((f) => f.statement), ...result.tooComplex, ...result.inconclusive.map((i) => i.statement)];
        expect(new Set(listed).size).toBe(listed.length);
      }
    });
  }
});
