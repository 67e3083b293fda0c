import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, fileTree, gitInit, policyIn, repoDir, runBin, runNode, tempDir, writeEslintConfig } from "./helpers.js";

/**
 * The run's base path is the folder of the outermost config that governs the working directory (ESLint's
 * `basePath`), else the repository's root: a file inside it is linted wherever the command runs from, with the
 * findings and exit code of a run from the base path; only a file outside it gets ESLint's warning.
 */

const registry = { files: ["**"], account: "444455556666", region: "us-west-2" };
const rootConfig = { registries: [registry], ignores: ["infra/generated/**"] };
/** One `no-region-mismatch` finding (the registry is in us-west-2). */
const wrongRegion = policyIn("us-east-1");
/** One `no-public-access` finding whatever the registry. */
const publicPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "a", Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*" }] });
const OUTSIDE = "File ignored because outside of base path.";
const IGNORED = 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings or use "--no-warn-ignored" to suppress this warning.';

interface Shown {
  filePath: string;
  messages: { ruleId: string | null; message: string; line?: number; column?: number }[];
  errorCount: number;
  warningCount: number;
}

/** A run's JSON report and exit code, with stderr required empty unless `stderr` is given. */
async function lintJson(cwd: string, args: string[], stderr = ""): Promise<{ code: number | null; results: Shown[] }> {
  const run = await runBin(["-f", "json", ...args], { cwd });
  expect(run.stderr).toBe(stderr);
  return { code: run.code, results: JSON.parse(run.stdout) as Shown[] };
}

/** What each file got, by path from `dir`: a report compared across working directories. */
const findings = (dir: string, results: Shown[]): [string, string[]][] =>
  results.map((r) => [r.filePath.startsWith(`${dir}/`) ? r.filePath.slice(dir.length + 1) : r.filePath, r.messages.map((m) => `${m.line ?? 0}:${m.column ?? 0} ${m.ruleId ?? m.message}`)]);

/** A git repository with its config at the root, a policy two folders down and the usual ignored places. */
function repository(extra: Record<string, unknown> = {}): string {
  const dir = fileTree({
    ".ecrlintrc.json": rootConfig,
    ".gitignore": "build/\n",
    "infra/registry-policy.json": wrongRegion,
    "infra/public.json": publicPolicy,
    "infra/terraform/README.md": "# terraform\n",
    "infra/generated/policy.json": wrongRegion,
    "build/policy.json": wrongRegion,
    "policies/other.json": wrongRegion,
    ...extra,
  });
  gitInit(dir);
  return dir;
}

