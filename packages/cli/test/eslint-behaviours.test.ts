import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import plugin from "@ecrlint/eslint-plugin";
import { ESLint, type Linter } from "eslint";
import type { Log } from "sarif";
import { describe, expect, it } from "vitest";
import { copyFixture, gitInit, policyIn, repoDir, runBin, runEslint, runNode, runnerFixtures, tempDir } from "./helpers.js";

/** A policy with a Region that its registry (us-west-2) does not have: one `no-region-mismatch` finding on line 9. */
export const wrongRegion = policyIn("us-east-1");

export const REGION = 'Region "us-east-1" does not match the registry\'s Region "us-west-2": this statement never applies to the registry it is deployed to.';

/** The registry of every file; comments in `.json` files are what these tests are about, so plain-json is off. */
export const config = JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }], rules: { "plain-json": "off" } });

const PLAIN_JSON_OFF: Linter.Config = { rules: { "@ecrlint/plain-json": "off" } };

/** Writes a tree of files into a fresh temporary directory. */
export function tree(files: Record<string, string>, dir = tempDir()): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

type JsonResult = { filePath: string; messages: { ruleId: string | null; message: string; severity: number }[]; output?: string };

function parse(stdout: string): JsonResult[] {
  return JSON.parse(stdout) as JsonResult[];
}

describe("directives of other plugins (1)", () => {
  it("are neither judged nor removed; unknown @ecrlint/ ids are errors as in ESLint", async () => {
    const casing = `/* eslint-disable jsonc/key-name-casing -- keys are PascalCase */\n${wrongRegion}`;
    const mixed = wrongRegion.replace('"Resource"', '// eslint-disable-next-line jsonc/sort-keys, @ecrlint/no-duplicate-sid\n      "Resource"');
    const bare = `/* eslint-disable */\n${wrongRegion.replace("us-east-1", "us-west-2")}`;
    const unknown = wrongRegion.replace("us-east-1", "us-west-2").replace('"Version"', '// eslint-disable-next-line @ecrlint/no-such-rule\n  "Version"');
    const dir = tree({ ".ecrlintrc.json": config, "casing.json": casing, "mixed.jsonc": mixed, "bare.json": bare, "unknown.json": unknown });
    const r = await runBin(["--format", "json", "--max-warnings", "0"], { cwd: dir });
    const byName = Object.fromEntries(parse(r.stdout).map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.message)]));
    expect(byName).toEqual({
      "bare.json": [],
      "casing.json": [REGION],
      "mixed.jsonc": [
        "Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid').",
        REGION,
      ],
      "unknown.json": ["Definition for rule '@ecrlint/no-such-rule' was not found."],
    });
    const fixed = await runBin(["--fix"], { cwd: dir });
    expect(fixed.code).toBe(1);
    expect(readFileSync(join(dir, "casing.json"), "utf8")).toBe(casing.replace("us-east-1", "us-west-2"));
    expect(readFileSync(join(dir, "bare.json"), "utf8")).toBe(bare);
    expect(readFileSync(join(dir, "mixed.jsonc"), "utf8")).toBe(mixed.replace("jsonc/sort-keys, @ecrlint/no-duplicate-sid", "jsonc/sort-keys").replace("us-east-1", "us-west-2"));
  });
});

describe("symlinked folders (2)", () => {
  it("named on the command line or crossed by a glob, are never followed out of the root, and --fix writes nothing there", async () => {
    const outside = tree({ "registry-policy.json": wrongRegion, "nested/registry-policy.json": wrongRegion });
    const dir = tree({ ".ecrlintrc.json": config, "own/registry-policy.json": wrongRegion.replace("us-east-1", "us-west-2") });
    symlinkSync(outside, join(dir, "linked"));
    symlinkSync(join(dir, "own"), join(dir, "alias"));
    // A folder named through a link out of the root holds no file the run reads: all of it is ignored, exit 2 (as
    // ESLint says of a folder outside its base path), never a run that passes having read nothing.
    for (const folder of ["linked", "linked/nested"]) {
      const r = await runBin(["--fix", "--format", "json", folder, "alias"], { cwd: dir });
      expect({ folder, code: r.code }).toEqual({ folder, code: 2 });
      expect(r.stderr).toMatch(new RegExp(`^ecrlint: You are linting "${folder}", but all of the files matching the glob pattern "${folder}" are ignored\\.`));
    }
    expect(readFileSync(join(outside, "registry-policy.json"), "utf8")).toBe(wrongRegion);
    expect(readFileSync(join(outside, "nested/registry-policy.json"), "utf8")).toBe(wrongRegion);
    // With --no-error-on-unmatched-pattern the rest is linted, and nothing outside is written.
    const r = await runBin(["--fix", "--no-error-on-unmatched-pattern", "--format", "json", "linked", "linked/nested", "alias"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(parse(r.stdout).map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.message)])).toEqual([["alias/registry-policy.json", []]]);
    expect(readFileSync(join(outside, "registry-policy.json"), "utf8")).toBe(wrongRegion);
    expect(r.code).toBe(0);
    // A glob through the link finds only files outside the root: nothing to lint, as if they were ignored.
    const glob = await runBin(["--fix", "linked/*.json"], { cwd: dir });
    expect(glob.code).toBe(2);
    expect(glob.stderr).toMatch(/^ecrlint: You are linting "linked\/\*\.json", but all of the files matching the glob pattern "linked\/\*\.json" are ignored\./);
    expect(readFileSync(join(outside, "registry-policy.json"), "utf8")).toBe(wrongRegion);
  });
});


/** ESLint 10 with the plugin's recommended config over a tree, for comparisons. */
async function eslintResults(dir: string, patterns = ["."], extra: Linter.Config[] = []) {
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, PLAIN_JSON_OFF, ...extra] });
  return eslint.lintFiles(patterns);
}

const ruleAndPlace = (m: { ruleId: string | null; line?: number; column?: number; message: string }) => `${m.ruleId}:${m.line}:${m.column}:${m.message}`;

