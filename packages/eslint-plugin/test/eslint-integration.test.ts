import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import json from "@eslint/json";
import { describe, expect, it } from "vitest";
import { ESLint, type Linter } from "eslint";
import { ESLint as ESLint9 } from "eslint9";
import { configLookupOf } from "../src/eslint-base-path.js";
import plugin from "../src/index.js";

const policy = (region: string) =>
  JSON.stringify(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ReplicationAccessCrossAccount",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::111122223333:root" },
          Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
          Resource: `arn:aws:ecr:${region}:444455556666:repository/*`,
        },
      ],
    },
    null,
    2,
  );

function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-eslint-")));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

async function lint(root: string, extra: object[] = []) {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, ...extra] as never });
  const results = await eslint.lintFiles(["."]);
  return Object.fromEntries(results.map((r) => [r.filePath.slice(root.length + 1), r.messages.map((m) => `${m.ruleId}:${m.messageId ?? m.message}`)]));
}

describe("the plugin in a real ESLint run", () => {
  it("takes the registry from the ecrlint config found above the file", async () => {
    const root = tree({
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["infra/prod/**"], account: "444455556666", region: "us-west-2" }] }),
      "infra/prod/registry-policy.json": policy("us-east-1"),
      "infra/dev/registry-policy.json": policy("us-east-1"),
    });
    expect(await lint(root)).toEqual({
      ".ecrlintrc.json": [],
      "infra/dev/registry-policy.json": [],
      "infra/prod/registry-policy.json": ["@ecrlint/no-region-mismatch:regionMismatch"],
    });
  });

  it("lets settings.ecrlint override the config file", async () => {
    const root = tree({
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], region: "us-west-2" }] }),
      "registry-policy.json": policy("us-east-1"),
    });
    expect(await lint(root, [{ settings: { ecrlint: { registries: [{ files: ["**"], region: "us-east-1" }] } } }])).toEqual({ ".ecrlintrc.json": [], "registry-policy.json": [] });
  });

  it("reports a broken config once per policy file instead of crashing", async () => {
    const root = tree({
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], region: 7 }] }),
      "registry-policy.json": policy("us-west-2"),
      "package.json": JSON.stringify({ name: "x" }),
    });
    const results = await new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] as never }).lintFiles(["."]);
    const messages = results.find((r) => r.filePath.endsWith("registry-policy.json"))!.messages;
    expect(messages).toHaveLength(1);
    expect(messages[0]!.messageId).toBe("ecrlintConfigError");
    expect(messages[0]!.message).toBe(`ecrlint config error: ${join(root, ".ecrlintrc.json")}:1:41: registries[0].region: must be string`);
    expect(results.find((r) => r.filePath.endsWith("package.json"))!.messages).toEqual([]);
  });

  it("reports a config file name ecrlint does not read, rather than linting without it", async () => {
    const root = tree({ "ecrlint.json": JSON.stringify({ registries: [{ files: ["**"], region: "us-west-2" }] }), "registry-policy.json": policy("us-east-1") });
    const results = await new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] as never }).lintFiles(["registry-policy.json"]);
    expect(results[0]!.messages.map((m) => m.message)).toEqual([
      `ecrlint config error: ${join(root, "ecrlint.json")}: ecrlint does not read this file: rename it to \`.ecrlintrc.json\` or \`ecrlint.config.json\``,
    ]);
  });

  it("reports a config error once per file under @ecrlint/valid-policy, whichever rule runs first and whatever the file's kind", async () => {
    const replication = JSON.stringify({ rules: [{ destinations: [{ region: "us-east-1", registryId: "444455556666" }] }] });
    const root = tree({ "ecrlint.json": "{}", "registry-policy.json": policy("us-east-1"), "replication.json": replication });
    // valid-policy last in the rules, and the only rule that reads a replication configuration first.
    const rules = { "@ecrlint/replication-destination-allowed": "error", "@ecrlint/no-region-mismatch": "error", "@ecrlint/valid-policy": "error" };
    const withOrder = [{ files: ["**/*.json"], plugins: { "@ecrlint": plugin }, languageOptions: { parser: plugin.configs.recommended[0]!.languageOptions!.parser }, rules }];
    for (const config of [[...plugin.configs.recommended], withOrder]) {
      const results = await new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config as never }).lintFiles(["registry-policy.json", "replication.json"]);
      for (const result of results) {
        expect(result.messages.map((m) => [m.ruleId, m.messageId, m.line, m.column])).toEqual([["@ecrlint/valid-policy", "ecrlintConfigError", 1, 1]]);
      }
    }
    const settings = tree({ "registry-policy.json": policy("us-east-1") });
    const bad = await lint(settings, [{ settings: { ecrlint: { trustedAcounts: ["111122223333"] } } }]);
    expect(bad).toEqual({ "registry-policy.json": ["@ecrlint/valid-policy:ecrlintConfigError"] });
  });

  it("lints JSONC and JSON5 policies, and fixes them keeping comments", async () => {
    const root = tree({
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }),
      "a.jsonc": `// replication into prod\n${policy("us-east-1")}\n`,
      "b.json5": `{ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Principal: { AWS: '111122223333' }, Action: 'ecr:ReplicateImage', Resource: 'arn:aws:ecr:us-east-1:444455556666:repository/*', }], }\n`,
    });
    const eslint = new ESLint({ cwd: root, fix: true, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] as never });
    const results = await eslint.lintFiles(["."]);
    const a = results.find((r) => r.filePath.endsWith("a.jsonc"))!;
    expect(a.output).toBe(`// replication into prod\n${policy("us-west-2")}\n`);
    const b = results.find((r) => r.filePath.endsWith("b.json5"))!;
    expect(b.output).toContain("'arn:aws:ecr:us-west-2:444455556666:repository/*'");
    expect(a.messages).toEqual([]);
  });

  it("knows the cross-file rules, so a disable comment naming one is no error", async () => {
    const root = tree({
      ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }),
      "replication-configuration.jsonc": `{ "rules": [{ "destinations": [{ "region": "eu-west-1", "registryId": "777788889999" }] }] } // eslint-disable-line @ecrlint/replication-destination-allowed\n`,
    });
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: "off" } }] as never });
    const [result] = await eslint.lintFiles(["replication-configuration.jsonc"]);
    expect(result!.messages).toEqual([]);
  });

  it("does nothing on files parsed by another parser", async () => {
    const root = tree({ "index.js": "export const x = 1;\n" });
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [{ files: ["**/*.js"], plugins: { "@ecrlint": plugin }, rules: { "@ecrlint/no-duplicate-sid": "error" } }] as never,
    });
    const [result] = await eslint.lintFiles(["index.js"]);
    expect(result!.messages).toEqual([]);
  });
});

