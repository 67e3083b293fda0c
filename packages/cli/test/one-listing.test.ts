import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, fileTree, gitInit, listings, runNode, tempDir } from "./helpers.js";

const policy = (account: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "ecr:BatchGetImage" }] });

const replicationGrant = (account: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "Replicate", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: "arn:aws:ecr:eu-west-2:666677778888:repository/*" }],
  });

const readsPolicy = 'resource "aws_ecr_repository_policy" "p" {\n  repository = "r"\n  policy     = file("${path.module}/../shared/policy.json")\n}\n';

/** A repository with nested configs, Terraform reading a file of another folder, and a .tf file in a git-ignored folder. */
function repository(): string {
  const files: Record<string, unknown> = {
    ".ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] },
    ".gitignore": "build/\n",
    "infra/main.tf": readsPolicy,
    "shared/policy.json": policy("111122223333"),
    // JSON that is not ours, as most of a monorepo's is.
    "infra/tsconfig.json": { compilerOptions: { strict: true } },
    "build/main.tf": readsPolicy,
    "team/.config/ecrlintrc.json": { registries: [{ files: ["**"], account: "555566667777", region: "eu-west-1" }] },
    "other/ecrlint.config.json": { registries: [{ files: ["**"], account: "666677778888", region: "eu-west-2" }] },
    "other/package.json": { name: "other" },
  };
  for (let i = 0; i < 12; i++) files[`team/app-${i}/deep/repository-policy.json`] = policy(String(100000000000 + i));
  // A replication rule and registry policies that grant it: files with facts for a cross-file rule.
  files["source/replication-configuration.json"] = { rules: [{ destinations: [{ region: "eu-west-2", registryId: "666677778888" }] }] };
  for (let i = 0; i < 6; i++) files[`other/svc-${i}/registry-policy.json`] = replicationGrant(String(200000000000 + i));
  const dir = fileTree(files, "ecrlint-listing-");
  gitInit(dir);
  return dir;
}

const repeated = (counts: Map<string, number> | undefined) => [...(counts ?? [])].filter(([, n]) => n > 1);

describe("one listing of the tree per run", () => {
  it.each([
    ["in one thread", { ECRLINT_WORKERS: "0" }],
    ["with workers", { ECRLINT_WORKERS: "2" }],
  ])("lists each folder once %s, reads each JSON file once, and a worker lists none the main thread listed", async (_name, env) => {
    const dir = repository();
    const { run, byThread, opened } = await listings(dir, ["--format", "stylish", "."], env);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("source/replication-configuration.json");
    const main = byThread.get("0");
    expect(main?.has(dir)).toBe(true);
    expect(main?.has(join(dir, "team/.config"))).toBe(true);
    // The git-ignored folder is not linted, but its Terraform is read for the files it reads.
    expect(main?.has(join(dir, "build"))).toBe(true);
    expect(repeated(main)).toEqual([]);
    // Nor is a policy file read twice (stylish needs no source text): the run walked the whole project, so the rest
    // of it, which cross-file rules read, has been read already.
    for (const file of ["team/app-11/deep/repository-policy.json", "shared/policy.json", "other/svc-0/registry-policy.json", "infra/tsconfig.json", "other/package.json"]) expect(opened.get(join(dir, file))).toBe(1);
    expect(repeated(opened)).toEqual([]);
    const workers = [...byThread].filter(([thread]) => thread !== "0");
    expect(workers).toHaveLength(Number(env.ECRLINT_WORKERS));
    for (const [, counts] of workers) expect([...counts.keys()].filter((folder) => folder.startsWith(dir))).toEqual([]);
  });

  it("lists each folder once when files are named and the rest of the project is read, and on a warm cache", async () => {
    const dir = repository();
    const cache = join(tempDir("ecrlint-cache-"), "cache");
    const named = ["--format", "json", "--cache", "--cache-location", cache, "team/app-3", "infra/main.tf"];
    for (const round of ["cold", "warm"]) {
      const { run, byThread } = await listings(dir, named, { ECRLINT_WORKERS: "0" });
      expect({ round, stderr: run.stderr }).toEqual({ round, stderr: "" });
      expect(run.stdout).toContain("app-3");
      expect({ round, repeated: repeated(byThread.get("0")) }).toEqual({ round, repeated: [] });
    }
  });

  it("a warm run sees the tree as it is now: an added file and folder, a removed file, configs added among cached files, a look-alike", async () => {
    const dir = repository();
    const cache = join(tempDir("ecrlint-cache-"), "cache");
    const warm = ["--format", "json", "--cache", "--cache-location", cache, "."];
    const report = async (args: string[]) => (await runNode([binPath, ...args], { cwd: dir, env: { ECRLINT_WORKERS: "0" } })).stdout.replaceAll(dir, "<dir>");
    await report(warm);
    mkdirSync(join(dir, "team/app-new"));
    writeFileSync(join(dir, "team/app-new/repository-policy.json"), policy("*"));
    rmSync(join(dir, "team/app-0/deep/repository-policy.json"));
    // A config in a folder of cached files: they are governed by it from now on (here, ignored).
    writeFileSync(join(dir, "team/app-1/.ecrlintrc.json"), JSON.stringify({ ignores: ["**"] }));
    // A package.json that takes an ecrlint key, and a look-alike config the run must reject.
    writeFileSync(join(dir, "other/svc-2/package.json"), JSON.stringify({ name: "svc-2", ecrlint: { registries: [{ files: ["**"], account: "123412341234", region: "sa-east-1" }] } }));
    const after = await report(warm);
    expect(after).toBe(await report(["--format", "json", "."]));
    expect(after).toContain("app-new/repository-policy.json");
    expect(after).not.toContain("app-0/deep");
    expect(after).not.toContain("app-1/deep");
    expect(after).toContain("app-2/deep");
    expect(after).toContain('registry\'s Region \\"sa-east-1\\"');
    writeFileSync(join(dir, "team/ecrlint.yaml"), "rules: {}\n");
    const rejected = await runNode([binPath, ...warm], { cwd: dir, env: { ECRLINT_WORKERS: "0" } });
    expect(rejected.stderr).toMatch(/ecrlint\.yaml: ecrlint does not read this file/);
    expect(rejected.code).toBe(2);
  });
});
