/**
 * Class searches and quantified queries are kept and answered again from what was kept. Keeping must change no
 * answer: the same witnesses, the same inconclusive reasons, and the same steps charged to the caller's budget, so
 * that "too complex to analyse" falls exactly where it falls when everything runs afresh.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analysisCounts, compilePolicy, forgetKeptAnswers, queryPolicy, replicationGrant, searchOutsiderAccess, WorkBudget, type PolicyQuery, type QueryResult } from "../../src/evaluator/index.js";
import { ANY_CHAR, classWitnesses, star } from "../../src/evaluator/witness.js";

const REGISTRY = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };
const repo = (name: string) => `arn:aws:ecr:us-west-2:444455556666:repository/${name}`;
const glob = (text: string) => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards: true });

/** A result as a reader sees it, witnesses' evaluations included. */
const seen = (r: QueryResult) => JSON.parse(JSON.stringify(r)) as unknown;

type Outcome = { result: unknown; steps: number } | { error: string; steps: number };

function ask(policy: unknown, query: PolicyQuery, limit: number): Outcome {
  const budget = new WorkBudget(limit);
  try {
    return { result: seen(queryPolicy(compilePolicy(policy, { registry: REGISTRY }), query, { budget })), steps: budget.steps };
  } catch (error) {
    return { error: String(error), steps: budget.steps };
  }
}

describe("a kept class search", () => {
  it("is charged the steps it spent, and gives the same witnesses", () => {
    forgetKeptAnswers();
    const options = { shape: star(ANY_CHAR), globs: [glob("prod-*"), glob("*-api"), glob("a?c")] };
    const first = new WorkBudget(1_000_000);
    const fresh = classWitnesses({ ...options, budget: first });
    const before = analysisCounts().searches;
    const second = new WorkBudget(1_000_000);
    expect(classWitnesses({ ...options, budget: second })).toEqual(fresh);
    expect(second.steps).toBe(first.steps);
    expect(analysisCounts().searches).toMatchObject({ asked: before.asked + 1, run: before.run });
  });

  it("runs again when the budget left cannot pay for it, and stops where a fresh search stops", () => {
    const options = { shape: star(ANY_CHAR), globs: [glob("x*y*z"), glob("*q")] };
    forgetKeptAnswers();
    const full = new WorkBudget(1_000_000);
    classWitnesses({ ...options, budget: full });
    const short = new WorkBudget(full.steps - 1);
    const kept = classWitnesses({ ...options, budget: short });
    forgetKeptAnswers();
    const fresh = classWitnesses({ ...options, budget: new WorkBudget(full.steps - 1) });
    expect(kept).toEqual(fresh);
    expect(kept).toMatchObject({ complete: false, exhausted: true });
    expect(short.steps).toBe(full.steps);
  });
});

// Small policies of the shapes that make queries work: wildcards, principals of several kinds, conditions on keys
// that pin the caller and on keys any caller sets, set operators, and policy variables.
const principal = fc.constantFrom<unknown>("*", { AWS: "111122223333" }, { AWS: ["arn:aws:iam::555566667777:role/ci", "arn:aws:iam::111122223333:root"] }, { Service: "codebuild.amazonaws.com" });
const actions = fc.subarray(["ecr:BatchGetImage", "ecr:Batch*", "ecr:ReplicateImage", "ecr:CreateRepository", "ecr:*", "ecr:GetAuthorizationToken"], { minLength: 1, maxLength: 3 });
const resources = fc.subarray(["*", repo("*"), repo("prod-*"), repo("app-?"), repo("team/web"), "arn:aws:ecr:*:444455556666:repository/x*"], { minLength: 1, maxLength: 3 });
const condition = fc.constantFrom<Record<string, Record<string, unknown>> | undefined>(
  undefined,
  { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
  { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } },
  { IpAddress: { "aws:SourceIp": ["10.0.0.0/8"] }, Bool: { "aws:SecureTransport": "true" } },
  { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-*" } },
  { StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } },
  { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" }, StringNotEquals: { "aws:SourceAccount": "210987654321" } },
);
const statement = fc.record({ Effect: fc.constantFrom("Allow", "Allow", "Deny"), Principal: principal, Action: actions, Resource: resources, Condition: condition }).map(({ Condition, ...s }) => (Condition ? { ...s, Condition } : s));
const policy = fc.array(statement, { minLength: 1, maxLength: 5 }).map((Statement) => ({ Version: "2012-10-17", Statement }));
const query = fc.record({
  action: fc.constantFrom("ecr:BatchGetImage", "ecr:ReplicateImage", "ecr:GetAuthorizationToken", "ecr:PutImage"),
  principal: fc.constantFrom(undefined, "111122223333", "arn:aws:iam::555566667777:role/ci", "anonymous"),
  resource: fc.constantFrom(undefined, repo("prod-a"), repo("app-1")),
  anyContext: fc.boolean(),
}).map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as unknown as PolicyQuery);

