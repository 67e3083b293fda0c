import { mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { ESLint, type Linter } from "eslint";
import { ESLint as ESLint9 } from "eslint9";
import plugin from "../src/index.js";
import { projectFileCounts, resetProjectFiles } from "../src/project-files.js";

const versions = [
  ["10", ESLint],
  ["9", ESLint9 as unknown as typeof ESLint],
] as const;

const SOURCE_ACCOUNT = "444455556666";
const destinationAccount = (team: number) => `7777${String(team).padStart(8, "0")}`;

function replicationTo(account: string): string {
  return JSON.stringify({ rules: [{ destinations: [{ region: "eu-west-1", registryId: account }] }] }, null, 2);
}

/** A registry policy of team `team`'s destination, which lets the source account replicate into it or not. */
function destinationPolicy(team: number, grants: boolean): string {
  const account = destinationAccount(team);
  const statement = grants
    ? { Sid: "Replicate", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: `arn:aws:ecr:eu-west-1:${account}:repository/*` }
    : { Sid: "Pull", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "ecr:BatchGetImage", Resource: `arn:aws:ecr:eu-west-1:${account}:repository/*` };
  return JSON.stringify({ Version: "2012-10-17", Statement: [statement] }, null, 2);
}

/**
 * A repository of `teams` teams, each with a replication configuration, the registry policy of its destination (which
 * refuses the source on odd teams) and a package.json; every team replicates into its own destination account.
 */
function projectTree(teams: number): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-project-")));
  const registries = [{ files: ["teams/*/source/**"], account: SOURCE_ACCOUNT, region: "us-west-2" }];
  for (let team = 0; team < teams; team++) {
    registries.push({ files: [`teams/${team}/destination/**`], account: destinationAccount(team), region: "eu-west-1" });
    const dir = join(root, "teams", String(team));
    mkdirSync(join(dir, "source"), { recursive: true });
    mkdirSync(join(dir, "destination"), { recursive: true });
    writeFileSync(join(dir, "source", "replication-configuration.json"), replicationTo(destinationAccount(team)));
    writeFileSync(join(dir, "destination", "registry-policy.json"), destinationPolicy(team, team % 2 === 0));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `team-${team}`, version: "1.0.0" }));
  }
  writeFileSync(join(root, ".ecrlintrc.json"), JSON.stringify({ registries }));
  return root;
}

/** The JSON files under `root`: what the plugin lists, stats and reads for the project. */
function jsonFiles(root: string): number {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as { name: string; isFile(): boolean }[]).filter((e) => e.isFile() && e.name.endsWith(".json")).length;
}

/** The cross-file findings of a run, as `file: messageId`. */
function crossFileFindings(results: ESLint.LintResult[], root: string): string[] {
  return results.flatMap((r) => r.messages.filter((m) => m.ruleId === "@ecrlint/replication-destination-allowed").map((m) => `${r.filePath.slice(root.length + 1)}: ${m.messageId}`)).sort();
}

const refusedTeams = (teams: number) =>
  Array.from({ length: teams }, (_, team) => team)
    .filter((team) => team % 2 === 1)
    .map((team) => `teams/${team}/source/replication-configuration.json: missingGrant`)
    .sort();

let now = 0;
beforeEach(() => {
  now = 0;
  resetProjectFiles(() => now);
});

