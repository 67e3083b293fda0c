import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseJsonText, staticValue } from "@ecrlint/core";
import { registryFromFolderName } from "../src/init.js";
import { packageDir, repoDir, runBin, tempDir } from "./helpers.js";

const example = join(repoDir, "examples", "with-mistakes");

/** A copy of the example with mistakes, without its config: the repository `ecrlint init` meets. */
function unconfigured(): string {
  const dir = tempDir("ecrlint-init-");
  cpSync(join(example, "registries"), join(dir, "registries"), { recursive: true });
  return dir;
}

function tree(files: Record<string, unknown>): string {
  const dir = tempDir("ecrlint-init-");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof content === "string" ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

function readJsonc(path: string): Record<string, unknown> {
  const parsed = parseJsonText(readFileSync(path, "utf8"), "JSONC");
  if (!parsed.ok) throw new Error(parsed.error.message);
  return staticValue(parsed.ast) as Record<string, unknown>;
}

const policy = (resource: string) => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "Replication", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: resource }],
});

describe("registryFromFolderName", () => {
  it.each([
    ["us-west-2", { region: "us-west-2" }],
    ["prod-us-west-2", { region: "us-west-2" }],
    ["444455556666-prod", { account: "444455556666" }],
    ["444455556666", { account: "444455556666" }],
    ["prod_444455556666_eu-central-1", { account: "444455556666", region: "eu-central-1" }],
    ["gov-us-gov-west-1", { region: "us-gov-west-1" }],
    ["us-west-2.prod", { region: "us-west-2" }],
    ["prod", {}],
    ["build-2", {}],
    ["12345", {}],
    // Date and time stamps are not accounts, inside a longer name; a folder that is 12 digits is.
    ["snapshots-202406011230", {}],
    ["backup_20240601_x", {}],
    ["20240601abcd-202406019999", {}],
    ["export-010620241230", {}],
    ["202406011230", { account: "202406011230" }],
    ["snapshots-202406011230-444455556666", { account: "444455556666" }],
  ])("%s → %j", (name, expected) => {
    expect(registryFromFolderName(name)).toEqual(expected);
  });
});