describe("files named from a subfolder of the config's folder", () => {
  it("`../x.json`, `..`, an absolute path and a glob are linted as from the root: same findings, exit 1", async () => {
    const dir = repository();
    const sub = join(dir, "infra", "terraform");
    const fromRoot = await lintJson(dir, ["infra/registry-policy.json", "infra/public.json"]);
    expect(fromRoot.code).toBe(1);
    expect(findings(dir, fromRoot.results)).toEqual([
      ["infra/public.json", ["1:78 @ecrlint/no-public-access"]],
      ["infra/registry-policy.json", ["9:32 @ecrlint/no-region-mismatch"]],
    ]);
    for (const args of [["../registry-policy.json", "../public.json"], [join(dir, "infra", "registry-policy.json"), join(dir, "infra", "public.json")], ["../*.json"]]) {
      const run = await lintJson(sub, args);
      expect({ args, code: run.code, findings: findings(dir, run.results) }).toEqual({ args, code: 1, findings: findings(dir, fromRoot.results) });
    }
    // A folder: the config's ignores and .gitignore still apply (infra/generated, build/), as from the root.
    const folder = await lintJson(sub, ["..", "../.."]);
    const whole = await lintJson(dir, []);
    expect(folder.code).toBe(1);
    expect(findings(dir, folder.results)).toEqual(findings(dir, whole.results));
    expect(findings(dir, whole.results).map(([path]) => path)).toEqual(["infra/public.json", "infra/registry-policy.json", "policies/other.json"]);
  });

  it("stylish names the file and the finding; the exit code is the finding's", async () => {
    const dir = repository();
    const run = await runBin(["../public.json"], { cwd: join(dir, "infra", "terraform") });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${join(dir, "infra", "public.json")}\n  1:78  error  Anyone can use this grant`);
    expect(run.stdout).not.toContain("outside of base path");
  });

  it("`ecrlint` with no patterns lints the working directory's subtree, with the root config and its ignores", async () => {
    const dir = repository();
    const infra = await lintJson(join(dir, "infra"), []);
    expect(infra.code).toBe(1);
    // infra/generated is ignored by the root config: a run from infra reads the config of its base path.
    expect(findings(dir, infra.results)).toEqual([
      ["infra/public.json", ["1:78 @ecrlint/no-public-access"]],
      ["infra/registry-policy.json", ["9:32 @ecrlint/no-region-mismatch"]],
    ]);
    expect(findings(dir, (await lintJson(dir, ["infra"])).results)).toEqual(findings(dir, infra.results));
    // A folder with nothing to lint says so, as ESLint does, instead of passing in silence.
    const empty = await runBin([], { cwd: join(dir, "infra", "terraform") });
    expect(empty).toEqual({ code: 2, stdout: "", stderr: 'ecrlint: No files matching the pattern "." were found.\nPlease check for typing mistakes in the pattern.\n' });
  });

  it("a file outside the base path keeps ESLint's warning, without a location (stylish shows 0:0), exit 0; a folder or glob there is all ignored, exit 2", async () => {
    const dir = repository();
    const elsewhere = fileTree({ "x.json": publicPolicy, "nested/y.json": publicPolicy });
    const sub = join(dir, "infra");
    const run = await lintJson(sub, [join(elsewhere, "x.json"), "../policies/other.json"]);
    expect(run.code).toBe(1);
    // Results are in path order; the two temporary folders may come in either order.
    expect(findings(dir, run.results).sort()).toEqual([
      [join(elsewhere, "x.json"), [`0:0 ${OUTSIDE}`]],
      ["policies/other.json", ["9:32 @ecrlint/no-region-mismatch"]],
    ]);
    // A folder outside, as ESLint 9 says it: every file in it is ignored.
    const folder = await runBin([join(elsewhere, "nested"), "../policies/other.json"], { cwd: sub });
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`You are linting "${join(elsewhere, "nested")}", but all of the files matching the glob pattern "${join(elsewhere, "nested")}" are ignored.`);
    expect((await runBin(["--no-error-on-unmatched-pattern", join(elsewhere, "nested"), "../policies/other.json"], { cwd: sub })).code).toBe(1);
    expect(run.results.find((r) => r.filePath === join(elsewhere, "x.json"))!.messages).toEqual([{ ruleId: null, fatal: false, severity: 1, message: OUTSIDE }]);
    const stylish = await runBin([join(elsewhere, "x.json")], { cwd: sub });
    expect(stylish.code).toBe(0);
    expect(stylish.stdout).toContain(`${join(elsewhere, "x.json")}\n  0:0  warning  File ignored because outside of base path`);
    // A glob whose files are all outside: nothing to lint, as if they were ignored.
    const glob = await runBin([`${elsewhere}/*.json`], { cwd: sub });
    expect(glob.code).toBe(2);
    expect(glob.stderr).toContain("are ignored");
  });
});

describe("the runner and ESLint from a subfolder", () => {
  const eslintBins = { "ESLint 10": join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(repoDir, "node_modules", "eslint9", "bin", "eslint.js") };
  /** Each file's findings by rule and place, and the exit code, of one command. */
  const outcome = async (bin: string, cwd: string, args: string[]) => {
    const run = await runNode([bin, "-f", "json", ...args], { cwd });
    const results = JSON.parse(run.stdout) as Shown[];
    // By path: two temporary folders come in either order.
    return { code: run.code, findings: results.map((r) => [r.filePath, r.messages.map((m) => `${m.ruleId ?? m.message}:${m.line ?? 0}:${m.column ?? 0}`)]).sort() };
  };

  it("lint `../x.json` and `..` inside the base path alike; ESLint 9 and the runner warn alike about a file outside it", async () => {
    const dir = repository();
    writeEslintConfig(dir);
    // ESLint does not read ecrlint's own `ignores` (a user writes them in eslint.config.js too): nothing to ignore here.
    rmSync(join(dir, "infra", "generated"), { recursive: true });
    const sub = join(dir, "infra", "terraform");
    for (const args of [["../registry-policy.json", "../public.json"], [".."]]) {
      const ours = await outcome(join(repoDir, "packages", "cli", "bin", "ecrlint.js"), sub, args);
      expect(ours.code).toBe(1);
      for (const [name, bin] of Object.entries(eslintBins)) expect({ name, args, ...(await outcome(bin, sub, args)) }).toEqual({ name, args, ...ours });
    }
    const elsewhere = join(fileTree({ "x.json": publicPolicy }), "x.json");
    const ours = await outcome(join(repoDir, "packages", "cli", "bin", "ecrlint.js"), sub, ["../public.json", elsewhere]);
    expect(ours).toEqual({ code: 1, findings: [[join(dir, "infra", "public.json"), ["@ecrlint/no-public-access:1:78"]], [elsewhere, [`${OUTSIDE}:0:0`]]].sort() });
    expect(await outcome(eslintBins["ESLint 9"], sub, ["../public.json", elsewhere])).toEqual(ours);
  });
});

describe("standard input named from a subfolder", () => {
  it("--stdin-filename ../x.json is linted as that file; a name outside the base path gets ESLint's warning", async () => {
    const dir = repository();
    const sub = join(dir, "infra", "terraform");
    const named = await runBin(["-f", "json", "--stdin", "--stdin-filename", "../registry-policy.json"], { cwd: sub, input: wrongRegion });
    expect({ code: named.code, stderr: named.stderr }).toEqual({ code: 1, stderr: "" });
    expect(findings(dir, JSON.parse(named.stdout) as Shown[])).toEqual([["infra/registry-policy.json", ["9:32 @ecrlint/no-region-mismatch"]]]);
    const ignored = await runBin(["-f", "json", "--stdin", "--stdin-filename", "../generated/policy.json"], { cwd: sub, input: wrongRegion });
    expect(findings(dir, JSON.parse(ignored.stdout) as Shown[])).toEqual([["infra/generated/policy.json", [`0:0 ${IGNORED}`]]]);
    const elsewhere = join(tempDir(), "x.json");
    const outside = await runBin(["-f", "json", "--stdin", "--stdin-filename", elsewhere], { cwd: sub, input: wrongRegion });
    expect({ code: outside.code, stderr: outside.stderr }).toEqual({ code: 0, stderr: "" });
    expect(findings(dir, JSON.parse(outside.stdout) as Shown[])).toEqual([[elsewhere, [`0:0 ${OUTSIDE}`]]]);
  });
});

describe("ignores from a subfolder", () => {
  it("the root config's ignores and .gitignore hide a named file (a warning) and a named folder (exit 2) as from the root", async () => {
    const dir = repository();
    const sub = join(dir, "infra", "terraform");
    for (const [fromSub, fromRoot] of [
      ["../generated/policy.json", "infra/generated/policy.json"],
      ["../../build/policy.json", "build/policy.json"],
    ] as const) {
      const here = await lintJson(sub, [fromSub]);
      const there = await lintJson(dir, [fromRoot]);
      expect(here).toEqual(there);
      expect(here.code).toBe(0);
      expect(here.results[0]!.messages.map((m) => m.message)).toEqual([IGNORED]);
    }
    for (const [cwd, pattern] of [
      [sub, "../generated"],
      [dir, "infra/generated"],
      [join(dir, "infra"), "generated"],
      [join(dir, "infra", "generated"), "."],
    ] as const) {
      const run = await runBin([pattern], { cwd });
      expect({ cwd, code: run.code, stdout: run.stdout }).toEqual({ cwd, code: 2, stdout: "" });
      expect(run.stderr).toMatch(new RegExp(`^ecrlint: You are linting "${pattern.replace(/\./g, "\\.")}", but all of the files matching the glob pattern "${pattern.replace(/\./g, "\\.")}" are ignored\\.`));
    }
    // --no-ignore lints them, from anywhere.
    const unignored = await lintJson(sub, ["--no-ignore", "../generated/policy.json"]);
    expect(findings(dir, unignored.results)).toEqual([["infra/generated/policy.json", ["9:32 @ecrlint/no-region-mismatch"]]]);
  });
});

describe("a nested config", () => {
  it("keeps its semantics: `cd infra && ecrlint` and `ecrlint infra` from the root give the same findings", async () => {
    const dir = repository({
      // infra's registry is in eu-west-1, and it ignores its own scratch folder.
      "infra/.ecrlintrc.json": { registries: [{ ...registry, region: "eu-west-1" }], ignores: ["scratch/**"] },
      "infra/scratch/policy.json": wrongRegion,
      "infra/eu.json": policyIn("eu-west-1"),
    });
    const fromRoot = await lintJson(dir, ["infra"]);
    const fromInfra = await lintJson(join(dir, "infra"), []);
    const fromBelow = await lintJson(join(dir, "infra", "terraform"), [".."]);
    expect(findings(dir, fromInfra.results)).toEqual(findings(dir, fromRoot.results));
    expect(findings(dir, fromBelow.results)).toEqual(findings(dir, fromRoot.results));
    // infra's registry (eu-west-1): eu.json is clean and the us-east-1 policy is still wrong; the root's ignores
    // (infra/generated) and infra's own (scratch) both apply.
    expect(findings(dir, fromInfra.results)).toEqual([
      ["infra/eu.json", []],
      ["infra/public.json", ["1:78 @ecrlint/no-public-access"]],
      ["infra/registry-policy.json", ["9:32 @ecrlint/no-region-mismatch"]],
    ]);
    expect(fromInfra.results.find((r) => r.filePath.endsWith("registry-policy.json"))!.messages[0]!.message).toContain('"eu-west-1"');
    // A file the nested config's ignores hide, named from below it: ignored, as from the root.
    const scratch = await lintJson(join(dir, "infra", "terraform"), ["../scratch/policy.json"]);
    expect(scratch).toEqual(await lintJson(dir, ["infra/scratch/policy.json"]));
    expect(scratch.results[0]!.messages.map((m) => m.message)).toEqual([IGNORED]);
    // From infra, a file of the root config's folder is inside the base path and gets the root's registry.
    const up = await lintJson(join(dir, "infra"), ["../policies/other.json"]);
    expect(findings(dir, up.results)).toEqual([["policies/other.json", ["9:32 @ecrlint/no-region-mismatch"]]]);
    expect(up.results[0]!.messages[0]!.message).toContain('"us-west-2"');
  });
});

describe("without a config", () => {
  it("in a git repository, the base path is the repository's root; outside git, the working directory, as in ESLint", async () => {
    const files = { "infra/public.json": publicPolicy, "infra/terraform/README.md": "# terraform\n" };
    const inGit = fileTree(files);
    gitInit(inGit);
    const named = await runBin(["-f", "json", "../public.json"], { cwd: join(inGit, "infra", "terraform") });
    expect(named.code).toBe(1);
    expect(findings(inGit, JSON.parse(named.stdout) as Shown[])).toEqual([["infra/public.json", ["1:78 @ecrlint/no-public-access"]]]);
    // The notice's proposed config is at the repository's root, named from the working directory, and its glob is
    // relative to that folder.
    expect(named.stderr).toContain('Declare it in an ecrlint config (../../.ecrlintrc.json): {"registries": [{"files": ["infra/**"]');
    expect(named.stderr).toContain("Files: ../public.json.");

    const noGit = fileTree(files);
    const outside = await lintJson(join(noGit, "infra", "terraform"), ["../public.json"]);
    expect(outside.code).toBe(0);
    expect(findings(noGit, outside.results)).toEqual([["infra/public.json", [`0:0 ${OUTSIDE}`]]]);
    // There, a config in the folder above is the base path: the file is linted.
    writeFileSync(join(noGit, ".ecrlintrc.json"), JSON.stringify(rootConfig));
    const configured = await lintJson(join(noGit, "infra", "terraform"), ["../public.json"]);
    expect(findings(noGit, configured.results)).toEqual([["infra/public.json", ["1:78 @ecrlint/no-public-access"]]]);
    // SARIF paths are relative to the base path there (in git, to the repository's root), never `../`.
    const sarif = await runBin(["-f", "sarif", "../public.json"], { cwd: join(noGit, "infra", "terraform") });
    const log = JSON.parse(sarif.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual(["infra/public.json"]);
  });

  it("no config above the repository's root is read, and the base path stays the repository's", async () => {
    const parent = tempDir();
    // A config that would change the registry, above the repository: never read.
    writeFileSync(join(parent, ".ecrlintrc.json"), JSON.stringify({ registries: [{ ...registry, region: "us-east-1" }] }));
    const dir = join(parent, "repo");
    mkdirSync(join(dir, "infra", "terraform"), { recursive: true });
    writeFileSync(join(dir, "infra", "registry-policy.json"), wrongRegion);
    writeFileSync(join(dir, "outside.json"), "{}");
    writeFileSync(join(parent, "sibling.json"), publicPolicy);
    gitInit(dir);
    const run = await runBin(["-f", "json", "../registry-policy.json", "../../../sibling.json"], { cwd: join(dir, "infra", "terraform") });
    const results = JSON.parse(run.stdout) as Shown[];
    expect(findings(dir, results)).toEqual([
      ["infra/registry-policy.json", []],
      [join(parent, "sibling.json"), [`0:0 ${OUTSIDE}`]],
    ]);
    // No registry is known (the parent's config was not read): the notice says so.
    expect(run.stderr).toContain("1 policy file has no known registry");
  });
});

describe("ecrlint diff from a subfolder", () => {
  it("compares the changed files named from there (`../x.json`, `..`, an absolute path); with none, those below it", async () => {
    const restricted = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "a", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "ecr:BatchGetImage", Resource: "*" }] });
    const dir = repository({ "infra/public.json": restricted });
    writeFileSync(join(dir, "infra", "public.json"), publicPolicy);
    const sub = join(dir, "infra", "terraform");
    const paths = async (cwd: string, args: string[]) => {
      const run = await runBin(["diff", "HEAD", "--format", "json", ...args], { cwd });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
      return (JSON.parse(run.stdout) as { files: { path: string }[] }).files.map((f) => f.path);
    };
    expect(await paths(dir, [])).toEqual(["infra/public.json"]);
    for (const args of [["../public.json"], [".."], [join(dir, "infra")], ["../*.json"]]) expect({ args, paths: await paths(sub, args) }).toEqual({ args, paths: ["../public.json"] });
    expect(await paths(sub, [])).toEqual([]);
    expect(await paths(join(dir, "infra"), [])).toEqual(["public.json"]);
    // A glob that matches no file there names nothing: ESLint's usage error, as the linter's own.
    const none = await runBin(["diff", "HEAD", "**/*.json"], { cwd: sub });
    expect({ code: none.code, stderr: none.stderr }).toEqual({ code: 2, stderr: 'ecrlint diff: No files matching the pattern "**/*.json" were found.\n' });
  });
});

