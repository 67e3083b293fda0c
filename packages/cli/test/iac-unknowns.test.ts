import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "@ecrlint/eslint-plugin";
import { lint } from "../src/index.js";
import { describeRules } from "../src/rules-config.js";
import { fileTree, registryPolicyStack, runBin } from "./helpers.js";

/**
 * The constructs of each host that make a value unknown. Each stands in a place where a wrong hard-coded value is
 * an error (the principal, the Resource ARN, a condition value); an unknown value is never judged, so with every
 * rule on no file has a finding.
 */
const YAML_UNKNOWNS = [
  "!Ref Reader",
  "!GetAtt Role.Arn",
  '{ "Fn::GetAtt": [Role, Arn] }',
  "!ImportValue shared-reader-arn",
  "!If [IsProd, !Ref Reader, !Ref Writer]",
  "!Select [0, !Ref Readers]",
  "!FindInMap [Accounts, !Ref Stage, Reader]",
  '!Join ["", ["arn:aws:iam::", !Ref Account, ":root"]]',
  '!Sub "arn:aws:iam::${Account}:root"',
  "{ Ref: Reader }",
];

const TERRAFORM_UNKNOWNS = [
  "var.reader",
  "local.reader",
  "module.ci.role_arn",
  "aws_iam_role.ci.arn",
  "aws_iam_role.ci[0].arn",
  "each.value",
  'format("arn:aws:iam::%s:root", var.account)',
  'var.prod ? "a" : "b"',
  "[for a in var.accounts : a][0]",
  '"arn:aws:iam::${var.account}:root"',
  '"%{if var.prod}a%{else}b%{endif}"',
  'lookup(var.map, "k")',
  "try(var.reader, null)",
];

const yaml = (u: string) => registryPolicyStack(`          - Sid: Pull
            Effect: Allow
            Principal: { AWS: ${u} }
            Action: [ecr:BatchGetImage]
            Resource: ${u}
            Condition: { StringEquals: { "aws:PrincipalOrgID": ${u} } }
`, "Parameters:\n  Reader: { Type: String }\n");

const terraform = (u: string) => `variable "reader" {
  default = "arn:aws:iam::111122223333:*"
}

resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Pull"
      Effect    = "Allow"
      Principal = { AWS = ${u} }
      Action    = ["ecr:BatchGetImage"]
      Resource  = ${u}
      Condition = { StringEquals = { "aws:PrincipalOrgID" = ${u} } }
    }]
  })
}
`;

/** A policy document with a partial account wildcard, which is an error wherever the document is known. */
const policyDocument = (name: string, extra = "") => `data "aws_iam_policy_document" "${name}" {${extra}
  statement {
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:us-west-2:444455556666:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:*"]
    }
  }
}
`;

/**
 * References to `data "aws_iam_policy_document"` blocks whose policy is unknown: the module's data blocks (in
 * iam.tf), the reference of the registry policy (in ecr.tf), and a third file of the module when given.
 */
const POLICY_DOCUMENT_UNKNOWNS: [string, string, string?][] = [
  // Merged from a document of another file (its statements cannot be reported in this one), a missing one, or a list
  // that is not written out.
  [`data "aws_iam_policy_document" "x" {\n  source_policy_documents = [data.aws_iam_policy_document.base.json]\n}\n`, "data.aws_iam_policy_document.x.json", policyDocument("base")],
  [`${policyDocument("x")}\ndata "aws_iam_policy_document" "y" {\n  override_policy_documents = [data.aws_iam_policy_document.x.json, data.aws_iam_policy_document.missing.json]\n}\n`, "data.aws_iam_policy_document.y.json"],
  [`${policyDocument("x")}\ndata "aws_iam_policy_document" "y" {\n  source_policy_documents = concat([data.aws_iam_policy_document.x.json], var.extra)\n}\n`, "data.aws_iam_policy_document.y.json"],
  [`data "aws_iam_policy_document" "x" {\n  source_policy_documents = [data.aws_iam_policy_document.y.json]\n}\n\ndata "aws_iam_policy_document" "y" {\n  source_policy_documents = [data.aws_iam_policy_document.x.json]\n}\n`, "data.aws_iam_policy_document.x.json"],
  [policyDocument("x").replace("statement {", "statement {\n    sid = var.sid"), "data.aws_iam_policy_document.x.json"],
  [policyDocument("x", "\n  source_json = var.base"), "data.aws_iam_policy_document.x.json"],
  [policyDocument("x", "\n  override_json = data.aws_iam_policy_document.y.json"), "data.aws_iam_policy_document.x.json"],
  [policyDocument("x", '\n  dynamic "statement" {\n    for_each = var.statements\n    content {\n      actions = statement.value\n    }\n  }'), "data.aws_iam_policy_document.x.json"],
  [policyDocument("x"), "data.aws_iam_policy_document.missing.json"],
  [policyDocument("x"), "data.aws_iam_policy_document.x[0].json"],
  [policyDocument("x", "\n  count = 1"), "data.aws_iam_policy_document.x.json"],
  [policyDocument("x", "\n  count = 1"), "data.aws_iam_policy_document.x[var.i].json"],
  [policyDocument("x"), "data.aws_iam_policy_document.x.id"],
  [policyDocument("x"), "jsonencode(jsondecode(data.aws_iam_policy_document.x.json))"],
  [policyDocument("x"), "var.prod ? data.aws_iam_policy_document.x.json : null"],
  [policyDocument("x"), "module.policies.x.json"],
];

