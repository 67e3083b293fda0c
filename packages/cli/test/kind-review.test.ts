import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileTree, runBin } from "./helpers.js";

/** A review of file kinds and the unknown-registry notice: what a new user's files met, run through the real binary. */
const tree = (files: Record<string, unknown>) => fileTree(files);

interface Result {
  filePath: string;
  messages: { ruleId: string; message: string; line: number; column: number }[];
}
const resultsOf = (stdout: string) => JSON.parse(stdout) as Result[];

describe("a misspelled Principal never makes a resource policy an identity policy", () => {
  const pull = (key: string, extra: Record<string, unknown> = {}) => ({
    Version: "2008-10-17",
    Statement: [{ Sid: "Pull", Effect: "Allow", [key]: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage"], ...extra }],
  });

  it.each(["principal", "Principals", "principals", "NotPrincipals"])("repo-policy.json with %s and no Resource is linted, and valid-policy names the key", async (key) => {
    const dir = tree({ "repo-policy.json": pull(key) });
    const r = await runBin(["--format", "json"], { cwd: dir });
    const [result] = resultsOf(r.stdout);
    expect(result?.filePath).toBe(join(dir, "repo-policy.json"));
    const unknown = result!.messages.find((m) => m.message.startsWith(`Unknown key "${key}"`));
    expect(unknown).toMatchObject({ ruleId: "@ecrlint/valid-policy", line: 7, column: 7 });
    expect(unknown!.message).toContain(key.startsWith("Not") ? '(did you mean "NotPrincipal"?)' : '(did you mean "Principal"?)');
    expect(r.code).toBe(1);
  });

  it("a registry policy with a lowercase principal and a Resource is linted as a registry policy", async () => {
    const dir = tree({ "ecr-policy.json": pull("principal", { Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }) });
    const printed = JSON.parse((await runBin(["--print-config", "ecr-policy.json"], { cwd: dir })).stdout) as { kind: { kind: string } };
    expect(printed.kind.kind).toBe("registry-policy");
  });
});

const registryPolicy = (resource: string) => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "Replicate", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: resource }],
});

describe("folder names: a date stamp is not an account", () => {
  it("snapshots-202406011230/ names no account: the file has no known registry, and init proposes none from the folder", async () => {
    const dir = tree({ "snapshots-202406011230/registry-policy.json": registryPolicy("arn:aws:ecr:us-west-2:444455556666:repository/*") });
    const r = await runBin([], { cwd: dir });
    expect(r.stderr).toContain("1 policy file has no known registry");
    const printed = JSON.parse((await runBin(["--print-config", "snapshots-202406011230/registry-policy.json"], { cwd: dir })).stdout) as { registry: { source: string; account?: string } };
    expect(printed.registry).toMatchObject({ source: "unknown" });
    expect((await runBin(["init", "--yes"], { cwd: dir })).code).toBe(0);
    const written = readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8");
    expect(written).not.toMatch(/"account": "202406011230"/);
    expect(written).toContain('"account": "444455556666"');
  });
});