describe(".jsonc and .json5 leniency (7)", () => {
  it("reads every extension as the plugin's configs make ESLint read it", async () => {
    const lenient = wrongRegion.replace('"Sid": "ReplicationAccessCrossAccount",', "Sid: 'ReplicationAccessCrossAccount',").replace('repository/*"\n', 'repository/*",\n');
    const dir = tree({ ".ecrlintrc.json": config, "a.jsonc": lenient, "b.json5": lenient, "c.json": lenient });
    const r = await runBin(["--format", "json"], { cwd: dir });
    const ours = parse(r.stdout).map((x) => [x.filePath, x.messages.map(ruleAndPlace)]);
    const theirs = (await eslintResults(dir, ["a.jsonc", "b.json5", "c.json"])).map((x) => [x.filePath, x.messages.map(ruleAndPlace)]);
    expect(ours).toEqual(theirs);
    expect(ours.flatMap(([, m]) => m)).toHaveLength(3);
    expect(JSON.stringify(ours)).not.toContain("Parsing error");
  });
});

describe("inline config comments (8)", () => {
  it("are honoured as in ESLint, and --no-inline-config ignores them and the directives", async () => {
    const off = `/* eslint @ecrlint/no-region-mismatch: "off" */\n${wrongRegion}`;
    const warn = `/* eslint @ecrlint/no-region-mismatch: ["warn"], jsonc/sort-keys: "off" */\n${wrongRegion}`;
    const unknown = `/* eslint @ecrlint/no-such-rule: "error" */\n${wrongRegion.replace("us-east-1", "us-west-2")}`;
    const invalid = `/* eslint @ecrlint/no-region-mismatch: ["error", "extra"] */\n${wrongRegion}`;
    const disabled = wrongRegion.replace('"Resource"', '// eslint-disable-next-line @ecrlint/no-region-mismatch\n      "Resource"');
    const dir = tree({ ".ecrlintrc.json": config, "off.json": off, "warn.json": warn, "unknown.json": unknown, "invalid.json": invalid, "disabled.json": disabled });
    const r = await runBin(["--format", "json"], { cwd: dir });
    const ours = Object.fromEntries(parse(r.stdout).map((x) => [x.filePath, x.messages.map((m) => `${m.ruleId}:${m.severity}:${m.message.split("\n")[0]}`)]));
    const theirs = Object.fromEntries(
      (await eslintResults(dir, ["*.json"], [{ plugins: { jsonc: { rules: { "sort-keys": { create: () => ({}) } } } } }]))
        .filter((x) => !x.filePath.endsWith(".ecrlintrc.json"))
        .map((x) => [x.filePath, x.messages.map((m) => `${m.ruleId}:${m.severity}:${m.message.split("\n")[0]}`)]),
    );
    expect(ours).toEqual(theirs);
    expect(ours[join(dir, "off.json")]).toEqual([]);
    expect(ours[join(dir, "warn.json")]).toEqual([`@ecrlint/no-region-mismatch:1:${REGION}`]);
    expect(ours[join(dir, "unknown.json")]).toEqual(["@ecrlint/no-such-rule:2:Definition for rule '@ecrlint/no-such-rule' was not found."]);
    expect(ours[join(dir, "invalid.json")]![0]).toBe('@ecrlint/no-region-mismatch:2:Inline configuration for rule "@ecrlint/no-region-mismatch" is invalid:');

    const ignored = await runBin(["--format", "json", "--no-inline-config"], { cwd: dir });
    for (const result of parse(ignored.stdout)) {
      if (result.filePath.endsWith("unknown.json")) expect(result.messages).toEqual([]);
      else expect(result.messages.map((m) => m.message)).toEqual([REGION]);
    }
    const noInline = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, PLAIN_JSON_OFF], allowInlineConfig: false });
    const eslintIgnored = Object.fromEntries((await noInline.lintFiles(["*.json"])).map((x) => [x.filePath, x.messages.map((m) => m.message)]));
    for (const result of parse(ignored.stdout)) expect(result.messages.map((m) => m.message)).toEqual(eslintIgnored[result.filePath]);
  });
});

describe("patterns that match nothing (9)", () => {
  it("exit 2 with ESLint's messages, unless --no-error-on-unmatched-pattern", async () => {
    const dir = tree({ ".ecrlintrc.json": config, ".gitignore": "generated/\n", "generated/registry-policy.json": wrongRegion, "docs/readme.md": "# docs\n" });
    gitInit(dir);
    const none = await runBin(["infra/**/*.json"], { cwd: dir });
    expect(none).toEqual({ code: 2, stdout: "", stderr: 'ecrlint: No files matching the pattern "infra/**/*.json" were found.\nPlease check for typing mistakes in the pattern.\n' });
    const noJson = await runBin(["docs"], { cwd: dir });
    expect(noJson.stderr).toBe('ecrlint: No files matching the pattern "docs" were found.\nPlease check for typing mistakes in the pattern.\n');
    for (const pattern of ["generated", "generated/*.json"]) {
      const ignored = await runBin([pattern], { cwd: dir });
      expect(ignored.code).toBe(2);
      expect(ignored.stderr.split("\n")[0]).toBe(`ecrlint: You are linting "${pattern}", but all of the files matching the glob pattern "${pattern}" are ignored.`);
    }
    const skipped = await runBin(["--no-error-on-unmatched-pattern", "--format", "json", "infra/**/*.json", "docs", "generated", "missing.json"], { cwd: dir });
    expect(skipped).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
  });
});

describe("cross-file rules for named files (10)", () => {
  it("a file named alone gets what a full run reports on it", async () => {
    const cwd = join(runnerFixtures, "cross-file");
    const file = join(cwd, "infra", "source", "replication-configuration.json");
    const full = parse((await runBin(["--format", "json"], { cwd })).stdout).find((x) => x.filePath === file)!;
    expect(full.messages.map((m) => m.ruleId)).toEqual(["@ecrlint/replication-destination-allowed"]);
    const alone = await runBin(["--format", "json", "infra/source/replication-configuration.json"], { cwd });
    expect(alone.code).toBe(1);
    expect(parse(alone.stdout)).toEqual([full]);
    const stdin = await runBin(["--format", "json", "--stdin", "--stdin-filename", "infra/source/replication-configuration.json"], { cwd, input: readFileSync(file, "utf8") });
    expect(parse(stdin.stdout)).toEqual([full]);
  });
});

