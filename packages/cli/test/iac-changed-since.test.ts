import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/index.js";
import { fileTree, gitInit, policyIn } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

const terraform = `resource "aws_ecr_registry_policy" "this" {
  policy = file("\${path.module}/policies/registry.json")
}

resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = templatefile("\${path.module}/policies/app.json.tpl", {})
}

resource "aws_ecr_registry_policy" "other" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
`;

const checked = async (dir: string) => (await lint({ cwd: dir, changedSince: "HEAD" })).results.map((r) => r.filePath.slice(dir.length + 1)).sort();

/**
 * `--changed-since`: a policy file that a .tf file reads with file() or templatefile() is linted as that resource's
 * kind, so a change to either side re-checks both.
 */
describe("--changed-since with Terraform and the files it reads", () => {
  const tree = () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/main.tf": terraform,
      "infra/policies/registry.json": policyIn("us-east-1"),
      "infra/policies/app.json.tpl": policyIn("us-west-2"),
      "infra/unrelated.json": policyIn("us-west-2"),
    });
    gitInit(dir);
    return dir;
  };

  it("re-checks the .tf file that reads a changed policy file", async () => {
    const dir = tree();
    appendFileSync(join(dir, "infra/policies/registry.json"), "\n");
    expect(await checked(dir)).toEqual(["infra/main.tf", "infra/policies/registry.json"]);
  });

  it("re-checks every policy file a changed .tf file reads, a template's too", async () => {
    const dir = tree();
    appendFileSync(join(dir, "infra/main.tf"), "\n");
    expect(await checked(dir)).toEqual(["infra/main.tf", "infra/policies/app.json.tpl", "infra/policies/registry.json"]);
  });
});

const own = (name: string) => `resource "aws_ecr_repository_policy" "${name}" {\n  repository = "${name}"\n  policy     = jsonencode({ Version = "2012-10-17", Statement = [] })\n}\n`;

describe("--changed-since with a policy document in another file of the module", () => {
  const tree = () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/data.tf": `data "aws_iam_policy_document" "registry" {\n  statement {\n    actions = ["ecr:BatchGetImage"]\n  }\n}\n`,
      // ecr.tf has a document of its own, so that it has a result; other.tf is not tied to either.
      "infra/ecr.tf": `resource "aws_ecr_registry_policy" "this" {\n  policy = data.aws_iam_policy_document.registry.json\n}\n\n${own("own")}`,
      "infra/other.tf": own("other"),
    });
    gitInit(dir);
    return dir;
  };

  it.each([
    ["the resource's file when only the document's file", "infra/data.tf"],
    ["the document's file when only the resource's file", "infra/ecr.tf"],
  ])("re-checks %s changed", async (_, changed) => {
    const dir = tree();
    appendFileSync(join(dir, changed), "\n");
    expect(await checked(dir)).toEqual(["infra/data.tf", "infra/ecr.tf"]);
  });
});
