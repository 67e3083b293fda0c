import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ESLint } from "eslint";
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
  const root = mkdtempSync(join(tmpdir(), "ecrlint-eslint-"));
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
    expect(messages[0]!.message).toBe(`ecrlint config error: ${join(root, ".ecrlintrc.json")}: registries[0].region: must be string`);
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
    const withOrder = [{ files: ["**/*.json"], plugins: { "@ecrlint": plugin }, languageOptions: { parser: plugin.configs.recommended[0]!.languageOptions.parser }, rules }];
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

  it("knows the runner-only cross-file rules, so a disable comment naming one is no error", async () => {
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