describe("the rest of the project around a named file", () => {
  it("is read for the cross-file rules' facts only: no single-file rule runs on it", async () => {
    const cwd = join(runnerFixtures, "cross-file");
    const rules = (stderr: string) => [...stderr.matchAll(/^(@ecrlint\/[a-z-]+) /gm)].map((m) => m[1]);
    // The replication configuration is named: the registry policies around it give their facts only.
    const alone = await runBin(["--format", "json", "infra/source/replication-configuration.json"], { cwd, env: { ECRLINT_TIMING: "all" } });
    expect(alone.code).toBe(1);
    expect(rules(alone.stderr)).toContain("@ecrlint/replication-destination-allowed");
    expect(rules(alone.stderr)).not.toContain("@ecrlint/valid-policy");
    expect(rules(alone.stderr)).not.toContain("@ecrlint/no-public-access");
    // Named too, a registry policy gets every rule.
    const both = await runBin(["--format", "json", "infra/source/replication-configuration.json", "infra/dest-a/registry-policy.json"], { cwd, env: { ECRLINT_TIMING: "all" } });
    expect(rules(both.stderr)).toContain("@ecrlint/valid-policy");
    expect(parse(both.stdout)[1]).toEqual(parse(alone.stdout)[0]);
  });
});

describe("the project a cross-file rule reads", () => {
  it("is the tree of the outermost config: the runner, named or not, and ESLint join the same files", async () => {
    const grant = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::777788889999:root" }, Action: "ecr:BatchGetImage", Resource: "*" }] });
    const replication = JSON.stringify({ rules: [{ destinations: [{ region: "eu-west-1", registryId: "777788889999" }] }] });
    const registries = (dest: string) => JSON.stringify({ registries: [{ files: ["source/**"], account: "444455556666", region: "us-west-2" }, { files: [`${dest}/**`], account: "777788889999", region: "eu-west-1" }] });
    // One project with the source and its destination; a neighbouring tree with its own config holds another
    // destination policy for the same registry, which is not this project's.
    const dir = tree({
      "app/.ecrlintrc.json": registries("destination"),
      "app/source/replication-configuration.json": replication,
      "app/destination/registry-policy.json": grant,
      "sandbox/.ecrlintrc.json": registries("destination"),
      "sandbox/destination/registry-policy.json": grant.replace("BatchGetImage", "ReplicateImage"),
    });
    const findings = (stdout: string) => parse(stdout).flatMap((x) => x.messages.map((m) => `${x.filePath.slice(dir.length + 1)} ${m.ruleId}`));
    const expected = ["app/source/replication-configuration.json @ecrlint/replication-destination-allowed"];
    expect(findings((await runBin(["--format", "json"], { cwd: dir })).stdout)).toEqual(expected);
    expect(findings((await runBin(["--format", "json", "app/source/replication-configuration.json"], { cwd: dir })).stdout)).toEqual(expected);
    const eslint = (await eslintResults(dir)).flatMap((x) => x.messages.map((m) => `${x.filePath.slice(dir.length + 1)} ${m.ruleId}`));
    expect(eslint).toEqual(expected);
  });
});

describe("the project a cross-file rule reads, in JSON, CloudFormation YAML and Terraform", () => {
  it("gives ESLint and the runner the same documents: other files of a module, file() targets", async () => {
    const cwd = join(runnerFixtures, "cross-file-hosts");
    const findings = (results: { filePath: string; messages: { ruleId: string | null; line?: number; column?: number; message: string }[] }[]) =>
      results.flatMap((x) => x.messages.map((m) => `${x.filePath.slice(cwd.length + 1)} ${ruleAndPlace(m)}`)).sort();
    const ours = findings(parse((await runBin(["--format", "json"], { cwd })).stdout));
    expect(findings(await eslintResults(cwd))).toEqual(ours);
    // Every destination is read from another file, in each syntax: a YAML template, a Terraform module's policy
    // document in another file of the module, a JSON file that a .tf reads with file(), and a plain JSON policy.
    expect(ours.filter((f) => f.includes("replication-destination-allowed")).map((f) => /The registry policy "([^"]+)"/.exec(f)![1]).sort()).toEqual([
      "dst-file/grants.json",
      "dst-json/registry-policy.json",
      "dst-module/policy-documents.tf",
      "dst-yaml/stack.yaml",
    ]);
    // The pull-through-cache rule is in another .tf file of the policy's module.
    expect(ours.filter((f) => f.includes("pull-through-cache-prefix-exists"))).toEqual([
      'dst-module/policy-documents.tf @ecrlint/pull-through-cache-prefix-exists:20:7:Namespace "docker-hub" matches no pull-through-cache rule of registry 333333333333 in eu-central-1 (rule prefixes: "ecr-public"): this statement grants nothing.',
    ]);
  });
});

describe("--changed-since and config changes (11)", () => {
  it("re-checks every file whose config changed", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "a/registry-policy.json": wrongRegion, "b/registry-policy.json": wrongRegion });
    gitInit(dir);
    expect(await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir })).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
    writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-east-1" }] }));
    writeFileSync(join(dir, "a/registry-policy.json"), wrongRegion.replace("us-east-1", "eu-west-1"));
    const r = await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir });
    expect(parse(r.stdout).map((x) => [x.filePath.slice(dir.length + 1), x.messages.length])).toEqual([
      ["a/registry-policy.json", 1],
      ["b/registry-policy.json", 0],
    ]);
  });
});