describe("ecrlint init (a child process, as users run it)", () => {
  it("--yes writes a commented JSONC config whose findings are those of the hand-written one, and prints the ESLint line", async () => {
    const dir = unconfigured();
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "infra", private: true, type: "module" }));
    writeFileSync(join(dir, "eslint.config.js"), "export default [];\n");
    const result = await runBin(["init", "--yes"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("Found 5 policy files for 3 registries.");
    expect(result.stdout).toContain("Wrote ecrlint.config.jsonc.");
    expect(result.stdout).toContain('ESLint: add this line to the array eslint.config.js exports (with `import ecrlint from "@ecrlint/eslint-plugin";` at the top):\n  ...ecrlint.configs.recommended,\n');

    const text = readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8");
    expect(result.stdout).toContain(text);
    expect(text).toContain("// Account 444455556666 from the ARNs in registries/prod-us-west-2/registry-policy.json; Region us-west-2 from the folder name prod-us-west-2:");
    expect(text).toContain("// Check: the ARNs in registries/prod-us-west-2/registry-policy.json name Region us-east-1, the folder name prod-us-west-2 says us-west-2;");
    const config = readJsonc(join(dir, "ecrlint.config.jsonc"));
    expect(config).toEqual({
      registries: [
        { files: ["registries/build-us-east-1/**"], account: "111122223333", region: "us-east-1", pullThroughCachePrefixes: ["ecr-public"] },
        { files: ["registries/dr-eu-west-1/**"], account: "777788889999", region: "eu-west-1", replicationSources: ["111122223333"] },
        { files: ["registries/prod-us-west-2/**"], account: "444455556666", region: "us-west-2", replicationSources: ["111122223333"] },
      ],
      trustedAccounts: ["111122223333", "444455556666", "777788889999"],
    });

    const findings = async (cwd: string) => {
      const run = await runBin(["--format", "json"], { cwd });
      return (JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string; line: number }[] }[]).flatMap((r) => r.messages.map((m) => `${r.filePath.slice(cwd.length)}:${m.line} ${m.ruleId}`));
    };
    expect(await findings(dir)).toEqual(await findings(example));
  });

  it("names the installed schema when there is one, and reads accounts and Regions from folder layouts and ARNs", async () => {
    const dir = tree({
      "infra/444455556666-prod/registry-policy.json": policy("arn:aws:ecr:us-west-2:444455556666:repository/*"),
      "infra/555566667777/eu-west-1/registry-policy.json": policy("arn:aws:ecr:*:555566667777:repository/*"),
      "policies/loose.json": policy("*"),
      "node_modules/@ecrlint/cli/schema/config.json": "{}",
    });
    const result = await runBin(["init", "--yes"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ESLint: no ESLint config here; to see findings in the editor and in `eslint .`, create eslint.config.mjs with:");
    const text = readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8");
    expect(text).toContain("// No folder name or ARN tells the registry of policies/loose.json (registry policy): add an entry for it.");
    expect(readJsonc(join(dir, "ecrlint.config.jsonc"))).toEqual({
      $schema: "./node_modules/@ecrlint/cli/schema/config.json",
      registries: [
        { files: ["infra/444455556666-prod/**"], account: "444455556666", region: "us-west-2" },
        { files: ["infra/555566667777/eu-west-1/**"], account: "555566667777", region: "eu-west-1" },
      ],
      trustedAccounts: ["444455556666", "555566667777"],
    });
    // The config is valid: the runner reads it.
    expect((await runBin([], { cwd: dir })).code).not.toBe(2);
  });

  it("never overwrites a file: exit 2 with a message when a config exists", async () => {
    const dir = unconfigured();
    expect((await runBin(["init", "--yes"], { cwd: dir })).code).toBe(0);
    const before = readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8");
    const again = await runBin(["init", "--yes"], { cwd: dir });
    expect(again).toMatchObject({ code: 2, stderr: `ecrlint init: ${join(dir, "ecrlint.config.jsonc")} already configures ecrlint; init never overwrites a file.\n` });
    expect(readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8")).toBe(before);

    const other = unconfigured();
    writeFileSync(join(other, "package.json"), JSON.stringify({ name: "infra", ecrlint: {} }));
    expect((await runBin(["init", "--yes"], { cwd: other })).stderr).toBe(`ecrlint init: ${join(other, "package.json")} already configures ecrlint; init never overwrites a file.\n`);
    expect(existsSync(join(other, "ecrlint.config.jsonc"))).toBe(false);
  });

  it("asks before writing: yes writes, no writes nothing, no answer is exit 2 pointing at --yes", async () => {
    const yes = unconfigured();
    const answeredYes = await runBin(["init"], { cwd: yes, input: "y\n" });
    expect(answeredYes.code).toBe(0);
    expect(answeredYes.stdout).toContain("Write ecrlint.config.jsonc? [Y/n] ");
    expect(existsSync(join(yes, "ecrlint.config.jsonc"))).toBe(true);

    const no = unconfigured();
    expect(await runBin(["init"], { cwd: no, input: "n\n" })).toMatchObject({ code: 0, stderr: "" });
    expect(existsSync(join(no, "ecrlint.config.jsonc"))).toBe(false);

    const nobody = unconfigured();
    const unanswered = await runBin(["init"], { cwd: nobody, input: "" });
    expect(unanswered.code).toBe(2);
    expect(unanswered.stderr).toContain("no answer, nothing written; run `ecrlint init --yes`");
    expect(existsSync(join(nobody, "ecrlint.config.jsonc"))).toBe(false);
  });

  it("in a repository without policy files, writes a config to fill in", async () => {
    const dir = tempDir("ecrlint-init-");
    const result = await runBin(["init", "--yes"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Found no policy file.");
    expect(readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8")).toContain("// No policy file found yet: add one entry per registry");
    // @ecrlint/cli is not installed there: no $schema (its published address resolves only after a release), and how to add it.
    expect(readJsonc(join(dir, "ecrlint.config.jsonc"))).toEqual({ registries: [], trustedAccounts: [] });
    expect(readFileSync(join(dir, "ecrlint.config.jsonc"), "utf8")).toContain('add "$schema": "./node_modules/@ecrlint/cli/schema/config.json"');
  });

  it("prints the ESLint lines for the project's module type and the config file it has", async () => {
    const advice = async (files: Record<string, unknown>) => {
      const result = await runBin(["init", "--yes"], { cwd: tree(files) });
      return result.stdout.slice(result.stdout.indexOf("ESLint:"));
    };
    const create = (file: string) => `ESLint: no ESLint config here; to see findings in the editor and in \`eslint .\`, create ${file} with:\n  import ecrlint from "@ecrlint/eslint-plugin";\n  export default [...ecrlint.configs.recommended];\n`;
    expect(await advice({ "package.json": { name: "infra", type: "commonjs" } })).toBe(create("eslint.config.mjs"));
    expect(await advice({ "package.json": { name: "infra" } })).toBe(create("eslint.config.mjs"));
    expect(await advice({ "package.json": { name: "infra", type: "module" } })).toBe(create("eslint.config.js"));
    const required = 'const ecrlint = require("@ecrlint/eslint-plugin").default;';
    expect(await advice({ "package.json": { name: "infra" }, "eslint.config.js": "module.exports = [];\n" })).toContain(`eslint.config.js exports (with \`${required}\` at the top)`);
    expect(await advice({ "package.json": { name: "infra", type: "module" }, "eslint.config.js": "export default [];\n" })).toContain('eslint.config.js exports (with `import ecrlint from "@ecrlint/eslint-plugin";` at the top)');
    expect(await advice({ "package.json": { name: "infra", type: "module" }, "eslint.config.cjs": "module.exports = [];\n" })).toContain(required);
  });

  it("is listed in --help", async () => {
    expect((await runBin(["--help"], { cwd: packageDir })).stdout).toContain("ecrlint init [--yes]");
    const help = await runBin(["init", "--help"], { cwd: packageDir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--yes");
  });
});
