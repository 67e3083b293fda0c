import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { binPath, fileTree, runNode, tempDir } from "./helpers.js";

/**
 * A one-file run (a pre-commit hook) loads what linting that file needs, nothing more. CommonJS modules land in
 * require's cache however they were imported, so a preloaded script lists them when the process exits; ES modules
 * (web-tree-sitter) are seen by a resolve hook, which runs off the main thread and so appends to a file.
 */
function loadedModules(dir: string, args: string[]): Promise<{ code: number | null; stdout: string; modules: string[] }> {
  const probeDir = tempDir("ecrlint-probe-");
  const probe = join(probeDir, "probe.cjs");
  const resolved = join(probeDir, "resolved.txt");
  const hook = `const { appendFileSync } = require("node:fs");\nexports.resolve = async (s, c, next) => { const r = await next(s, c); appendFileSync(${JSON.stringify(resolved)}, r.url + "\\n"); return r; };\n`;
  writeFileSync(join(probeDir, "hook.cjs"), hook);
  writeFileSync(probe, `require("node:module").register(${JSON.stringify(pathToFileURL(join(probeDir, "hook.cjs")).href)});\nprocess.on("exit", () => process.stderr.write("\\nMODULES " + JSON.stringify(Object.keys(require("node:module")._cache)) + "\\n"));\n`);
  return runNode(["--require", probe, binPath, ...args], { cwd: dir }).then(({ code, stdout, stderr }) => ({
    code,
    stdout,
    modules: [...(JSON.parse(/MODULES (.*)/.exec(stderr)![1]!) as string[]), ...(existsSync(resolved) ? readFileSync(resolved, "utf8").split("\n").filter(Boolean) : [])],
  }));
}

const policy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:111122223333:repository/app" }],
};
const config = { registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }] };

describe("what a run loads", () => {
  it("linting one policy file compiles no schema and loads no comment parser", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "registry-policy.json": { ...policy, Statement: [{ ...policy.Statement[0], Effect: "Alow" }] } });
    const run = await loadedModules(dir, ["registry-policy.json"]);
    // The run did lint: valid-policy's precompiled validator reported the Effect, the config was validated.
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("valid-policy");
    expect(run.modules.filter((m) => /[/\\]ajv[/\\]dist[/\\](ajv|core|compile)/.test(m))).toEqual([]);
    expect(run.modules.filter((m) => m.includes("plugin-kit") || m.includes("levn"))).toEqual([]);
    // Plain JSON is read without the general parser and the JavaScript parsers behind it.
    expect(run.modules.filter((m) => /[/\\](jsonc-eslint-parser|acorn|espree)[/\\]/.test(m))).toEqual([]);
  });

  it("loads ajv for a rule given options, and ESLint's comment parser for a file with comments, and still checks them", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": { ...config, rules: { "no-external-principal": ["error", { allowAccounts: "not a list" }] } },
      "registry-policy.json": policy,
    });
    const bad = await loadedModules(dir, ["registry-policy.json"]);
    expect(bad.code).toBe(2);
    expect(bad.modules.some((m) => /[/\\]ajv[/\\]dist[/\\]ajv\.js$/.test(m))).toBe(true);
    const commented = fileTree({ ".ecrlintrc.json": config, "registry-policy.jsonc": `/* eslint @ecrlint/no-such-rule: "off" */\n${JSON.stringify(policy)}` });
    const run = await loadedModules(commented, ["registry-policy.jsonc"]);
    expect(run.stdout).toContain("Definition for rule '@ecrlint/no-such-rule' was not found");
    expect(run.modules.some((m) => m.includes("plugin-kit"))).toBe(true);
    expect(run.modules.some((m) => /[/\\]jsonc-eslint-parser[/\\]/.test(m))).toBe(true);
  });

  it("a warm cached run, every file a hit, loads no YAML or HCL parser and no IAM key table, and reports the same", async () => {
    const conditioned = { ...policy, Statement: [{ ...policy.Statement[0], Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } }] };
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "registry-policy.json": { ...conditioned, Statement: [{ ...conditioned.Statement[0], Effect: "Alow" }] },
      "repo/repository-policy.json": conditioned,
      "stack.yaml": `Resources:\n  Policy:\n    Type: AWS::ECR::RegistryPolicy\n    Properties:\n      PolicyText: ${JSON.stringify(JSON.stringify(conditioned))}\n`,
      "main.tf": `resource "aws_ecr_registry_policy" "a" {\n  policy = jsonencode(${JSON.stringify(conditioned)})\n}\n`,
    });
    const args = [".", "--cache", "--cache-location", join(tempDir("ecrlint-cache-"), "cache"), "-f", "json"];
    const heavy = (modules: string[]) => modules.filter((m) => /[/\\](yaml|web-tree-sitter|@cloud-copilot[/\\]iam-data)[/\\]/.test(m));
    const cold = await loadedModules(dir, args);
    // The cold run read every kind of file, so the probe sees each parser and the key tables when they load.
    expect(cold.code).toBe(1);
    const packagesOf = (modules: string[]) => [...new Set(heavy(modules).map((m) => /(yaml|web-tree-sitter|iam-data)/.exec(m)![1]))].sort();
    expect(packagesOf(cold.modules)).toEqual(["iam-data", "web-tree-sitter", "yaml"]);
    const warm = await loadedModules(dir, args);
    expect(warm.code).toBe(1);
    expect(warm.stdout).toBe(cold.stdout);
    expect(heavy(warm.modules)).toEqual([]);
  });
});