describe("--changed-since and configs that are gone", () => {
  /** A copy of examples/with-mistakes as its own repository, everything committed. */
  function withMistakes(): string {
    const dir = tempDir();
    execFileSync("cp", ["-r", `${join(runnerFixtures, "..", "..", "examples", "with-mistakes")}/.`, dir]);
    execFileSync("rm", ["-rf", join(dir, "node_modules")]);
    gitInit(dir);
    return dir;
  }
  const summary = (stdout: string, dir: string) => parse(stdout).map((x) => [x.filePath.slice(dir.length + 1), x.messages.map((m) => m.message)]);

  it("a deleted config re-checks every file it governed: the same findings as a full run", async () => {
    const dir = withMistakes();
    execFileSync("mv", [join(dir, "ecrlint.config.jsonc"), join(tempDir(), "kept.jsonc")]);
    const full = await runBin(["--format", "json"], { cwd: dir });
    const changed = await runBin(["--changed-since", "HEAD", "--format", "json"], { cwd: dir });
    expect(parse(full.stdout).reduce((n, r) => n + r.messages.filter((m) => m.severity === 2).length, 0)).toBe(6);
    expect({ code: changed.code, files: summary(changed.stdout, dir) }).toEqual({ code: full.code, files: summary(full.stdout, dir) });
  });

  it("a config renamed away (git mv into a subfolder) re-checks the files it no longer governs", async () => {
    const dir = withMistakes();
    mkdirSync(join(dir, "elsewhere"));
    execFileSync("git", ["mv", "ecrlint.config.jsonc", "elsewhere/ecrlint.config.jsonc"], { cwd: dir });
    const full = await runBin(["--format", "json"], { cwd: dir });
    const changed = await runBin(["--changed-since", "HEAD", "--format", "json"], { cwd: dir });
    expect(summary(changed.stdout, dir)).toEqual(summary(full.stdout, dir));
    expect(summary(changed.stdout, dir)).toHaveLength(5);
  });

  it("a package.json that loses its ecrlint key counts; one that never had one does not", async () => {
    const pkg = (extra: object) => JSON.stringify({ name: "x", version: "1.0.0", ...extra });
    const dir = tree({ ".ecrlintrc.json": config, "a/package.json": pkg({ ecrlint: JSON.parse(config) as object }), "a/registry-policy.json": wrongRegion, "b/package.json": pkg({}), "b/registry-policy.json": wrongRegion });
    gitInit(dir);
    writeFileSync(join(dir, "b/package.json"), pkg({ version: "1.0.1" }));
    expect(await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir })).toEqual({ code: 0, stdout: "[]\n", stderr: "" });
    writeFileSync(join(dir, "a/package.json"), pkg({}));
    const r = await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir });
    expect(parse(r.stdout).map((x) => x.filePath.slice(dir.length + 1))).toEqual(["a/registry-policy.json"]);
  });

  it("a deleted nested config re-checks its folder only, and a file under a nearer config is left alone", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "a/.ecrlintrc.json": config, "a/registry-policy.json": wrongRegion, "a/b/.ecrlintrc.json": config, "a/b/registry-policy.json": wrongRegion, "c/registry-policy.json": wrongRegion });
    gitInit(dir);
    execFileSync("git", ["rm", "-q", "a/.ecrlintrc.json"], { cwd: dir });
    const r = await runBin(["--changed-since", "main", "--format", "json"], { cwd: dir });
    expect(parse(r.stdout).map((x) => x.filePath.slice(dir.length + 1))).toEqual(["a/registry-policy.json"]);
  });
});

