import { createHash } from "node:crypto";
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import AjvDraft04Module from "ajv-draft-04";
import { afterAll } from "vitest";

export const packageDir = resolve(import.meta.dirname, "..");
export const repoDir = resolve(packageDir, "../..");
export const binPath = join(packageDir, "bin", "ecrlint.js");
export const runnerFixtures = join(repoDir, "fixtures", "runner");
export const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The environment of a command a user types: none of the variables of the test run's own turbo, npm script or
 * Vitest. The cache of a `turbo run` started by a test is the checkout's own `.turbo/cache`: in a git worktree turbo
 * would otherwise share the main checkout's.
 */
export function userEnv(extra: Record<string, string> = {}, checkout = repoDir): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(TURBO_|npm_|NODE_OPTIONS$|VITEST|FORCE_COLOR$|NO_COLOR$|DEBUG$)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, TURBO_CACHE_DIR: join(checkout, ".turbo", "cache"), ...extra };
}

/** Runs npm as a user would in `cwd`; returns stdout, throws with stdout and stderr on a non-zero exit. */
export function runNpm(args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync(npm, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: userEnv(env) });
}

export interface WorkspacePackage {
  name: string;
  version: string;
  location: string;
}

/** The packages of the root `workspaces` that are published (not private), as npm resolves them. */
export function publicWorkspaces(): WorkspacePackage[] {
  return JSON.parse(runNpm(["query", ".workspace:not(:private)"], repoDir)) as WorkspacePackage[];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

type RunOptions = { cwd: string; env?: Record<string, string | undefined>; uid?: number; gid?: number; input?: string };

/** Runs Node with these arguments as a child process; the environment loses color and debug settings. */
export function runNode(nodeArgs: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, DEBUG: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, nodeArgs, {
      cwd: options.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: "pipe",
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Without input, stdin ends at once, as /dev/null does: nothing waits for an answer. A child that has already
    // exited or closed its standard input makes that write fail with EPIPE: its outcome is its output and exit code.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Writes a flat config that runs the plugin's recommended config from this checkout's build, for real ESLint runs. */
export function writeEslintConfig(dir: string): void {
  const plugin = pathToFileURL(join(repoDir, "packages", "eslint-plugin", "dist", "index.js")).href;
  writeFileSync(join(dir, "eslint.config.mjs"), `import ecrlint from ${JSON.stringify(plugin)};\nexport default [...ecrlint.configs.recommended];\n`);
}

/** Runs this checkout's ESLint CLI in `cwd` as a child process. */
export function runEslint(args: string[], options: RunOptions): Promise<RunResult> {
  return runNode([join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), ...args], options);
}

/** Runs the built `ecrlint` binary as a child process, as CI does. */
export function runBin(args: string[], options: RunOptions): Promise<RunResult> {
  return runNode([binPath, ...args], options);
}

const temps: string[] = [];

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix = "ecrlint-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  temps.push(dir);
  return dir;
}

/** A temporary directory holding the given files: text as it is, any other value as formatted JSON. */
export function fileTree(files: Record<string, unknown>, prefix = "ecrlint-tree-"): string {
  const dir = tempDir(prefix);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
  return dir;
}

/** A copy of `fixtures/runner/<name>` to run in (tests that fix files or add ignored files never touch the fixtures). */
export function copyFixture(name: string): string {
  const dir = tempDir(`ecrlint-${name}-`);
  cpSync(join(runnerFixtures, name), dir, { recursive: true });
  return dir;
}

// A clone or a project with node_modules takes a while to remove on a busy machine.
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** Makes `dir` a git repository on branch main with everything in it committed. */
export function gitInit(dir: string): void {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "ci@example.com");
  git("config", "user.name", "CI");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
}

/**
 * An unused-directive warning about a directive that names no rule, or only other plugins' rules: ESLint judges it
 * with every plugin's findings in hand; the runner, which has only ours, leaves it alone.
 */
export function judgedByEslintOnly(m: { ruleId: string | null; message: string }): boolean {
  if (m.ruleId !== null) return false;
  const named = /^Unused eslint-(?:disable|enable) directive \((?:no problems were reported|no matching eslint-disable directives were found)(?: (?:from|for) (.*))?\)\.$/u.exec(m.message);
  return named !== null && !(named[1] ?? "").includes("'@ecrlint/");
}

/** A registry policy whose only Resource names `region` (account 444455556666), formatted as users write it. */
export function policyIn(region: string): string {
  return `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReplicationAccessCrossAccount",
      "Effect": "Allow",
      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
      "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
      "Resource": "arn:aws:ecr:${region}:444455556666:repository/*"
    }
  ]
}
`;
}

const require = createRequire(import.meta.url);
// A CommonJS package whose default export is the class; under NodeNext typing it arrives as the module namespace.
const AjvDraft04 = ((AjvDraft04Module as unknown as { default?: unknown }).default ?? AjvDraft04Module) as unknown as typeof import("ajv").Ajv;
// The SARIF 2.1.0 JSON schema as published with the standard (rtm.5, draft-04), shipped by Microsoft's jest-sarif.
const sarifSchemaPath = join(require.resolve("@microsoft/jest-sarif").replace(/lib[\\/].*$/, ""), "lib", "schemas", "sarif-2.1.0-rtm.5.json");

