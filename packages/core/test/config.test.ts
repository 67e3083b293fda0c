import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { CONFIG_FILE_NAMES, ConfigLocator, configFromSettings, formatConfigError, registryForFile, trustFromConfig } from "../src/index.js";
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
    expect(formatConfigError(result.error)).toBe(`${join(root, ".ecrlintrc.json")}:1:53: registries[0].acount: unknown key (did you mean "account"?)`);
    expect(result.error).toMatchObject({ line: 1, column: 53, keySegments: ["registries", 0, "acount"], pointsAt: "key" });
  });

  it("reports a config file that cannot be parsed", () => {
    const root = tree({ ".ecrlintrc.json": "{ registries: [" });
    const result = new ConfigLocator().forDirectory(root);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(formatConfigError(result.error)).toBe(`${join(root, ".ecrlintrc.json")}:1:3: cannot read config: invalid JSON: Expected property name or '}'`);
  });

  it("finds a folder's project root (its outermost config inside the top) whatever folders were asked before", () => {
    const root = tree({
      ".git/HEAD": "",
      "plain/deep/p.json": "{}",
      "plain/own/.ecrlintrc.json": "{}",
      "plain/own/z/p.json": "{}",
      "mono/.ecrlintrc.json": "{}",
      "mono/apps/.ecrlintrc.json": "{}",
      "mono/apps/x/p.json": "{}",
      "mono/apps/y/.config/ecrlintrc.json": "{}",
      "mono/apps/y/w/p.json": "{}",
      "mono/broken/.ecrlintrc.json": "{}",
      "mono/broken/ecrlint.config.json": "{}",
      "mono/broken/under/p.json": "{}",
    });
    const folders = ["", "plain", "plain/deep", "plain/own", "plain/own/z", "mono", "mono/apps", "mono/apps/x", "mono/apps/y", "mono/apps/y/w", "mono/broken", "mono/broken/under"].map((d) => join(root, d));
    const at = (d: string | undefined) => (d === undefined ? undefined : d.slice(root.length) || "/");
    for (const top of [root, join(root, "mono/apps")]) {
      // Each folder asked of a locator of its own: nothing another folder's question left behind.
      const alone = folders.map((d) => new ConfigLocator().outermostConfigDir(d, top));
      const shared = new ConfigLocator();
      expect(folders.map((d) => shared.outermostConfigDir(d, top))).toEqual(alone);
      const reversed = new ConfigLocator();
      expect([...folders].reverse().map((d) => reversed.outermostConfigDir(d, top))).toEqual([...alone].reverse());
      if (top !== root) {
        expect(alone.map(at)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, "/mono/apps", "/mono/apps", "/mono/apps", "/mono/apps", undefined, undefined]);
        continue;
      }
      // A config in a subfolder starts a project there; a nested one (mono/apps) belongs to the outer project; two
      // configs in one folder are an error, which governs no project.
      expect(alone.map(at)).toEqual([undefined, undefined, undefined, "/plain/own", "/plain/own", "/mono", "/mono", "/mono", "/mono", "/mono", undefined, undefined]);
    }
  });

  it("has no config when none exists up to the stop directory", () => {
    const root = tree({ "a/b/file.json": "{}" });
    const result = new ConfigLocator(root).forDirectory(join(root, "a/b"));
    expect(result).toEqual({ ok: true, loaded: undefined });
  });
});

/** The config `{ registries: [registry] }` written in the language its file name asks for. */
function configText(name: string): string {
  const object = { registries: [registry] };
  if (name === "package.json") return JSON.stringify({ name: "infra", ecrlint: object });
  if (/\.(c?js|cts|ts)$/.test(name) && !name.endsWith(".mjs")) {
    return name.endsWith("ts") ? `const config: object = ${JSON.stringify(object)};\nexport default config;\n` : `module.exports = ${JSON.stringify(object)};`;
  }
  if (name.endsWith(".mjs")) return `export default ${JSON.stringify(object)};`;
  if (/\.ya?ml$/.test(name)) return "registries:\n  - files: ['infra/prod/**']\n    account: '444455556666'\n    region: us-west-2\n";
  if (name.endsWith(".jsonc")) return `{\n  // where each policy is deployed\n  "registries": [${JSON.stringify(registry)},],\n}\n`;
  return JSON.stringify(object);
}