const packageDir = resolve(import.meta.dirname, "..");
const versions = [
  ["10", ESLint],
  ["9", ESLint9 as unknown as typeof ESLint],
] as const;

const wrongRegionPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    { "Sid": "A", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "ecr:ReplicateImage", "Resource": "arn:aws:ecr:us-east-1:444455556666:repository/*" },
    { "Sid": "A", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "ecr:CreateRepository", "Resource": "arn:aws:ecr:us-west-2:444455556666:repository/*" }
  ]
}
`;

const replication = `{
  "rules": [
    { "destinations": [{ "region": "eu-west-1", "registryId": "777788889999" }] }
  ]
}
`;

const destinationPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::777788889999:root" }, Action: "ecr:BatchGetImage", Resource: "*" }] }, null, 2);

const multiAccount = JSON.stringify({
  registries: [
    { files: ["source/**"], account: "444455556666", region: "us-west-2" },
    { files: ["destination/**"], account: "777788889999", region: "eu-west-1" },
  ],
});

type Finding = Pick<Linter.LintMessage, "ruleId" | "messageId" | "line" | "column" | "endLine" | "endColumn" | "fix">;
const finding = ({ ruleId, messageId, line, column, endLine, endColumn, fix }: Linter.LintMessage): Finding => ({ ruleId, messageId, line, column, endLine, endColumn, fix });

describe.each(versions)("ESLint %s: @eslint/json's language (3)", (_version, Engine) => {
  it("runs every rule on its AST with the same findings, locations and fixes as with jsonc-eslint-parser", async () => {
    const root = tree({ ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }), "registry-policy.json": wrongRegionPolicy });
    const jsonLanguage: Linter.Config[] = [{ files: ["**/*.json"], language: "json/json", plugins: { json } }, ...plugin.configs["recommended-json-language"]];
    const run = async (config: Linter.Config[], fix: boolean) => {
      const [result] = await new Engine({ cwd: root, fix, overrideConfigFile: true, overrideConfig: config }).lintFiles(["registry-policy.json"]);
      return { messages: result!.messages.map(finding), output: result!.output };
    };
    const viaJsonc = await run(plugin.configs.recommended, false);
    expect(viaJsonc.messages.map((m) => m.ruleId)).toEqual(["@ecrlint/no-region-mismatch", "@ecrlint/no-duplicate-sid", "@ecrlint/require-replicate-image"]);
    expect(await run(jsonLanguage, false)).toEqual(viaJsonc);
    expect((await run(jsonLanguage, true)).output).toBe((await run(plugin.configs.recommended, true)).output);
  });
});

describe.each(versions)("ESLint %s: cross-file rules (4)", (_version, Engine) => {
  it("read the other policy files from disk and report what the runner reports", async () => {
    const root = tree({ ".ecrlintrc.json": multiAccount, "source/replication-configuration.json": replication, "destination/registry-policy.json": destinationPolicy });
    const results = await new Engine({ cwd: root, overrideConfigFile: true, overrideConfig: plugin.configs.recommended }).lintFiles(["."]);
    const source = results.find((r) => r.filePath.endsWith("replication-configuration.json"))!;
    expect(source.messages.map(finding)).toEqual([
      { ruleId: "@ecrlint/replication-destination-allowed", messageId: "missingGrant", line: 3, column: 24, endLine: 3, endColumn: 79, fix: undefined },
    ]);
    expect(source.messages[0]!.message).toContain('"destination/registry-policy.json"');
    // Under @eslint/json the same finding has the same place.
    const jsonLanguage: Linter.Config[] = [{ files: ["**/*.json"], language: "json/json", plugins: { json } }, ...plugin.configs["recommended-json-language"]];
    const [viaJson] = await new Engine({ cwd: root, overrideConfigFile: true, overrideConfig: jsonLanguage }).lintFiles(["source/replication-configuration.json"]);
    expect(viaJson!.messages.map(finding)).toEqual(source.messages.map(finding));
  });
});

describe("settings.ecrlint globs (5)", () => {
  it("are relative to the ESLint config file's folder, so cd infra && eslint . keeps the registry", async () => {
    const pluginUrl = pathToFileURL(join(packageDir, "dist", "index.js")).href;
    const root = tree({
      "eslint.config.mjs": `import ecrlint from ${JSON.stringify(pluginUrl)};
