import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/index.js";
import { fileTree, repoDir, runBin, runnerFixtures, tempDir } from "./helpers.js";

/**
 * Issue 9: what the first run in a real monorepo meets. IAM identity policies beside registry policies, policies
 * inside CLI output and CloudFormation templates, files that are not JSON named on the command line, and policies
 * whose registry nobody declared.
 */
const realWorld = join(repoDir, "fixtures", "real-world");

function copyRealWorld(): string {
  const dir = tempDir("ecrlint-real-world-");
  cpSync(realWorld, dir, { recursive: true });
  return dir;
}

const tree = (files: Record<string, unknown>) => fileTree(files);

const grant = (resource: string, actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]) => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "ReplicationAccessCrossAccount", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: actions, Resource: resource }],
});
const identityPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:PutImage"], Resource: "arn:aws:ecr:us-east-1:444455556666:repository/web" }] };
const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

const read = (dir: string, path: string) => readFileSync(join(dir, path), "utf8");
const policyTextOf = (text: string) => JSON.parse((JSON.parse(text) as { policyText: string }).policyText) as { Statement: { Action: string[]; Resource: string }[] };

describe("--fix in real repositories", () => {
  it("never changes an identity policy, even one naming another Region beside a registry policy that is fixed", async () => {
    const dir = copyRealWorld();
    const identity = read(dir, "registry/ci-push-policy.json");
    expect(identity).toContain("us-east-1");
    const r = await runBin(["--fix", "--format", "json"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(read(dir, "registry/ci-push-policy.json")).toBe(identity);
    const results = JSON.parse(r.stdout) as { filePath: string }[];
    expect(results.map((x) => x.filePath)).not.toContain(join(dir, "registry/ci-push-policy.json"));
  });

  it("fixes inside a policyText string with correct escapes: the file's policyText still parses", async () => {
    const dir = copyRealWorld();
    const before = read(dir, "aws-cli/get-registry-policy.json");
    await runBin(["--fix"], { cwd: dir });
    const after = read(dir, "aws-cli/get-registry-policy.json");
    expect(after).not.toBe(before);
    expect(policyTextOf(after).Statement[0]!.Resource).toBe("arn:aws:ecr:us-west-2:444455556666:repository/*");
    // Only the Region changed; the rest of the string, its escapes and the file's layout are kept.
    expect(after).toBe(before.replace("us-east-1", "us-west-2"));
  });

  it("a fix that inserts quoted text into a policyText writes them escaped", async () => {
    const text = `${JSON.stringify({ registryId: "444455556666", policyText: JSON.stringify(grant("arn:aws:ecr:us-west-2:444455556666:repository/*", ["ecr:CreateRepository"]), null, 2) }, null, 4)}\n`;
    const dir = tree({ ".ecrlintrc.json": config, "get-registry-policy.json": text });
    const r = await runBin(["--fix"], { cwd: dir });
    expect(r.code).toBe(0);
    const fixed = read(dir, "get-registry-policy.json");
    expect(fixed).toContain('\\"ecr:ReplicateImage\\"');
    expect(policyTextOf(fixed).Statement[0]!.Action).toEqual(["ecr:CreateRepository", "ecr:ReplicateImage"]);
  });

  it("fixes a hard-coded Region inside Fn::Sub and Fn::Join where it is written, and leaves what the template computes", async () => {
    const dir = copyRealWorld();
    await runBin(["--fix"], { cwd: dir });
    const stack = JSON.parse(read(dir, "cloudformation/ecr-stack.json")) as { Resources: { RegistryPolicy: { Properties: { PolicyText: { Statement: { Resource: { "Fn::Sub": string } }[] } } } } };
    expect(stack.Resources.RegistryPolicy.Properties.PolicyText.Statement[2]!.Resource["Fn::Sub"]).toBe("arn:${AWS::Partition}:ecr:us-west-2:${AWS::AccountId}:repository/ecr-public/*");
    const cdk = read(dir, "cdk.out/PlatformStack.template.json");
    expect(cdk).toContain('":ecr:us-west-2:"');
    expect(cdk).not.toContain("eu-west-1");
  });
});

describe("files that are not JSON, named on the command line", () => {
  it("ecrlint template.yaml RUNBOOK.md registry-policy.json exits 0 when the policy is clean, with ESLint's warning for the Markdown", async () => {
    const cwd = join(runnerFixtures, "non-json");
    const r = await runBin(["template.yaml", "RUNBOOK.md", "registry-policy.json"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).not.toContain("Parsing error");
    expect(r.stdout.match(/File ignored because no matching configuration was supplied/g)).toHaveLength(1);
    const json = await runBin(["template.yaml", "RUNBOOK.md", "registry-policy.json", "--format", "json"], { cwd });
    const results = JSON.parse(json.stdout) as { filePath: string; messages: { ruleId: null; severity: number; message: string; line?: number }[] }[];
    expect(results.map((x) => [x.filePath.slice(cwd.length + 1), x.messages.map((m) => [m.severity, m.message, m.line])])).toEqual([
      ["RUNBOOK.md", [[1, "File ignored because no matching configuration was supplied.", undefined]]],
      ["registry-policy.json", []],
    ]);
  });

  it("--no-warn-ignored silences them, and --max-warnings 0 then passes", async () => {
    const r = await runBin(["--no-warn-ignored", "--max-warnings", "0", "template.yaml", "RUNBOOK.md", "registry-policy.json"], { cwd: join(runnerFixtures, "non-json") });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\u2714 No problems in 1 policy file of 1 registry; 1 other file skipped/);
  });

  it("the config's files decide what a named file is: a glob that takes YAML is no longer a warning", async () => {
    const dir = tree({ ".ecrlintrc.json": { files: ["**/*.json", "**/*.yaml"] }, "notes.yaml": "a: 1\n" });
    const r = await lint({ cwd: dir, patterns: ["notes.yaml"] });
    expect(r.results.flatMap((x) => x.messages)).toEqual([]);
  });
});

describe("the closing summary", () => {
  it("names no registry when it read no policy file, even under a configured registry", async () => {
    const dir = tree({ ".ecrlintrc.json": { registries: [{ files: ["infra/**"], account: "444455556666", region: "us-west-2" }] }, "infra/settings.json": { name: "x" }, "infra/notes.yaml": "a: 1\n" });
    const r = await runBin([], { cwd: dir });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^\u2714 No policy files found; 3 other files skipped \(\d+\.\d\ds\)\.\n$/);
  });
});

describe("never silently blind", () => {
  it("says once, on stderr, how many policy files have no registry, what is not checked and how to declare one", async () => {
    const dir = tree({ "infra/prod/registry-policy.json": grant("arn:aws:ecr:us-east-1:444455556666:repository/*"), "infra/dev/registry-policy.json": grant("arn:aws:ecr:us-east-1:444455556666:repository/*"), "package.json": { name: "x" } });
    const r = await runBin([], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\u2714 No problems in 2 policy files of no known registry; 1 other file skipped \(\d+\.\d\ds\)\.\n$/);
    expect(r.stderr.match(/^ecrlint: /gm)).toHaveLength(1);
    expect(r.stderr).toContain("ecrlint: 2 policy files have no known registry");
    expect(r.stderr).toContain('{"registries": [{"files": ["infra/**"]');
    expect(r.stderr).toContain("prod-us-west-2/");
    expect(r.stderr).toContain("Files: infra/dev/registry-policy.json, infra/prod/registry-policy.json.");

    // Machine formats stay machine-readable: JSON is ESLint's array, SARIF carries the notice as a notification.
    const json = await runBin(["--format", "json"], { cwd: dir });
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true);
    expect(json.stderr).toContain("2 policy files have no known registry");
    const sarif = JSON.parse((await runBin(["--format", "sarif"], { cwd: dir })).stdout) as {
      runs: { invocations: { toolExecutionNotifications: { level: string; descriptor?: { id: string }; message: { text: string }; locations: unknown[] }[] }[] }[];
    };
    const [notification] = sarif.runs[0]!.invocations[0]!.toolExecutionNotifications;
    expect(notification).toMatchObject({ level: "note", descriptor: { id: "unknown-registry" }, message: { text: expect.stringContaining("no known registry") } });
    expect(notification!.locations).toHaveLength(2);
  });

  it("reads a Region or an account inside folder names; a Region alone still says the account is unknown", async () => {
    const dir = tree({ "registries/prod-us-west-2/registry-policy.json": grant("arn:aws:ecr:us-east-1:444455556666:repository/*") });
    const r = await runBin(["--format", "json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr.match(/^ecrlint: /gm)).toHaveLength(1);
    expect(r.stderr).toContain("ecrlint: 1 policy file has a Region from a folder name but no known account");
    const both = tree({ "registries/444455556666-prod-us-west-2/registry-policy.json": grant("arn:aws:ecr:us-west-2:444455556666:repository/*") });
    expect((await runBin([], { cwd: both })).stderr).toBe("");
    const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
    expect(result!.messages.map((m) => m.ruleId)).toEqual(["@ecrlint/no-region-mismatch"]);
    expect(result!.messages[0]!.message).toContain('the registry\'s Region "us-west-2"');
  });

  it("counts only policy files: identity policies and package.json are other files", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "ci/push-policy.json": identityPolicy, "registry-policy.json": grant("arn:aws:ecr:us-west-2:444455556666:repository/*") });
    const report = await lint({ cwd: dir });
    expect(report.stats).toMatchObject({ policyFiles: 1, documents: 1, registries: 1, skippedFiles: 2 });
    expect(report.notices).toEqual([]);
  });
});

