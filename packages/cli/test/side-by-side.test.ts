import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { judgedByEslintOnly, policyIn, repoDir, runBin, tempDir, type RunResult } from "./helpers.js";
import { spawn } from "node:child_process";

/**
 * ESLint 9, ESLint 10 and the runner on one realistic tree: another JSON plugin (eslint-plugin-jsonc) with its own
 * directives, a symlink out of the tree, lenient `.jsonc`, inline config, and a folder linted through `@eslint/json`'s
 * language. Findings, exit codes and what `--fix` writes must agree.
 */

const require = createRequire(import.meta.url);
const url = (specifier: string) => pathToFileURL(require.resolve(specifier)).href;
const ESLINT_BINS = { "ESLint 10": join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(repoDir, "node_modules", "eslint9", "bin", "eslint.js") };

const policy = policyIn;

const eslintConfig = `import ecrlint from ${JSON.stringify(url("@ecrlint/eslint-plugin"))};
import jsonc from ${JSON.stringify(url("eslint-plugin-jsonc"))};
import json from ${JSON.stringify(url("@eslint/json"))};

export default [
  { ignores: ["eslint.config.mjs"] },
  ...ecrlint.configs.recommended.map((config) => ({ ...config, ignores: ["json-language/**"] })),
  ...jsonc.configs["flat/base"].map((config) => ({ ...config, ignores: ["json-language/**"] })),
  { files: ["infra/**"], ignores: ["infra/mixed.jsonc"], rules: { "jsonc/key-name-casing": ["error", { camelCase: true, PascalCase: false }] } },
  { files: ["infra/**"], rules: { "jsonc/no-useless-escape": "error" } },
  { rules: { "@ecrlint/plain-json": "off" } },
  { files: ["json-language/**/*.json"], language: "json/json", plugins: { json } },
  ...ecrlint.configs["recommended-json-language"].map((config) => ({ ...config, files: ["json-language/**/*.json"] })),
];
`;

function write(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** The tree, and a folder outside it that a symlink inside points to. */
function makeTree(): { dir: string; outside: string } {
  const outside = tempDir("ecrlint-outside-");
  write(outside, { "registry-policy.json": policy("us-east-1") });
  const dir = tempDir("ecrlint-side-by-side-");
  write(dir, {
    "eslint.config.mjs": eslintConfig,
    ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }], rules: { "plain-json": "off" } }),
    "infra/other-plugin.json": `/* eslint-disable jsonc/key-name-casing -- keys are PascalCase */\n${policy("us-east-1")}`,
    "infra/mixed.jsonc": policy("us-east-1")
      .replace("repository/*", "repository\\/*")
      .replace('      "Resource"', "      // eslint-disable-next-line jsonc/no-useless-escape, @ecrlint/no-duplicate-sid\n      \"Resource\""),
    "infra/lenient.jsonc": `/* eslint-disable jsonc/key-name-casing */\n${policy("us-east-1").replace('repository/*"\n', 'repository/*",\n')}`,
    "infra/inline.json": `/* eslint @ecrlint/no-region-mismatch: "off", jsonc/key-name-casing: "off" */\n${policy("us-east-1")}`,
    "json-language/registry-policy.json": policy("us-east-1"),
  });
  symlinkSync(outside, join(dir, "linked"));
  return { dir, outside };
}

function runEslint(bin: string, args: string[], cwd: string): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

type Message = { ruleId: string | null; severity: number; message: string; line?: number; column?: number; endLine?: number; endColumn?: number };
type Result = { filePath: string; messages: Message[] };

/** What the runner has a say on: our rules' findings, problems with directives naming our rules, parse errors. */
function ours(dir: string, results: Result[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of results) {
    const messages = r.messages
      .filter((m) => (m.ruleId === null ? !judgedByEslintOnly(m) : m.ruleId.startsWith("@ecrlint/")))
      .map((m) => `${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.severity} ${m.ruleId} ${m.message}`);
    if (messages.length) out[relative(dir, r.filePath)] = messages;
  }
  return out;
}