describe("config file names", () => {
  it("reads every name of cosmiconfig's defaults, .config/ecrlintrc* included, and ecrlint.config.json", () => {
    for (const name of [".config/ecrlintrc", ".config/ecrlintrc.json", ".config/ecrlintrc.yaml", ".config/ecrlintrc.mjs", ".ecrlintrc.ts", "ecrlint.config.json", ".ecrlintrc.jsonc"]) {
      expect(CONFIG_FILE_NAMES).toContain(name);
    }
  });

  it.each(CONFIG_FILE_NAMES)("finds %s, with globs relative to the project folder", (name) => {
    const root = tree({ [name]: configText(name), "infra/prod/registry-policy.json": "{}" });
    const result = new ConfigLocator().forDirectory(join(root, "infra/prod"));
    expect(result.ok ? result.loaded?.filePath : formatConfigError(result.error)).toBe(join(root, name));
    if (!result.ok) return;
    expect(registryForFile(join(root, "infra/prod/registry-policy.json"), result.loaded)).toMatchObject({ account: "444455556666", source: "config" });
  });

  it.each([
    ["ecrlint.json", "rename it to `.ecrlintrc.json` or `ecrlint.config.json`"],
    [".ecrlint.json", "rename it to `.ecrlintrc.json` or `ecrlint.config.json`"],
    ["ecrlintrc.json", "rename it to `.ecrlintrc.json` or `ecrlint.config.json`"],
    ["ecrlint.config.yml", "rename it to `.ecrlintrc.yml`"],
    ["ecrlint.yaml", "rename it to `.ecrlintrc.yaml`"],
    [".ecrlintrc.json5", "JSON5 is not read: rename it to `.ecrlintrc.jsonc` or `ecrlint.config.jsonc`"],
    [".ecrlintrc.toml", "TOML is not read: rename it to `.ecrlintrc.yaml`"],
    ["ecrlint.config.mts", "rename it to `ecrlint.config.ts` or `.ecrlintrc.ts`"],
    ["ecrlint.config.cts", "rename it to `ecrlint.config.ts` or `.ecrlintrc.ts`"],
    [".ecrlintrc.cts", "rename it to `.ecrlintrc.ts` or `ecrlint.config.ts`"],
    ["ecrlint-config.json", "rename it to `ecrlint.config.json` or `.ecrlintrc.json`"],
    ["ecrlint_config.yaml", "rename it to `.ecrlintrc.yaml`"],
    [".ecrlintrc.local.json", "rename it to `.ecrlintrc.json` or `ecrlint.config.json` (ecrlint reads one config per folder, with no `.local` variant)"],
    ["ecrlint.config.local.json", "rename it to `ecrlint.config.json` or `.ecrlintrc.json` (ecrlint reads one config per folder, with no `.local` variant)"],
    [".ecrlint", "rename it to `.ecrlintrc`"],
    [".config/ecrlint.json", "rename it to `ecrlintrc.json`"],
    [".config/.ecrlintrc.yaml", "rename it to `ecrlintrc.yaml`"],
    [".ecrlintignore", "ecrlint reads no ignore file: list the globs in the config's `ignores`"],
  ])("reports %s, a name ecrlint does not read: %s", (name, hint) => {
    const root = tree({ [`infra/${name}`]: configText(name), ".ecrlintrc.json": JSON.stringify({}), "infra/prod/p.json": "{}" });
    const result = new ConfigLocator().forDirectory(join(root, "infra/prod"));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(formatConfigError(result.error)).toContain(`${join(root, "infra", name)}: ecrlint does not read this file: ${hint}`);
  });

  it("leaves alone scripts, reports and caches named after ecrlint, and look-alikes above the config found", () => {
    const root = tree({
      "ecrlint.json": "{}",
      "infra/.ecrlintrc.json": JSON.stringify({ registries: [registry] }),
      "infra/ecrlint.js": "console.log('wrapper');",
      "infra/ecrlint.sarif": "{}",
      "infra/ecrlint-test.json": JSON.stringify({ files: [], passed: 0, failed: 0 }),
      "infra/ecrlint-test.xml": "<testsuites/>",
      "infra/ecrlint.local.json": "{}",
      "infra/.ecrlintcache": "{}",
      "infra/reports/ecrlint.json": "[]",
      "infra/reports/p.json": "{}",
    });
    const locator = new ConfigLocator();
    expect(locator.forDirectory(join(root, "infra/reports")).ok).toBe(true);
    expect(locator.forDirectory(join(root, "infra")).ok).toBe(true);
    // Outside the repository (above the folder holding .git), nothing is looked at.
    const outside = tree({ "ecrlint.yaml": "registries: []\n", "repo/.git/HEAD": "ref: refs/heads/main\n", "repo/infra/p.json": "{}" });
    expect(new ConfigLocator().forDirectory(join(outside, "repo/infra"))).toEqual({ ok: true, loaded: undefined });
  });

  it("reports two configs in one folder instead of choosing one silently", () => {
    const root = tree({ "package.json": JSON.stringify({ name: "x", ecrlint: {} }), ".ecrlintrc.json": "{}" });
    const result = new ConfigLocator().forDirectory(root);
    expect(result.ok ? "" : formatConfigError(result.error)).toBe(
      `${join(root, ".ecrlintrc.json")}: two ecrlint configs in one folder: \`package.json\`, \`.ecrlintrc.json\`; ecrlint would read \`package.json\` alone: merge them into one`,
    );
    // A package.json without an "ecrlint" key is no config.
    const plain = tree({ "package.json": JSON.stringify({ name: "x" }), ".ecrlintrc.json": "{}" });
    expect(new ConfigLocator().forDirectory(plain).ok).toBe(true);
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

  it("picks the first entry whose globs picomatch matches, for folder globs and any other", () => {
    const entries = [
      { files: ["infra/111122223333/us-west-2/**"], account: "111122223333", region: "us-west-2" },
      { files: ["infra/a.b/**", "other/*.json"], account: "222233334444", region: "us-east-1" },
      { files: ["infra/*/eu-west-1/**"], account: "333344445555", region: "eu-west-1" },
      { files: ["infra/x/**/deep/**"], account: "444455556666", region: "eu-west-2" },
      { files: ["infra/**"], account: "555566667777", region: "ap-south-1" },
    ];
    const result = configFromSettings({ registries: entries }, "/repo");
    if (!result.ok) throw new Error("a valid config");
    const paths = [
      "infra/111122223333/us-west-2/p.json",
      "infra/111122223333/us-west-2/.hidden/p.json",
      "infra/111122223333/us-west-2",
      "infra/111122223333/us-west-2x/p.json",
      "infra/111122223333/us-west-2.json",
      "infra/a.b/c/p.json",
      "infra/aXb/p.json",
      "infra/a.bc/p.json",
      "other/p.json",
      "other/deep/p.json",
      "infra/999999999999/eu-west-1/p.json",
      "infra/x/y/deep/p.json",
      "infra/p.json",
      "elsewhere/p.json",
      "../repo2/infra/a.b/p.json",
    ];
    const expected = (rel: string) => (rel.startsWith("../") ? undefined : entries.find((e) => picomatch(e.files, { dot: true })(rel))?.account);
    for (const rel of paths) expect([rel, registryForFile(join("/repo", rel), result.loaded).account]).toEqual([rel, expected(rel) ?? registryFromPath(rel).account]);
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
    // A date or time stamp inside a folder name is not an account; a folder that is 12 digits is one.
    expect(registryFromPath("snapshots-202406011230/registry-policy.json").source).toBe("unknown");
    expect(registryFromPath("infra/backup-20240601000000/us-west-2/p.json")).toMatchObject({ region: "us-west-2" });
    expect(registryFromPath("infra/backup-20240601000000/us-west-2/p.json").account).toBeUndefined();
    expect(registryFromPath("snapshots-202406011230/444455556666-prod/p.json")).toMatchObject({ account: "444455556666" });
    expect(registryFromPath("202406011230/p.json")).toMatchObject({ account: "202406011230" });
    // The file name itself is not a directory.
    expect(registryFromPath("infra/us-west-2.json").source).toBe("unknown");
  });
});
