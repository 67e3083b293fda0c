import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
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

/** Runs the built `ecrlint` binary as a child process, as CI does. */
export function runBin(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; uid?: number; gid?: number; input?: string }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, DEBUG: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: options.cwd,
      env: env as NodeJS.ProcessEnv,
      stdio: "pipe",
      ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid ?? options.uid } : {}),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Without input, stdin ends at once, as /dev/null does: nothing waits for an answer.
    child.stdin.end(options.input ?? "");
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
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