describe("--fix-dry-run with every format (12)", () => {
  it("writes a valid report and nothing else; the fixed text is the json output", async () => {
    const dir = copyFixture("basic");
    const file = join(dir, "policies", "wrong-region.json");
    const before = readFileSync(file, "utf8");
    for (const format of ["json", "json-with-metadata", "sarif", "junit", "github", "stylish"]) {
      const r = await runBin(["--fix-dry-run", "--format", format, "policies"], { cwd: dir });
      expect(r.stdout).not.toContain('"Version": "2012-10-17"');
      if (format === "json") expect(parse(r.stdout).find((x) => x.filePath === file)!.output).toBe(before.replace("us-east-1", "us-west-2"));
      if (format === "json-with-metadata") expect((JSON.parse(r.stdout) as { results: JsonResult[] }).results.find((x) => x.filePath === file)!.output).toBeDefined();
      if (format === "sarif") expect((JSON.parse(r.stdout) as Log).version).toBe("2.1.0");
      if (format === "junit") expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
      if (format === "github") for (const line of r.stdout.trim().split("\n")) expect(line).toMatch(/^::(error|warning) /);
    }
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});

describe("SARIF (14)", () => {
  it("encodes URIs, reports fatal runs as unsuccessful, keeps suppressed findings and stable fingerprints", async () => {
    const disabled = wrongRegion.replace('"Resource"', '// eslint-disable-next-line @ecrlint/no-region-mismatch -- staging copy\n      "Resource"');
    const dir = tree({ ".ecrlintrc.json": config, "my policies/registry-policy.json": wrongRegion, "my policies/disabled.jsonc": disabled });
    gitInit(dir);
    const first = JSON.parse((await runBin(["--format", "sarif"], { cwd: dir })).stdout) as Log;
    const run = first.runs[0]!;
    expect(run.artifacts!.map((a) => a.location!.uri)).toEqual(["my%20policies/disabled.jsonc", "my%20policies/registry-policy.json"]);
    expect(run.invocations![0]!.executionSuccessful).toBe(true);
    const suppressed = run.results!.find((x) => x.suppressions)!;
    expect(suppressed.suppressions).toEqual([{ kind: "inSource", justification: "staging copy" }]);
    writeFileSync(join(dir, "my policies/registry-policy.json"), `\n\n${wrongRegion}`);
    const second = JSON.parse((await runBin(["--format", "sarif"], { cwd: dir })).stdout) as Log;
    expect(second.runs[0]!.results!.map((x) => x.partialFingerprints)).toEqual(run.results!.map((x) => x.partialFingerprints));
    expect(second.runs[0]!.results![1]!.locations![0]!.physicalLocation!.region!.startLine).toBe(11);
    writeFileSync(join(dir, "my policies/broken.json"), '{ "Statement": [ }');
    const broken = JSON.parse((await runBin(["--format", "sarif"], { cwd: dir })).stdout) as Log;
    expect(broken.runs[0]!.invocations![0]!.executionSuccessful).toBe(false);
  });
});

describe("flags with ESLint's names and meanings (15)", () => {
  it("--stdin and --stdin-filename", async () => {
    const dir = tree({ ".ecrlintrc.json": config, ".gitignore": "ignored/\n" });
    gitInit(dir);
    const named = await runBin(["--stdin", "--stdin-filename", "infra/registry-policy.json", "--format", "json"], { cwd: dir, input: wrongRegion });
    expect(named.code).toBe(1);
    expect(parse(named.stdout).map((x) => [x.filePath, x.messages.map((m) => m.message)])).toEqual([[join(dir, "infra/registry-policy.json"), [REGION]]]);
    const anonymous = await runBin(["--stdin", "--format", "json"], { cwd: dir, input: wrongRegion });
    expect(parse(anonymous.stdout).map((x) => x.filePath)).toEqual(["<text>"]);
    const ignored = await runBin(["--stdin", "--stdin-filename", "ignored/registry-policy.json", "--format", "json"], { cwd: dir, input: wrongRegion });
    expect(ignored.code).toBe(0);
    expect(parse(ignored.stdout)[0]!.messages[0]!.message).toMatch(/^File ignored because of a matching ignore pattern/);
    expect(await runBin(["--stdin", "--fix"], { cwd: dir, input: wrongRegion })).toEqual({
      code: 2,
      stdout: "",
      stderr: "ecrlint: The --fix option is not available for piped-in code; use --fix-dry-run instead.\n",
    });
  });

  it("a named file in a folder that config ignores hide (`scratch/`) is ignored with ESLint's warning, and --fix leaves it alone", async () => {
    const ignoring = JSON.stringify({ ...JSON.parse(config), ignores: ["scratch/", "**/generated/"] });
    const files = ["scratch/registry-policy.json", "scratch/deep/registry-policy.json", "infra/generated/registry-policy.json"];
    const dir = tree({ ".ecrlintrc.json": ignoring, ...Object.fromEntries(files.map((f) => [f, wrongRegion])), "infra/registry-policy.json": wrongRegion });
    const named = await runBin(["--format", "json", "--fix", ...files, "infra/registry-policy.json"], { cwd: dir });
    expect(named.code).toBe(0);
    const results = parse(named.stdout);
    expect(results.map((x) => [x.filePath, x.messages.map((m) => m.message.replace(/\. Use .*/, ""))])).toEqual([
      [join(dir, "infra/generated/registry-policy.json"), ["File ignored because of a matching ignore pattern"]],
      [join(dir, "infra/registry-policy.json"), []],
      [join(dir, "scratch/deep/registry-policy.json"), ["File ignored because of a matching ignore pattern"]],
      [join(dir, "scratch/registry-policy.json"), ["File ignored because of a matching ignore pattern"]],
    ]);
    // The file that is linted was fixed; the ignored ones were not touched.
    expect(readFileSync(join(dir, "infra/registry-policy.json"), "utf8")).not.toBe(wrongRegion);
    for (const f of files) expect(readFileSync(join(dir, f), "utf8")).toBe(wrongRegion);
    const stdin = await runBin(["--stdin", "--stdin-filename", "scratch/deep/registry-policy.json", "--format", "json"], { cwd: dir, input: wrongRegion });
    expect(parse(stdin.stdout)[0]!.messages.map((m) => m.message)).toEqual([expect.stringMatching(/^File ignored because of a matching ignore pattern/)]);
  });

  it.each<[string, string[]]>([
    ["a negated pattern alone ignores nothing", ["!nothing.json"]],
    ["a folder's bare name", ["scratch", "**/generated"]],
    ["a folder's contents, one of them un-ignored", ["fixtures/**/*", "!fixtures/keep/**"]],
    ["a whole folder, which no later pattern un-ignores", ["fixtures/**", "!fixtures/keep/**"]],
    ["a file un-ignored, then ignored again", ["**/registry-policy.json", "!infra/**", "infra/registry-policy.json"]],
  ])("config ignores as ESLint reads them: %s", async (_name, ignores) => {
    const files = ["generated/registry-policy.json", "scratch/registry-policy.json", "scratch/deep/registry-policy.json", "a/generated/x/registry-policy.json", "fixtures/a/registry-policy.json", "fixtures/keep/registry-policy.json", "infra/registry-policy.json", "infra/b/registry-policy.json"];
    const dir = tree({ ".ecrlintrc.json": JSON.stringify({ ...JSON.parse(config), ignores }), ...Object.fromEntries(files.map((f) => [f, wrongRegion])) });
    const plugin = pathToFileURL(join(repoDir, "packages", "eslint-plugin", "dist", "index.js")).href;
    writeFileSync(join(dir, "eslint.config.mjs"), `import ecrlint from ${JSON.stringify(plugin)};\nexport default [{ ignores: ${JSON.stringify(ignores)} }, ...ecrlint.configs.recommended, { rules: { "@ecrlint/plain-json": "off" } }];\n`);
    const verdicts = (stdout: string) =>
      Object.fromEntries(parse(stdout).map((r) => [r.filePath.slice(dir.length + 1), r.messages.some((m) => m.message.startsWith("File ignored because of a matching ignore pattern")) ? "ignored" : r.messages.map((m) => m.ruleId).join(",")]));
    const eslintNamed = verdicts((await runEslint(["-f", "json", ...files], { cwd: dir })).stdout);
    const ecrlintNamed = verdicts((await runBin(["-f", "json", ...files], { cwd: dir })).stdout);
    expect(Object.values(eslintNamed)).toContain("@ecrlint/no-region-mismatch");
    expect(ecrlintNamed).toEqual(eslintNamed);
    // A run over the folder lints what ESLint lints, and no ignored file.
    const linted = (results: Record<string, string>) => Object.keys(results).filter((f) => results[f] !== "ignored").sort();
    expect(linted(verdicts((await runBin(["-f", "json"], { cwd: dir })).stdout))).toEqual(linted(eslintNamed));
  });

  it("a named folder that ignores hide, or a folder inside it, is all ignored (exit 2, as in ESLint) and --fix writes nothing", async () => {
    const dir = tree({
      ".ecrlintrc.json": JSON.stringify({ ...JSON.parse(config), ignores: ["scratch"] }),
      "scratch/registry-policy.json": wrongRegion,
      "scratch/sub/registry-policy.json": wrongRegion,
      "infra/.ecrlintrc.json": JSON.stringify({ ...JSON.parse(config), ignores: ["generated/"] }),
      "infra/generated/registry-policy.json": wrongRegion,
    });
    const plugin = pathToFileURL(join(repoDir, "packages", "eslint-plugin", "dist", "index.js")).href;
    writeFileSync(join(dir, "eslint.config.mjs"), `import ecrlint from ${JSON.stringify(plugin)};\nexport default [{ ignores: ["scratch"] }, ...ecrlint.configs.recommended];\n`);
    const allIgnored = (pattern: string) => `You are linting "${pattern}", but all of the files matching the glob pattern "${pattern}" are ignored.`;
    for (const pattern of ["scratch", "scratch/", "scratch/sub", "infra/generated"]) {
      const r = await runBin(["--fix", pattern], { cwd: dir });
      expect({ pattern, code: r.code, stdout: r.stdout, first: r.stderr.split("\n")[0] }).toEqual({ pattern, code: 2, stdout: "", first: `ecrlint: ${allIgnored(pattern)}` });
    }
    for (const pattern of ["scratch", "scratch/sub"]) {
      const eslint = await runEslint([pattern], { cwd: dir });
      expect({ pattern, code: eslint.code, ignored: eslint.stderr.includes(allIgnored(pattern)) }).toEqual({ pattern, code: 2, ignored: true });
    }
    for (const f of ["scratch/registry-policy.json", "scratch/sub/registry-policy.json", "infra/generated/registry-policy.json"]) expect(readFileSync(join(dir, f), "utf8")).toBe(wrongRegion);
  });

  it("a nested config's ignores hide its folders' files from a run at the root, and a named one gets ESLint's warning", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "sub/.ecrlintrc.json": JSON.stringify({ ...JSON.parse(config), ignores: ["scratch/", "tmp/**"] }), "sub/scratch/registry-policy.json": wrongRegion, "sub/tmp/registry-policy.json": wrongRegion, "sub/registry-policy.json": wrongRegion });
    const named = await runBin(["-f", "json", "sub/scratch/registry-policy.json", "sub/tmp/registry-policy.json", "sub/registry-policy.json"], { cwd: dir });
    expect(parse(named.stdout).map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => m.message.slice(0, 49))])).toEqual([
      ["sub/registry-policy.json", [REGION.slice(0, 49)]],
      ["sub/scratch/registry-policy.json", ["File ignored because of a matching ignore pattern"]],
      ["sub/tmp/registry-policy.json", ["File ignored because of a matching ignore pattern"]],
    ]);
    const all = await runBin(["-f", "json"], { cwd: dir });
    expect(parse(all.stdout).map((r) => r.filePath.slice(dir.length + 1))).toEqual(["sub/registry-policy.json"]);
    const stdin = await runBin(["--stdin", "--stdin-filename", "sub/scratch/registry-policy.json", "-f", "json"], { cwd: dir, input: wrongRegion });
    expect(parse(stdin.stdout)[0]!.messages.map((m) => m.message.slice(0, 49))).toEqual(["File ignored because of a matching ignore pattern"]);
  });

  it("--rule leaves ESLint's core rules and other plugins' rules to ESLint, and still catches a misspelled ecrlint rule", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "policy.json": wrongRegion });
    const plain = await runBin(["--format", "json", "policy.json"], { cwd: dir });
    for (const setting of ["semi: off", "semi: error", 'jsonc/indent: ["error", 2]', "no-console: warn"]) {
      const r = await runBin(["--rule", setting, "--format", "json", "policy.json"], { cwd: dir });
      expect({ setting, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ setting, code: plain.code, stdout: plain.stdout, stderr: "" });
    }
    expect(await runBin(["--rule", "no-region-mismatchh: off", "policy.json"], { cwd: dir })).toEqual({ code: 2, stdout: "", stderr: 'ecrlint: --rule: @ecrlint/no-region-mismatchh: unknown rule (did you mean "no-region-mismatch"?)\n' });
    expect((await runBin(["--rule", "@ecrlint/nope: off", "policy.json"], { cwd: dir })).code).toBe(2);
    // A mistyped severity is named, in either form, not the valid word the JSON reading of the list stops at.
    const severity = (id: string, value: string) => `ecrlint: --rule: ${id}: expected a severity of "off", 0, "warn", 1, "error", or 2${value}\n`;
    expect((await runBin(["--rule", "no-duplicate-sid: warn, plain-json: eror", "policy.json"], { cwd: dir })).stderr).toBe(severity("plain-json", ', got "eror"'));
    expect((await runBin(["--rule", '{"no-duplicate-sid": "erorr"}', "policy.json"], { cwd: dir })).stderr).toBe(severity("no-duplicate-sid", ""));
    // The JSON form of a valid list is read as JSON.
    expect((await runBin(["--rule", '{"no-region-mismatch": "off"}', "--format", "json", "policy.json"], { cwd: dir })).code).not.toBe(2);
  });

  it("--rule and the unused-directive flags", async () => {
    const unused = `// eslint-disable-next-line @ecrlint/no-duplicate-sid\n${wrongRegion.replace("us-east-1", "us-west-2")}`;
    const dir = tree({ ".ecrlintrc.json": config, "policy.json": wrongRegion, "unused.jsonc": unused });
    const off = await runBin(["--rule", "@ecrlint/no-region-mismatch: off", "--format", "json", "policy.json"], { cwd: dir });
    expect({ code: off.code, messages: parse(off.stdout)[0]!.messages }).toEqual({ code: 0, messages: [] });
    const warn = await runBin(["--rule", '{"@ecrlint/no-region-mismatch": ["warn"]}', "--format", "json", "policy.json"], { cwd: dir });
    expect(parse(warn.stdout)[0]!.messages.map((m) => m.severity)).toEqual([1]);
    const asError = await runBin(["--report-unused-disable-directives", "--format", "json", "unused.jsonc"], { cwd: dir });
    expect(asError.code).toBe(1);
    expect(parse(asError.stdout)[0]!.messages.map((m) => m.severity)).toEqual([2]);
    const silenced = await runBin(["--report-unused-disable-directives-severity", "off", "--format", "json", "unused.jsonc"], { cwd: dir });
    expect({ code: silenced.code, messages: parse(silenced.stdout)[0]!.messages }).toEqual({ code: 0, messages: [] });
    const both = await runBin(["--report-unused-disable-directives", "--report-unused-disable-directives-severity", "warn"], { cwd: dir });
    expect(both.code).toBe(2);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: "error" } }] });
    const [theirs] = await eslint.lintFiles(["unused.jsonc"]);
    expect(parse(asError.stdout)[0]!.messages.map(ruleAndPlace)).toEqual(theirs!.messages.map(ruleAndPlace));
  });

  it("--format with a formatter module, and json-with-metadata", async () => {
    const dir = tree({
      ".ecrlintrc.json": config,
      "policy.json": wrongRegion,
      "formatters/count.mjs": "export default (results, context) => `${results.length} ${Object.keys(context.rulesMeta).join()} ${context.cwd}`;\n",
    });
    const custom = await runBin(["--format", "./formatters/count.mjs", "policy.json"], { cwd: dir });
    expect(custom).toEqual({ code: 1, stdout: `1 @ecrlint/no-region-mismatch ${dir}\n`, stderr: "" });
    const withMeta = JSON.parse((await runBin(["--format", "json-with-metadata", "--max-warnings", "0", "policy.json"], { cwd: dir })).stdout) as {
      results: JsonResult[];
      metadata: { cwd: string; rulesMeta: Record<string, { docs: { url: string } }> };
    };
    expect(Object.keys(withMeta)).toEqual(["results", "metadata"]);
    expect(withMeta.metadata.cwd).toBe(dir);
    expect(Object.keys(withMeta.metadata.rulesMeta)).toEqual(["@ecrlint/no-region-mismatch"]);
    expect(withMeta.metadata.rulesMeta["@ecrlint/no-region-mismatch"]).toEqual(JSON.parse(JSON.stringify(plugin.rules["no-region-mismatch"]!.meta)));
    const missing = await runBin(["--format", "./nope.mjs", "policy.json"], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^ecrlint: --format: cannot load the formatter "\.\/nope\.mjs"/);
  });

  it("--cache-location as ESLint reads it: a folder or a file, relative to the working directory; no node_modules/.cache", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "infra/policy.json": wrongRegion, "caches/.keep": "" });
    await runBin(["--cache", "."], { cwd: join(dir, "infra") });
    expect(existsSync(join(dir, "infra", ".ecrlintcache"))).toBe(true);
    expect(existsSync(join(dir, "infra", "node_modules"))).toBe(false);
    await runBin(["--cache", "--cache-location", "../caches", "."], { cwd: join(dir, "infra") });
    expect(readdirSync(join(dir, "caches")).filter((f) => f.startsWith(".cache_"))).toHaveLength(1);
    await runBin(["--cache", "--cache-location", "new-folder/", "."], { cwd: join(dir, "infra") });
    expect(readdirSync(join(dir, "infra", "new-folder")).filter((f) => f.startsWith(".cache_"))).toHaveLength(1);
    await runBin(["--cache", "--cache-location", "../caches/run.json", "."], { cwd: join(dir, "infra") });
    expect(existsSync(join(dir, "caches", "run.json"))).toBe(true);
  });
});

