import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { fileTree, gitInit, repoDir, runBin, runNode } from "./helpers.js";

const policy = { Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage" }] };

/** A repository holding one policy and one config file, linted from its root as a user would. */
async function lintWith(name: string, text: string) {
  const dir = fileTree({ [name]: text, "policy.json": policy });
  gitInit(dir);
  return { dir, result: await runBin(["policy.json"], { cwd: dir }) };
}

describe("every config format keeps the reason and the position of what is wrong", () => {
  // Each entry: the file, its broken text, and the line, column and reason expected.
  const broken: [string, string, string][] = [
    ["package.json", '{"name":"x",\n "ecrlint":{"trustedAccounts":["111122223333",]}}', "2:46: cannot read config: invalid JSON: Unexpected token ']'"],
    [".ecrlintrc", 'trustedAccounts: [\n  "111122223333" "444455556666"\n', "2:18: cannot read config: invalid YAML: missed comma between flow collection entries"],
    [".ecrlintrc.json", '{\n  "trustedAccounts": [],\n}', "3:1: cannot read config: invalid JSON: Expected double-quoted property name"],
    [".ecrlintrc.yaml", "trustedAccounts: [\n", "2:1: cannot read config: invalid YAML: unexpected end of the stream within a flow collection"],
    [".config/ecrlintrc", "trustedAccounts: : x", "1:18: cannot read config: invalid YAML: bad indentation of a mapping entry"],
    ["ecrlint.config.jsonc", '{\n  "rules": {\n    "no-duplicate-sid" "off"\n  }\n}', '3:24: cannot read config: invalid JSON: Unexpected token \'"off"\'.'],
    [".ecrlintrc.js", "export default {\n  rules: {;\n};\n", "2:11: cannot read config: Unexpected token ';'"],
    [".ecrlintrc.cjs", "module.exports = {\n  rules: {;\n};\n", "2:11: cannot read config: Unexpected token ';'"],
    ["ecrlint.config.mjs", "export default {\n  rules: {;\n};\n", "2:11: cannot read config: Unexpected token ';'"],
    ["ecrlint.config.ts", "export default {\n  rules: {;\n};\n", "2:11: cannot read config: invalid TypeScript: Property assignment expected."],
  ];
  it.each(broken)("%s", async (name, text, expected) => {
    const { dir, result } = await lintWith(name, text);
    expect(result).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, name)}:${expected}\n` });
  });

  it("ESLint with the plugin says the same of a broken package.json, rather than crashing as it loads the plugin", async () => {
    const dir = fileTree({ "package.json": '{"name":"x",\n "ecrlint":{"trustedAccounts":["111122223333",]}}', "policy.json": policy });
    writeFileSync(join(dir, "eslint.config.mjs"), `import ecrlint from ${JSON.stringify(pathToFileURL(join(repoDir, "packages", "eslint-plugin", "dist", "index.js")).href)};\nexport default [...ecrlint.configs.recommended];\n`);
    gitInit(dir);
    const r = await runNode([join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "--format", "json", "policy.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as { messages: { message: string }[] }[])[0]!.messages.map((m) => m.message)).toEqual([
      `ecrlint config error: ${join(dir, "package.json")}:2:46: cannot read config: invalid JSON: Unexpected token ']'`,
    ]);
  });

  it("a broken package.json that says nothing of ecrlint is not ours: the run goes on", async () => {
    const { result } = await lintWith("package.json", '{"name": "x",}');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain("package.json");
  });

  it("a .config/config.js written for another tool is neither run nor read", async () => {
    const dir = fileTree({ ".config/config.js": "process.stdout.write('executed'); process.exit(7);\n", "package.json": '{"cosmiconfig": {"searchPlaces": [".nope"]},}', "policy.json": policy });
    gitInit(dir);
    const result = await runBin(["policy.json"], { cwd: dir });
    expect(result.stdout).not.toContain("executed");
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/package\.json|config\.js|internal error/);
  });
});

describe("a config that would be passed over in silence is an error naming the file", () => {
  const empty: [string, string, string][] = [
    ["ecrlint.config.mjs", "export default null;\n", "cannot read config: the config is null: it must be an object"],
    ["ecrlint.config.js", "export default undefined;\n", "cannot read config: its default export is undefined: export the config object (export default { … })"],
    [".ecrlintrc.cjs", "module.exports = null;\n", "cannot read config: the config is null: it must be an object"],
    ["ecrlint.config.ts", "export default null;\n", "cannot read config: the config is null: it must be an object"],
    [".ecrlintrc.json", "null\n", "cannot read config: the config is null: it must be an object"],
    [".ecrlintrc.yaml", "~\n", "cannot read config: the config is null: it must be an object"],
    ["package.json", '{"name": "x", "ecrlint": null}', 'cannot read config: the "ecrlint" key is null: it must be an object'],
  ];
  it.each(empty)("%s", async (name, text, expected) => {
    // A parent config that would govern the file once this one were skipped: skipping must not be what happens.
    const { dir, result } = await lintWith(name, text);
    expect(result).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(dir, name)}: ${expected}\n` });
  });

  it("a key written twice in .ecrlintrc.json or ecrlint.config.jsonc is an error at the second one", async () => {
    const json = await lintWith(".ecrlintrc.json", '{\n  "trustedAccounts": [],\n  "rules": {},\n  "trustedAccounts": ["111122223333"]\n}\n');
    expect(json.result).toEqual({ code: 2, stdout: "", stderr: `ecrlint: ${join(json.dir, ".ecrlintrc.json")}:4:3: cannot read config: duplicate key "trustedAccounts" (first at line 2, column 3): keep one\n` });
    const nested = await lintWith("ecrlint.config.jsonc", '{\n  // rules\n  "rules": { "no-duplicate-sid": "off",\n    "no-duplicate-sid": "warn" }\n}\n');
    expect(nested.result.stderr).toBe(`ecrlint: ${join(nested.dir, "ecrlint.config.jsonc")}:4:5: cannot read config: duplicate key "no-duplicate-sid" (first at line 3, column 14): keep one\n`);
  });

  it("in package.json only the ecrlint key is ours: other duplicates are left to other tools", async () => {
    const own = await lintWith("package.json", '{"name": "x",\n "ecrlint": {"trustedAccounts": [], "trustedAccounts": []}}');
    expect(own.result.stderr).toBe(`ecrlint: ${join(own.dir, "package.json")}:2:37: cannot read config: duplicate key "trustedAccounts" (first at line 2, column 14): keep one\n`);
    const theirs = await lintWith("package.json", '{"name": "x", "name": "y", "ecrlint": {"trustedAccounts": []}}');
    expect(theirs.result.code).toBe(0);
    expect(theirs.result.stderr).not.toMatch(/cannot read config|duplicate key/);
  });
});
