/**
 * The rules that ask who can do what (no-public-access, no-external-principal, require-replicate-image, and the
 * per-file facts of replication-destination-allowed) share one analysis of a policy: a quantified question one of
 * them asked is not worked out again for another, for another statement, or in the other front end. Sharing must
 * change no finding.
 */
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import * as jsoncParser from "jsonc-eslint-parser";
import { ESLint } from "eslint";
import { readEcrFile, runRules, type ConfiguredRule, type RegistryContext, type TrustContext } from "@ecrlint/core";
import { analysisCounts, forgetKeptAnswers } from "@ecrlint/core/evaluator";
import plugin from "@ecrlint/eslint-plugin";
import { ruleList } from "../index.js";

const HOME = "444455556666";
const registry: RegistryContext = { source: "config", account: HOME, region: "us-west-2", partition: "aws", replicationSources: ["111122223333"] };
const trust: TrustContext = { accounts: ["123456789012"], orgs: ["o-abc1234567"] };
const repo = (name: string) => `arn:aws:ecr:us-west-2:${HOME}:repository/${name}`;
const configured: ConfiguredRule[] = ruleList.map((rule) => ({ rule, severity: 2, options: undefined }));

const policy = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Replication", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:root", "210987654321"] }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: [repo("prod-*"), repo("app-?"), repo("team/*")] },
    // A grant that only some organization paths meet: no request tried before a search meets it, so the question
    // goes to the search, from require-replicate-image and from replication-destination-allowed's facts alike.
    { Sid: "ReplicationFromOrg", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222233334444:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: repo("org/*"), Condition: { StringLike: { "aws:PrincipalOrgPaths": "o-abc1234567/*" } } },
    { Sid: "CreateOnly", Effect: "Allow", Principal: { AWS: "arn:aws:iam::555566667777:root" }, Action: "ecr:CreateRepository", Resource: [repo("dev/*"), repo("shared/base")] },
    { Sid: "OrgPull", Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: repo("*"), Condition: { StringEquals: { "aws:PrincipalOrgID": ["o-abc1234567", "o-partner123"] } } },
    { Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::888899990000:role/ci" }, Action: "ecr:Batch*", Resource: repo("shared/*"), Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } },
    { Sid: "DenyInsecure", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenySecret", Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: repo("team/secret") },
  ],
};

/** Every rule on one file as the runner runs them: single-file checks, and the cross-file rules' per-file facts. */
function runAll(text: string, rulesToRun = configured, facts = true): string[] {
  const reading = readEcrFile(text, { filePath: "registry-policy.json", registry });
  if (reading.status !== "ours") throw new Error(`not read as a policy: ${reading.status}`);
  const out: string[] = [];
  for (const file of reading.documents) {
    for (const m of runRules({ file, text, filePath: "registry-policy.json", registry, trust, rules: rulesToRun })) out.push(`${m.ruleId} ${m.line}:${m.column} ${m.message}`);
    if (facts) for (const { rule } of rulesToRun) if (rule.project && rule.kinds.includes(file.kind)) out.push(`${rule.id} facts ${JSON.stringify(rule.project.collect(file))}`);
  }
  return out.sort();
}

/** Each rule with nothing kept from the others: what the rules found before they shared anything. */
function runEachAlone(text: string): string[] {
  return configured
    .flatMap((c) => {
      forgetKeptAnswers();
      return runAll(text, [c]);
    })
    .sort();
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("one analysis of a policy for every rule", () => {
  const text = JSON.stringify(policy, null, 2);

  it("running every rule works out each distinct question once, and a second run none", () => {
    forgetKeptAnswers();
    const first = runAll(text);
    const { queries, searches } = analysisCounts();
    // Every query run was a distinct one (it is kept, and none ran twice); the rules asked more than they ran.
    expect(queries.run).toBeGreaterThan(0);
    expect(queries.kept).toBe(queries.run);
    expect(queries.asked).toBeGreaterThan(queries.run);
    expect(searches.kept).toBe(searches.run);
    expect(first.some((f) => f.includes("@ecrlint/require-replicate-image"))).toBe(true);
    expect(first.some((f) => f.includes("@ecrlint/no-external-principal"))).toBe(true);
    // The same file read again (as the other front end, or a later run, reads it): every answer is kept.
    expect(runAll(text)).toEqual(first);
    expect(analysisCounts().queries.run).toBe(queries.run);
  });

  it("no-broad-pull-through-cache-scope asks nothing once no-public-access has searched the policy", () => {
    // A Principal "*" pull-through-cache grant: both rules ask whether anyone in the world can use it.
    const ptc = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Ptc", Effect: "Allow", Principal: "*", Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"], Resource: repo("ecr-public/*") },
        { Sid: "OrgPull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: repo("*"), Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc1234567" } } },
      ],
    });
    const reading = readEcrFile(ptc, { filePath: "registry-policy.json", registry });
    if (reading.status !== "ours") throw new Error(`not read as a policy: ${reading.status}`);
    const [file] = reading.documents;
    // One document, as the runner and ESLint give each rule of a file: the second rule gets the first one's search.
    const run = (id: string) => runRules({ file: file!, text: ptc, filePath: "registry-policy.json", registry, trust, rules: configured.filter((c) => c.rule.id === id) }).map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.message}`);
    forgetKeptAnswers();
    const alone = runAll(ptc, configured.filter((c) => c.rule.id === "no-broad-pull-through-cache-scope"), false);
    forgetKeptAnswers();
    expect(run("no-public-access").some((f) => f.startsWith("@ecrlint/no-public-access"))).toBe(true);
    const asked = analysisCounts().queries.asked;
    expect(run("no-broad-pull-through-cache-scope").sort()).toEqual(alone);
    expect(analysisCounts().queries.asked).toBe(asked);
  });

  it("ESLint with the plugin and the runner share it, and find the same", async () => {
    forgetKeptAnswers();
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-shared-")));
    temps.push(dir);
    writeFileSync(join(dir, "registry-policy.json"), text);
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ["**/*.json"],
          plugins: { "@ecrlint": plugin },
          languageOptions: { parser: jsoncParser },
          settings: { ecrlint: { trustedAccounts: trust.accounts, trustedOrgs: trust.orgs, registries: [{ files: ["**/*.json"], account: HOME, region: "us-west-2", partition: "aws", replicationSources: registry.replicationSources }] } },
          rules: Object.fromEntries(ruleList.filter((r) => r.check).map((r) => [`@ecrlint/${r.id}`, "error"])),
        },
      ] as never,
    });
    const before = analysisCounts().queries.run;
    const [result] = await eslint.lintFiles(["registry-policy.json"]);
    const eslintFindings = result!.messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.message}`).sort();
    const run = analysisCounts().queries.run;
    // ESLint worked the questions out; the runner's checks, after it, ask nothing new (the cross-file facts, which
    // ESLint gathers only from the other files, are left out).
    expect(run).toBeGreaterThan(before);
    expect(runAll(text, configured, false)).toEqual(eslintFindings);
    expect(analysisCounts().queries.run).toBe(run);
  });

  it("finds on generated policies what each rule finds with nothing kept", () => {
    const principal = fc.constantFrom<unknown>("*", { AWS: "111122223333" }, { AWS: ["arn:aws:iam::210987654321:root", "arn:aws:iam::888899990000:role/ci"] }, { Service: "codebuild.amazonaws.com" });
    const statement = fc.record({
      Effect: fc.constantFrom("Allow", "Allow", "Deny"),
      Principal: principal,
      Action: fc.subarray(["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:BatchGetImage", "ecr:Batch*", "ecr:*"], { minLength: 1, maxLength: 3 }),
      Resource: fc.subarray([repo("*"), repo("prod-*"), repo("app-?"), repo("team/web"), "*"], { minLength: 1, maxLength: 3 }),
      Condition: fc.constantFrom<unknown>(undefined, { StringEquals: { "aws:PrincipalOrgID": "o-abc1234567" } }, { StringNotEquals: { "aws:SourceAccount": "210987654321" } }, { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }),
    });
    const policies = fc.array(statement, { minLength: 1, maxLength: 6 }).map((list) => ({ Version: "2012-10-17", Statement: list.map(({ Condition, ...s }) => (Condition ? { ...s, Condition } : s)) }));
    fc.assert(
      fc.property(policies, (p) => {
        const generated = JSON.stringify(p, null, 2);
        const alone = runEachAlone(generated);
        forgetKeptAnswers();
        expect(runAll(generated)).toEqual(alone);
        // And from kept answers only.
        expect(runAll(generated)).toEqual(alone);
      }),
      { numRuns: 25, seed: 17 },
    );
  });
});