describe("file kinds, explained", () => {
  const printKind = async (cwd: string, file: string) => (JSON.parse((await runBin(["--print-config", file], { cwd })).stdout) as { kind: unknown }).kind;

  it("--print-config shows the kind of a file and why: config, name or content, with the documents of a host", async () => {
    expect(await printKind(realWorld, "registry/ci-push-policy.json")).toMatchObject({ kind: "identity-policy", reason: "content", documents: [] });
    expect(await printKind(realWorld, "repos/web/repo-policy.json")).toMatchObject({ kind: "repository-policy", reason: "name" });
    expect(await printKind(realWorld, "registry/registry-policy.json")).toMatchObject({ kind: "registry-policy", reason: "name" });
    expect(await printKind(realWorld, "aws-cli/get-repository-policy.json")).toMatchObject({ kind: "repository-policy", reason: "content", documents: [{ kind: "repository-policy", at: "policyText" }] });
    expect(await printKind(realWorld, "cdk.out/PlatformStack.template.json")).toEqual({
      kind: "cloudformation-template",
      reason: "content",
      why: "a CloudFormation template with 2 AWS::ECR resources",
      documents: [
        { kind: "registry-policy", at: "Resources.RegistryPolicy.Properties.PolicyText", reason: "content", why: 'the PolicyText of AWS::ECR::RegistryPolicy "RegistryPolicy"' },
        { kind: "repository-policy", at: "Resources.ApiRepositoryA1B2C3D4.Properties.RepositoryPolicyText", reason: "content", why: 'the RepositoryPolicyText of AWS::ECR::Repository "ApiRepositoryA1B2C3D4"' },
      ],
    });
    expect(await printKind(join(runnerFixtures, "non-json"), "template.yaml")).toMatchObject({ kind: null, reason: null });
  });

  it("the config's kinds declare what neither name nor content says, and leave declared identity policies alone", async () => {
    const dir = tree({
      ".ecrlintrc.json": { ...config, kinds: [{ files: ["infra/repos/**"], kind: "repository-policy" }, { files: ["ci/**"], kind: "identity-policy" }] },
      "infra/repos/web.json": grant("arn:aws:ecr:us-west-2:444455556666:repository/web"),
      "ci/odd-policy.json": grant("arn:aws:ecr:us-east-1:444455556666:repository/*"),
    });
    const r = await runBin(["--format", "json"], { cwd: dir });
    const results = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string; message: string }[] }[];
    expect(results.map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.ruleId)])).toEqual([["infra/repos/web.json", ["@ecrlint/no-repository-policy-resource"]]]);
    expect(results[0]!.messages[0]!.message).toContain(`the "kinds" of ${join(dir, ".ecrlintrc.json")} declare it a repository-policy`);
    expect(await printKind(dir, "ci/odd-policy.json")).toMatchObject({ kind: "identity-policy", reason: "config" });
  });

  it("a policy inside a CloudFormation template is judged at its exact place; unknown values never are", async () => {
    const report = await lint({ cwd: realWorld, patterns: ["cloudformation/ecr-stack.json"] });
    const messages = report.results[0]!.messages;
    expect(messages.map((m) => [m.ruleId, m.line, m.column, m.endColumn])).toEqual([
      ["@ecrlint/no-region-mismatch", 63, 55, 64],
      ["@ecrlint/no-repository-policy-resource", 74, 259, 271],
    ]);
    const text = read(realWorld, "cloudformation/ecr-stack.json").split("\n");
    expect(text[62]!.slice(54, 63)).toBe("us-east-1");
    expect(text[73]!.slice(258, 270)).toBe('\\"Resource\\"');
  });
});