/**
 * Terraform expressions that are not literals, each in every place of a `jsonencode` policy: Terraform computes
 * them, so each is an unknown value of whatever type its place wants (a statement list, a statement, a principal,
 * a condition block, a string, a list of strings, a key).
 */
const TERRAFORM_EXPRESSIONS = [
  "var.x",
  "local.x.y",
  "module.m.x",
  "aws_iam_role.r.arn",
  '"${var.x}"',
  "[for a in var.l : a]",
  "{ for k, v in var.m : k => v }",
  "merge(var.a, var.b)",
  "concat(var.a, var.b)",
  "var.c ? var.a : var.b",
  "var.l[*].x",
  "var.l[0]",
  'var.m["k"]',
];
const TERRAFORM_PLACES: Record<string, (u: string) => string> = {
  Statement: (u) => `Statement = ${u}`,
  statement: (u) => `Statement = [${u}, { Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  Principal: (u) => `Statement = [{ Effect = "Allow", Principal = ${u}, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  "principal values": (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = ${u} }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  Condition: (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*", Condition = ${u} }]`,
  "condition block": (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*", Condition = { StringEquals = ${u} } }]`,
  "condition values": (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*", Condition = { StringEquals = { "aws:PrincipalOrgID" = ${u} } } }]`,
  Effect: (u) => `Statement = [{ Effect = ${u}, Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  Action: (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ${u}, Resource = "*" }]`,
  Resource: (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = ${u} }]`,
  Version: (u) => `Version = ${u}, Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  "policy key": (u) => `(${u}) = [{ Effect = "Allow", Principal = "*", Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  "statement key": (u) => `Statement = [{ (${u}) = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  "principal key": (u) => `Statement = [{ Effect = "Allow", Principal = { (${u}) = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*" }]`,
  "condition operator": (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*", Condition = { (${u}) = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } } }]`,
  "condition key": (u) => `Statement = [{ Effect = "Allow", Principal = { AWS = "111122223333" }, Action = ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource = "*", Condition = { StringEquals = { (${u}) = "o-a1b2c3d4e5" } } }]`,
};
const placed = (place: string, u: string) => `resource "aws_ecr_registry_policy" "p" {\n  policy = jsonencode({ ${place.startsWith("Version") ? "" : 'Version = "2012-10-17", '}${place} })\n}\n`;

/** The same places in a `data "aws_iam_policy_document"` block, for the constructs that fit them. */
const PRINCIPALS = `\n    principals {\n      type = "AWS"\n      identifiers = ["111122223333"]\n    }`;
const DOCUMENT_PLACES: Record<string, (u: string) => string> = {
  effect: (u) => `effect = ${u}\n    actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ["*"]${PRINCIPALS}`,
  actions: (u) => `actions = ${u}\n    resources = ["*"]${PRINCIPALS}`,
  resources: (u) => `actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ${u}${PRINCIPALS}`,
  "principals type": (u) => `actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ["*"]\n    principals {\n      type = ${u}\n      identifiers = ["111122223333"]\n    }`,
  "principals identifiers": (u) => `actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ["*"]\n    principals {\n      type = "AWS"\n      identifiers = ${u}\n    }`,
  "condition test": (u) => `actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ["*"]\n    principals {\n      type = "AWS"\n      identifiers = ["111122223333"]\n    }\n    condition {\n      test = ${u}\n      variable = "aws:PrincipalOrgID"\n      values = ["o-a1b2c3d4e5"]\n    }`,
  "condition variable": (u) => `actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ["*"]\n    principals {\n      type = "AWS"\n      identifiers = ["111122223333"]\n    }\n    condition {\n      test = "StringEquals"\n      variable = ${u}\n      values = ["o-a1b2c3d4e5"]\n    }`,
  "condition values": (u) => `actions = ["ecr:CreateRepository", "ecr:ReplicateImage"]\n    resources = ["*"]\n    principals {\n      type = "AWS"\n      identifiers = ["111122223333"]\n    }\n    condition {\n      test = "StringEquals"\n      variable = "aws:PrincipalOrgID"\n      values = ${u}\n    }`,
};
const documentPlaced = (place: string) => `resource "aws_ecr_registry_policy" "p" {\n  policy = data.aws_iam_policy_document.p.json\n}\n\ndata "aws_iam_policy_document" "p" {\n  statement {\n    ${place}\n  }\n}\n`;

/** Interpolations inside JSON written as a string: a heredoc, a quoted string, and Terraform's JSON syntax. */
const interpolatedJson = (u: string) => `{"Version": "2012-10-17", "Statement": [{"Sid": "Pull", "Effect": "Allow", "Principal": {"AWS": "${u}"}, "Action": "ecr:BatchGetImage", "Resource": "arn:aws:ecr:${u}:444455556666:repository/*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "${u}"}}}]}`;
const INTERPOLATIONS = ["${var.account}", "${local.region}", "%{if var.prod}us-east-1%{endif}", "${jsonencode(var.x)}"];

describe("unknown values", () => {
  it("never produce an error, in any host, whatever makes them unknown", async () => {
    const files: Record<string, string> = {
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }),
    };
    YAML_UNKNOWNS.forEach((u, i) => (files[`yaml/${i}.yaml`] = yaml(u)));
    TERRAFORM_UNKNOWNS.forEach((u, i) => (files[`tf/${i}.tf`] = terraform(u)));
    INTERPOLATIONS.forEach((u, i) => {
      const json = interpolatedJson(u);
      files[`heredoc/${i}.tf`] = `resource "aws_ecr_registry_policy" "h" {\n  policy = <<-EOT\n    ${json}\n  EOT\n}\n`;
      files[`quoted/${i}.tf`] = `resource "aws_ecr_registry_policy" "q" {\n  policy = ${JSON.stringify(json)}\n}\n`;
      files[`json/${i}.tf.json`] = JSON.stringify({ resource: { aws_ecr_registry_policy: { j: { policy: json } } } }, null, 2);
    });
    const dir = fileTree(files);
    const rules = Object.fromEntries(Object.keys(describeRules()).map((id) => [id.slice("@ecrlint/".length), "error" as const]));
    const report = await lint({ cwd: dir, patterns: ["."], rules, reportUnusedDisableDirectives: "off" });
    const linted = report.results.map((r) => r.filePath).sort();
    expect(linted).toEqual(Object.keys(files).filter((f) => f !== ".ecrlintrc.json").map((f) => join(dir, f)).sort());
    const findings = report.results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`));
    expect(findings).toEqual([]);
    // ESLint with every rule on reads the same files and finds nothing either.
    const all = Object.fromEntries(Object.keys(describeRules()).map((id) => [id, "error" as const]));
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...(plugin.configs.recommended as Linter.Config[]), { rules: all }] });
    const results = await eslint.lintFiles(["."]);
    expect(results.map((r) => r.filePath).filter((f) => !f.endsWith(".ecrlintrc.json")).sort()).toEqual(linted);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`))).toEqual([]);
  });

  it("are every Terraform expression that is not a literal, in every place of a policy, in both front ends", async () => {
    const files: Record<string, string> = { ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }) };
    const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, "-");
    for (const [name, place] of Object.entries(TERRAFORM_PLACES)) TERRAFORM_EXPRESSIONS.forEach((u, i) => (files[`jsonencode/${slug(name)}/${i}.tf`] = placed(place(u), u)));
    for (const [name, place] of Object.entries(DOCUMENT_PLACES)) TERRAFORM_EXPRESSIONS.forEach((u, i) => (files[`document/${slug(name)}/${i}.tf`] = documentPlaced(place(u))));
    // Known, for contrast: each place with a wrong literal is judged, so the places above are really read.
    files["known/principal.tf"] = placed(TERRAFORM_PLACES.Principal!('"arn:aws:iam::111122223333:*"'), "");
    files["known/operator.tf"] = placed(TERRAFORM_PLACES["condition operator"]!('"StringEqualz"'), "");
    files["known/document.tf"] = documentPlaced(DOCUMENT_PLACES["principals type"]!('"AWZ"'));
    const dir = fileTree(files);
    const all = Object.fromEntries(Object.keys(describeRules()).map((id) => [id, "error" as const]));
    const shown = (results: { filePath: string; messages: { line: number; column: number; ruleId: string | null; message: string }[] }[]) =>
      results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`)).sort();
    const report = await lint({ cwd: dir, patterns: ["."], rules: Object.fromEntries(Object.keys(all).map((id) => [id.slice("@ecrlint/".length), "error" as const])), reportUnusedDisableDirectives: "off" });
    expect(report.results).toHaveLength(Object.keys(files).length - 1);
    const runner = shown(report.results);
    expect(runner.map((f) => f.replace(/(@ecrlint\/[\w-]+) .*/, "$1"))).toEqual([
      "known/document.tf:10:14 @ecrlint/valid-principal",
      // A condition with an unknown operator never holds, so the grant it guards is not there.
      "known/operator.tf:2:130 @ecrlint/require-replicate-image",
      "known/operator.tf:2:208 @ecrlint/valid-condition",
      "known/principal.tf:2:94 @ecrlint/valid-policy",
    ]);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...(plugin.configs.recommended as Linter.Config[]), { rules: all }] });
    expect(shown(await eslint.lintFiles(["."]))).toEqual(runner);
  });

  it("never produce an error from a policy document of the module, whatever makes it unknown", async () => {
    const files: Record<string, string> = { ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }) };
    POLICY_DOCUMENT_UNKNOWNS.forEach(([data, reference, other], i) => {
      files[`docs/${i}/iam.tf`] = data;
      if (other) files[`docs/${i}/base.tf`] = other;
      files[`docs/${i}/ecr.tf`] = `resource "aws_ecr_registry_policy" "this" {\n  policy = ${reference}\n}\n`;
    });
    // Known, for contrast: the same document read by its name is judged.
    files["known/iam.tf"] = policyDocument("x");
    files["known/ecr.tf"] = `resource "aws_ecr_registry_policy" "this" {\n  policy = data.aws_iam_policy_document.x.json\n}\n`;
    const dir = fileTree(files);
    const all = Object.fromEntries(Object.keys(describeRules()).map((id) => [id, "error" as const]));
    const shown = (results: { filePath: string; messages: { line: number; ruleId: string | null }[] }[]) => results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line} ${m.ruleId}`));
    const runner = shown((await lint({ cwd: dir, patterns: ["."], rules: Object.fromEntries(Object.keys(all).map((id) => [id.slice("@ecrlint/".length), "error" as const])), reportUnusedDisableDirectives: "off" })).results);
    expect(runner).toEqual(["known/iam.tf:7 @ecrlint/valid-principal"]);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...(plugin.configs.recommended as Linter.Config[]), { rules: all }] });
    expect(shown(await eslint.lintFiles(["."]))).toEqual(runner);
  });

  it("silence only the findings they could change: a reader granted by an unknown principal leaves the missing replication grant reported", async () => {
    const replication = (reader: string) => `resource "aws_ecr_registry_policy" "this" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Readers"
        Effect    = "Allow"
        Principal = { AWS = ${reader} }
        Action    = "ecr:BatchGetImage"
        Resource  = "arn:aws:ecr:us-west-2:444455556666:repository/*"
      },
      {
        Sid       = "Replication"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = ["ecr:CreateRepository"]
        Resource  = "arn:aws:ecr:us-west-2:444455556666:repository/*"
      }
    ]
  })
}
`;
    const stack = (reader: string, actions = "[ecr:BatchGetImage]") =>
      registryPolicyStack(`          - Sid: Readers
            Effect: Allow
            Principal: { AWS: ${reader} }
            Action: ${actions}
            Resource: arn:aws:ecr:us-west-2:444455556666:repository/*
          - Sid: Replication
            Effect: Allow
            Principal: { AWS: arn:aws:iam::111122223333:root }
            Action: [ecr:CreateRepository]
            Resource: arn:aws:ecr:us-west-2:444455556666:repository/*
`, "Parameters:\n  Reader: { Type: String }\n");
    const files: Record<string, string> = {
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }),
      "reader.tf": replication("var.reader"),
      "reader-local.tf": replication("local.readers"),
      "import.yaml": stack("!ImportValue shared-reader-arn"),
      "ref.yaml": stack("!Ref Reader"),
      // The unknown principal may be the source account itself: nothing is certain, nothing is said.
      "replicator.yaml": stack("!Ref Reader", "[ecr:ReplicateImage]"),
      "any-action.yaml": stack("!Ref Reader", '"ecr:*"'),
    };
    const dir = fileTree(files);
    const expected = ["import.yaml", "reader-local.tf", "reader.tf", "ref.yaml"].map((f) => `${f} @ecrlint/require-replicate-image`);
    const shown = (results: { filePath: string; messages: { ruleId: string | null }[] }[]) => results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.ruleId}`)).sort();
    const cli = await runBin(["-f", "json", "."], { cwd: dir });
    expect(cli.code).toBe(1);
    expect(shown(JSON.parse(cli.stdout))).toEqual(expected);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    expect(shown(await eslint.lintFiles(["."]))).toEqual(expected);
  });
});