describe("git (16)", () => {
  it("honours .git/info/exclude", async () => {
    const dir = tree({ ".ecrlintrc.json": config, "scratch/registry-policy.json": wrongRegion, "kept/registry-policy.json": wrongRegion });
    gitInit(dir);
    writeFileSync(join(dir, ".git", "info", "exclude"), "scratch/\n");
    const r = await runBin(["--format", "json"], { cwd: dir });
    expect(parse(r.stdout).map((x) => x.filePath.slice(dir.length + 1))).toEqual(["kept/registry-policy.json"]);
    const glob = await runBin(["--format", "json", "**/registry-policy.json"], { cwd: dir });
    expect(parse(glob.stdout).map((x) => x.filePath.slice(dir.length + 1))).toEqual(["kept/registry-policy.json"]);
  });

  it("in a shallow clone, --changed-since says the merge base is missing and how to fetch it", async () => {
    const origin = tree({ ".ecrlintrc.json": config, "registry-policy.json": wrongRegion.replace("us-east-1", "us-west-2") });
    gitInit(origin);
    const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, stdio: "pipe" });
    git(origin, "checkout", "-q", "-b", "feature");
    for (const n of [1, 2, 3]) {
      writeFileSync(join(origin, `p${n}.json`), wrongRegion);
      git(origin, "add", "-A");
      git(origin, "commit", "-q", "-m", `p${n}`);
    }
    git(origin, "checkout", "-q", "main");
    writeFileSync(join(origin, "main.json"), "{}");
    git(origin, "add", "-A");
    git(origin, "commit", "-q", "-m", "main moves on");
    const clone = join(tempDir(), "clone");
    execFileSync("git", ["clone", "-q", "--depth", "1", "--no-single-branch", `file://${origin}`, clone], { stdio: "pipe" });
    git(clone, "checkout", "-q", "feature");
    const r = await runBin(["--changed-since", "origin/main"], { cwd: clone });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('ecrlint: --changed-since: the merge base of "origin/main" and HEAD is missing: this is a shallow clone; fetch more history (git fetch --unshallow, or git fetch --deepen=<n>; actions/checkout fetch-depth: 0)\n');
    // A ref the clone lacks: a commit relative to HEAD needs more history, a branch can be fetched by name.
    const hint = "or check out with full history (actions/checkout fetch-depth: 0)";
    expect(await runBin(["--changed-since", "HEAD~3"], { cwd: clone })).toEqual({ code: 2, stdout: "", stderr: `ecrlint: --changed-since: unknown git ref "HEAD~3" in this shallow clone; fetch more history (git fetch --deepen=3, or git fetch --unshallow), ${hint}\n` });
    expect((await runBin(["--changed-since", "HEAD^^"], { cwd: clone })).stderr).toContain("git fetch --deepen=2,");
    expect((await runBin(["--changed-since", "0123abcd"], { cwd: clone })).stderr).toContain("; fetch more history (git fetch --unshallow), ");
    expect((await runBin(["--changed-since", "origin/release"], { cwd: clone })).stderr).toBe(`ecrlint: --changed-since: unknown git ref "origin/release" in this shallow clone; fetch it first (git fetch origin release), ${hint}\n`);
  });
});

