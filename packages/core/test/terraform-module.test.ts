import { beforeAll, describe, expect, it } from "vitest";
import { loadTerraformParser, policyDocumentName, readEcrFile, terraformModuleFacts } from "../src/index.js";

beforeAll(async () => {
  await loadTerraformParser();
});

describe("references to a policy document", () => {
  it.each([
    ["${data.aws_iam_policy_document.x.json}", { name: "x", instance: false }],
    ["${data.aws_iam_policy_document.x.minified_json}", { name: "x", instance: false }],
    ["${ data.aws_iam_policy_document.x-y.json }", { name: "x-y", instance: false }],
    ["${data.aws_iam_policy_document.x[0].json}", { name: "x", instance: true }],
    ['${data.aws_iam_policy_document.x["a"].json}', { name: "x", instance: true }],
    ["${data.aws_iam_policy_document.x[var.i].json}", undefined],
    ["${data.aws_iam_policy_document.x.id}", undefined],
    ["${data.aws_iam_policy_document.x.json}${var.y}", undefined],
    ["${jsonencode(data.aws_iam_policy_document.x.json)}", undefined],
    ["data.aws_iam_policy_document.x.json", undefined],
    [42, undefined],
  ])("%s names %o", (value, expected) => {
    expect(policyDocumentName(value)).toEqual(expected);
  });
});

describe("the module facts of a Terraform file", () => {
  const ecr = `data "aws_iam_policy_document" "own" {}

resource "aws_ecr_registry_policy" "a" {
  policy = data.aws_iam_policy_document.own.json
}

resource "aws_ecr_repository_policy" "b" {
  repository = "b"
  policy     = data.aws_iam_policy_document.shared.json
}

resource "aws_ecr_repository_creation_template" "c" {
  prefix            = "c"
  applied_for       = ["PULL_THROUGH_CACHE"]
  repository_policy = data.aws_iam_policy_document.shared.minified_json
}

resource "aws_iam_role_policy" "not_ecr" {
  policy = data.aws_iam_policy_document.shared.json
}
`;

  it("list the documents a file's ECR resources read from other files, and the documents it defines", () => {
    expect(terraformModuleFacts(ecr, "infra/ecr.tf")).toEqual({
      uses: [
        { data: "shared", instance: false, resource: "aws_ecr_repository_policy.b", argument: "policy", kind: "repository-policy", file: "ecr.tf" },
        { data: "shared", instance: false, resource: "aws_ecr_repository_creation_template.c", argument: "repository_policy", kind: "repository-policy", file: "ecr.tf" },
      ],
      documents: ["own"],
    });
  });

  it("read .tf.json files too, and give nothing for text that names no policy document or does not parse", () => {
    const json = JSON.stringify({ resource: { aws_ecr_registry_policy: { a: { policy: "${data.aws_iam_policy_document.x.json}" } } }, data: { aws_iam_policy_document: { y: {} } } });
    expect(terraformModuleFacts(json, "infra/main.tf.json")).toEqual({ uses: [{ data: "x", instance: false, resource: "aws_ecr_registry_policy.a", argument: "policy", kind: "registry-policy", file: "main.tf.json" }], documents: ["y"] });
    expect(terraformModuleFacts('resource "aws_ecr_registry_policy" "a" {\n  policy = {{ broken', "x.tf")).toEqual({ uses: [], documents: [] });
    // Text that does not parse gives nothing here; the run reports it as that file's parsing error.
    expect(terraformModuleFacts('resource "aws_ecr_registry_policy" "a" {\n  policy = data.aws_iam_policy_document.x.json {{', "x.tf")).toEqual({ uses: [], documents: [] });
    expect(terraformModuleFacts('{ "data": { "aws_iam_policy_document": ', "x.tf.json")).toEqual({ uses: [], documents: [] });
  });

  it("make a file of documents ours only for the uses given, and never a parse error of a file that is not", () => {
    const data = 'data "aws_iam_policy_document" "shared" {\n  statement {\n    actions = ["ecr:BatchGetImage"]\n  }\n}\n';
    expect(readEcrFile(data, { filePath: "iam.tf" }).status).toBe("not-ours");
    const uses = terraformModuleFacts(ecr, "ecr.tf").uses;
    const reading = readEcrFile(data, { filePath: "iam.tf", terraformUses: uses });
    expect(reading.status === "ours" && reading.documents.map((d) => [d.kind, d.host.path, d.decision.why])).toEqual([
      ["repository-policy", "data.aws_iam_policy_document.shared", 'the policy of aws_ecr_repository_policy "b" in ecr.tf'],
    ]);
  });
});
