import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, fileTree, gitInit, repoDir, runNode, writeEslintConfig } from "./helpers.js";

/**
 * A creation template's repository policy is a string argument in Terraform and CloudFormation. Every form a host
 * writes a string with (jsonencode(), a policy document's .json, Fn::ToJsonString…) is one: the real CLI and ESLint
 * 9 and 10 with the plugin report nothing about its type, and lint the policy it holds, at the same places. Only a
 * value that really is an object is reported.
 */

const eslintBins = { "ESLint 10": join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(repoDir, "node_modules", "eslint9", "bin", "eslint.js") };

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

/** Grants pulls to anyone: a finding of the policy itself, which shows the policy was read. */
const publicStatement = 'Sid = "Pull", Effect = "Allow", Principal = "*", Action = ["ecr:BatchGetImage"]';

const terraform = `resource "aws_ecr_repository_creation_template" "encoded" {
  prefix      = "encoded"
  applied_for = ["PULL_THROUGH_CACHE"]
  repository_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ ${publicStatement} }]
  })
}

data "aws_iam_policy_document" "pull" {
  statement {
    sid     = "Pull"
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_ecr_repository_creation_template" "document" {
  prefix            = "document"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = data.aws_iam_policy_document.pull.json
}

resource "aws_ecr_repository_creation_template" "object" {
  prefix            = "object"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = { Version = "2012-10-17", Statement = [{ ${publicStatement} }] }
}
`;

const cloudFormation = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Resources:
  Encoded:
    Type: AWS::ECR::RepositoryCreationTemplate
    Properties:
      Prefix: encoded
      AppliedFor: [PULL_THROUGH_CACHE]
      RepositoryPolicy:
        Fn::ToJsonString:
          Version: "2012-10-17"
          Statement:
            - { Sid: Pull, Effect: Allow, Principal: "*", Action: ecr:BatchGetImage }
  Object:
    Type: AWS::ECR::RepositoryCreationTemplate
    Properties:
      Prefix: object
      AppliedFor: [PULL_THROUGH_CACHE]
      RepositoryPolicy:
        Version: "2012-10-17"
        Statement:
          - { Sid: Pull, Effect: Allow, Principal: "*", Action: ecr:BatchGetImage }
