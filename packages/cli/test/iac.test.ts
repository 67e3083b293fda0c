import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "@ecrlint/eslint-plugin";
import { lint } from "../src/index.js";
import { runBin, tempDir, registryPolicyStack } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2", replicationSources: ["111122223333"] }] };

/** One registry policy with three defects: a partial account wildcard, another Region, replication without ReplicateImage. */
const json = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Replication",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
      "Action": ["ecr:CreateRepository"],
      "Resource": "arn:aws:ecr:us-west-2:444455556666:repository/*"
    },
    {
      "Sid": "Pull",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:*" },
      "Action": ["ecr:BatchGetImage"],
      "Resource": "arn:aws:ecr:us-east-1:444455556666:repository/*"
    }
  ]
}
`;

const yaml = registryPolicyStack(`          - Sid: Replication
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:root" }
            Action: [ecr:CreateRepository]
            Resource: !Sub arn:\${AWS::Partition}:ecr:\${AWS::Region}:\${AWS::AccountId}:repository/*
          - Sid: Pull
            Effect: Allow
            Principal: { AWS: "arn:aws:iam::111122223333:*" }
            Action: [ecr:BatchGetImage]
            Resource: arn:aws:ecr:us-east-1:444455556666:repository/*
`);

const terraform = `resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Replication"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = ["ecr:CreateRepository"]
        Resource  = "arn:aws:ecr:\${data.aws_region.current.name}:\${data.aws_caller_identity.current.account_id}:repository/*"
      },
      {
        Sid       = "Pull"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:*" }
        Action    = ["ecr:BatchGetImage"]
        Resource  = "arn:aws:ecr:us-east-1:444455556666:repository/*"
      },
    ]
  })
}
`;

/** The same policy as a `data "aws_iam_policy_document"` that the registry policy reads as `.json`. */
const policyDocument = `data "aws_iam_policy_document" "registry" {
  statement {
    sid       = "Replication"
    effect    = "Allow"
    actions   = ["ecr:CreateRepository"]
    resources = ["arn:aws:ecr:\${data.aws_region.current.name}:\${data.aws_caller_identity.current.account_id}:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
  statement {
    sid       = "Pull"
    effect    = "Allow"
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:us-east-1:444455556666:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:*"]
    }
  }
}

resource "aws_ecr_registry_policy" "this" {
  policy = data.aws_iam_policy_document.registry.json
}
`;

describe("the same policy in JSON, CloudFormation YAML and Terraform", () => {
  it("gives the same findings in each, each at the place its host writes the value", async () => {
    const findings: Record<string, string[]> = {};
    for (const [name, text] of [["registry-policy.json", json], ["stack.yaml", yaml], ["main.tf", terraform], ["document.tf", policyDocument]] as const) {
      const dir = tempDir();
      writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(config));
      writeFileSync(join(dir, name), text);
      const lines = text.split("\n");
      const shown = (results: { messages: { ruleId: string | null; messageId?: string; line: number; column: number; endLine?: number; endColumn?: number }[] }[]) =>
        results.flatMap((r) => r.messages.map((m) => `${m.ruleId}/${m.messageId}: ${lines[m.line - 1]!.slice(m.column - 1, m.endLine === m.line ? m.endColumn! - 1 : undefined)}`));
      findings[name] = shown((await lint({ cwd: dir })).results);
      // ESLint with the plugin's configs finds the same, at the same places.
      const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
      expect(shown(await eslint.lintFiles([name])), name).toEqual(findings[name]);
    }
    expect(findings["registry-policy.json"]).toEqual([
      '@ecrlint/require-replicate-image/missingReplicateImage: "ecr:CreateRepository"',
      '@ecrlint/valid-principal/partialWildcard: "arn:aws:iam::111122223333:*"',
      '@ecrlint/no-region-mismatch/regionMismatch: us-east-1',
    ]);
    const unquoted = (list: string[]) => list.map((f) => f.replace(/: "(.*)"$/, ": $1"));
    expect(unquoted(findings["stack.yaml"]!)).toEqual(unquoted(findings["registry-policy.json"]!));
    expect(unquoted(findings["main.tf"]!)).toEqual(unquoted(findings["registry-policy.json"]!));
    // A policy document writes `resources` before `principals`: the same findings, in the order of its lines.
    expect(unquoted(findings["document.tf"]!).sort()).toEqual(unquoted(findings["registry-policy.json"]!).sort());
  });
});