describe("the unknown-registry notice proposes the files' own values, in the config that exists", () => {
  const entryIn = (stderr: string) => JSON.parse(/\{"registries": \[.*?\]\}/.exec(stderr)![0]) as { registries: Record<string, unknown>[] };

  it("proposes the account and Region the files' ARNs agree on, never a fixed example", async () => {
    const dir = tree({
      "infra/prod/registry-policy.json": registryPolicy("arn:aws:ecr:eu-central-1:777788889999:repository/*"),
      "infra/dev/registry-policy.json": registryPolicy("arn:aws:ecr:eu-central-1:777788889999:repository/app-*"),
    });
    const r = await runBin([], { cwd: dir });
    expect(r.stderr).toContain("2 policy files have no known registry");
    expect(r.stderr).not.toContain("111122223333");
    expect(entryIn(r.stderr)).toEqual({ registries: [{ files: ["infra/**"], account: "777788889999", region: "eu-central-1" }] });
    expect(r.stderr).toContain("Declare it in an ecrlint config (.ecrlintrc.json)");
  });

  it("when the files disagree, proposes placeholders the config schema rejects, so pasting them can never rewrite ARNs", async () => {
    const dir = tree({
      "ecrlint.config.jsonc": "// ours\n{}\n",
      "a/registry-policy.json": registryPolicy("arn:aws:ecr:us-east-1:777788889999:repository/*"),
      "b/registry-policy.json": registryPolicy("arn:aws:ecr:us-west-2:777788889998:repository/*"),
    });
    const r = await runBin([], { cwd: dir });
    expect(r.stderr).toContain("Declare it in ecrlint.config.jsonc:");
    const proposed = entryIn(r.stderr);
    expect(proposed).toEqual({ registries: [{ files: ["**"], account: "<account-id>", region: "<region>" }] });
    // Pasted as it is, the config is refused and nothing is fixed.
    writeFileSync(join(dir, "ecrlint.config.jsonc"), JSON.stringify(proposed));
    const before = readFileSync(join(dir, "a/registry-policy.json"), "utf8");
    const fixed = await runBin(["--fix"], { cwd: dir });
    expect(fixed.code).toBe(2);
    expect(fixed.stderr).toMatch(/account|region/);
    expect(readFileSync(join(dir, "a/registry-policy.json"), "utf8")).toBe(before);
  });

  it.each([
    ["a nested config", { ".ecrlintrc.json": "{}\n", "sub/.ecrlintrc.json": "{}\n" }, "sub/.ecrlintrc.json", "sub/scratch/registry-policy.json", "scratch/**"],
    ["a config in .config/, relative to the folder holding it", { "infra/.config/ecrlintrc.json": "{}\n" }, "infra/.config/ecrlintrc.json", "infra/prod/deep/registry-policy.json", "prod/deep/**"],
    // Folder names that JSON or a glob would read otherwise are written to match themselves.
    ["a folder name with a quote and a backslash", { ".ecrlintrc.json": "{}\n" }, ".ecrlintrc.json", 'quo"te\\x/registry-policy.json', 'quo\\"te[\\\\]x/**'],
    // Two quotes enclose a literal for picomatch; two backslashes in a row are a class each.
    ["a folder name with two quotes and two backslashes", { ".ecrlintrc.json": "{}\n" }, ".ecrlintrc.json", 'q"a\\\\b"/registry-policy.json', 'q\\"a[\\\\][\\\\]b\\"/**'],
    ["a folder name with glob braces and an extglob", { ".ecrlintrc.json": "{}\n" }, ".ecrlintrc.json", "{a,b}/@(x)+/registry-policy.json", "\\{a,b\\}/\\@\\(x\\)\\+/**"],
  ])("proposes files globs relative to the folder of the config it names (%s), so that the pasted entry matches", async (_name, configs, config, policy, glob) => {
    const dir = tree({ ...configs, [policy]: registryPolicy("arn:aws:ecr:eu-central-1:777788889999:repository/*") });
    const r = await runBin([], { cwd: dir });
    expect(r.stderr).toContain(`Declare it in ${config}:`);
    const proposed = entryIn(r.stderr);
    expect(proposed).toEqual({ registries: [{ files: [glob], account: "777788889999", region: "eu-central-1" }] });
    // Pasted as it is, the file has its registry.
    writeFileSync(join(dir, config), JSON.stringify(proposed));
    expect((await runBin([], { cwd: dir })).stderr).not.toContain("no known registry");
    expect(JSON.parse((await runBin(["--print-config", policy], { cwd: dir })).stdout).registry).toMatchObject({ account: "777788889999", region: "eu-central-1" });
  });

  it("files under several configs: an entry for each config, in that config, with its own files' values", async () => {
    const dir = tree({
      "a/.ecrlintrc.json": "{}\n",
      "b/.ecrlintrc.json": "{}\n",
      "a/prod/registry-policy.json": registryPolicy("arn:aws:ecr:us-west-2:777788889999:repository/*"),
      "b/registry-policy.json": registryPolicy("arn:aws:ecr:eu-central-1:777788889998:repository/*"),
    });
    const r = await runBin([], { cwd: dir });
    expect(r.stderr).toContain("2 policy files have no known registry");
    const declared = [...r.stderr.matchAll(/Declare it for (\S+) in (\S+): (\{"registries": \[.*?\]\})/g)].map((m) => [m[1], m[2], JSON.parse(m[3]!)]);
    expect(declared).toEqual([
      ["a/prod/registry-policy.json", "a/.ecrlintrc.json", { registries: [{ files: ["prod/**"], account: "777788889999", region: "us-west-2" }] }],
      ["b/registry-policy.json", "b/.ecrlintrc.json", { registries: [{ files: ["**"], account: "777788889998", region: "eu-central-1" }] }],
    ]);
    // Pasted, each where it says: every file has its registry.
    for (const [, config, proposed] of declared) writeFileSync(join(dir, config as string), JSON.stringify(proposed));
    expect((await runBin([], { cwd: dir })).stderr).not.toContain("no known registry");
  });

  it("a Region from a folder name and no account still says the account is unknown, and proposes the ARNs' account", async () => {
    const dir = tree({ "registries/prod-us-west-2/registry-policy.json": registryPolicy("arn:aws:ecr:us-west-2:777788889999:repository/*") });
    const r = await runBin([], { cwd: dir });
    expect(r.stderr).toContain("1 policy file has a Region from a folder name but no known account");
    expect(r.stderr).not.toContain("no known registry");
    expect(entryIn(r.stderr)).toEqual({ registries: [{ files: ["registries/prod-us-west-2/**"], account: "777788889999", region: "us-west-2" }] });
  });
});

describe("file names that follow both conventions", () => {
  const printKind = async (cwd: string, file: string) => (JSON.parse((await runBin(["--print-config", file], { cwd })).stdout) as { kind: Record<string, unknown> }).kind;

  it("are not settled silently: the content decides and --print-config says the name was ambiguous", async () => {
    const policy = registryPolicy("arn:aws:ecr:us-west-2:444455556666:repository/*");
    const dir = tree({ "registry-policy-for-repo-policy.json": policy, "repo-policy.registry-policy.json": policy });
    for (const file of ["registry-policy-for-repo-policy.json", "repo-policy.registry-policy.json"]) {
      expect(await printKind(dir, file)).toMatchObject({ kind: "registry-policy", reason: "content", why: expect.stringContaining(`the file name "${file}" is ambiguous`) });
    }
    // Read as a registry policy, its Resource is not reported as a repository policy's.
    const r = await runBin(["--format", "json"], { cwd: dir });
    expect(resultsOf(r.stdout).flatMap((x) => x.messages.map((m) => m.ruleId))).not.toContain("@ecrlint/no-repository-policy-resource");
  });

  it("get-repository-policy output is a repository policy whatever the file name", async () => {
    const output = { registryId: "444455556666", repositoryName: "web", policyText: JSON.stringify(registryPolicy("arn:aws:ecr:us-west-2:444455556666:repository/web")) };
    const dir = tree({ "registry-policy.json": output });
    expect(await printKind(dir, "registry-policy.json")).toMatchObject({ kind: "repository-policy", reason: "content" });
    const r = await runBin(["--format", "json"], { cwd: dir });
    expect(resultsOf(r.stdout).flatMap((x) => x.messages.map((m) => m.ruleId))).toContain("@ecrlint/no-repository-policy-resource");
  });
});
