import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, fileTree, gitInit, listings, runBin, tempDir } from "./helpers.js";

/**
 * A run that names files (a pre-commit hook's, lint-staged's) finds its project's .tf files in git's index and in the
 * folders of the named files and above them, instead of listing every folder: the same findings wherever the .tf
 * files are tracked or near, the walk outside git or when git fails.
 */

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };
// An error as a repository policy only (a Resource), and as a registry policy only (CreateRepository without
// ecr:ReplicateImage): each finding says which kind the file was linted as.
const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "S", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage", "ecr:CreateRepository"], Resource: "arn:aws:ecr:us-west-2:444455556666:repository/zz" }] }, null, 2);
const asRepository = "@ecrlint/no-repository-policy-resource";
const asRegistry = "@ecrlint/require-replicate-image";
const reads = (type: string, path: string) => `resource "${type}" "p" {\n${type === "aws_ecr_repository_policy" ? '  repository = "r"\n' : ""}  policy = file("\${path.module}/${path}")\n}\n`;
const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe", encoding: "utf8" });

interface Shown {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

/** The rules that report on each file, by path from `dir`. */
const rulesOf = (dir: string, stdout: string) => (JSON.parse(stdout) as Shown[]).flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.ruleId ?? m.message}`)).sort();

/** A folder holding only a `git` that fails as a corrupt repository does: what a run sees where git is broken. */
function brokenGitPath(): string {
  const bin = tempDir("ecrlint-broken-git-");
  writeFileSync(join(bin, "git"), "#!/bin/sh\necho 'fatal: index file corrupt' >&2\nexit 128\n");
  chmodSync(join(bin, "git"), 0o755);
  return bin;
}

async function lintJson(dir: string, args: string[], env: Record<string, string> = {}) {
  const run = await runBin(["-f", "json", ...args], { cwd: dir, env });
  expect(run.stderr).toBe("");
  return run.stdout;
}

describe("files named in a git work tree: the project's .tf files from git's index", () => {
  // infra/app reads a file of another folder; infra/shared is what the hook names.
  const tree = (extra: Record<string, string> = {}) => {
    const dir = fileTree({ ".ecrlintrc.json": config, "infra/app/main.tf": reads("aws_ecr_repository_policy", "../shared/up.json"), "infra/shared/up.json": policy, "docs/README.md": "# docs\n", ...extra });
    gitInit(dir);
    return dir;
  };

  it("a tracked .tf file of another folder gives the named file its kind, with the walk's findings byte for byte", async () => {
    const dir = tree();
    const named = await lintJson(dir, ["infra/shared/up.json"]);
    expect(rulesOf(dir, named)).toEqual([`infra/shared/up.json ${asRepository}`]);
    // Without git on the PATH, and with a git that fails, the project is walked: the same report.
    expect(await lintJson(dir, ["infra/shared/up.json"], { PATH: tempDir("ecrlint-no-git-") })).toBe(named);
    expect(await lintJson(dir, ["infra/shared/up.json"], { PATH: brokenGitPath() })).toBe(named);
    // Standard input named as the file, and --print-config, see the same reader.
    const stdin = await runBin(["-f", "json", "--stdin", "--stdin-filename", "infra/shared/up.json"], { cwd: dir, input: policy });
    expect(rulesOf(dir, stdin.stdout)).toEqual([`infra/shared/up.json ${asRepository}`]);
    const printed = await runBin(["--print-config", "infra/shared/up.json"], { cwd: dir });
    expect(JSON.parse(printed.stdout).kind).toMatchObject({ kind: "repository-policy", reason: "config" });
  });

  it("a .tf file that is staged but not committed is seen, and so is a change to it that is not staged", async () => {
    const dir = tree();
    writeFileSync(join(dir, "infra/registry.tf"), reads("aws_ecr_registry_policy", "shared/up.json"));
    git(dir, "add", "infra/registry.tf");
    expect(rulesOf(dir, await lintJson(dir, ["infra/shared/up.json"]))).toEqual([`infra/shared/up.json ${asRepository}`, `infra/shared/up.json ${asRegistry}`]);
    // The working tree's text is read, as the walk reads it: the staged .tf file now reads another file.
    writeFileSync(join(dir, "infra/registry.tf"), reads("aws_ecr_registry_policy", "elsewhere.json"));
    expect(rulesOf(dir, await lintJson(dir, ["infra/shared/up.json"]))).toEqual([`infra/shared/up.json ${asRepository}`]);
  });

  it("sees an untracked .tf file beside the named file or in a folder above it, not one in an unrelated folder", async () => {
    const dir = tree();
    writeFileSync(join(dir, "infra/shared/beside.tf"), reads("aws_ecr_registry_policy", "up.json"));
    expect(rulesOf(dir, await lintJson(dir, ["infra/shared/up.json"]))).toEqual([`infra/shared/up.json ${asRepository}`, `infra/shared/up.json ${asRegistry}`]);
    git(dir, "rm", "-q", "--cached", "infra/app/main.tf");
    writeFileSync(join(dir, "infra/shared/beside.tf"), "");
    writeFileSync(join(dir, "infra/above.tf"), reads("aws_ecr_registry_policy", "shared/up.json"));
    // infra/app/main.tf is now untracked in a folder neither the named file's nor above it: not seen.
    expect(rulesOf(dir, await lintJson(dir, ["infra/shared/up.json"]))).toEqual([`infra/shared/up.json ${asRegistry}`]);
    // A run over the folders walks them and sees it.
    expect(rulesOf(dir, await lintJson(dir, ["infra"]))).toContain(`infra/shared/up.json ${asRepository}`);
  });

  it("passes over what the walk passes over: .tf files under node_modules and .terraform, and links", async () => {
    const dir = tree({
      "node_modules/mod/main.tf": reads("aws_ecr_registry_policy", "../../infra/shared/up.json"),
      "infra/.terraform/modules/m/main.tf": reads("aws_ecr_registry_policy", "../../../shared/up.json"),
    });
    execFileSync("ln", ["-s", "app/main.tf", join(dir, "infra/linked.tf")]);
    git(dir, "add", "-f", "node_modules", "infra/.terraform", "infra/linked.tf");
    const named = await lintJson(dir, ["infra/shared/up.json"]);
    expect(rulesOf(dir, named)).toEqual([`infra/shared/up.json ${asRepository}`]);
    expect(await lintJson(dir, ["infra/shared/up.json"], { PATH: tempDir("ecrlint-no-git-") })).toBe(named);
  });

  it("walks a project whose named file sits in a repository of its own inside it", async () => {
    // No config: the project is the working directory, in a repository that does not hold the inner one's files.
    const dir = fileTree({ "vendor/infra/app/main.tf": reads("aws_ecr_repository_policy", "../shared/up.json"), "vendor/infra/shared/up.json": policy });
    gitInit(join(dir, "vendor"));
    git(dir, "init", "-q");
    const run = await runBin(["-f", "json", "vendor/infra/shared/up.json"], { cwd: dir });
    expect(rulesOf(dir, run.stdout)).toEqual([`vendor/infra/shared/up.json ${asRepository}`]);
  });

  it("reads the .tf files of a submodule from its index", async () => {
    const sub = fileTree({ "app/main.tf": reads("aws_ecr_repository_policy", "../../infra/shared/up.json") });
    gitInit(sub);
    const dir = fileTree({ ".ecrlintrc.json": config, "infra/shared/up.json": policy });
    gitInit(dir);
    git(dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", sub, "modules");
    expect(rulesOf(dir, await lintJson(dir, ["infra/shared/up.json"]))).toEqual([`infra/shared/up.json ${asRepository}`]);
  });

  it("lists only the named file's folders, not the rest of the project", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 5; i++) files[`teams/t${i}/deep/repository-policy.json`] = policy;
    const dir = tree(files);
    const { run, byThread } = await listings(dir, ["-f", "json", "infra/shared/up.json"], { ECRLINT_WORKERS: "0" });
    expect(rulesOf(dir, run.stdout)).toEqual([`infra/shared/up.json ${asRepository}`]);
    const listed = [...(byThread.get("0")?.keys() ?? [])].filter((folder) => folder.startsWith(dir));
    expect(listed.filter((folder) => /teams|infra\/app|docs/.test(folder))).toEqual([]);
  });

  it("reads the index a pre-commit hook is given, for a project in a subfolder of the repository", async () => {
    const dir = fileTree({ "README.md": "# repo\n", "platform/.ecrlintrc.json": config, "platform/infra/shared/up.json": policy });
    gitInit(dir);
    // Staged in the commit the hook runs for, not committed before: only git's index (GIT_INDEX_FILE=.git/index,
    // relative to the top folder the hook runs in) has it among the tracked files.
    mkdirSync(join(dir, "platform/infra/app"));
    writeFileSync(join(dir, "platform/infra/app/main.tf"), reads("aws_ecr_repository_policy", "../shared/up.json"));
    git(dir, "add", "platform/infra/app/main.tf");
    const report = join(tempDir("ecrlint-hook-"), "report.json");
    writeFileSync(join(dir, ".git/hooks/pre-commit"), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" -f json -o "${report}" platform/infra/shared/up.json\n`);
    chmodSync(join(dir, ".git/hooks/pre-commit"), 0o755);
    // The findings fail the hook, so the commit is refused.
    expect(() => git(dir, "commit", "-q", "-m", "add the module")).toThrow();
    expect(rulesOf(dir, readFileSync(report, "utf8"))).toEqual([`platform/infra/shared/up.json ${asRepository}`]);
    // A GIT_DIR given relative to the top folder, as some hooks and scripts get it, means the same repository there.
    const withGitDir = await lintJson(dir, ["platform/infra/shared/up.json"], { GIT_DIR: ".git" });
    expect(rulesOf(dir, withGitDir)).toEqual([`platform/infra/shared/up.json ${asRepository}`]);
  });

  it("a hook that goes down to a subfolder of a linked worktree, with the GIT_DIR git gives it, reads the worktree's index", async () => {
    const dir = fileTree({ "README.md": "# repo\n", "infra/.ecrlintrc.json": config, "infra/shared/up.json": policy, "infra/app/main.tf": reads("aws_ecr_repository_policy", "../shared/up.json") });
    gitInit(dir);
    const worktree = join(tempDir("ecrlint-linked-"), "wt");
    git(dir, "worktree", "add", "-q", worktree);
    const infra = join(worktree, "infra");
    const expected = [`shared/up.json ${asRepository}`];
    const full = await lintJson(infra, []);
    expect(rulesOf(infra, full)).toEqual(expected);
    // Git runs a linked worktree's hook with GIT_DIR=<repository>/.git/worktrees/wt and no GIT_WORK_TREE.
    const gitDir = join(dir, ".git", "worktrees", "wt");
    expect(rulesOf(infra, await lintJson(infra, ["shared/up.json"], { GIT_DIR: gitDir }))).toEqual(expected);
    // The main checkout's git directory, given absolute or relative, from a subfolder of its work tree.
    expect(rulesOf(join(dir, "infra"), await lintJson(join(dir, "infra"), ["shared/up.json"], { GIT_DIR: join(dir, ".git") }))).toEqual(expected);
    expect(rulesOf(join(dir, "infra"), await lintJson(join(dir, "infra"), ["shared/up.json"], { GIT_DIR: "../.git" }))).toEqual(expected);
    // A GIT_DIR that does not exist from here: the folders are walked, with the same findings.
    expect(rulesOf(join(dir, "infra"), await lintJson(join(dir, "infra"), ["shared/up.json"], { GIT_DIR: ".git" }))).toEqual(expected);
    // The hook itself, through git commit in the worktree.
    const report = join(tempDir("ecrlint-hook-"), "report.json");
    writeFileSync(join(dir, ".git/hooks/pre-commit"), `#!/bin/sh\ncd infra && exec "${process.execPath}" "${binPath}" -f json -o "${report}" shared/up.json\n`);
    chmodSync(join(dir, ".git/hooks/pre-commit"), 0o755);
    writeFileSync(join(worktree, "README.md"), "# changed\n");
    git(worktree, "add", "README.md");
    expect(() => git(worktree, "commit", "-q", "-m", "change")).toThrow();
    expect(rulesOf(infra, readFileSync(report, "utf8"))).toEqual(expected);
  });
});