`;

/** Terraform's JSON syntax: strings with interpolations are strings too; a JSON object is an HCL object. */
const terraformJson = JSON.stringify(
  {
    resource: {
      aws_ecr_repository_creation_template: {
        quoted: { prefix: "quoted", applied_for: ["PULL_THROUGH_CACHE"], repository_policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] }) },
        encoded: { prefix: "encoded", applied_for: ["PULL_THROUGH_CACHE"], repository_policy: '${jsonencode({Version = "2012-10-17", Statement = []})}' },
        document: { prefix: "document", applied_for: ["PULL_THROUGH_CACHE"], repository_policy: "${data.aws_iam_policy_document.pull.json}" },
        variable: { prefix: "variable", applied_for: ["PULL_THROUGH_CACHE"], repository_policy: "${var.policy}" },
        object: { prefix: "object", applied_for: ["PULL_THROUGH_CACHE"], repository_policy: { Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] } },
      },
    },
    data: { aws_iam_policy_document: { pull: { statement: { sid: "Pull", actions: ["ecr:BatchGetImage"], principals: { type: "*", identifiers: ["*"] } } } } },
  },
  null,
  2,
);

interface Finding {
  ruleId: string | null;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  message: string;
}

const located = (m: Finding) => ({ ruleId: m.ruleId, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message });

async function findingsByFile(bin: string, cwd: string, files: string[]): Promise<Record<string, Finding[]>> {
  const run = await runNode([bin, "-f", "json", ...files], { cwd });
  expect(run.stderr).toBe("");
  const results = JSON.parse(run.stdout) as { filePath: string; messages: Finding[] }[];
  return Object.fromEntries(results.map((r) => [relative(cwd, r.filePath), r.messages.map(located)]));
}

async function findings(bin: string, cwd: string, file: string): Promise<Finding[]> {
  return (await findingsByFile(bin, cwd, [file]))[file]!;
}

/** Each host's file, the line that starts each policy it writes (in order), and the line of the one object. */
describe.each([
  ["Terraform", "main.tf", terraform, ["jsonencode(", 'type        = "*"', "repository_policy = {"], "repository_policy = {"],
  ["Terraform JSON", "main.tf.json", terraformJson, ['"quoted"', '"object"', '"type": "*"'], '"repository_policy": {'],
  ["CloudFormation YAML", "stack.yaml", cloudFormation, ["Fn::ToJsonString", "Object:"], "Version", "Object:"],
])("a creation template's policy in %s", (_host, file, text, policies, objectNeedle, after = "") => {
  it("is a string when the host writes one, its policy linted, and reported only when it is an object: the CLI and ESLint 9 and 10 alike", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, [file]: text });
    gitInit(dir);
    writeEslintConfig(dir);
    const ours = await findings(binPath, dir, file);
    const lines = text.split("\n");
    const lineOf = (needle: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    const typeFindings = ours.filter((m) => m.ruleId === "@ecrlint/valid-repository-creation-template");
    // Only the object is not a string; the encoded forms are.
    expect(typeFindings.map((m) => m.line)).toEqual([lineOf(objectNeedle, after ? lineOf(after) : 0)]);
    expect(typeFindings[0]!.message).toMatch(/^(repository_policy|RepositoryPolicy) must be the policy written as a JSON string, as (the AWS provider|CloudFormation) takes it, not an object: /);
    // Each policy is read and linted, the encoded ones included.
    const publicLines = ours.filter((m) => m.ruleId === "@ecrlint/no-public-access").map((m) => m.line);
    expect(publicLines).toHaveLength(policies.length);
    for (const [i, needle] of policies.entries()) expect(publicLines[i]!).toBeGreaterThanOrEqual(lineOf(needle));
    for (const [name, bin] of Object.entries(eslintBins)) {
      expect({ name, findings: await findings(bin, dir, file) }).toEqual({ name, findings: ours });
    }
  });
});

describe("a creation template's policy read with file() or templatefile()", () => {
  it("is a string, and the file it reads is linted as a repository policy: the CLI and ESLint 9 and 10 alike", async () => {
    const policy = { Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] };
    const main = ["file(\"${path.module}/policies/pull.json\")", "templatefile(\"${path.module}/policies/team.json.tpl\", { team = \"a\" })"]
      .map((value, i) => `resource "aws_ecr_repository_creation_template" "t${i}" {\n  prefix            = "t${i}"\n  applied_for       = ["PULL_THROUGH_CACHE"]\n  repository_policy = ${value}\n}\n`)
      .join("\n");
    const dir = fileTree({ ".ecrlintrc.json": config, "main.tf": main, "policies/pull.json": policy, "policies/team.json.tpl": policy });
    gitInit(dir);
    writeEslintConfig(dir);
    const files = ["main.tf", "policies/pull.json", "policies/team.json.tpl"];
    const ours = await findingsByFile(binPath, dir, files);
    expect(ours["main.tf"]).toEqual([]);
    for (const file of files.slice(1)) expect({ file, rules: ours[file]!.map((m) => m.ruleId) }).toEqual({ file, rules: ["@ecrlint/no-public-access"] });
    for (const [name, bin] of Object.entries(eslintBins)) {
      expect({ name, findings: await findingsByFile(bin, dir, files) }).toEqual({ name, findings: ours });
    }
  });
});

describe("a policy in a folded YAML block scalar (>, >-, >+, under !Sub)", () => {
  const policyLines = (action: string, more = "") => [`{"Version": "2012-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow",`, `${more}"Principal": {"AWS": "arn:aws:iam::444455556666:root"},`, `"Action": ["${action}"]}]}`];
  const block = (key: string, header: string, lines: string[]) => [`      ${key}: ${header}`, ...lines.map((l) => (l === "" ? "" : `        ${l}`))].join("\n");
  const repository = (name: string, body: string) => `  ${name}:\n    Type: AWS::ECR::Repository\n    Properties:\n${body}\n`;
  const text = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    "Resources:",
    repository("Folded", block("RepositoryPolicyText", ">", policyLines("ecr:BatchGetImages"))),
    repository("Stripped", block("RepositoryPolicyText", ">-", policyLines("ecr:PutImages"))),
    // A blank line folds to a line break, a more indented line keeps its own: JSON reads both as spaces.
    repository("Kept", block("RepositoryPolicyText", ">+", [policyLines("ecr:ListImage")[0]!, "", ...policyLines("ecr:ListImage", "  ").slice(1)])),
    repository("Substituted", block("RepositoryPolicyText", "!Sub >-", policyLines("ecr:DescribeImage"))),
  ].join("\n");

  it("is linted, each finding at its place in the block, the CLI and ESLint 9 and 10 alike (it was passed over)", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "stack.yaml": text });
    gitInit(dir);
    writeEslintConfig(dir);
    const lines = text.split("\n");
    const at = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line: line + 1, column: lines[line]!.indexOf(needle) + 1 };
    };
    const expected = ["ecr:BatchGetImages", "ecr:PutImages", "ecr:ListImage", "ecr:DescribeImage"].map((action) => ({ ruleId: "@ecrlint/valid-action", ...at(`"${action}"`) }));
    const actionFindings = (all: Finding[]) => all.filter((m) => m.ruleId === "@ecrlint/valid-action").map((m) => ({ ruleId: m.ruleId, line: m.line, column: m.column }));
    expect(actionFindings(await findings(binPath, dir, "stack.yaml"))).toEqual(expected);
    for (const eslint of Object.values(eslintBins)) expect(actionFindings(await findings(eslint, dir, "stack.yaml"))).toEqual(expected);
  });
});

describe("a policy CloudFormation writes with Fn::Join of literal pieces", () => {
  const text = [
    'AWSTemplateFormatVersion: "2010-09-09"',
    "Resources:",
    "  Joined:",
    "    Type: AWS::ECR::RegistryPolicy",
    "    Properties:",
    "      PolicyText: !Join",
    '        - ""',
    `        - - '{"Version": "2012-10-17", "Statement": [{"Sid": "R", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},'`,
    `          - '"Action": ["ecr:ReplicateImages"], "Resource": ["arn:aws:ecr:us-west-2:444455556666:repository/*"]}]}'`,
    "  Referenced:",
    "    Type: AWS::ECR::RegistryPolicy",
    "    Properties:",
    `      PolicyText: !Join ["", ['{"Version": "2012-10-17", "Statement": ', !Ref Statements, ']}']]`,
    "",
  ].join("\n");

  it("is linted, its findings at the Fn::Join (its text comes from several strings), and never fixed there; one with a Ref is unknown: the CLI and ESLint 9 and 10 alike", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "stack.yaml": text });
    gitInit(dir);
    writeEslintConfig(dir);
    const expected = [{ ruleId: "@ecrlint/valid-action", line: 6, column: 19 }];
    const brief = (all: Finding[]) => all.map((m) => ({ ruleId: m.ruleId, line: m.line, column: m.column }));
    expect(brief(await findings(binPath, dir, "stack.yaml"))).toEqual(expected);
    for (const eslint of Object.values(eslintBins)) expect(brief(await findings(eslint, dir, "stack.yaml"))).toEqual(expected);
    await runNode([binPath, "--fix", "stack.yaml"], { cwd: dir });
    expect(readFileSync(join(dir, "stack.yaml"), "utf8")).toBe(text);
  });
});