describe("ignored files named on the command line, byte for byte as ESLint 10 prints them", () => {
  it("json and stylish, for an ignore pattern, node_modules and standard input", async () => {
    const policy = '{"Version":"2012-10-17","Statement":[]}';
    const dir = tree({ "ign/p.json": policy, "node_modules/x/p.json": policy, ".ecrlintrc.json": '{"ignores":["ign/**"]}', "eslint.config.mjs": 'export default [{ ignores: ["ign/**"] }];\n' });
    gitInit(dir);
    const eslint10 = join(runnerFixtures, "..", "..", "node_modules", "eslint", "bin", "eslint.js");
    const eslint = (args: string[], input?: string) => runNode([eslint10, ...args], { cwd: dir, ...(input !== undefined ? { input } : {}) });
    for (const args of [["-f", "json", "ign/p.json", "node_modules/x/p.json"], ["ign/p.json", "node_modules/x/p.json"]]) {
      const theirs = await eslint(args);
      expect(theirs.stdout).toMatch(/or use \\?"--no-warn-ignored\\?" to suppress this warning/);
      expect(await runBin(args, { cwd: dir })).toEqual(theirs);
    }
    const stdin = ["-f", "json", "--stdin", "--stdin-filename", "ign/q.json"];
    expect(await runBin(stdin, { cwd: dir, input: policy })).toEqual(await eslint(stdin, policy));
  });
});

