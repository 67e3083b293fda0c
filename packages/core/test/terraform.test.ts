import { beforeAll, describe, expect, it } from "vitest";
import { hostEdit, isUnknownValue, loadTerraformParser, readEcrFile, type PolicyFile, type RegistryContext } from "../src/index.js";
import { walkNodes } from "../src/embedded-json.js";

const registry: RegistryContext = { source: "config", account: "444455556666", region: "us-west-2", partition: "aws" };

beforeAll(async () => {
  await loadTerraformParser();
});

function documentsOf(text: string, options: { registry?: RegistryContext } = { registry }): PolicyFile[] {
  const reading = readEcrFile(text, { filePath: "main.tf", ...options });
  if (reading.status !== "ours") throw new Error(`expected documents, got ${reading.status}`);
  return reading.documents;
}

const registryPolicy = (statement: string) => `resource "aws_ecr_registry_policy" "this" {\n  policy = jsonencode({\n    Statement = [{\n${statement}\n    }]\n  })\n}\n`;

/** Every string of a policy document, with whether it is unknown. */
function strings(doc: PolicyFile): [string, boolean][] {
  return [...walkNodes(doc.root)].flatMap((n) => (n.type === "JSONLiteral" && typeof n.value === "string" && n !== (n as { parent?: { key?: unknown } }).parent?.key ? [[n.value, isUnknownValue(n)] as [string, boolean]] : []));
}

describe("string arguments written with jsonencode() or a policy document's .json", () => {
  const template = (policy: string) => `resource "aws_ecr_repository_creation_template" "t" {\n  prefix = "p"\n  applied_for = ["REPLICATION"]\n  repository_policy = ${policy}\n}\n`;
  const pull = 'Statement = [{ Sid = "Pull", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "ecr:BatchGetImage" }]';
  const read = (text: string) => {
    const [creation, ...policies] = documentsOf(text);
    if (creation?.kind !== "repository-creation-template") throw new Error("no creation template");
    return { repositoryPolicy: creation.template.repositoryPolicy, policies };
  };
  const sids = (doc: PolicyFile | undefined) => (doc && "policy" in doc ? doc.policy.statements.map((s) => [s.sid?.value, s.unknown]) : undefined);

  it("are strings, never judged by their text, whose encoded value is read as the policy in place", () => {
    const encoded = read(template(`jsonencode({ Version = "2012-10-17", ${pull} })`));
    expect(encoded.repositoryPolicy).toMatchObject({ unknown: true });
    expect(sids(encoded.policies[0])).toEqual([["Pull", false]]);
    expect(encoded.policies[0]!.root.loc.start).toEqual({ line: 4, column: 33 });
    // Terraform 0.11's style: a template that is one interpolation is the call itself.
    const interpolated = read(template(`"\${jsonencode({ Version = "2012-10-17", ${pull} })}"`));
    expect(interpolated.repositoryPolicy).toMatchObject({ unknown: true });
    expect(sids(interpolated.policies[0])).toEqual([["Pull", false]]);
    const data = `data "aws_iam_policy_document" "pull" {\n  statement {\n    sid = "Pull"\n    actions = ["ecr:BatchGetImage"]\n  }\n}\n`;
    const document = read(data + template("data.aws_iam_policy_document.pull.json"));
    expect(document.repositoryPolicy).toMatchObject({ unknown: true });
    expect(sids(document.policies[0])).toEqual([["Pull", false]]);
  });

  it("jsonencode() of a computed value is an unknown string with no document; of a list or a string, JSON text that holds no policy", () => {
    const computed = read(template("jsonencode(var.policy)"));
    expect(computed.repositoryPolicy).toMatchObject({ unknown: true });
    expect(computed.policies).toEqual([]);
    for (const value of ['jsonencode([{ Version = "2012-10-17" }])', 'jsonencode("{}")']) {
      const { repositoryPolicy, policies } = read(template(value));
      expect(repositoryPolicy).toMatchObject({ unknown: true });
      expect(policies.map((d) => ("policy" in d ? d.policy.problems.map((p) => p.message) : []))).toEqual([['"repositoryPolicy" must hold a policy: a JSON object with a "Statement".']]);
    }
  });

  it("an HCL object or tuple is no string: the creation template has no string policy, and the object is still read", () => {
    const object = read(template(`{ Version = "2012-10-17", ${pull} }`));
    expect(object.repositoryPolicy).toBeUndefined();
    expect(sids(object.policies[0])).toEqual([["Pull", false]]);
    expect(read(template("[]")).repositoryPolicy).toBeUndefined();
  });
});