/** A validator of the official SARIF 2.1.0 schema. */
export function sarifValidator() {
  const ajv = new AjvDraft04({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  return ajv.compile(JSON.parse(readFileSync(sarifSchemaPath, "utf8")) as object);
}

/** One entry of a `.ecrlintcache` file as the runner writes it: a meta, a tab, the outcome's JSON, a tab, the facts' JSON. */
export interface CacheFileEntry {
  meta: { path: string; stamp: string; content: string; settings: string; check: string };
  outcome: Record<string, unknown>;
  facts: unknown;
}

/** Reads a cache file into its header and entries by path, to damage or inspect it in a test. */
export function readCacheFile(file: string): { header: { format: string; version: string }; entries: Record<string, CacheFileEntry> } {
  const [head, ...lines] = readFileSync(file, "utf8").split("\n").filter(Boolean);
  const entries: Record<string, CacheFileEntry> = {};
  for (const line of lines) {
    const [meta, outcome, facts] = line.split("\t").map((column) => JSON.parse(column) as unknown) as [CacheFileEntry["meta"], Record<string, unknown>, unknown];
    entries[meta.path] = { meta, outcome, facts };
  }
  return { header: JSON.parse(head!) as { format: string; version: string }, entries };
}

/** Writes entries back; `resign` recomputes each check as the runner would, so that the entry is trusted. */
export function writeCacheFile(file: string, cache: ReturnType<typeof readCacheFile>, resign = false): void {
  const lines = Object.values(cache.entries).map(({ meta, outcome, facts }) => {
    const text = `${JSON.stringify(outcome)}\t${JSON.stringify(facts)}`;
    const check = resign ? createHash("sha1").update([cache.header.version, meta.path, meta.content, meta.settings, text].join("\u0000")).digest("hex") : meta.check;
    return `${JSON.stringify({ ...meta, check })}\t${text}\n`;
  });
  writeFileSync(file, `${JSON.stringify(cache.header)}\n${lines.join("")}`);
}

/** A CloudFormation YAML stack with one registry policy, whose Statement list is `statements` (indented 10 spaces). */
export function registryPolicyStack(statements: string, preamble = ""): string {
  return `${preamble}Resources:\n  Policy:\n    Type: AWS::ECR::RegistryPolicy\n    Properties:\n      PolicyText:\n        Version: "2012-10-17"\n        Statement:\n${statements}`;
}

/**
 * Loaded with `node --require` into the CLI and its worker threads: logs every folder listing as `thread<TAB>folder`
 * to the file `ECRLINT_TEST_LISTINGS` names, each JSON file opened as `thread<TAB>open<TAB>file`, and each thread's
 * start as `thread<TAB>` (synchronously, so a worker that is terminated has logged its reads).
 */
const LISTING_LOGGER = `
const fs = require("node:fs");
const { syncBuiltinESMExports } = require("node:module");
const { threadId } = require("node:worker_threads");
const log = process.env.ECRLINT_TEST_LISTINGS;
// A line with no folder says that the thread started.
fs.appendFileSync(log, threadId + "\\t\\n");
for (const name of ["readdirSync", "opendirSync"]) {
  const original = fs[name];
  fs[name] = function (dir, ...rest) {
    fs.appendFileSync(log, threadId + "\\t" + String(dir) + "\\n");
    return original.call(this, dir, ...rest);
  };
}
const open = fs.openSync;
fs.openSync = function (file, ...rest) {
  if (/\\.json$/.test(String(file))) fs.appendFileSync(log, threadId + "\\topen\\t" + String(file) + "\\n");
  return open.call(this, file, ...rest);
};
syncBuiltinESMExports();
`;

/** Runs the CLI with the listing logger; the folders each thread listed, with how often. */
export async function listings(dir: string, args: string[], env: Record<string, string>) {
  const preload = join(tempDir("ecrlint-logger-"), "log-listings.cjs");
  writeFileSync(preload, LISTING_LOGGER);
  const log = join(tempDir("ecrlint-log-"), "listings.tsv");
  writeFileSync(log, "");
  const run = await runNode(["--require", preload, binPath, ...args], { cwd: dir, env: { ...env, ECRLINT_TEST_LISTINGS: log } });
  const byThread = new Map<string, Map<string, number>>();
  const opened = new Map<string, number>();
  for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) {
    const [thread, folder, file] = line.split("\t") as [string, string, string?];
    if (folder === "open") {
      // Config files are read by their loader as well as linted; the others are read for linting only (a package.json
    // without an "ecrlint" key, which the config search reads first, too).
      if (thread === "0" && !/ecrlint/.test(basename(file!))) opened.set(file!, (opened.get(file!) ?? 0) + 1);
      continue;
    }
    const counts = byThread.get(thread) ?? byThread.set(thread, new Map()).get(thread)!;
    if (folder) counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  return { run, byThread, opened };
}
