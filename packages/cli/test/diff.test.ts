import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { DiffReport, DiffRow } from "../src/diff-report.js";
import { packageDir, runBin, sarifValidator, tempDir } from "./helpers.js";

const REGISTRY = { account: "444455556666", region: "us-west-2" };
const repo = (name: string) => `arn:aws:ecr:us-west-2:444455556666:repository/${name}`;
const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];
const replication = { Sid: "Replication", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: repo("*") };
const vpcPull = { Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::777788889999:role/ci" }, Action: PULL, Resource: repo("*"), Condition: { StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } } };
const policy = (...statements: unknown[]) => `${JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)}\n`;
/** `aws ecr get-registry-policy` output: the policy is a JSON string inside it. */
const cliOutput = (...statements: unknown[]) => `${JSON.stringify({ registryId: "444455556666", policyText: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, null, 2)}\n`;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, stdio: "pipe" }).toString();
}

/** A repository whose main branch holds the base policies; the working tree then holds the change. */
function repository(): string {
  const dir = tempDir("ecrlint-diff-");
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "ci@example.com");
  git(dir, "config", "user.name", "CI");
  writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ registries: [{ files: ["**"], ...REGISTRY }] }));
  writeFileSync(join(dir, "registry-policy.json"), policy(replication, vpcPull));
  writeFileSync(join(dir, "registry-policy-output.json"), cliOutput(vpcPull));
  writeFileSync(join(dir, "package.json"), "{}\n");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  return dir;
}

