import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseJsonText, staticValue } from "@ecrlint/core";
import { binPath, packageDir, repoDir, tempDir, userEnv } from "./helpers.js";
import { codeBlocks, runSteps, type Step } from "./workflow-steps.js";

const readme = readFileSync(join(repoDir, "README.md"), "utf8");
const version = (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;

function readmeBlock(lang: string, firstLine: string): string {
  const block = codeBlocks(readme).find((b) => b.lang === lang && b.text.startsWith(firstLine));
  if (!block) throw new Error(`README.md has no ${lang} block starting with ${firstLine}`);
  return block.text;
}

function readJsonc(path: string): unknown {
  const parsed = parseJsonText(readFileSync(path, "utf8"), "JSONC");
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  return staticValue(parsed.ast);
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A repository of a team with ecrlint installed: a copy of an example, `node_modules/.bin/ecrlint`, one commit. */
function teamRepository(example: string): string {
  const dir = tempDir("ecrlint-team-");
  cpSync(join(repoDir, "examples", example), dir, { recursive: true, filter: (source) => !/[\\/](node_modules|reports)$/.test(source) });
  mkdirSync(join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(binPath, join(dir, "node_modules", ".bin", "ecrlint"));
  writeFileSync(join(dir, ".gitignore"), "node_modules/\nreports/\n*.sarif\n");
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "ci@example.com");
  git(dir, "config", "user.name", "CI");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "base");
  return dir;
}

/** The prod grant of the clean example, broken the way the example with mistakes breaks it. */
function breakProdRegion(dir: string): string {
  const path = join(dir, "registries", "prod-us-west-2", "registry-policy.json");
  writeFileSync(path, readFileSync(path, "utf8").replace("arn:aws:ecr:us-west-2:", "arn:aws:ecr:us-east-1:"));
  return path;
}

interface Hook {
  id: string;
  entry: string;
  language: string;
  types?: string[];
  files?: string;
  pass_filenames?: boolean;
  require_serial?: boolean;
  additional_dependencies?: string[];
}

/**
 * Runs a hook as pre-commit does: the staged files filtered by `types` (json: *.json) and `files`, nothing when none
 * is left, else the entry (split on spaces) with the files appended unless `pass_filenames: false`.
 */
function runHook(dir: string, hook: Hook, env: NodeJS.ProcessEnv) {
  const staged = git(dir, "diff", "--staged", "--name-only", "--no-ext-diff", "-z")
    .split("\0")
    .filter(Boolean)
    .filter((f) => !hook.types?.includes("json") || f.endsWith(".json"))
    .filter((f) => hook.files === undefined || new RegExp(hook.files).test(f));
  if (staged.length === 0) return undefined;
  const [command, ...args] = hook.entry.split(" ");
  return spawnSync(command!, [...args, ...(hook.pass_filenames === false ? [] : staged)], { cwd: dir, env, encoding: "utf8" });
}

/** Rewrites a file with one more newline at its end: a change to stage. */
function touch(path: string): void {
  writeFileSync(path, `${readFileSync(path, "utf8")}\n`);
}

/** The lint and access-test hooks through a commit: a broken policy, a staged cases file, the fix, a repository without cases. */
function exerciseHooks([lint, test]: [Hook, Hook]): void {
  const dir = teamRepository("platform-infra");
  const env = userEnv({ PATH: `${join(dir, "node_modules", ".bin")}:${process.env.PATH}` });

  breakProdRegion(dir);
  writeFileSync(join(dir, "services", "api", "package.json"), JSON.stringify({ name: "api", version: "1.0.1", private: true }));
  git(dir, "add", "-A");
  const lintRun = runHook(dir, lint, env)!;
  expect(lintRun.status).toBe(1);
  expect(lintRun.stdout).toContain("@ecrlint/no-region-mismatch");
  expect(lintRun.stdout).not.toContain("package.json");
  // No cases file staged: the access-test hook does not run (CI runs every case).
  expect(runHook(dir, test, env)).toBeUndefined();
  touch(join(dir, "registries", "prod-us-west-2", "registry-policy.cases.json"));
  git(dir, "add", "-A");
  const testRun = runHook(dir, test, env)!;
  expect(testRun.status).toBe(1);
  expect(testRun.stdout).toContain("✗ the build account replicates into prod");

  git(dir, "checkout", "HEAD", "--", "registries");
  git(dir, "add", "-A");
  const passed = runHook(dir, lint, env)!;
  expect(passed.status).toBe(0);
  expect(passed.stdout).toMatch(/^✔ No (?:problems in \d+ policy files?|policy files found)/);
  touch(join(dir, "registries", "prod-us-west-2", "registry-policy.cases.json"));
  git(dir, "add", "-A");
  expect(runHook(dir, test, env)).toMatchObject({ status: 0 });

  // A repository with no cases file at all: staged JSON never blocks the commit, and `ecrlint test` alone is exit 0.
  for (const f of ["registries/build-us-east-1/registry-policy.cases.json", "registries/prod-us-west-2/registry-policy.cases.json"]) git(dir, "rm", "-qf", f);
  git(dir, "commit", "-q", "-m", "no access tests");
  touch(join(dir, "registries", "prod-us-west-2", "registry-policy.json"));
  git(dir, "add", "-A");
  expect(runHook(dir, lint, env)).toMatchObject({ status: 0 });
  expect(runHook(dir, test, env)).toBeUndefined();
  expect(runHook(dir, { ...test, files: undefined }, env)).toMatchObject({ status: 0 });
  expect(spawnSync("ecrlint", ["test"], { cwd: dir, env, encoding: "utf8" })).toMatchObject({ status: 0, stdout: "" });
}

describe(".pre-commit-hooks.yaml", () => {
  const hooks = parseYaml(readFileSync(join(repoDir, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];

  it("declares ecrlint and ecrlint-test as node hooks on JSON files, installing this version of @ecrlint/cli", () => {
    expect(hooks.map((h) => h.id)).toEqual(["ecrlint", "ecrlint-test"]);
    for (const hook of hooks) {
      expect(hook).toMatchObject({ language: "node", types: ["json"], require_serial: true, additional_dependencies: [`@ecrlint/cli@${version}`] });
    }
    // The access tests get the staged cases files only.
    expect(hooks[1]).toMatchObject({ entry: "ecrlint test", files: "\\.cases\\.json$" });
    expect(hooks[1]!.pass_filenames).toBeUndefined();
    // pre-commit installs a node hook's repository with `npm pack`: the root needs a name and a version.
    const root = JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8")) as { name?: string; version?: string };
    expect(root.name && root.version).toBeTruthy();
  });

  it("each hook's entry, run on the staged files as pre-commit runs it, stops a broken policy and lets the fix through", { timeout: 60_000 }, () => {
    exerciseHooks(hooks as [Hook, Hook]);
  });
});

describe("the README's local pre-commit hooks (before the release)", () => {
  const config = parseYaml(readmeBlock("yaml", "# .pre-commit-config.yaml (until")) as { repos: { repo: string; hooks: Hook[] }[] };

  it("are the published hooks run with the ecrlint of node_modules", () => {
    expect(config.repos).toHaveLength(1);
    expect(config.repos[0]!.repo).toBe("local");
    const local = config.repos[0]!.hooks;
    const published = parseYaml(readFileSync(join(repoDir, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
    expect(local.map((h) => h.id)).toEqual(published.map((h) => h.id));
    for (const [i, hook] of local.entries()) {
      const { additional_dependencies: _, language: __, description: ___, entry, ...rest } = published[i] as Hook & { description: string };
      expect(hook).toMatchObject({ ...rest, language: "system", entry: `npx --no-install ${entry}` });
    }
  });

  it("each entry, run on the staged files as pre-commit runs it, stops a broken policy and lets the fix through", { timeout: 60_000 }, () => {
    exerciseHooks(config.repos[0]!.hooks as [Hook, Hook]);
  });
});

describe("the GitHub Actions recipe in the README", () => {
  const text = readmeBlock("yaml", "# .github/workflows/ecrlint.yml");
  const workflow = parseYaml(text) as { permissions: Record<string, string>; on: Record<string, unknown>; jobs: { ecrlint: { steps: Step[] } } };
  const steps = workflow.jobs.ecrlint.steps;

  it("asks for what the SARIF upload needs, uploads even when the lint step fails, and annotates pull requests only", () => {
    expect(workflow.permissions).toEqual({ contents: "read", actions: "read", "security-events": "write" });
    expect(Object.keys(workflow.on)).toEqual(["push", "pull_request"]);
    expect(steps[0]).toMatchObject({ uses: "actions/checkout@v4", with: { "fetch-depth": 0 } });
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
    expect(upload.if).toContain("always()");
    const changed = steps.find((s) => s.run?.includes("--changed-since"))!;
    expect(changed.if).toContain("github.event_name == 'pull_request'");
  });

  function runWorkflow(event: "push" | "pull_request") {
    const dir = teamRepository("platform-infra");
    git(dir, "update-ref", "refs/remotes/origin/main", "HEAD");
    git(dir, "checkout", "-q", "-b", "feature");
    breakProdRegion(dir);
    git(dir, "commit", "-q", "-am", "prod replication in the wrong Region");
    // `npm ci` installed ecrlint already (node_modules/.bin); every other step runs as written.
    const runnable = steps.filter((s) => s.run !== "npm ci");
    return runSteps(runnable, { cwd: dir, github: { event_name: event, base_ref: event === "pull_request" ? "main" : "" }, env: userEnv() });
  }

  it("on a pull request: the gate fails, the SARIF file is uploaded, the change is annotated, the access tests run", () => {
    const [, , lint, upload, annotate, access, review] = runWorkflow("pull_request");
    expect(lint).toMatchObject({ ran: true, code: 1 });
    // The prod grant moved to another Region: the replication it granted stops, and the job summary says so.
    expect(review).toMatchObject({ ran: true, code: 0 });
    expect(review!.summary).toMatch(/^### ecrlint access review\n\n\*\*.*replication from \d{12} stops/);
    expect(upload).toMatchObject({ ran: true, with: { sarif_file: "ecrlint.sarif", category: "ecrlint" } });
    expect(annotate).toMatchObject({ ran: true, code: 1 });
    expect(annotate!.output).toMatch(/^::error file=registries\/prod-us-west-2\/registry-policy\.json,line=\d+/m);
    expect(access).toMatchObject({ ran: true, code: 1 });
  });

  it("in a repository without cases files, the access-test step passes", () => {
    const dir = teamRepository("platform-infra");
    for (const f of ["registries/build-us-east-1/registry-policy.cases.json", "registries/prod-us-west-2/registry-policy.cases.json"]) rmSync(join(dir, f));
    const access = steps.find((s) => s.run === "npx ecrlint test")!;
    const [run] = runSteps([access], { cwd: dir, github: { event_name: "push" }, env: userEnv() });
    expect(run).toMatchObject({ ran: true, code: 0 });
  });

  it("on a push: no annotation step", () => {
    const [, , lint, upload, annotate, access, review] = runWorkflow("push");
    expect([lint!.code, upload!.ran, annotate!.ran, access!.code, review!.ran]).toEqual([1, true, false, 1, false]);
  });
});

describe("action.yml (the composite action)", () => {
  const action = parseYaml(readFileSync(join(repoDir, "action.yml"), "utf8")) as {
    name: string;
    description: string;
    inputs: Record<string, { description: string; default?: string }>;
    outputs: Record<string, { value: string }>;
    runs: { using: string; steps: Step[] };
  };
  const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ""]));

  it("is a composite action whose run steps name a shell and whose expressions name declared inputs", () => {
    expect(action.name).toBe("ecrlint");
    expect(action.description).toBeTruthy();
    expect(action.runs.using).toBe("composite");
    for (const step of action.runs.steps) {
      if (step.run) expect(step.shell, step.name).toBe("bash");
      else expect(step.uses, step.name).toMatch(/^[\w-]+\/[\w/-]+@v\d+$/);
    }
    const referenced = [...JSON.stringify(action).matchAll(/inputs\.([\w-]+)/g)].map((m) => m[1]!);
    for (const input of referenced) expect(Object.keys(action.inputs), input).toContain(input);
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
    expect(action.outputs["sarif-file"]!.value).toBe("${{ steps.lint.outputs.sarif-file }}");
  });

  it("runs the gate, uploads the SARIF file even when it fails, and runs the access tests", () => {
    const dir = teamRepository("with-mistakes");
    const [check, lint, annotate, upload, access] = runSteps(action.runs.steps, { cwd: dir, github: { event_name: "push" }, inputs: defaults, env: userEnv() });
    expect(check).toMatchObject({ ran: true, code: 0 });
    expect(lint).toMatchObject({ ran: true, code: 1 });
    expect(existsSync(join(dir, "ecrlint.sarif"))).toBe(true);
    expect(annotate!.ran).toBe(false);
    expect(upload).toMatchObject({ ran: true, with: { sarif_file: "./ecrlint.sarif", category: "ecrlint" } });
    expect(access).toMatchObject({ ran: true, code: 1 });
  });

  it("an absolute sarif-file is the output as it is, and uploaded; a relative one is under working-directory", () => {
    const dir = teamRepository("with-mistakes");
    const outside = join(tempDir("ecrlint-sarif-"), "reports", "ecrlint.sarif");
    mkdirSync(join(outside, ".."), { recursive: true });
    const [, lint, , upload] = runSteps(action.runs.steps, { cwd: dir, github: { event_name: "push" }, inputs: { ...defaults, "sarif-file": outside, test: "false" }, env: userEnv() });
    expect(lint).toMatchObject({ ran: true, code: 1 });
    expect(existsSync(outside)).toBe(true);
    expect(upload).toMatchObject({ ran: true, with: { sarif_file: outside } });

    mkdirSync(join(dir, "infra"));
    cpSync(join(dir, "registries"), join(dir, "infra", "registries"), { recursive: true });
    cpSync(join(dir, "ecrlint.config.jsonc"), join(dir, "infra", "ecrlint.config.jsonc"));
    const [, nested, , nestedUpload] = runSteps(action.runs.steps, { cwd: dir, github: { event_name: "push" }, inputs: { ...defaults, "working-directory": "infra/", "sarif-file": "out/ecrlint.sarif", test: "false" }, env: userEnv() });
    expect(nested).toMatchObject({ ran: true, code: 1 });
    expect(existsSync(join(dir, "infra", "out", "ecrlint.sarif"))).toBe(true);
    expect(nestedUpload).toMatchObject({ ran: true, with: { sarif_file: "infra/out/ecrlint.sarif" } });
  });

  it("with the default test input, a repository without cases files passes the access-test step", () => {
    const dir = teamRepository("platform-infra");
    for (const f of ["registries/build-us-east-1/registry-policy.cases.json", "registries/prod-us-west-2/registry-policy.cases.json"]) rmSync(join(dir, f));
    const [, lint, , , access] = runSteps(action.runs.steps, { cwd: dir, github: { event_name: "push" }, inputs: defaults, env: userEnv() });
    expect(lint).toMatchObject({ ran: true, code: 0 });
    expect(access).toMatchObject({ ran: true, code: 0 });
    expect(access!.output).toContain("no access tests to run");
  });

  it("on a pull request, writes the access review to the job summary, gated by fail-on", { timeout: 90_000 }, () => {
    const dir = teamRepository("platform-infra");
    git(dir, "update-ref", "refs/remotes/origin/main", "HEAD");
    git(dir, "checkout", "-q", "-b", "feature");
    breakProdRegion(dir);
    git(dir, "commit", "-q", "-am", "prod replication in the wrong Region");
    const pullRequest = { event_name: "pull_request", base_ref: "main" };
    const step = action.runs.steps.filter((s) => s.name?.startsWith("Access review"));
    expect(step).toHaveLength(1);
    const review = (inputs: Record<string, string>, github: Record<string, string> = pullRequest) => runSteps(step, { cwd: dir, github, inputs: { ...defaults, ...inputs }, env: userEnv() })[0]!;
    const passing = review({});
    expect(passing).toMatchObject({ ran: true, code: 0 });
    expect(passing.summary).toMatch(/^### ecrlint access review\n\n\*\*.*replication from \d{12} stops/);
    expect(review({ "fail-on": "lost-replication" })).toMatchObject({ ran: true, code: 1 });
    expect(review({ "access-review": "false" }).ran).toBe(false);
    expect(review({}, { event_name: "push" }).ran).toBe(false);
  });

  it("says what to do when @ecrlint/cli is not installed", () => {
    const dir = teamRepository("platform-infra");
    rmSync(join(dir, "node_modules"), { recursive: true });
    const [check, lint] = runSteps(action.runs.steps, { cwd: dir, github: { event_name: "push" }, inputs: defaults, env: userEnv() });
    expect(check!.code).toBe(2);
    expect(check!.output).toContain("::error title=ecrlint::@ecrlint/cli is not installed");
    expect(lint!.ran).toBe(false);
  });
});

describe("Turborepo and Nx tasks of examples/platform-infra", () => {
  const example = join(repoDir, "examples", "platform-infra");
  const pkg = JSON.parse(readFileSync(join(example, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
    nx: { namedInputs: { ecrlint: string[] }; targets: Record<string, { cache: boolean; inputs: unknown[]; outputs: string[] }> };
  };
  const turbo = readJsonc(join(example, "turbo.json")) as { extends: string[]; tasks: Record<string, { inputs: string[]; outputs: string[] }> };

  it("are the README's scripts, with the same inputs and outputs for Turborepo and Nx", () => {
    const scripts = readmeBlock("json", '"ecrlint": ');
    for (const name of ["ecrlint", "ecrlint:test"]) {
      expect(scripts).toContain(`${JSON.stringify(name)}: ${JSON.stringify(pkg.scripts[name])}`);
      const task = turbo.tasks[name]!;
      const nx = pkg.nx.targets[name]!;
      const fromTurbo = (glob: string): string => (glob.startsWith("!") ? `!${fromTurbo(glob.slice(1))}` : glob.startsWith("$TURBO_ROOT$/") ? glob.replace("$TURBO_ROOT$", "{workspaceRoot}") : `{projectRoot}/${glob}`);
      expect(pkg.nx.namedInputs.ecrlint).toEqual(task.inputs.map(fromTurbo));
      expect(nx.cache).toBe(true);
      expect(nx.inputs).toEqual(["ecrlint", { externalDependencies: ["@ecrlint/cli"] }]);
      expect(nx.outputs).toEqual(task.outputs.map(fromTurbo));
      expect(task.inputs).toEqual(expect.arrayContaining(["**/*.json", "**/*.tf", "**/.ecrlintrc*", "$TURBO_ROOT$/.ecrlintrc*"]));
    }
  });

  it("`turbo run` hits its cache the second time, restores the reports, and misses when a policy, IaC or config changes", { timeout: 120_000 }, () => {
    // The example in a monorepo of its own, as a team has it: a root turbo.json and package.json, ecrlint installed.
    const root = tempDir("ecrlint-turbo-");
    cpSync(example, join(root, "infra"), { recursive: true, filter: (source) => !/[\\/](node_modules|reports)$/.test(source) });
    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "team", private: true, workspaces: ["infra"], packageManager: "npm@11.19.1" }));
    writeFileSync(join(root, "turbo.json"), JSON.stringify({ $schema: "https://turborepo.com/schema.json", tasks: { build: { outputs: ["dist/**"] } } }));
    writeFileSync(join(root, ".gitignore"), "node_modules/\n.turbo/\nreports/\n");
    mkdirSync(join(root, "node_modules", ".bin"), { recursive: true });
    symlinkSync(binPath, join(root, "node_modules", ".bin", "ecrlint"));
    git(root, "init", "-q", "-b", "main");
    git(root, "add", "-A");
    git(root, "-c", "user.email=ci@example.com", "-c", "user.name=CI", "commit", "-q", "-m", "base");

    const turboBin = join(repoDir, "node_modules", ".bin", "turbo");
    const env = userEnv({ TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1", NO_COLOR: "1" }, root);
    const run = () => execFileSync(turboBin, ["run", "ecrlint", "ecrlint:test", "--output-logs=hash-only"], { cwd: root, env, encoding: "utf8" });
    const hits = (output: string) => ["ecrlint-example-platform-infra:ecrlint:", "ecrlint-example-platform-infra:ecrlint:test:"].map((task) => new RegExp(`^${task} cache hit`, "m").test(output));

    expect(hits(run())).toEqual([false, false]);
    const sarif = readFileSync(join(root, "infra", "reports", "ecrlint.sarif"), "utf8");
    const junit = readFileSync(join(root, "infra", "reports", "ecrlint-test.xml"), "utf8");
    rmSync(join(root, "infra", "reports"), { recursive: true });
    const second = run();
    expect(hits(second)).toEqual([true, true]);
    expect(second).toContain(">>> FULL TURBO");
    expect(readFileSync(join(root, "infra", "reports", "ecrlint.sarif"), "utf8")).toBe(sarif);
    expect(readFileSync(join(root, "infra", "reports", "ecrlint-test.xml"), "utf8")).toBe(junit);

    writeFileSync(join(root, "infra", "README.md"), "not an input\n");
    expect(hits(run())).toEqual([true, true]);
    for (const change of ["infra/registries/prod-us-west-2/main.tf", "infra/registries/prod-us-west-2/registry-policy.json", ".ecrlintrc.json"]) {
      writeFileSync(join(root, change), change.endsWith(".json") ? `${readFileSync(join(root, change), { encoding: "utf8", flag: "a+" }) || "{}"}\n` : "# ecr\n");
      expect(hits(run()), change).toEqual([false, false]);
    }
  });
});

describe("VS Code", () => {
  it("the example's .vscode/settings.json is the README's: the ESLint extension lints JSON with the flat config", () => {
    const settings = readJsonc(join(repoDir, "examples", "platform-infra", ".vscode", "settings.json"));
    const parsed = parseJsonText(readmeBlock("jsonc", '{\n  "eslint.useFlatConfig"'), "JSONC");
    expect(parsed.ok && staticValue(parsed.ast)).toEqual(settings);
    expect(settings).toEqual({ "eslint.useFlatConfig": true, "eslint.validate": ["json", "jsonc", "json5"] });
  });
});