describe("the unknown-registry notice from a subfolder", () => {
  it("names the root config from the working directory, with a glob relative to the config's folder", async () => {
    const dir = fileTree({ "package.json": { name: "infra", ecrlint: { rules: { "no-duplicate-sid": "warn" } } }, "infra/public.json": publicPolicy, "infra/terraform/README.md": "# terraform\n" });
    gitInit(dir);
    const run = await runBin(["../public.json"], { cwd: join(dir, "infra", "terraform") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Declare it in the "ecrlint" key of ../../package.json: {"registries": [{"files": ["infra/**"]');
    expect(run.stderr).toContain("Files: ../public.json.");
  });
});

describe("a config in the home folder", () => {
  it("governs the files below it but is no base path: a project outside git ends at the working directory", async () => {
    const home = fileTree({
      ".ecrlintrc.json": { registries: [registry] },
      "proj/sub/policy.json": wrongRegion,
      "proj/other.json": wrongRegion,
    });
    const run = await runBin(["-f", "json", "policy.json", "../other.json"], { cwd: join(home, "proj", "sub"), env: { HOME: home } });
    expect(run.code).toBe(1);
    // Neither a config of its own nor git marks a project there: the folder around the file is not read for facts.
    expect(run.stderr).toMatch(/^ecrlint: the cross-file rules compared this file with the other files named only/);
    // The home config gives the registry (us-west-2), but ../ is outside the base path.
    expect(findings(home, JSON.parse(run.stdout) as Shown[])).toEqual([
      ["proj/other.json", [`0:0 ${OUTSIDE}`]],
      ["proj/sub/policy.json", ["9:32 @ecrlint/no-region-mismatch"]],
    ]);
    // Named with -c, the same: the home folder is not a base path.
    const named = await runBin(["-f", "json", "-c", join(home, ".ecrlintrc.json"), "../other.json"], { cwd: join(home, "proj", "sub"), env: { HOME: home } });
    expect(findings(home, JSON.parse(named.stdout) as Shown[])).toEqual([["proj/other.json", [`0:0 ${OUTSIDE}`]]]);
  });
});

describe("the user's global config", () => {
  it("governs the files that have no config of their own, and a run from the home folder ends (it starts no project)", async () => {
    const home = fileTree({ ".config/ecrlint/config.json": { registries: [registry] }, "x.json": publicPolicy, "proj/sub/y.json": publicPolicy });
    for (const cwd of [home, join(home, "proj", "sub")]) {
      const run = await runBin(["-f", "json", join(home, "proj", "sub", "y.json")], { cwd, env: { HOME: home } });
      expect({ cwd, code: run.code }).toEqual({ cwd, code: 1 });
      expect(findings(home, JSON.parse(run.stdout) as Shown[])).toEqual([["proj/sub/y.json", ["1:78 @ecrlint/no-public-access"]]]);
      // Its files globs are relative to its own folder: the notice says the registry is not known.
      expect(run.stderr).toContain("Declare it in ");
    }
  });
});

describe("--config from a subfolder", () => {
  it("a config above the working directory makes its folder the base path; with one beside it, it is the working directory, as in ESLint", async () => {
    const dir = repository({ "configs/lenient.json": { rules: { "no-public-access": "warn" } } });
    const sub = join(dir, "infra", "terraform");
    const above = await lintJson(sub, ["--config", "../../.ecrlintrc.json", "../registry-policy.json"]);
    expect(findings(dir, above.results)).toEqual([["infra/registry-policy.json", ["9:32 @ecrlint/no-region-mismatch"]]]);
    // configs/ does not hold the working directory: the base path is the working directory, as ESLint's with -c.
    const beside = await lintJson(sub, ["--config", "../../configs/lenient.json", "../public.json"]);
    expect(beside.code).toBe(0);
    expect(findings(dir, beside.results)).toEqual([["infra/public.json", [`0:0 ${OUTSIDE}`]]]);
    // From infra, where the file is: its rules (no-public-access at warn). No registry is known; the entry the notice
    // proposes matches the files from that config's folder: an absolute glob.
    const here = await runBin(["-f", "json", "--config", "../configs/lenient.json", "public.json"], { cwd: join(dir, "infra") });
    expect(here.code).toBe(0);
    expect(findings(dir, JSON.parse(here.stdout) as Shown[])).toEqual([["infra/public.json", ["1:78 @ecrlint/no-public-access"]]]);
    expect(here.stderr).toContain(`Declare it in ../configs/lenient.json: {"registries": [{"files": [${JSON.stringify(`${dir}/infra/**`)}]`);
  });
});

describe("what reads the rest of the run from a subfolder", () => {
  it("--cache: the cache is in the working directory, and a warm run reports what a cold one did", async () => {
    const dir = repository();
    const sub = join(dir, "infra", "terraform");
    const cold = await lintJson(sub, ["--cache", "../.."]);
    expect(existsSync(join(sub, ".ecrlintcache"))).toBe(true);
    expect(existsSync(join(dir, ".ecrlintcache"))).toBe(false);
    const warm = await lintJson(sub, ["--cache", "../.."]);
    expect(warm).toEqual(cold);
    expect(findings(dir, cold.results)).toEqual(findings(dir, (await lintJson(dir, [])).results));
    // A file changed since is linted again.
    writeFileSync(join(dir, "policies", "other.json"), policyIn("us-west-2"));
    const changed = await lintJson(sub, ["--cache", "../.."]);
    expect(findings(dir, changed.results).find(([path]) => path === "policies/other.json")).toEqual(["policies/other.json", []]);
    // --cache-location is relative to the working directory, as ESLint's.
    await lintJson(sub, ["--cache", "--cache-location", "cache/", "../registry-policy.json"]);
    expect(readFileSync(join(sub, "cache", readdirOne(join(sub, "cache"))), "utf8")).toContain("registry-policy.json");
  });

  it("--print-config ../x.json gives the root config, its registry and the file's kind", async () => {
    const dir = repository();
    const run = await runBin(["--print-config", "../registry-policy.json"], { cwd: join(dir, "infra", "terraform") });
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, any>;
    expect(printed.filePath).toBe(join(dir, "infra", "registry-policy.json"));
    expect(printed.configFile).toBe(join(dir, ".ecrlintrc.json"));
    expect(printed.ignores).toEqual(["infra/generated/**"]);
    expect(printed.registry).toMatchObject({ account: "444455556666", region: "us-west-2", source: "config" });
    expect(printed.kind).toMatchObject({ kind: "registry-policy" });
  });

  it("cross-file rules read the rest of the project, for named files and for `ecrlint` run below the project's top", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": {
        registries: [
          { files: ["infra/source/**"], account: "111122223333", region: "us-west-2" },
          { files: ["infra/dest/**"], account: "444455556666", region: "eu-west-1" },
        ],
      },
      "infra/source/replication-configuration.json": {
        rules: [{ destinations: [{ region: "eu-west-1", registryId: "444455556666" }] }],
      },
      "infra/dest/registry-policy.json": { Version: "2012-10-17", Statement: [{ Sid: "Other", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: "ecr:ReplicateImage", Resource: "arn:aws:ecr:eu-west-1:444455556666:repository/*" }] },
    });
    gitInit(dir);
    const full = await lintJson(dir, []);
    const rule = "@ecrlint/replication-destination-allowed";
    const expected = [["infra/source/replication-configuration.json", [expect.stringContaining(rule)]]];
    expect(findings(dir, full.results).filter(([, m]) => m.length > 0)).toEqual(expected);
    for (const [cwd, args] of [
      [join(dir, "infra", "source"), []],
      [join(dir, "infra", "source"), ["replication-configuration.json"]],
      [join(dir, "infra", "dest"), ["../source/replication-configuration.json"]],
    ] as const) {
      const run = await lintJson(cwd, [...args]);
      expect({ cwd, code: run.code, findings: findings(dir, run.results).filter(([, m]) => m.length > 0) }).toEqual({ cwd, code: 1, findings: expected });
    }
    // --changed-since: a change to the destination, outside the folder the run starts in, re-checks the source.
    const source = join(dir, "infra", "source");
    expect(findings(dir, (await lintJson(source, ["--changed-since", "HEAD"])).results)).toEqual([]);
    const destination = join(dir, "infra", "dest", "registry-policy.json");
    writeFileSync(destination, readFileSync(destination, "utf8").replace('"Other"', '"Renamed"'));
    const changed = await lintJson(source, ["--changed-since", "HEAD"]);
    expect({ code: changed.code, findings: findings(dir, changed.results) }).toEqual({ code: 1, findings: expected });
  });

  it("a Terraform file of another folder gives a file named from a subfolder its kind", async () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "S", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage"], Resource: "arn:aws:ecr:us-west-2:444455556666:repository/zz" }] }, null, 2);
    const dir = fileTree({
      ".ecrlintrc.json": { registries: [registry] },
      "tf/app/main.tf": 'resource "aws_ecr_repository_policy" "p" {\n  repository = "r"\n  policy = file("${path.module}/../../policies/repo.json")\n}\n',
      "policies/repo.json": policy,
      "docs/README.md": "# docs\n",
    });
    gitInit(dir);
    const fromRoot = await lintJson(dir, ["policies/repo.json"]);
    expect(findings(dir, fromRoot.results)).toEqual([["policies/repo.json", [expect.stringContaining("@ecrlint/no-repository-policy-resource")]]]);
    expect(findings(dir, (await lintJson(join(dir, "docs"), ["../policies/repo.json"])).results)).toEqual(findings(dir, fromRoot.results));
    expect(findings(dir, (await lintJson(join(dir, "tf", "app"), ["../../policies"])).results)).toEqual(findings(dir, fromRoot.results));
  });
});

/** The one entry of a folder. */
function readdirOne(dir: string): string {
  const entries = readdirSync(dir);
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

describe("a file named alone outside any project", () => {
  // A config module in a folder beside the named file: loading it (a walk for the rest of the project does, to
  // read that folder's ignores) leaves a mark.
  const marker = 'import { writeFileSync } from "node:fs";\nwriteFileSync(new URL("./loaded", import.meta.url), "x");\nexport default {};\n';
  const replication = JSON.stringify({ rules: [{ destinations: [{ region: "eu-west-1", registryId: "444455556666" }] }] });

  it("reads no folder around it, loads no config found there, and says the cross-file rules saw the named files only", async () => {
    const dir = fileTree({ "elsewhere/ecrlint.config.mjs": marker, "elsewhere/registry-policy.json": publicPolicy });
    for (const args of [["--stdin", "--stdin-filename", "replication-configuration.json"], ["--stdin"]]) {
      const run = await runNode([binPath, ...args], { cwd: dir, input: replication });
      expect(run.code, args.join(" ")).toBe(0);
      expect(existsSync(join(dir, "elsewhere", "loaded")), args.join(" ")).toBe(false);
    }
    writeFileSync(join(dir, "replication-configuration.json"), replication);
    const named = await runBin(["replication-configuration.json"], { cwd: dir });
    expect(named.code).toBe(0);
    expect(existsSync(join(dir, "elsewhere", "loaded"))).toBe(false);
    expect(named.stderr).toContain("ecrlint: the cross-file rules compared this file with the other files named only: no ecrlint config and no git repository marks a project around it");
    expect(named.stderr).toContain("Files: replication-configuration.json.");
    // SARIF carries it as a tool notification.
    const sarif = JSON.parse((await runBin(["-f", "sarif", "replication-configuration.json"], { cwd: dir })).stdout) as { runs: { invocations: { toolExecutionNotifications?: { descriptor: { id: string } }[] }[] }[] };
    expect(sarif.runs[0]!.invocations[0]!.toolExecutionNotifications?.map((n) => n.descriptor.id)).toContain("project-not-read");
    // A run over the folder reads it all, as asked: no notice.
    const full = await runBin([], { cwd: dir });
    expect(full.stderr).not.toContain("cross-file rules compared");
    expect(existsSync(join(dir, "elsewhere", "loaded"))).toBe(true);
  });

  it("the home folder is no project, with a config of its own or as a dotfiles repository, run from it or below", async () => {
    for (const dotfiles of [false, true]) {
      const home = fileTree({ ".ecrlintrc.json": { trustedAccounts: ["111122223333"] }, "proj/deep/ecrlint.config.mjs": marker, "proj/deep/registry-policy.json": publicPolicy, "Downloads/replication-configuration.json": replication });
      if (dotfiles) gitInit(home);
      for (const [cwd, file] of [[home, "Downloads/replication-configuration.json"], [join(home, "Downloads"), "replication-configuration.json"]] as const) {
        const run = await runBin([file], { cwd, env: { HOME: home } });
        // From the home folder, no project at all; from a folder below it in a dotfiles repository, that folder is
        // the base path, and the project: never the home folder's other folders.
        if (cwd === home || !dotfiles) expect(run.stderr, `${dotfiles} ${cwd}`).toContain("no ecrlint config and no git repository marks a project around it");
        expect(existsSync(join(home, "proj", "deep", "loaded")), `${dotfiles} ${cwd}`).toBe(false);
      }
    }
  });

  it("in a git repository, or under a config's folder, the rest of the project is read as before", async () => {
    for (const mark of ["git", "config"] as const) {
      const dir = fileTree({ "elsewhere/ecrlint.config.mjs": marker, "elsewhere/registry-policy.json": publicPolicy, "replication-configuration.json": replication });
      if (mark === "git") gitInit(dir);
      else writeFileSync(join(dir, ".ecrlintrc.json"), JSON.stringify(rootConfig));
      const named = await runBin(["replication-configuration.json"], { cwd: dir });
      expect(named.stderr, mark).not.toContain("cross-file rules compared");
      expect(existsSync(join(dir, "elsewhere", "loaded")), mark).toBe(true);
    }
  });
});

describe("a checkout reached through a symbolic link", () => {
  it("a file named by its path through the link is linted as the tree's own file", async () => {
    const dir = fileTree({ ".ecrlintrc.json": rootConfig, "infra/public.json": publicPolicy, "infra/terraform/README.md": "# tf\n" });
    gitInit(dir);
    const link = join(tempDir(), "checkout");
    symlinkSync(dir, link);
    const run = await runBin(["-f", "json", join(link, "infra", "public.json")], { cwd: join(link, "infra", "terraform") });
    expect(run.code).toBe(1);
    expect(findings(dir, JSON.parse(run.stdout) as Shown[])).toEqual([["infra/public.json", ["1:78 @ecrlint/no-public-access"]]]);
  });
});

describe("standard input named as a file no files glob matches", () => {
  it("gets ESLint's warning and is not linted, as the file named on the command line is", async () => {
    const dir = fileTree({ ".ecrlintrc.json": { ...rootConfig, files: ["infra/**/*.json"] }, "registry-policy.json": publicPolicy });
    gitInit(dir);
    const named = await runBin(["-f", "json", "registry-policy.json"], { cwd: dir });
    for (const name of ["registry-policy.json", "docs/notes.json"]) {
      const stdin = await runNode([binPath, "-f", "json", "--stdin", "--stdin-filename", name], { cwd: dir, input: publicPolicy });
      expect(stdin.code, name).toBe(0);
      const [result] = JSON.parse(stdin.stdout) as { filePath: string; messages: { message: string; severity: number }[] }[];
      expect(result!.messages.map((m) => [m.severity, m.message]), name).toEqual([[1, "File ignored because no matching configuration was supplied."]]);
    }
    expect(JSON.parse(named.stdout)[0].messages[0].message).toBe("File ignored because no matching configuration was supplied.");
    // One the globs match is linted.
    expect((await runNode([binPath, "--stdin", "--stdin-filename", "infra/registry-policy.json"], { cwd: dir, input: publicPolicy })).code).toBe(1);
    // So is one a .tf file reads with file(), though it is not on disk yet (an editor's unsaved file).
    writeFileSync(join(dir, "main.tf"), 'resource "aws_ecr_registry_policy" "r" {\n  policy = file("${path.module}/new-policy.txt")\n}\n');
    const unsaved = await runNode([binPath, "-f", "json", "--stdin", "--stdin-filename", "new-policy.txt"], { cwd: dir, input: publicPolicy });
    expect(unsaved.code).toBe(1);
    expect((JSON.parse(unsaved.stdout) as { messages: { ruleId: string }[] }[])[0]!.messages.map((m) => m.ruleId)).toContain("@ecrlint/no-public-access");
  });
});

describe("--print-config on a file a run skips", () => {
  it("says the run skips an ignored file, or one outside the base path, instead of describing how it would lint it", async () => {
    const dir = fileTree({ ".ecrlintrc.json": rootConfig, "infra/generated/registry-policy.json": publicPolicy, "infra/registry-policy.json": publicPolicy });
    gitInit(dir);
    const outside = fileTree({ "registry-policy.json": publicPolicy });
    const kind = async (file: string) => (JSON.parse((await runBin(["--print-config", file], { cwd: join(dir, "infra") })).stdout) as { kind: { kind: string | null; why: string } }).kind;
    expect(await kind("generated/registry-policy.json")).toMatchObject({ kind: null, why: expect.stringMatching(/^an ignore pattern .* matches it: a run skips it/) });
    expect(await kind(join(outside, "registry-policy.json"))).toMatchObject({ kind: null, why: expect.stringMatching(new RegExp(`^it is outside the base path ${dir}: a run skips it`)) });
    expect(await kind("registry-policy.json")).toMatchObject({ kind: "registry-policy" });
    // A link out of the base path is outside it, as a run says.
    symlinkSync(join(outside, "registry-policy.json"), join(dir, "infra", "link-registry-policy.json"));
    expect(await kind("link-registry-policy.json")).toMatchObject({ kind: null, why: expect.stringMatching(/^it is outside the base path/) });
    expect(JSON.parse((await runBin(["-f", "json", "link-registry-policy.json"], { cwd: join(dir, "infra") })).stdout)[0].messages[0].message).toBe(OUTSIDE);
    // With --no-ignore a run lints it: so does --print-config say.
    const unignored = JSON.parse((await runBin(["--no-ignore", "--print-config", "generated/registry-policy.json"], { cwd: join(dir, "infra") })).stdout) as { kind: { kind: string | null } };
    expect(unignored.kind).toMatchObject({ kind: "registry-policy" });
  });
});
