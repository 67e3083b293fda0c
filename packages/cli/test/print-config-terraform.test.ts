import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileTree, runBin } from "./helpers.js";

/**
 * `--print-config FILE` says what a run lints the file as: a policy file that a Terraform resource reads with `file()`
 * is the kind of that resource, in the run and in what `--print-config` prints, wherever the `.tf` file is in the
 * project and whatever folder the command runs from.
 */

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };
const withResource = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage", Resource: "*" }],
};

interface Printed {
  kind: { kind: string | null; reason: string | null; why: string; documents: { kind: string; at: string; reason: string; why: string }[] };
}

async function printKind(cwd: string, file: string): Promise<Printed["kind"]> {
  const run = await runBin(["--print-config", file], { cwd });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return (JSON.parse(run.stdout) as Printed).kind;
}

async function ruleIds(cwd: string, file: string): Promise<string[]> {
  const run = await runBin(["--format", "json", file], { cwd });
  return (JSON.parse(run.stdout) as { messages: { ruleId: string | null }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId!));
}

const repositoryPolicyTf = (path: string) => `resource "aws_ecr_repository_policy" "r" {
  repository = "app"
  policy     = file("\${path.module}/${path}")
}
`;

describe("--print-config and a policy file that Terraform reads with file()", () => {
  it("gives the kind of the resource that reads it, as the run lints it, not the kind its content suggests", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "main.tf": repositoryPolicyTf("repo.json"), "repo.json": withResource });
    const kind = await printKind(dir, "repo.json");
    const why = expect.stringContaining("aws_ecr_repository_policy.r in main.tf");
    expect(kind).toEqual({ kind: "repository-policy", reason: "config", why, documents: [{ kind: "repository-policy", at: "(the whole file)", reason: "config", why }] });
    // The run lints it as that kind: a Resource in a repository policy is reported.
    expect(await ruleIds(dir, ".")).toContain("@ecrlint/no-repository-policy-resource");
    // Without the .tf file, the content decides, in both.
    const alone = fileTree({ ".ecrlintrc.json": config, "repo.json": withResource });
    expect(await printKind(alone, "repo.json")).toMatchObject({ kind: "registry-policy", reason: "content" });
    expect(await ruleIds(alone, ".")).not.toContain("@ecrlint/no-repository-policy-resource");
  });

  it("reads the .tf files of the project as the run does: of another folder too, from any folder of the project", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "infra/app/main.tf": repositoryPolicyTf("../../policies/repo.json"), "policies/repo.json": withResource });
    expect(await printKind(dir, "policies/repo.json")).toMatchObject({ kind: "repository-policy", reason: "config" });
    expect(await ruleIds(dir, "policies/repo.json")).toContain("@ecrlint/no-repository-policy-resource");
    // A run from policies/ reads the .tf files of the config's folder (the base path), outside the working
    // directory too, and --print-config says so: the resource's kind, in both.
    expect(await printKind(join(dir, "policies"), "repo.json")).toMatchObject({ kind: "repository-policy", reason: "config" });
    expect(await ruleIds(join(dir, "policies"), "repo.json")).toContain("@ecrlint/no-repository-policy-resource");
    // Where no config governs the working directory (nor a repository holds it), the project ends there: the
    // content decides, in both.
    const bare = fileTree({ "infra/app/main.tf": repositoryPolicyTf("../../policies/repo.json"), "policies/repo.json": withResource });
    expect(await printKind(join(bare, "policies"), "repo.json")).toMatchObject({ kind: "registry-policy", reason: "content" });
    expect(await ruleIds(join(bare, "policies"), "repo.json")).not.toContain("@ecrlint/no-repository-policy-resource");
  });

  it("lets the resource's kind win over the file's name, and lists each kind a file is read as", async () => {
    const registry = `resource "aws_ecr_registry_policy" "reg" {
  policy = file("\${path.module}/repo-policy.json")
}
`;
    const named = fileTree({ ".ecrlintrc.json": config, "main.tf": registry, "repo-policy.json": withResource });
    expect(await printKind(named, "repo-policy.json")).toMatchObject({ kind: "registry-policy", reason: "config", why: expect.stringContaining("aws_ecr_registry_policy.reg in main.tf") });
    const both = fileTree({ ".ecrlintrc.json": config, "main.tf": registry + repositoryPolicyTf("repo-policy.json"), "repo-policy.json": withResource });
    const kind = await printKind(both, "repo-policy.json");
    expect(kind.documents.map((d) => [d.kind, d.reason])).toEqual([
      ["registry-policy", "config"],
      ["repository-policy", "config"],
    ]);
  });
});