describe("a kept query", () => {
  it("answers as a fresh one on generated policies: the same witnesses, reasons and steps, whatever budget is left", () => {
    fc.assert(
      fc.property(policy, query, fc.double({ min: 0, max: 1, noNaN: true }), (p, q, share) => {
        forgetKeptAnswers();
        const fresh = ask(p, q, 1_000_000);
        // Asked again of another copy of the policy: from what was kept.
        expect(ask(p, q, 1_000_000)).toEqual(fresh);
        // With less budget than the question costs: kept answers must not hide that it runs out.
        const limit = Math.floor(fresh.steps * share);
        const kept = ask(p, q, limit);
        forgetKeptAnswers();
        expect(kept).toEqual(ask(p, q, limit));
      }),
      { numRuns: 60, seed: 1717 },
    );
  });

  it("is shared by policies that differ only in statements the query cannot match, with witnesses of each copy", () => {
    forgetKeptAnswers();
    const grant = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: repo("prod-*"), Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } };
    const other = (account: string) => ({ Effect: "Allow", Principal: { AWS: account }, Action: "ecr:PutImage", Resource: repo("*") });
    const asked: PolicyQuery = { action: "ecr:BatchGetImage", anyContext: true };
    const first = queryPolicy(compilePolicy({ Version: "2012-10-17", Statement: [grant, other("111122223333")] }, { registry: REGISTRY }), asked);
    const run = analysisCounts().queries.run;
    const text = JSON.stringify({ Version: "2012-10-17", Statement: [grant, other("555566667777")] }, null, 4);
    const second = queryPolicy(compilePolicy(text, { registry: REGISTRY }), asked);
    expect(analysisCounts().queries.run).toBe(run);
    expect(second.allowed?.request).toEqual(first.allowed?.request);
    // The witness is evaluated against its own copy: its statement lines are that text's (the statement's "{" is
    // the line before its "Effect", whose 0-based index is therefore the 1-based line of the "{").
    expect(second.allowed?.result.statements[0]?.line).toBe(text.split("\n").findIndex((l) => l.includes('"Effect"')));
    expect(second.allowed?.result.statements[0]?.line).not.toBe(first.allowed?.result.statements[0]?.line);
  });

  it("keeps an inconclusive answer with its reason, and never one cut short by the budget", () => {
    forgetKeptAnswers();
    const patterns = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*", Condition: { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" }, StringLike: { "aws:MultiFactorAuthAge": "1*" } } }] };
    const asked: PolicyQuery = { action: "ecr:BatchGetImage", anyContext: true };
    const fresh = ask(patterns, asked, 1_000_000);
    expect(fresh).toMatchObject({ result: { status: "inconclusive", reason: expect.stringContaining("operators of different kinds") } });
    expect(ask(patterns, asked, 1_000_000)).toEqual(fresh);
    const kept = analysisCounts().queries.kept;
    ask(patterns, { ...asked, action: "ecr:PutImage" }, 10);
    expect(analysisCounts().queries.kept).toBe(kept);
  });
});