export default [...ecrlint.configs.recommended, { settings: { ecrlint: { registries: [{ files: ["infra/prod/**"], account: "444455556666", region: "us-west-2" }] } } }];
`,
      "infra/prod/registry-policy.json": policy("us-east-1"),
    });
    for (const [, Engine] of versions) {
      const results = await new Engine({ cwd: join(root, "infra") }).lintFiles(["."]);
      expect(results.map((r) => r.messages.map((m) => m.messageId))).toEqual([["regionMismatch"]]);
    }
  });
});

describe("settings.ecrlint globs follow ESLint's base path for files", () => {
  const repoDir = resolve(packageDir, "../..");
  const bins = { "ESLint 10": join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(repoDir, "node_modules", "eslint9", "bin", "eslint.js") };
  const pluginUrl = () => JSON.stringify(pathToFileURL(join(packageDir, "dist", "index.js")).href);
  const registry = (glob: string) => `{ settings: { ecrlint: { registries: [{ files: [${JSON.stringify(glob)}], account: "444455556666", region: "us-west-2" }] } } }`;
  /** ESLint's CLI as a user runs it; the message ids of each file it reports. */
  function eslint(bin: string, args: string[], cwd: string): Record<string, string[]> {
    let stdout: string;
    try {
      stdout = execFileSync(process.execPath, [bin, "--format", "json", ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      stdout = (error as { stdout: string }).stdout;
    }
    const results = JSON.parse(stdout) as { filePath: string; messages: { messageId?: string; message: string }[] }[];
    return Object.fromEntries(results.map((r) => [r.filePath.slice(cwd.length + 1), r.messages.map((m) => m.messageId ?? m.message)]));
  }

  it("with -c, against the working directory, as ESLint's own files (ESLint 9 and 10)", () => {
    const root = tree({
      "nested/eslint.config.mjs": `import ecrlint from ${pluginUrl()};\nexport default [...ecrlint.configs.recommended];\n`,
      "nested/c3.config.mjs": `import ecrlint from ${pluginUrl()};\nexport default [...ecrlint.configs.recommended, { files: ["nested/pol/**"], ...${registry("nested/pol/**")} }];\n`,
      "nested/pol/a.json": policy("us-east-1"),
    });
    for (const [name, bin] of Object.entries(bins)) {
      expect({ name, files: eslint(bin, ["-c", "nested/c3.config.mjs", "nested/pol/a.json"], root) }).toEqual({ name, files: { "nested/pol/a.json": ["regionMismatch"] } });
      expect({ name, files: eslint(bin, ["--config=nested/c3.config.mjs", "nested/pol/a.json"], root) }).toEqual({ name, files: { "nested/pol/a.json": ["regionMismatch"] } });
    }
  });

  it("without -c, against the config ESLint found: from the working directory in ESLint 9, from the file in ESLint 10", () => {
    const root = tree({
      "eslint.config.mjs": `import ecrlint from ${pluginUrl()};\nexport default [...ecrlint.configs.recommended, ${registry("nested/pol/**")}];\n`,
      "nested/eslint.config.mjs": `import ecrlint from ${pluginUrl()};\nexport default [...ecrlint.configs.recommended, ${registry("pol/**")}];\n`,
      "nested/pol/a.json": policy("us-east-1"),
    });
    // ESLint 9 uses the root's config for every file; ESLint 10 the nearest one: each with its own globs.
    expect(eslint(bins["ESLint 9"], ["nested/pol/a.json"], root)).toEqual({ "nested/pol/a.json": ["regionMismatch"] });
    expect(eslint(bins["ESLint 10"], ["nested/pol/a.json"], root)).toEqual({ "nested/pol/a.json": ["regionMismatch"] });
    expect(eslint(bins["ESLint 9"], ["--flag", "v10_config_lookup_from_file", "nested/pol/a.json"], root)).toEqual({ "nested/pol/a.json": ["regionMismatch"] });
  });

  it("reads how ESLint was started from its command line only", () => {
    const bin = "/r/node_modules/eslint/bin/eslint.js";
    expect(configLookupOf(["node", bin, "-c", "x.mjs", "a.json"], {})).toEqual({ overridden: true, fromFileFlag: false });
    expect(configLookupOf(["node", "/r/node_modules/.bin/eslint", "--no-config-lookup"], {})).toEqual({ overridden: true, fromFileFlag: false });
    expect(configLookupOf(["node", bin, "--flag=v10_config_lookup_from_file"], {})).toEqual({ overridden: false, fromFileFlag: true });
    expect(configLookupOf(["node", bin, "a.json"], { ESLINT_FLAGS: "test_only, unstable_config_lookup_from_file" })).toEqual({ overridden: false, fromFileFlag: true });
    // Another program's -c is not ESLint's.
    expect(configLookupOf(["node", "/r/server.js", "-c", "x"], {})).toEqual({ overridden: false, fromFileFlag: false });
  });
});

describe("CommonJS and types (6)", () => {
  it("require() gives the configs, rules and meta by name", () => {
    const script = 'const p = require("@ecrlint/eslint-plugin"); console.log(JSON.stringify([Array.isArray(p.configs.recommended), typeof p.rules["no-duplicate-sid"].create, p.meta.name, p.default === undefined || p.default.configs === p.configs]))';
    const out = execFileSync(process.execPath, ["-e", script], { cwd: packageDir, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([true, "function", "@ecrlint/eslint-plugin", true]);
    // The TypeScript side is test/config-types.ts, which `tsc -p tsconfig.test.json` checks before the tests run.
  });
});