describe.each(versions)("ESLint %s: the project of the cross-file rules", (_version, Engine) => {
  const engine = (root: string, config: Linter.Config[] = plugin.configs.recommended) => new Engine({ cwd: root, overrideConfigFile: true, overrideConfig: config });

  it.each([4, 16])("is listed, read and checked once for a run over %i teams, not once per file linted", async (teams) => {
    const root = projectTree(teams);
    const results = await engine(root).lintFiles(["."]);
    expect(crossFileFindings(results, root)).toEqual(refusedTeams(teams));
    const files = jsonFiles(root);
    // One check per cross-file rule (both read registry policies), whatever the number of files.
    expect(projectFileCounts()).toEqual({ listings: 1, stats: files, reads: files, projectChecks: 2, fileChecks: 0 });
  });

  it("started in a team's folder, reads and checks the whole project once, as from its top: the same findings", async () => {
    const root = projectTree(4);
    const files = jsonFiles(root);
    const fromTeam = await engine(join(root, "teams/1/source")).lintFiles(["."]);
    expect(crossFileFindings(fromTeam, root)).toEqual(["teams/1/source/replication-configuration.json: missingGrant"]);
    expect(projectFileCounts()).toEqual({ listings: 1, stats: files, reads: files, projectChecks: 1, fileChecks: 0 });
  });

  it("does not list the folders of a second repository checked out inside, a project of its own", async () => {
    const root = projectTree(2);
    const files = jsonFiles(root);
    // A checkout of another repository inside, with a policy for team 1's destination that would allow it.
    mkdirSync(join(root, "vendor/other/.git"), { recursive: true });
    writeFileSync(join(root, "vendor/other/registry-policy.json"), destinationPolicy(1, true));
    writeFileSync(join(root, "vendor/other/.ecrlintrc.json"), JSON.stringify({ registries: [{ files: ["**"], account: destinationAccount(1), region: "eu-west-1" }] }));
    expect(crossFileFindings(await engine(root).lintFiles(["teams"]), root)).toEqual(refusedTeams(2));
    expect(projectFileCounts()).toEqual({ listings: 1, stats: files, reads: files, projectChecks: 2, fileChecks: 0 });
    // Linted from inside, it is its own project, which the team's policies take no part in.
    expect(crossFileFindings(await engine(join(root, "vendor/other")).lintFiles(["."]), root)).toEqual([]);
    expect(projectFileCounts()).toMatchObject({ listings: 2, reads: files + 2 });
  });

  it("checks a file whose text is not the disk's with that text, without reading the project again", async () => {
    const root = projectTree(4);
    const eslint = engine(root);
    await eslint.lintFiles(["."]);
    const before = projectFileCounts();
    const source = join(root, "teams/1/source/replication-configuration.json");
    // Unsaved in an editor: now it replicates into team 0's destination, which allows it.
    const [edited] = await eslint.lintText(replicationTo(destinationAccount(0)), { filePath: source });
    expect(crossFileFindings([edited!], root)).toEqual([]);
    expect(projectFileCounts()).toEqual({ ...before, fileChecks: before.fileChecks + 1 });
    // The text as on disk takes the findings of the check already made.
    const [saved] = await eslint.lintText(replicationTo(destinationAccount(1)), { filePath: source });
    expect(crossFileFindings([saved!], root)).toEqual(["teams/1/source/replication-configuration.json: missingGrant"]);
    expect(projectFileCounts()).toEqual({ ...before, fileChecks: before.fileChecks + 1 });
  });

  it("looks at the disk again after a few seconds, and reads only the files that changed or appeared", async () => {
    const root = projectTree(4);
    const eslint = engine(root);
    await eslint.lintFiles(["."]);
    const files = jsonFiles(root);
    writeFileSync(join(root, "teams/1/destination/registry-policy.json"), destinationPolicy(1, true));
    mkdirSync(join(root, "teams/0/destination/extra"));
    writeFileSync(join(root, "teams/0/destination/extra/registry-policy.json"), destinationPolicy(0, true));
    // Within the same few seconds, the snapshot still holds the old policy.
    expect(crossFileFindings(await eslint.lintFiles(["teams/1/source"]), root)).toEqual(["teams/1/source/replication-configuration.json: missingGrant"]);
    expect(projectFileCounts()).toMatchObject({ listings: 1, reads: files });
    now += 3000;
    expect(crossFileFindings(await eslint.lintFiles(["."]), root)).toEqual(["teams/3/source/replication-configuration.json: missingGrant"]);
    expect(projectFileCounts()).toEqual({ listings: 2, stats: 2 * files + 1, reads: files + 2, projectChecks: 4, fileChecks: 0 });
  });

  it("lists a CloudFormation YAML template with the JSON files, as the runner reads it, and checks it with them once", async () => {
    const root = projectTree(4);
    const template = (team: number) =>
      `Resources:\n  Replication:\n    Type: AWS::ECR::ReplicationConfiguration\n    Properties:\n      ReplicationConfiguration:\n        Rules:\n          - Destinations:\n              - Region: eu-west-1\n                RegistryId: "${destinationAccount(team)}"\n`;
    writeFileSync(join(root, "teams/1/source/replication.yaml"), template(1));
    writeFileSync(join(root, "teams/2/source/replication.yaml"), template(2));
    const files = jsonFiles(root);
    const results = await engine(root).lintFiles(["."]);
    expect(crossFileFindings(results, root)).toEqual([...refusedTeams(4), "teams/1/source/replication.yaml: missingGrant"].sort());
    // The templates are files of the project: read once with the JSON files, and checked in the same project check.
    expect(projectFileCounts()).toEqual({ listings: 1, stats: files + 2, reads: files + 2, projectChecks: 2, fileChecks: 0 });
  });

  it("does not read a file over the size limit, nor count it as changed each time it looks at the disk", async () => {
    const root = projectTree(2);
    writeFileSync(join(root, "teams/0/data.json"), JSON.stringify({ data: "x".repeat(6 * 1024 * 1024) }));
    const files = jsonFiles(root);
    const eslint = engine(root);
    await eslint.lintFiles(["teams/1"]);
    now += 3000;
    expect(crossFileFindings(await eslint.lintFiles(["teams/1"]), root)).toEqual(refusedTeams(2));
    expect(projectFileCounts()).toEqual({ listings: 2, stats: 2 * files, reads: files - 1, projectChecks: 2, fileChecks: 0 });
  });

  it("reads the project again once when a run turns on another cross-file rule", async () => {
    const root = projectTree(4);
    const files = jsonFiles(root);
    const replicationOnly: Linter.Config[] = plugin.configs.recommended.map((c) => ({ ...c, rules: { "@ecrlint/replication-destination-allowed": "error" } }));
    await engine(root, replicationOnly).lintFiles(["."]);
    expect(projectFileCounts()).toMatchObject({ reads: files, projectChecks: 1 });
    await engine(root).lintFiles(["."]);
    expect(projectFileCounts()).toMatchObject({ reads: 2 * files, projectChecks: 3 });
    await engine(root).lintFiles(["."]);
    expect(projectFileCounts()).toMatchObject({ reads: 2 * files, projectChecks: 3, fileChecks: 0 });
  });
});
