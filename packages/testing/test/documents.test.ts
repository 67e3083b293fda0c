import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluatePolicy, PolicyLoadError } from "../src/index.js";

const registry = { account: "444455556666", region: "us-west-2" };
const pull = (principal: string) => ({ Sid: "Pull", Effect: "Allow", Principal: { AWS: principal }, Action: ["ecr:BatchGetImage"] });
const repositoryResource = (principal: string) => ({ Type: "AWS::ECR::Repository", Properties: { RepositoryPolicyText: { Version: "2012-10-17", Statement: [pull(principal)] } } });

function templateFile(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-documents-")));
  const file = join(dir, "stack.json");
  writeFileSync(file, JSON.stringify({ Resources: { Web: repositoryResource("arn:aws:iam::111122223333:role/web"), Api: repositoryResource("arn:aws:iam::111122223333:role/api") } }, null, 2));
  return file;
}

describe("a file that holds several policies", () => {
  it("takes the one named by its place or its CloudFormation logical id", () => {
    const file = templateFile();
    const api = (document: string, principal: string) => evaluatePolicy(file, "ecr:BatchGetImage", { principal, registry }, { document }).decision;
    expect(api("Api", "arn:aws:iam::111122223333:role/api")).toBe("allow");
    expect(api("Api", "arn:aws:iam::111122223333:role/web")).toBe("implicit-deny");
    expect(api("Resources.Web.Properties.RepositoryPolicyText", "arn:aws:iam::111122223333:role/web")).toBe("allow");
  });

  it("never picks one silently: without a name, or with one that fits none, it is an error that lists them", () => {
    const file = templateFile();
    const error = (document?: string) => {
      try {
        evaluatePolicy(file, "ecr:BatchGetImage", { registry }, document === undefined ? {} : { document });
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(error()).toBeInstanceOf(PolicyLoadError);
    expect((error() as Error).message).toMatch(/holds 2 policies \(Resources\.Web\.Properties\.RepositoryPolicyText \(Web\), Resources\.Api\.Properties\.RepositoryPolicyText \(Api\)\); name one with --document\.$/);
    expect((error("Worker") as Error).message).toMatch(/has no policy at "Worker"; its policies: Resources\.Web/);
  });

  it("reads an absent file or policy as one without statements only when asked to", () => {
    const file = templateFile();
    expect(evaluatePolicy(file, "ecr:BatchGetImage", { registry }, { document: "Worker", absentAsEmpty: true }).decision).toBe("implicit-deny");
    expect(evaluatePolicy(join(file, "..", "gone.json"), "ecr:BatchGetImage", { registry }, { absentAsEmpty: true }).decision).toBe("implicit-deny");
    expect(() => evaluatePolicy(file, "ecr:BatchGetImage", { registry }, { text: null })).toThrow(/is not in the version asked for/);
  });
});

describe("a Terraform policy document that a resource in another file of its module reads", () => {
  it("is a policy of its own file, named by its block", () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-documents-")));
    writeFileSync(join(dir, "iam.tf"), `data "aws_iam_policy_document" "pull" {
  statement {
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:role/web"]
    }
  }
}
`);
    writeFileSync(join(dir, "ecr.tf"), `resource "aws_ecr_repository_policy" "web" {\n  repository = "web"\n  policy     = data.aws_iam_policy_document.pull.json\n}\n`);
    const decision = (principal: string) => evaluatePolicy(join(dir, "iam.tf"), "ecr:BatchGetImage", { principal, registry }).decision;
    expect(decision("arn:aws:iam::111122223333:role/web")).toBe("allow");
    expect(decision("arn:aws:iam::111122223333:role/api")).toBe("implicit-deny");
    expect(evaluatePolicy(join(dir, "iam.tf"), "ecr:BatchGetImage", { principal: "arn:aws:iam::111122223333:role/web", registry }, { document: "data.aws_iam_policy_document.pull" }).decision).toBe("allow");
  });
});