describe("Terraform files", () => {
  it("are skipped by their text when they name no aws_ecr_ resource, before any parse", () => {
    expect(readEcrFile('resource "aws_s3_bucket" "b" {\n', { filePath: "s3.tf" }).status).toBe("not-ours");
  });

  it("resolve the Region, account and partition data sources to the registry, and nothing else", () => {
    const [doc] = documentsOf(registryPolicy('      Resource = "arn:${data.aws_partition.current.partition}:ecr:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}:repository/*"'));
    expect(strings(doc!)).toEqual([["arn:aws:ecr:us-west-2:444455556666:repository/*", false]]);
    const [unknownRegistry] = documentsOf(registryPolicy('      Resource = "arn:aws:ecr:${data.aws_region.current.name}:1:repository/*"'), {});
    expect(strings(unknownRegistry!)).toEqual([["arn:aws:ecr:${data.aws_region.current.name}:1:repository/*", true]]);
  });

  it("make every other construct an unknown value: variables (defaults included), locals, modules, resources, functions, conditionals, for", () => {
    const unknowns = [
      "var.account",
      "local.arn",
      "module.ci.role_arn",
      "aws_iam_role.ci.arn",
      'format("arn:aws:iam::%s:root", var.account)',
      'var.prod ? "a" : "b"',
      "[for a in var.accounts : a][0]",
      '"arn:aws:iam::${var.account}:root"',
      '"${local.prefix}/*"',
      'lookup(var.map, "k")',
    ];
    const text = `variable "account" {\n  default = "111122223333"\n}\n${registryPolicy(unknowns.map((u, i) => `      K${i} = ${u}`).join("\n"))}`;
    const [doc] = documentsOf(text);
    const values = strings(doc!);
    expect(values).toHaveLength(unknowns.length);
    expect(values.every(([, unknown]) => unknown)).toBe(true);
  });

  it("read heredoc and quoted JSON at their places in the file, and fix only a verbatim quoted string", () => {
    const text = 'resource "aws_ecr_repository_policy" "a" {\n  policy = "{\\"Statement\\": []}"\n}\nresource "aws_ecr_registry_policy" "b" {\n  policy = <<EOT\n{"Statement": [{"Resource": "arn:aws:ecr:us-east-1:1:repository/*"}]}\nEOT\n}\n';
    const [quoted, heredoc] = documentsOf(text);
    expect(quoted!.root.loc.start).toEqual({ line: 2, column: 12 });
    expect(heredoc!.root.loc.start).toEqual({ line: 6, column: 0 });
    const at = text.indexOf("us-east-1");
    expect(hostEdit(heredoc!, { range: [at, at + 9], text: "us-west-2" })).toBeUndefined();
    const [doc] = documentsOf(registryPolicy('      Resource = "arn:aws:ecr:us-east-1:1:repository/*"'));
    const source = registryPolicy('      Resource = "arn:aws:ecr:us-east-1:1:repository/*"');
    const region = source.indexOf("us-east-1");
    expect(hostEdit(doc!, { range: [region, region + 9], text: "us-west-2" })).toEqual({ range: [region, region + 9], text: "us-west-2" });
    expect(hostEdit(doc!, { range: [region, region + 9], text: "${x}" })).toBeUndefined();
  });
});

describe("a data \"aws_iam_policy_document\" block that several resources of the file read", () => {
  const data = 'data "aws_iam_policy_document" "pull" {\n  statement {\n    sid     = "Pull"\n    actions = ["ecr:BatchGetImage"]\n  }\n}\n';
  const reader = (type: string, name: string) => `resource "${type}" "${name}" {\n  repository = "${name}"\n  policy     = data.aws_iam_policy_document.pull.json\n}\n`;

  it("is one document per kind it is read as, so that a finding in it is reported once, not once per resource", () => {
    const sameKind = documentsOf(data + reader("aws_ecr_repository_policy", "a") + reader("aws_ecr_repository_policy", "b"));
    expect(sameKind.map((d) => [d.kind, d.host.path])).toEqual([["repository-policy", "resource.aws_ecr_repository_policy.a.policy"]]);
    const twoKinds = documentsOf(data + reader("aws_ecr_repository_policy", "a") + reader("aws_ecr_registry_policy", "r") + reader("aws_ecr_repository_policy", "b"));
    expect(twoKinds.map((d) => [d.kind, d.host.path])).toEqual([
      ["repository-policy", "resource.aws_ecr_repository_policy.a.policy"],
      ["registry-policy", "resource.aws_ecr_registry_policy.r.policy"],
    ]);
  });
});