async function explainDecision(dir: string, file: string, row: DiffRow): Promise<string> {
  const args = ["explain", file, "--action", row.witness.action, "--principal", row.witness.principal, "--resource", row.witness.resource, "--format", "json"];
  for (const [key, value] of Object.entries(row.witness.context ?? {})) for (const v of typeof value === "string" ? [value] : value) args.push("--context", `${key}=${v}`);
  const run = await runBin(args, { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { decision: string }).decision;
}

describe("ecrlint diff", () => {
  it("names what each changed policy gains and loses, with witnesses that explain reproduces on both versions", { timeout: 120_000 }, async () => {
    const dir = repository();
    // ReplicateImage dropped; the VPC condition removed; the CLI output's policy widened from a role to its account.
    writeFileSync(join(dir, "registry-policy.json"), policy({ ...replication, Action: ["ecr:CreateRepository"] }, { ...vpcPull, Condition: undefined }));
    writeFileSync(join(dir, "registry-policy-output.json"), cliOutput({ ...vpcPull, Principal: { AWS: "777788889999" } }));
    const run = await runBin(["diff", "main", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DiffReport;
    expect(report.files.map((f) => f.path)).toEqual(["registry-policy-output.json", "registry-policy.json"]);
    const [output, plain] = report.files.map((f) => f.documents[0]!);
    expect(plain!.gained.map((r) => [r.principal.text, r.actions.text, r.condition])).toEqual([
      ["arn:aws:iam::777788889999:role/ci", "all pull actions", "StringEquals aws:SourceVpc vpc-1a2b3c4d no longer required"],
    ]);
    expect(plain!.lost.map((r) => [r.principal.text, r.actions.names, r.replication])).toEqual([["account 111122223333", ["ecr:ReplicateImage"], true]]);
    expect(output!.gained.map((r) => r.principal.text)).toEqual(["account 777788889999"]);
    expect(report.summary).toBe("2 principals gain access; replication from 111122223333 stops");

    // Each witness, through the real CLI: allowed by one version, not by the other.
    for (const file of report.files) {
      writeFileSync(join(dir, `base-${file.path}`), git(dir, "show", `main:${file.path}`));
      for (const row of [...file.documents[0]!.gained, ...file.documents[0]!.lost]) {
        const now = await explainDecision(dir, file.path, row);
        const before = await explainDecision(dir, `base-${file.path}`, row);
        expect([before, now]).toEqual(row.change === "gain" ? [row.before, "allow"] : ["allow", row.after]);
        expect(row.explain).toContain(`ecrlint explain ${file.path} --action ${row.witness.action}`);
      }
      rmSync(join(dir, `base-${file.path}`));
    }

    const schema = JSON.parse(readFileSync(join(packageDir, "schema", "diff.json"), "utf8")) as object;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);

    const markdown = await runBin(["diff", "main", "--format", "markdown"], { cwd: dir });
    expect(markdown.stdout).toContain("**2 principals gain access; replication from 111122223333 stops**");
    expect(markdown.stdout).toContain("| ➖ loses | account 111122223333 | ecr:ReplicateImage | every repository |");
    const stylish = await runBin(["diff", "main", "registry-policy.json"], { cwd: dir });
    expect(stylish.stdout).toMatch(/^registry-policy\.json: 1 principal gains access; replication from 111122223333 stops$/m);
    expect(stylish.stdout).not.toContain("registry-policy-output.json");
  });

  it("gates with --fail-on and with the config's diff.failOn; sarif marks new external access on the changed line", { timeout: 120_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "registry-policy.json"), policy(replication, { ...vpcPull, Condition: undefined }));
    expect((await runBin(["diff", "main", "--fail-on", "new-public,lost-replication"], { cwd: dir })).code).toBe(0);
    const gated = await runBin(["diff", "main", "--fail-on", "new-external"], { cwd: dir });
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain("new-external");
    expect((await runBin(["diff", "main", "--fail-on", "no-such-gate"], { cwd: dir })).code).toBe(2);

    writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ registries: [{ files: ["**"], ...REGISTRY }], diff: { failOn: ["any-gain"] } }));
    expect((await runBin(["diff", "main"], { cwd: dir })).code).toBe(1);
    writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ diff: { failOn: ["everything"] } }));
    expect((await runBin(["diff", "main"], { cwd: dir })).code).toBe(2);
    writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ registries: [{ files: ["**"], ...REGISTRY }] }));

    const sarifText = (await runBin(["diff", "main", "--format", "sarif"], { cwd: dir })).stdout;
    const validateSarif = sarifValidator();
    expect(validateSarif(JSON.parse(sarifText)), JSON.stringify(validateSarif.errors)).toBe(true);
    const sarif = JSON.parse(sarifText) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const [result] = sarif.runs[0]!.results;
    expect(result!.ruleId).toBe("new-external-access");
    const line = readFileSync(join(dir, "registry-policy.json"), "utf8").split("\n").findIndex((l) => l.includes('"Sid": "Pull"')) + 1;
    expect(result!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: "registry-policy.json", uriBaseId: "%SRCROOT%" }, region: { startLine: line - 1 } });
  });

  it("reads policies in CloudFormation templates, and compares a new or deleted policy with an empty one", { timeout: 120_000 }, async () => {
    const dir = repository();
    const template = (statements: unknown[]) =>
      `${JSON.stringify({ AWSTemplateFormatVersion: "2010-09-09", Resources: { Registry: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: { Version: "2012-10-17", Statement: statements } } } } }, null, 2)}\n`;
    writeFileSync(join(dir, "template.json"), template([vpcPull]));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "template");
    writeFileSync(join(dir, "template.json"), template([vpcPull, { Sid: "Public", Effect: "Allow", Principal: "*", Action: PULL, Resource: repo("public-*") }]));
    rmSync(join(dir, "registry-policy-output.json"));
    writeFileSync(join(dir, "new-policy.json"), policy(replication));
    const run = await runBin(["diff", "HEAD", "--format", "json", "--fail-on", "new-public"], { cwd: dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DiffReport;
    const byPath = Object.fromEntries(report.files.map((f) => [f.path, f.documents]));
    expect(Object.keys(byPath)).toEqual(["new-policy.json", "registry-policy-output.json", "template.json"]);
    expect(byPath["template.json"]![0]).toMatchObject({ path: "Resources.Registry.Properties.PolicyText", gained: [{ principal: { text: "anyone" }, public: true, repositories: { text: "repositories starting with public-" } }], lost: [] });
    expect(byPath["registry-policy-output.json"]![0]!.lost.map((r) => r.principal.text)).toEqual(["arn:aws:iam::777788889999:role/ci"]);
    expect(byPath["new-policy.json"]![0]!.gained.map((r) => [r.principal.text, r.actions.names])).toEqual([["account 111122223333", ["ecr:CreateRepository", "ecr:ReplicateImage"]]]);
    expect(report.failed).toEqual(["new-public"]);
  });

  it("says so when no policy changed access", { timeout: 60_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "registry-policy.json"), policy({ ...replication, Sid: "Renamed" }, vpcPull));
    const run = await runBin(["diff", "main"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("No policy changed access since main.\n");
  });
});