/** A template whose ECR resources take unknown values everywhere a value can be. */
function unknownsTemplate(): unknown {
  const resource = (Type: string, Properties: unknown) => ({ Type, Properties });
  const statement = (extra: Record<string, unknown>) => ({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: { "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*" }, ...extra });
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Parameters: { SourceAccount: { Type: "String" }, Actions: { Type: "CommaDelimitedList" }, Prefix: { Type: "String" }, Region: { Type: "String" } },
    Conditions: { IsProd: { "Fn::Equals": [{ Ref: "AWS::AccountId" }, "444455556666"] } },
    Resources: {
      Policy: resource("AWS::ECR::RegistryPolicy", {
        PolicyText: {
          Version: "2012-10-17",
          Statement: [
            statement({ Sid: { "Fn::Sub": "Replication${Prefix}" }, Principal: { AWS: { "Fn::Sub": "arn:${AWS::Partition}:iam::${SourceAccount}:root" } } }),
            statement({ Sid: { "Fn::Sub": "Replication${Prefix}" }, Action: { Ref: "Actions" } }),
            statement({ Resource: { "Fn::ImportValue": "shared-repositories" }, Principal: { "Fn::If": ["IsProd", { AWS: "111122223333" }, "*"] } }),
            statement({ Resource: { "Fn::Sub": "arn:aws:ecr:${Region}:${AWS::AccountId}:repository/${Prefix}/*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": { Ref: "OrgId" } } } }),
            { "Fn::If": ["IsProd", { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*" }, { Ref: "AWS::NoValue" }] },
            { Effect: "Allow", Principal: { AWS: { "Fn::GetAtt": ["BuildRole", "Arn"] } }, Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"], Resource: { "Fn::Sub": "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/${Prefix}/*" } },
          ],
        },
      }),
      Repo: resource("AWS::ECR::Repository", { RepositoryPolicyText: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: { Ref: "Reader" } }, Action: { Ref: "Actions" } }] } }),
      Cache: { Type: "AWS::ECR::PullThroughCacheRule", Properties: { EcrRepositoryPrefix: { Ref: "Prefix" }, UpstreamRegistryUrl: "public.ecr.aws" } },
      Replication: { Type: "AWS::ECR::ReplicationConfiguration", Properties: { ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: { Ref: "Region" }, RegistryId: { Ref: "SourceAccount" } }] }] } } },
      Template: { Type: "AWS::ECR::RepositoryCreationTemplate", Properties: { Prefix: { Ref: "Prefix" }, AppliedFor: { Ref: "Actions" }, CustomRoleArn: { "Fn::GetAtt": ["Role", "Arn"] }, ResourceTags: [{ Key: "a", Value: "b" }] } },
    },
  };
  return template;
}

describe("unknown CloudFormation values, with every rule on", () => {
  it("are never an error: parameters, Fn::GetAtt, Fn::ImportValue and Fn::If anywhere give no finding", async () => {
    const dir = tree({ ".ecrlintrc.json": { ...config, registries: [{ files: ["**"], account: "444455556666", region: "us-west-2", replicationSources: ["111122223333"], pullThroughCachePrefixes: ["ecr-public"] }], trustedAccounts: ["111122223333"] }, "stack.template.json": unknownsTemplate() });
    const { ruleList } = await import("@ecrlint/rules");
    const rules = Object.fromEntries(ruleList.map((r) => [r.id, "error" as const]));
    const report = await lint({ cwd: dir, rules });
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    expect(report.stats).toMatchObject({ policyFiles: 1, documents: 5 });
  });

  it("nor when the registry is unknown too: AWS::Region and AWS::AccountId are then unknown values as well", async () => {
    const dir = tree({ "stack.template.json": unknownsTemplate() });
    const { ruleList } = await import("@ecrlint/rules");
    const report = await lint({ cwd: dir, rules: Object.fromEntries(ruleList.map((r) => [r.id, "error" as const])) });
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    expect(report.notices.map((n) => n.id)).toEqual(["unknown-registry"]);
  });

  it("nor in a YAML template, in long forms and in every short-form tag", async () => {
    const { stringify } = await import("yaml");
    const shortForms = [
      "Resources:",
      "  Policy:",
      "    Type: AWS::ECR::RegistryPolicy",
      "    Properties:",
      "      PolicyText:",
      "        Statement:",
      "          - Effect: Allow",
      "            Principal:",
      "              AWS:",
      "                - !Ref Reader",
      '                - !Sub "arn:${AWS::Partition}:iam::${SourceAccount}:root"',
      "                - !GetAtt BuildRole.Arn",
      "                - !ImportValue shared-reader",
      '                - !Join ["", [arn:aws:iam::, !Ref SourceAccount, ":root"]]',
      '                - !Select [0, !Split [",", !Ref Readers]]',
      "                - !FindInMap [Accounts, !Ref AWS::Region, Reader]",
      '                - !If [IsProd, !Ref Reader, !Ref "AWS::NoValue"]',
      "            Action: !Ref Actions",
      "            Resource: !Sub arn:aws:ecr:${Region}:${AWS::AccountId}:repository/*",
      "",
    ].join("\n");
    const dir = tree({ ".ecrlintrc.json": { ...config, trustedAccounts: ["111122223333"] }, "stack.yaml": stringify(unknownsTemplate()) });
    writeFileSync(join(dir, "short.yml"), shortForms);
    const { ruleList } = await import("@ecrlint/rules");
    const report = await lint({ cwd: dir, rules: Object.fromEntries(ruleList.map((r) => [r.id, "error" as const])) });
    expect(report.results.flatMap((r) => r.messages.map((m) => `${m.ruleId}: ${m.message}`))).toEqual([]);
    expect(report.stats).toMatchObject({ policyFiles: 2, documents: 6 });
  });
});