describe("ESLint 9, ESLint 10 and the runner on the same tree", () => {
  it("find the same, exit the same, and never touch another plugin's directives or what lies outside the tree", async () => {
    const { dir, outside } = makeTree();
    const runner = await runBin(["--format", "json"], { cwd: dir });
    expect(runner.stderr).toBe("");
    const expected = ours(dir, JSON.parse(runner.stdout) as Result[]);
    expect(Object.keys(expected).sort()).toEqual(["infra/lenient.jsonc", "infra/mixed.jsonc", "infra/other-plugin.json", "json-language/registry-policy.json"]);
    expect(expected["infra/mixed.jsonc"]![0]).toContain("Unused eslint-disable directive (no problems were reported from '@ecrlint/no-duplicate-sid').");
    for (const [name, bin] of Object.entries(ESLINT_BINS)) {
      const eslint = await runEslint(bin, ["--format", "json", "."], dir);
      expect({ name, stderr: eslint.stderr }).toEqual({ name, stderr: "" });
      expect({ name, findings: ours(dir, JSON.parse(eslint.stdout) as Result[]) }).toEqual({ name, findings: expected });
      expect({ name, code: eslint.code }).toEqual({ name, code: runner.code });
    }
  });

  it("--fix writes the same files, keeps other plugins' directives, and leaves the symlinked folder alone", async () => {
    const trees = { runner: makeTree(), "ESLint 10": makeTree(), "ESLint 9": makeTree() };
    const fixed = await runBin(["--fix"], { cwd: trees.runner.dir });
    const codes: Record<string, number | null> = { runner: fixed.code };
    for (const [name, bin] of Object.entries(ESLINT_BINS)) codes[name] = (await runEslint(bin, ["--fix", "."], trees[name as keyof typeof trees].dir)).code;
    // Every error is fixed, the Region in a string written with an escape (`repository\/*`) too.
    expect(codes).toEqual({ runner: 0, "ESLint 10": 0, "ESLint 9": 0 });
    const files = ["infra/other-plugin.json", "infra/mixed.jsonc", "infra/lenient.jsonc", "infra/inline.json", "json-language/registry-policy.json"];
    const contents = (root: string) => Object.fromEntries(files.map((f) => [f, readFileSync(join(root, f), "utf8")]));
    const runnerContents = contents(trees.runner.dir);
    expect(runnerContents["infra/other-plugin.json"]).toContain("/* eslint-disable jsonc/key-name-casing -- keys are PascalCase */");
    expect(runnerContents["infra/mixed.jsonc"]).toContain("// eslint-disable-next-line jsonc/no-useless-escape\n");
    expect(runnerContents["infra/other-plugin.json"]).toContain("us-west-2");
    expect(runnerContents["infra/mixed.jsonc"]).toContain("arn:aws:ecr:us-west-2:444455556666:repository\\/*");
    for (const name of ["ESLint 10", "ESLint 9"] as const) expect({ name, files: contents(trees[name].dir) }).toEqual({ name, files: runnerContents });
    for (const tree of Object.values(trees)) expect(readFileSync(join(tree.outside, "registry-policy.json"), "utf8")).toBe(policy("us-east-1"));
    // After the runner's fix, ESLint with every plugin is as content as the runner.
    const after = await runEslint(ESLINT_BINS["ESLint 10"], ["--format", "json", "."], trees.runner.dir);
    const copy = tempDir();
    cpSync(trees.runner.dir, copy, { recursive: true, verbatimSymlinks: true });
    expect(ours(trees.runner.dir, JSON.parse(after.stdout) as Result[])).toEqual(ours(copy, JSON.parse((await runBin(["--format", "json"], { cwd: copy })).stdout) as Result[]));
  });
});
