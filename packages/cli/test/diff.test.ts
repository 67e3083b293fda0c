import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import type { DiffReport } from "../src/diff-report.js";
import { packageDir, runBin, sarifValidator, tempDir } from "./helpers.js";

const REGISTRY = { account: "444455556666", region: "us-west-2", replicationSources: ["111122223333"] };
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

/** The words of a command line as a POSIX shell splits it (plain words and '…' quotes, as the report writes them). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return words;
}

/** Runs a row's printed `ecrlint explain …` command through the real CLI and returns the decision it prints. */
async function replay(dir: string, command: string): Promise<string> {
  const [ecrlint, ...args] = shellWords(command);
  expect(ecrlint).toBe("ecrlint");
  const run = await runBin([...args, "--format", "json"], { cwd: dir });
  expect(run.code, `${command}\n${run.stderr}`).toBe(0);
  return (JSON.parse(run.stdout) as { decision: string }).decision;
}

/** Every row of the report, replayed on both versions: allowed by the version that grants it, not by the other. */
async function replayEveryRow(dir: string, report: DiffReport): Promise<number> {
  let replayed = 0;
  for (const file of report.files) {
    for (const document of file.documents) {
      for (const row of [...document.gained, ...document.lost]) {
        const now = await replay(dir, row.explain);
        const before = await replay(dir, row.explainBase);
        expect([before, now], row.explain).toEqual(row.change === "gain" ? [row.before, "allow"] : ["allow", row.after]);
        expect(row.explainBase).toContain(` --ref ${report.baseCommit}`);
        if (document.path) expect(row.explain).toContain(` --document ${document.path}`);
        replayed++;
      }
    }
  }
  return replayed;
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

    // Each row's printed commands, through the real CLI: allowed by one version, not by the other.
    expect(await replayEveryRow(dir, report)).toBe(3);
    expect(plain!.lost[0]!.explain).toMatch(/^ecrlint explain registry-policy\.json --action ecr:ReplicateImage --principal /);

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
    // A policy only on one side is replayed as the diff compared it: an empty policy where it is absent.
    expect(byPath["new-policy.json"]![0]!.gained[0]!.explainBase).toContain("--absent-as-empty");
    expect(byPath["registry-policy-output.json"]![0]!.lost[0]!.explain).toContain("--absent-as-empty");
    expect(await replayEveryRow(dir, report)).toBe(3);
  });

  it("a pattern that names nothing is ESLint's usage error, not a review that passes: a typo never gates green", { timeout: 120_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "registry-policy.json"), policy(replication));
    for (const pattern of ["registry-polcy.json", "infra/prdo", "nope/*.json"]) {
      const run = await runBin(["diff", "HEAD", pattern], { cwd: dir });
      expect({ pattern, code: run.code, stderr: run.stderr }).toEqual({ pattern, code: 2, stderr: `ecrlint diff: No files matching the pattern "${pattern}" were found.\n` });
    }
    // A file or folder that exists, unchanged, is no error; nor is a deleted file, which is only at the base.
    expect((await runBin(["diff", "HEAD", "package.json"], { cwd: dir })).code).toBe(0);
    rmSync(join(dir, "registry-policy-output.json"));
    const deleted = await runBin(["diff", "HEAD", "--format", "json", "registry-policy-output.json", "*.json"], { cwd: dir });
    expect(deleted.stderr).toBe("");
    expect((JSON.parse(deleted.stdout) as DiffReport).files.map((f) => f.path)).toEqual(["registry-policy-output.json", "registry-policy.json"]);
  });

  it("reads the base of files whose paths hold glob characters as the files they name", { timeout: 120_000 }, async () => {
    const dir = repository();
    // `git show <rev>:q[ab]/x` takes a name it cannot resolve for a pathspec and prints nothing: an "empty" base.
    for (const folder of ["q[ab]", "st*r", ":(icase)x", "q?"]) {
      mkdirSync(join(dir, folder));
      writeFileSync(join(dir, folder, "registry-policy.json"), policy(vpcPull));
    }
    const added = await runBin(["diff", "HEAD", "--format", "json"], { cwd: dir });
    expect({ code: added.code, stderr: added.stderr }).toEqual({ code: 0, stderr: "" });
    const files = (JSON.parse(added.stdout) as DiffReport).files;
    expect(files.map((f) => f.path).sort()).toEqual([":(icase)x/registry-policy.json", "q?/registry-policy.json", "q[ab]/registry-policy.json", "st*r/registry-policy.json"]);
    for (const f of files) expect(f.documents[0]!.gained.length, f.path).toBeGreaterThan(0);
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "globs");
    writeFileSync(join(dir, "q[ab]", "registry-policy.json"), policy(vpcPull, replication));
    const changed = JSON.parse((await runBin(["diff", "HEAD", "--format", "json"], { cwd: dir })).stdout) as DiffReport;
    expect(changed.files.map((f) => [f.path, f.documents[0]!.lost.length])).toEqual([["q[ab]/registry-policy.json", 0]]);
    expect(changed.files[0]!.documents[0]!.gained.length).toBeGreaterThan(0);
    expect(await runBin(["explain", "q[ab]/registry-policy.json", "--ref", "HEAD", "--action", "ecr:ReplicateImage", "--principal", "111122223333"], { cwd: dir })).toMatchObject({ code: 0 });
  });

  it("replays rows of every policy of a multi-policy file: explain --document names one, as the row prints it", { timeout: 180_000 }, async () => {
    const dir = repository();
    const repositoryResource = (statements: unknown[]) => ({ Type: "AWS::ECR::Repository", Properties: { RepositoryName: "app", RepositoryPolicyText: { Version: "2012-10-17", Statement: statements } } });
    const repositoryPull = { Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::777788889999:role/ci" }, Action: PULL };
    const template = (web: unknown[], api: unknown[], registryStatements: unknown[]) =>
      `${JSON.stringify(
        {
          AWSTemplateFormatVersion: "2010-09-09",
          Resources: {
            Registry: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: { Version: "2012-10-17", Statement: registryStatements } } },
            Web: repositoryResource(web),
            Api: repositoryResource(api),
          },
        },
        null,
        2,
      )}\n`;
    writeFileSync(join(dir, "stack.json"), template([repositoryPull], [repositoryPull], [replication]));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "stack");
    // Only the later policies change: the second repository's pull widens to its account, the registry's loses replication.
    writeFileSync(join(dir, "stack.json"), template([repositoryPull], [{ ...repositoryPull, Principal: { AWS: "777788889999" } }], [{ ...replication, Action: ["ecr:CreateRepository"] }]));
    const run = await runBin(["diff", "HEAD", "stack.json", "--format", "json"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DiffReport;
    expect(report.files[0]!.documents.map((d) => d.path)).toEqual(["Resources.Registry.Properties.PolicyText", "Resources.Api.Properties.RepositoryPolicyText"]);
    expect(await replayEveryRow(dir, report)).toBe(2);

    // explain refuses to guess which policy of the file is meant, and says which there are.
    const unnamed = await runBin(["explain", "stack.json", "--action", "ecr:BatchGetImage", "--principal", "777788889999"], { cwd: dir });
    expect(unnamed.code).toBe(2);
    expect(unnamed.stderr).toContain("stack.json holds 3 policies (Resources.Registry.Properties.PolicyText (Registry), Resources.Web.Properties.RepositoryPolicyText (Web), Resources.Api.Properties.RepositoryPolicyText (Api)); name one with --document.");
    const byId = await runBin(["explain", "stack.json", "--document", "Api", "--action", "ecr:BatchGetImage", "--principal", "777788889999", "--format", "json"], { cwd: dir });
    expect((JSON.parse(byId.stdout) as { decision: string }).decision).toBe("allow");
    const unknown = await runBin(["explain", "stack.json", "--document", "Worker", "--action", "ecr:BatchGetImage"], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^stack\.json has no policy at "Worker"; its policies: /);
    const badRef = await runBin(["explain", "stack.json", "--ref", "no-such-ref", "--document", "Api", "--action", "ecr:BatchGetImage"], { cwd: dir });
    expect([badRef.code, badRef.stderr]).toEqual([2, 'ecrlint: --ref: unknown git ref "no-such-ref"\n']);
    const notThere = await runBin(["explain", "never-committed.json", "--ref", "HEAD", "--action", "ecr:BatchGetImage"], { cwd: dir });
    expect(notThere.code).toBe(2);
    expect(notThere.stderr).toContain("never-committed.json does not exist at HEAD");
  });

  it("says so when no policy changed access", { timeout: 60_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "registry-policy.json"), policy({ ...replication, Sid: "Renamed" }, vpcPull));
    const run = await runBin(["diff", "main"], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe("No policy changed access since main.\n");
  });
});