describe("analyses built from kept answers", () => {
  const replication = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: [repo("prod-*"), repo("app-?"), repo("team/*")] },
      { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: repo("*"), Condition: { StringLike: { "aws:PrincipalOrgPaths": "o-abc123/*" }, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } },
      { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: repo("team/secret"), Condition: { StringNotEquals: { "aws:PrincipalAccount": "444455556666" } } },
    ],
  };

  it("the outsider search finds the same access and spends the same steps", () => {
    const search = () => {
      const budget = new WorkBudget(1_000_000);
      const found = searchOutsiderAccess(compilePolicy(replication, { registry: REGISTRY }), { trustedAccounts: ["444455556666"], tryNamedValues: true, budget });
      return { found: JSON.parse(JSON.stringify(found)) as unknown, steps: budget.steps };
    };
    forgetKeptAnswers();
    const fresh = search();
    expect(search()).toEqual(fresh);
  });

  it("a replication grant is the same for every pattern and spends the same steps", () => {
    const grants = () => {
      const budget = new WorkBudget(1_000_000);
      const compiled = compilePolicy(replication, { registry: REGISTRY });
      const statuses = [repo("prod-*"), repo("app-?"), repo("team/*"), "*"].map((pattern) => replicationGrant(compiled, { source: "111122223333", destination: REGISTRY, repositories: { pattern }, budget }));
      return { statuses, steps: budget.steps };
    };
    forgetKeptAnswers();
    const fresh = grants();
    expect(fresh.statuses.map((s) => s.status)).toEqual(["granted", "granted", "granted", "missing"]);
    expect(grants()).toEqual(fresh);
  });
});

describe("replication asks about the repository of a pattern that the policy names least", () => {
  const grant = (statements: unknown[], pattern: string) =>
    replicationGrant(compilePolicy({ Version: "2012-10-17", Statement: statements }, { registry: REGISTRY }), { source: "111122223333", destination: REGISTRY, repositories: { pattern } }).status;
  const allow = (resource: string | string[]) => ({ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: resource });
  const deny = (resource: string) => ({ Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: resource });

  it("a Deny of part of the pattern does not cancel it, whatever names the part has", () => {
    expect(grant([allow(repo("prod-*")), deny(repo("prod-e*"))], repo("prod-*"))).toBe("granted");
    expect(grant([allow(repo("app-?")), deny(repo("app-a"))], repo("app-?"))).toBe("granted");
    expect(grant([allow(repo("prod-*")), deny(repo("prod-*"))], repo("prod-*"))).toBe("cancelled");
  });

  it("an Allow of part of the pattern does not grant it", () => {
    const createOnly = { ...allow(repo("prod-*")), Action: "ecr:CreateRepository" };
    expect(grant([createOnly, allow(repo("prod-*-probe"))], repo("prod-*"))).toBe("missing");
    expect(grant([createOnly, allow(repo("prod-e*"))], repo("prod-*"))).toBe("missing");
    expect(grant([createOnly, allow(repo("*"))], repo("prod-*"))).toBe("granted");
  });

  it("finds that repository by a class search when every filled-in pattern is named by a narrower one", () => {
    const partial = ["prod-e*", "prod-x*", "prod-z*"].map((name) => deny(repo(name)));
    expect(grant([allow(repo("prod-*")), ...partial], repo("prod-*"))).toBe("granted");
    expect(grant([allow(repo("app-?")), deny(repo("app-a")), deny(repo("app-x")), deny(repo("app-q"))], repo("app-?"))).toBe("granted");
  });

  it("one class search per policy and destination, however many patterns its statements list", () => {
    const resources = Array.from({ length: 8 }, (_, i) => repo(`team-${i}/*`));
    const partial = ["team-*/e*", "team-*/x*", "team-*/z*"].map((name) => deny(repo(name)));
    const compiled = compilePolicy({ Version: "2012-10-17", Statement: [allow(resources), ...partial] }, { registry: REGISTRY });
    forgetKeptAnswers();
    const before = analysisCounts().searches;
    for (const pattern of resources) expect(replicationGrant(compiled, { source: "111122223333", destination: REGISTRY, repositories: { pattern } }).status).toBe("granted");
    // One search tells every pattern's repositories apart; then one query per distinct repository to ask about.
    expect(analysisCounts().searches.asked - before.asked).toBe(1);
  });
});