describe("JSON written as a Terraform string", () => {
  // The JSON's known parts are judged where they are written; what an interpolation computes never is.
  const policy = (account: string) =>
    `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${account}:root"}, "Action": "ecr:BatchGetImage", "Resource": "arn:aws:ecr:us-east-1:444455556666:repository/*"}]}`;
  const withDataSources = policy("222233334444").replace("arn:aws:iam", "arn:${data.aws_partition.current.partition}:iam").replace("us-east-1:444455556666", "us-east-1:${data.aws_caller_identity.current.account_id}");
  const files: Record<string, string> = {
    "indented.tf": `resource "aws_ecr_registry_policy" "a" {\n  policy = <<-EOT\n    ${policy("${var.account}")}\n  EOT\n}\n`,
    "flush.tf": `resource "aws_ecr_registry_policy" "b" {\n  policy = <<EOT\n${policy("${local.account}")}\nEOT\n}\n`,
    "quoted.tf": `resource "aws_ecr_registry_policy" "c" {\n  policy = ${JSON.stringify(policy("${var.account}"))}\n}\n`,
    "cdktf.tf.json": `${JSON.stringify({ resource: { aws_ecr_registry_policy: { d: { policy: policy("${var.account}") } } } }, null, 2)}\n`,
    // Data sources of the registry resolve in both syntaxes; the characters after them keep their places.
    "data.tf": `resource "aws_ecr_registry_policy" "e" {\n  policy = <<EOT\n${withDataSources}\nEOT\n}\n`,
    "data.tf.json": `${JSON.stringify({ resource: { aws_ecr_registry_policy: { f: { policy: withDataSources } } } }, null, 2)}\n`,
  };

  it("in <<- and <<EOT heredocs, quoted strings and .tf.json strings, is judged at the host's line and column, interpolations left unknown and data sources resolved", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(config));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const report = await lint({ cwd: dir });
    const found = Object.fromEntries(
      report.results.map((r) => {
        const text = files[r.filePath.slice(dir.length + 1)]!;
        const lines = text.split("\n");
        return [r.filePath.slice(dir.length + 1), r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${lines[m.line - 1]!.slice(m.column - 1, m.endColumn! - 1)}`)];
      }),
    );
    const at = (name: string, needle: string, rule: string) => {
      const text = files[name]!;
      const before = text.slice(0, text.indexOf(needle)).split("\n");
      return `${before.length}:${before[before.length - 1]!.length + 1} @ecrlint/${rule} ${needle}`;
    };
    // The configured source 111122223333 may not replicate whatever the account is: the principal, interpolated or
    // known, is allowed ecr:BatchGetImage only.
    const statement = (name: string) => at(name, name.endsWith(".json") || name === "quoted.tf" ? '\\"Statement\\"' : '"Statement"', "require-replicate-image");
    expect(found).toEqual(Object.fromEntries(Object.keys(files).sort().map((name) => [name, [statement(name), at(name, "us-east-1", "no-region-mismatch")]])));
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    const where = (rs: { filePath: string; messages: { line: number; column: number; ruleId: string | null }[] }[]) =>
      rs.filter((r) => r.messages.length > 0).map((r) => [r.filePath, r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`)]);
    expect(where(await eslint.lintFiles(["."]))).toEqual(where(report.results));
  });
});

describe("broken HCL", () => {
  it("is a parsing error naming what is wrong and where, the same in the runner, its CLI and ESLint", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(config));
    const text = 'resource "aws_ecr_registry_policy" "a" {\n  policy = jsonencode({\n    Statement = [{\n      Principal = { AWS = "arn:aws:iam::111122223333:root"\n      Action = ["ecr:CreateRepository"\n    }]\n  })\n';
    writeFileSync(join(dir, "main.tf"), text);
    const expected = { ruleId: null, fatal: true, severity: 2, message: 'Parsing error: HCL syntax error: missing "]" to close the "[" at 5:16', line: 6, column: 5 };
    const [result] = (await lint({ cwd: dir })).results;
    expect(result!.messages).toEqual([expected]);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    const [viaEslint] = await eslint.lintFiles(["main.tf"]);
    expect(viaEslint!.messages.map((m) => ({ ruleId: m.ruleId, fatal: m.fatal, severity: m.severity, message: m.message, line: m.line, column: m.column }))).toEqual([expected]);
    const cli = await runBin(["main.tf"], { cwd: dir });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('6:5  error  Parsing error: HCL syntax error: missing "]" to close the "[" at 5:16');
  });

  it("names a missing comma at the item it belongs before, through the CLI", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(config));
    const text = 'resource "aws_ecr_registry_policy" "a" {\n  policy = jsonencode({\n    Statement = [{\n      Action = ["ecr:CreateRepository" "ecr:ReplicateImage"]\n    }]\n  })\n}\n';
    writeFileSync(join(dir, "main.tf"), text);
    const cli = await runBin(["main.tf"], { cwd: dir });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain('4:40  error  Parsing error: HCL syntax error: missing "," between the items of the list');
  });
});

describe("YAML and Terraform files read as JSON files are", () => {
  it("decoded from UTF-16 with a byte order mark, and a FIFO named .tf is said to be one, not read (no hang)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(config));
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    writeFileSync(join(dir, "main.tf"), utf16(terraform));
    writeFileSync(join(dir, "stack.yaml"), utf16(yaml));
    execFileSync("mkfifo", [join(dir, "pipe.tf")]);
    const report = await lint({ cwd: dir, patterns: [".", "pipe.tf"] });
    const byName = Object.fromEntries(report.results.map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => m.messageId ?? m.message)]));
    expect(byName).toEqual({
      "main.tf": ["missingReplicateImage", "partialWildcard", "regionMismatch"],
      "stack.yaml": ["missingReplicateImage", "partialWildcard", "regionMismatch"],
      "pipe.tf": ["File not linted: a FIFO."],
    });
  });
});