describe("ecrlint diff: gates, Not* elements, renames, unreadable versions", () => {
  const SOURCE = "arn:aws:iam::111122223333:root";
  const ci = { Sid: "Ci", Effect: "Allow", Principal: { AWS: "arn:aws:iam::777788889999:role/ci" }, Action: PULL, Resource: repo("*") };
  const report = (stdout: string) => JSON.parse(stdout) as DiffReport;

  it("an added Deny of ecr:ReplicateImage is an exact replication loss; an inconclusive part that could be one trips the gate, marked so", { timeout: 120_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ registries: [{ files: ["**"], ...REGISTRY, replicationSources: ["111122223333"] }] }));
    writeFileSync(join(dir, "registry-policy.json"), policy(replication, ci));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "replication and ci");
    const noRepl = { Sid: "NoRepl", Effect: "Deny", Principal: { AWS: SOURCE }, Action: "ecr:ReplicateImage", Resource: repo("*") };
    writeFileSync(join(dir, "registry-policy.json"), policy(replication, ci, noRepl));
    const exact = await runBin(["diff", "HEAD", "--format", "json", "--fail-on", "lost-replication"], { cwd: dir });
    expect(exact.code).toBe(1);
    const exactReport = report(exact.stdout);
    expect(exactReport).toMatchObject({ status: "exact", failed: ["lost-replication"], inconclusiveGates: [], summary: "replication from 111122223333 stops" });
    expect(exactReport.files[0]!.documents[0]!.lost.map((r) => [r.principal.text, r.actions.names, r.condition])).toEqual([["account 111122223333", ["ecr:ReplicateImage"], "the Deny statement NoRepl now refuses it"]]);
    expect(await replayEveryRow(dir, exactReport)).toBe(1);

    // A NotPrincipal listing the source account exempts the account itself but not its roles: not searched, and it could stop replication.
    writeFileSync(join(dir, "registry-policy.json"), policy(replication, ci, { Sid: "AllButSource", Effect: "Deny", NotPrincipal: { AWS: SOURCE }, Action: "ecr:*", Resource: repo("*") }));
    const gated = await runBin(["diff", "HEAD", "--format", "json", "--fail-on", "lost-replication,new-public"], { cwd: dir });
    expect(gated.code).toBe(1);
    expect(gated.stderr).toBe("ecrlint diff: the change trips lost-replication (inconclusive: a part of the change not searched could hold it)\n");
    const gatedReport = report(gated.stdout);
    expect(gatedReport).toMatchObject({ status: "inconclusive", failed: ["lost-replication"], inconclusiveGates: ["lost-replication"] });
    expect(gatedReport.files[0]!.documents[0]!.inconclusive).toEqual([expect.objectContaining({ change: "loss", replication: true, public: false, reason: expect.stringContaining("NotPrincipal lists the account of") })]);
    const stylish = await runBin(["diff", "HEAD", "--fail-on", "lost-replication"], { cwd: dir });
    expect(stylish.stdout).toContain("Failing: lost-replication (inconclusive: a part of the change not searched could hold it)");
    expect(stylish.stdout).toMatch(/\? loss inconclusive: .*NotPrincipal lists the account of arn:aws:iam::111122223333:root/);
    // A loss is never a gain: gates on gains still pass.
    expect((await runBin(["diff", "HEAD", "--fail-on", "new-public,any-gain"], { cwd: dir })).code).toBe(0);
  });

  it("an Allow with NotPrincipal is public; NotAction reads as written; only configured replication sources replicate; trusted accounts are not external", { timeout: 120_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ registries: [{ files: ["**"], ...REGISTRY, replicationSources: ["111122223333"] }], trustedAccounts: ["111122223333"] }));
    writeFileSync(join(dir, "registry-policy.json"), policy(ci));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "ci");
    const allBut = { Sid: "AllBut", Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::333344445555:root" }, Action: "ecr:BatchGetImage", Resource: repo("public-*") };
    writeFileSync(join(dir, "registry-policy.json"), policy(ci, allBut));
    const pub = await runBin(["diff", "HEAD", "--format", "json", "--fail-on", "new-public"], { cwd: dir });
    expect(pub.code).toBe(1);
    const pubReport = report(pub.stdout);
    expect(pubReport.files[0]!.documents[0]!.gained.map((r) => [r.principal.text, r.public, r.external])).toEqual([["any principal but arn:aws:iam::333344445555:root", true, true]]);
    expect(await replayEveryRow(dir, pubReport)).toBe(1);
    const sarif = JSON.parse((await runBin(["diff", "HEAD", "--format", "sarif"], { cwd: dir })).stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(["new-public-access"]);

    // The pull grant replaced in place by a NotAction (a new Sid too: the statement pairs by its place).
    writeFileSync(join(dir, "registry-policy.json"), policy({ ...ci, Sid: "CiAll", Action: undefined, NotAction: "ecr:DeleteRepository" }));
    const na = report((await runBin(["diff", "HEAD", "--format", "json"], { cwd: dir })).stdout);
    const [row] = na.files[0]!.documents[0]!.gained;
    expect([row!.actions.text, row!.condition, row!.replication, na.summary]).toEqual([
      "every repository action except all pull actions, ecr:DeleteRepository",
      "NotAction ecr:DeleteRepository replaces Action ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:BatchCheckLayerAvailability",
      false,
      "1 principal gains access",
    ]);

    // 111122223333 is trusted: a pull grant to it is not external.
    writeFileSync(join(dir, "registry-policy.json"), policy(ci, { ...ci, Sid: "Trusted", Principal: { AWS: SOURCE } }));
    expect((await runBin(["diff", "HEAD", "--fail-on", "new-external"], { cwd: dir })).code).toBe(0);
    writeFileSync(join(dir, "registry-policy.json"), policy(ci, { ...ci, Sid: "Other", Principal: { AWS: "arn:aws:iam::222233334444:root" } }));
    expect((await runBin(["diff", "HEAD", "--fail-on", "new-external"], { cwd: dir })).code).toBe(1);
  });

  it("a renamed file is compared with its old path: no change when only moved, its edits when edited", { timeout: 120_000 }, async () => {
    const dir = repository();
    git(dir, "mv", "registry-policy.json", "moved-registry-policy.json");
    const moved = await runBin(["diff", "main"], { cwd: dir });
    expect([moved.code, moved.stdout]).toEqual([0, "No policy changed access since main.\n"]);
    // Moved without git: a deleted file and an untracked one with the same content.
    renameSync(join(dir, "registry-policy-output.json"), join(dir, "output-moved.json"));
    const plainMove = await runBin(["diff", "main"], { cwd: dir });
    expect([plainMove.code, plainMove.stdout]).toEqual([0, "No policy changed access since main.\n"]);
    writeFileSync(join(dir, "moved-registry-policy.json"), policy({ ...replication, Action: ["ecr:CreateRepository"] }, vpcPull));
    const edited = report((await runBin(["diff", "main", "--format", "json"], { cwd: dir })).stdout);
    expect(edited.files.map((f) => [f.path, f.previousPath, f.documents[0]!.lost.map((r) => r.actions.names)])).toEqual([["moved-registry-policy.json", "registry-policy.json", [["ecr:ReplicateImage"]]]]);
    expect(edited.files[0]!.documents[0]!.lost[0]!.explainBase).toMatch(/^ecrlint explain registry-policy\.json --ref /);
    expect(await replayEveryRow(dir, edited)).toBe(1);
  });

  it("a version that does not parse is an error for its file: file:line:column, exit 2, no rows guessed", { timeout: 120_000 }, async () => {
    const dir = repository();
    writeFileSync(join(dir, "registry-policy.json"), '{ "Version": "2012-10-17", "Statement": [');
    writeFileSync(join(dir, "registry-policy-output.json"), cliOutput({ ...vpcPull, Principal: { AWS: "777788889999" } }));
    const run = await runBin(["diff", "main", "--format", "json", "--fail-on", "any-gain"], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^registry-policy\.json:1:\d+: .+ \(in the working tree\); no access is compared for this file\n$/);
    const parsed = report(run.stdout);
    expect(parsed.errors).toEqual([expect.objectContaining({ path: "registry-policy.json", side: "working tree", line: 1 })]);
    expect(parsed.files.map((f) => f.path)).toEqual(["registry-policy-output.json"]);
    // Someone reading only the summary or the status is not told the change was fully compared.
    expect(parsed.summary).toMatch(/; 1 changed file not compared \(a version does not parse\)$/);
    expect(parsed.status).toBe("inconclusive");
    const schema = JSON.parse(readFileSync(join(packageDir, "schema", "diff.json"), "utf8")) as object;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
  });

  it("a changed policy whose name is not valid UTF-8 is an error for it (exit 2, inconclusive), never passed over as no change", { timeout: 120_000 }, async () => {
    const dir = repository();
    // Linux keeps names as bytes: 0xFF is never UTF-8. Committed private, then made public in the working tree.
    const named = (name: string) => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(name, "latin1")]);
    writeFileSync(named("repo-\xff-policy.json"), policy(vpcPull));
    writeFileSync(named("logo-\xfe.png"), "not a policy");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "odd names");
    writeFileSync(named("repo-\xff-policy.json"), policy({ ...vpcPull, Principal: "*", Condition: undefined }));
    writeFileSync(named("logo-\xfe.png"), "still not a policy");
    const run = await runBin(["diff", "HEAD", "--format", "json", "--fail-on", "new-public"], { cwd: dir });
    const words = "its name is not valid UTF-8, so this version cannot be read (the bytes that do not decode show as \uFFFD): rename it";
    expect(run.stderr).toBe(`repo-\uFFFD-policy.json:1:1: ${words} (in the working tree); no access is compared for this file\n`);
    expect(run.code).toBe(2);
    const parsed = report(run.stdout);
    // The picture is not a policy file by its name: it is no error.
    expect(parsed.errors).toEqual([{ path: "repo-\uFFFD-policy.json", side: "working tree", line: 1, column: 1, message: words }]);
    expect([parsed.status, parsed.summary]).toEqual(["inconclusive", "no change in access; 1 changed file not compared (it could not be read)"]);
    const schema = JSON.parse(readFileSync(join(packageDir, "schema", "diff.json"), "utf8")) as object;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
  });

  it("a policy renamed with git mv to or from a name that is not valid UTF-8 is an error for that side, never an invented loss or gain", { timeout: 120_000 }, async () => {
    const words = "its name is not valid UTF-8, so this version cannot be read (the bytes that do not decode show as \uFFFD): rename it";
    const bash = (dir: string, script: string) => execFileSync("bash", ["-c", script], { cwd: dir, stdio: "pipe" });
    const to = repository();
    bash(to, "git mv registry-policy.json $'registry-policy-\\xfd.json'");
    const toBad = await runBin(["diff", "main", "--format", "json"], { cwd: to });
    expect([toBad.code, report(toBad.stdout).errors, report(toBad.stdout).files]).toEqual([2, [{ path: "registry-policy-\uFFFD.json", side: "working tree", line: 1, column: 1, message: words }], []]);
    const from = repository();
    bash(from, "git mv registry-policy.json $'old-\\xfd.json' && git commit -q -m 'odd name' && git tag odd && git mv $'old-\\xfd.json' renamed-policy.json");
    const fromBad = await runBin(["diff", "odd", "--format", "json"], { cwd: from });
    expect([fromBad.code, report(fromBad.stdout).errors, report(fromBad.stdout).files]).toEqual([2, [{ path: "old-\uFFFD.json", side: "base", line: 1, column: 1, message: words }], []]);
  });

  it("CloudFormation pseudo parameters in Fn::Sub read the same in explain as in the diff", { timeout: 120_000 }, async () => {
    const dir = repository();
    const template = (actions: string[]) =>
      `${JSON.stringify({ Resources: { RegPol: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: { Version: "2012-10-17", Statement: [{ ...replication, Action: actions, Resource: { "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*" } }] } } } } }, null, 2)}\n`;
    writeFileSync(join(dir, "stack.template.json"), template(replication.Action));
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "stack");
    writeFileSync(join(dir, "stack.template.json"), template(["ecr:CreateRepository"]));
    const parsed = report((await runBin(["diff", "HEAD", "--format", "json"], { cwd: dir })).stdout);
    expect(parsed.files[0]!.documents[0]!.lost.map((r) => r.actions.names)).toEqual([["ecr:ReplicateImage"]]);
    expect(await replayEveryRow(dir, parsed)).toBe(1);
  });
});
