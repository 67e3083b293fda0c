import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigLocator, configFromSettings, formatConfigError, registryForFile, trustFromConfig } from "../src/index.js";
import { registryFromPath } from "../src/config/registry.js";
import { validateConfig } from "../src/config/validate.js";

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "ecrlint-config-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const registry = { files: ["infra/prod/**"], account: "444455556666", region: "us-west-2" };

describe("ConfigLocator", () => {
  it.each([
    [".ecrlintrc", JSON.stringify({ registries: [registry] })],
    [".ecrlintrc.json", JSON.stringify({ registries: [registry] })],
    [".ecrlintrc.yaml", "registries:\n  - files: ['infra/prod/**']\n    account: '444455556666'\n    region: us-west-2\n"],
    [".ecrlintrc.yml", "registries:\n  - files: ['infra/prod/**']\n    account: '444455556666'\n    region: us-west-2\n"],
    [".ecrlintrc.cjs", `module.exports = ${JSON.stringify({ registries: [registry] })};`],
    [".ecrlintrc.mjs", `export default ${JSON.stringify({ registries: [registry] })};`],
    ["ecrlint.config.mjs", `export default ${JSON.stringify({ registries: [registry] })};`],
    ["ecrlint.config.cjs", `module.exports = ${JSON.stringify({ registries: [registry] })};`],
    ["package.json", JSON.stringify({ name: "infra", ecrlint: { registries: [registry] } })],
  ])("finds %s from a nested directory and resolves the registry", (name, content) => {
    const root = tree({ [name]: content, "infra/prod/registry-policy.json": "{}" });
    const result = new ConfigLocator().forDirectory(join(root, "infra/prod"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.loaded?.filePath).toBe(join(root, name));
    const reg = registryForFile(join(root, "infra/prod/registry-policy.json"), result.loaded);
    expect(reg).toMatchObject({ account: "444455556666", region: "us-west-2", partition: "aws", source: "config" });
    expect(registryForFile(join(root, "infra/dev/registry-policy.json"), result.loaded).source).toBe("unknown");
  });

  it("finds ecrlint.config.ts", () => {
    const root = tree({ "ecrlint.config.ts": `const config: { registries: unknown[] } = { registries: [${JSON.stringify(registry)}] };\nexport default config;\n` });
    const result = new ConfigLocator().forDirectory(root);
    expect(result.ok && result.loaded?.config.registries?.[0]?.account).toBe("444455556666");
  });

  it("returns an error naming the file and key path instead of throwing", () => {
    const root = tree({ ".ecrlintrc.json": JSON.stringify({ registries: [{ files: ["**"], region: "us-west-2", acount: "1" }] }) });
    const result = new ConfigLocator().forDirectory(root);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigError(result.error)).toBe(`${join(root, ".ecrlintrc.json")}: registries[0].acount: unknown key (did you mean "account"?)`);
  });

  it("reports a config file that cannot be parsed", () => {
    const root = tree({ ".ecrlintrc.json": "{ registries: [" });
    const result = new ConfigLocator().forDirectory(root);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatConfigError(result.error)).toMatch(/\.ecrlintrc\.json: cannot read config: /);
  });

  it("has no config when none exists up to the stop directory", () => {
    const root = tree({ "a/b/file.json": "{}" });
    const result = new ConfigLocator(root).forDirectory(join(root, "a/b"));
    expect(result).toEqual({ ok: true, loaded: undefined });
  });
});

describe("validateConfig", () => {
  it.each([
    [{ registries: [{ files: ["**"], account: "12345" }] }, "registries[0].account", /does not match/],
    [{ registries: [{ account: "444455556666" }] }, "registries[0].files", /is required/],
    [{ registries: [{ files: ["**"], policyScope: "V3" }] }, "registries[0].policyScope", /must be one of "V1", "V2"/],
    [{ trustedOrgs: ["org-1"] }, "trustedOrgs[0]", /does not match/],
    [{ registires: [] }, "registires", /did you mean "registries"/],
    [{ rules: { "no-duplicate-sid": "loud" } }, "rules.no-duplicate-sid", /.+/],
    [{ registries: [{ files: ["**"], region: "us-wset-2" }] }, "registries[0].region", /^"us-wset-2" is not a Region \(did you mean "us-west-2"\?\)$/],
    [{ registries: [{ files: ["**"], region: "us-west-22" }] }, "registries[0].region", /did you mean "us-west-2"/],
    [{ registries: [{ files: ["**"], region: "cn-north-1", partition: "aws" }] }, "registries[0].region", /not a Region of partition "aws"; it belongs to "aws-cn"/],
  ])("%j → %s", (config, keyPath, message) => {
    const [error] = validateConfig(config, "/repo/.ecrlintrc.json");
    expect(error?.keyPath).toBe(keyPath);
    expect(error?.message).toMatch(message);
  });

  it("accepts a Region that fits its partition's pattern and is near no known one (a new Region)", () => {
    expect(validateConfig({ registries: [{ files: ["**"], region: "ap-southwest-9" }] }, undefined)).toEqual([]);
  });

  it("accepts the documented shape", () => {
    expect(
      validateConfig(
        {
          registries: [
            {
              files: ["infra/prod/**"],
              account: "444455556666",
              region: "us-west-2",
              partition: "aws",
              policyScope: "V2",
              replicationSources: ["111122223333"],
              pullThroughCachePrefixes: ["ecr-public", "docker-hub"],
            },
          ],
          trustedAccounts: ["111122223333"],
          trustedOrgs: ["o-a1b2c3d4e5"],
        },
        undefined,
      ),
    ).toEqual([]);
  });
});

describe("registry from settings and paths", () => {
  it("ESLint settings use globs relative to the working directory", () => {
    const result = configFromSettings({ registries: [registry], trustedAccounts: ["111122223333"] }, "/repo");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(registryForFile("/repo/infra/prod/p.json", result.loaded)).toMatchObject({ region: "us-west-2", source: "settings" });
    expect(trustFromConfig(result.loaded)).toEqual({ accounts: ["111122223333"], orgs: [] });
  });

  it("reads a Region and an account from directory names", () => {
    expect(registryFromPath("infra/444455556666/eu-west-1/registry-policy.json")).toMatchObject({
      account: "444455556666",
      region: "eu-west-1",
      partition: "aws",
      source: "path",
    });
    expect(registryFromPath("infra/cn-north-1/p.json")).toMatchObject({ region: "cn-north-1", partition: "aws-cn" });
    expect(registryFromPath("infra/prod/p.json").source).toBe("unknown");
    // The file name itself is not a directory.
    expect(registryFromPath("infra/us-west-2.json").source).toBe("unknown");
  });
});