describe("standard input without a file name", () => {
  it("is <text> everywhere, the notices included, as ESLint calls it", async () => {
    const dir = tree({ "README.md": "policies come on standard input\n" });
    gitInit(dir);
    const r = await runBin(["--stdin", "--format", "json"], { cwd: dir, input: wrongRegion });
    expect((JSON.parse(r.stdout) as JsonResult[]).map((x) => x.filePath)).toEqual(["<text>"]);
    expect(r.stderr).toMatch(/\n {2}Files: <text>\.\n$/);
    expect(r.stderr).not.toContain("placeholder");
  });
});

describe("files nested too deep", () => {
  it("get the same parsing error, at the same place, from the runner and ESLint 9 and 10, whatever else is in the run", async () => {
    const pluginUrl = JSON.stringify(pathToFileURL(join(runnerFixtures, "..", "..", "packages", "eslint-plugin", "dist", "index.js")).href);
    const deep = (n: number) => `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*",\n "Condition": {"StringEquals": {"aws:SourceVpc": ${"[".repeat(n)}${"]".repeat(n)}}}}]}`;
    const files: Record<string, string> = { ".ecrlintrc.json": config, "eslint.config.mjs": `import ecrlint from ${pluginUrl};\nexport default [...ecrlint.configs.recommended];\n` };
    for (const n of [300, 1000, 100_000]) files[`d${n}/registry-policy.json`] = deep(n);
    for (const n of [1, 2, 3]) files[`other${n}/registry-policy.json`] = wrongRegion;
    const dir = tree(files);
    gitInit(dir);
    const expected = { ruleId: null, fatal: true, severity: 2, message: "Parsing error: Arrays and objects nest deeper than 256 levels here; the file is not parsed.", line: 2, column: 301 };
    const eslintBins = { "ESLint 10": join(runnerFixtures, "..", "..", "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(runnerFixtures, "..", "..", "node_modules", "eslint9", "bin", "eslint.js") };
    const deepOnes = (stdout: string) => parse(stdout).filter((r) => /\/d\d+\//.test(r.filePath)).map((r) => [r.filePath.slice(dir.length + 1), r.messages]);
    const want = [300, 1000, 100_000].map((n) => [`d${n}/registry-policy.json`, [expected]]).sort();
    for (const args of [["."], ["d300", "d1000", "d100000"], ["d100000/registry-policy.json", "d300", "d1000"]]) {
      expect(deepOnes((await runBin(["--format", "json", ...args], { cwd: dir })).stdout).sort()).toEqual(want);
      for (const [name, bin] of Object.entries(eslintBins)) {
        const r = await runNode([bin, "--format", "json", ...args], { cwd: dir });
        expect({ name, files: deepOnes(r.stdout).map(([f, m]) => [f, (m as object[]).map((x) => ({ ...x, nodeType: undefined }))]).sort() }).toEqual({ name, files: want.map(([f, m]) => [f, (m as object[]).map((x) => ({ ...x, nodeType: undefined }))]) });
      }
    }
  });
});

describe("--cache and the rules that read other files", () => {
  it("ESLint's cache keeps a cross-file finding after the other file is fixed, as the plugin README says; the runner's does not", async () => {
    const dir = copyFixture("cross-file");
    const pluginUrl = JSON.stringify(pathToFileURL(join(runnerFixtures, "..", "..", "packages", "eslint-plugin", "dist", "index.js")).href);
    writeFileSync(join(dir, "eslint.config.mjs"), `import ecrlint from ${pluginUrl};\nexport default [...ecrlint.configs.recommended];\n`);
    gitInit(dir);
    const eslint10 = join(runnerFixtures, "..", "..", "node_modules", "eslint", "bin", "eslint.js");
    const source = "infra/source/replication-configuration.json";
    const crossFile = (stdout: string) => parse(stdout).filter((r) => r.filePath.endsWith(source)).flatMap((r) => r.messages.map((m) => m.ruleId));
    const eslint = async () => crossFile((await runNode([eslint10, "--cache", "--format", "json", "infra"], { cwd: dir })).stdout);
    const ecrlint = async () => crossFile((await runBin(["--cache", "--format", "json"], { cwd: dir })).stdout);
    expect(await eslint()).toEqual(["@ecrlint/replication-destination-allowed"]);
    expect(await ecrlint()).toEqual(["@ecrlint/replication-destination-allowed"]);
    // The destination now allows the source: the finding on the replication configuration is stale.
    const dest = join(dir, "infra/dest-b/registry-policy.json");
    writeFileSync(dest, readFileSync(dest, "utf8").replace('"ecr:BatchGetImage"', '"ecr:CreateRepository", "ecr:ReplicateImage"'));
    expect(await eslint()).toEqual(["@ecrlint/replication-destination-allowed"]);
    expect(await ecrlint()).toEqual([]);
    // Without --cache ESLint sees it too.
    expect(crossFile((await runNode([eslint10, "--format", "json", "infra"], { cwd: dir })).stdout)).toEqual([]);
  });
});

describe("the json format (17)", () => {
  it("is byte for byte what ESLint's json formatter writes for the same results, with its trailing newline", async () => {
    const dir = copyFixture("directives");
    const r = await runBin(["--format", "json"], { cwd: dir });
    expect(r.stdout.endsWith("]\n")).toBe(true);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
    const theirs = new Map((await eslint.lintFiles(["."])).map((x) => [x.filePath, x]));
    for (const ours of JSON.parse(r.stdout) as JsonResult[]) {
      const their = theirs.get(ours.filePath)!;
      if (their.messages.some((m) => m.ruleId === null && !m.message.includes("@ecrlint/"))) continue;
      expect(JSON.stringify(ours)).toBe(JSON.stringify(their));
    }
  });
});
