import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { configFromSettings, formatConfigError, RULE_PREFIX, settingsSchema } from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";
import plugin, { type EcrlintSettings } from "../src/index.js";

describe("the README's --cache section", () => {
  it("names exactly the rules that read other files", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### `eslint --cache`"), readme.indexOf("\n### ", readme.indexOf("### `eslint --cache`") + 1));
    const named = [...section.matchAll(/^- `@ecrlint\/([a-z-]+)`/gmu)].map((m) => m[1]);
    const crossFile = ruleList.filter((rule) => (rule as { project?: unknown }).project !== undefined).map((rule) => rule.id);
    expect(crossFile.length).toBeGreaterThan(0);
    expect(named.sort()).toEqual(crossFile.sort());
  });
});

// That the plugin defines a rule for every folder of rules/ is tested from disk in the rules package.
describe("plugin", () => {
  it("points every rule's docs.url at its README", () => {
    for (const [id, rule] of Object.entries(plugin.rules)) {
      const url = (rule.meta!.docs as { url?: string }).url;
      expect(url).toBe(`https://github.com/ecrlint/ecrlint/blob/main/rules/${id}/README.md`);
    }
  });

  it("recommended turns on the recommended rules, cross-file ones included; strict turns on every rule", () => {
    const recommended = plugin.configs.recommended[0]!.rules!;
    const strict = plugin.configs.strict[0]!.rules!;
    expect(Object.keys(recommended).sort()).toEqual(
      ruleList.filter((r) => r.meta.docs.config === "recommended").map((r) => RULE_PREFIX + r.id).sort(),
    );
    expect(Object.keys(strict).sort()).toEqual(ruleList.map((r) => RULE_PREFIX + r.id).sort());
    expect(plugin.configs["recommended-json-language"][0]!.rules).toEqual(recommended);
    expect(plugin.configs["strict-json-language"][0]!.rules).toEqual(strict);
  });

  it("gives each rule the level of its Access Analyzer finding type: errors and security warnings error, the rest warn", () => {
    const strict = plugin.configs.strict[0]!.rules!;
    for (const rule of ruleList.filter((r) => r.check !== undefined)) {
      const expected = rule.meta.docs.findingType === "error" || rule.meta.docs.findingType === "security-warning" ? "error" : "warn";
      expect(strict[RULE_PREFIX + rule.id], rule.id).toBe(expected);
    }
    expect(strict[`${RULE_PREFIX}no-redundant-entry`]).toBe("warn");
    expect(plugin.configs.recommended[0]!.rules![`${RULE_PREFIX}no-redundant-entry`]).toBeUndefined();
  });

  it("defines the cross-file rules with their meta; outside JSON they do nothing", () => {
    const crossFile = ruleList.filter((r) => r.check === undefined);
    expect(crossFile.map((r) => r.id)).toContain("replication-destination-allowed");
    for (const rule of crossFile) {
      const eslintRule = plugin.rules[rule.id]!;
      expect(eslintRule.meta!.schema).toEqual(rule.meta.schema);
      expect(eslintRule.create({ options: [], sourceCode: { ast: { type: "Program" } } } as never)).toEqual({});
    }
  });

  it("has meta for ESLint's cache and --print-config", () => {
    expect(plugin.meta.name).toBe("@ecrlint/eslint-plugin");
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("schema/settings.json", () => {
  const shipped = JSON.parse(readFileSync(join(import.meta.dirname, "..", "schema", "settings.json"), "utf8")) as Record<string, unknown>;

  it("is what scripts/generate-schema.mjs writes from core (npm run generate)", () => {
    const { $comment, ...schema } = shipped;
    expect($comment).toMatch(/^Generated/);
    expect(schema).toEqual(JSON.parse(JSON.stringify(settingsSchema)));
  });

  it("accepts what the plugin accepts, and rejects runner-only keys as the plugin does", () => {
    const validate = new Ajv({ strict: false }).compile(shipped);
    const settings: EcrlintSettings = { registries: [{ files: ["infra/prod/**"], account: "444455556666", region: "us-west-2" }], trustedAccounts: ["111122223333"] };
    expect(validate(settings)).toBe(true);
    expect(configFromSettings(settings, "/repo").ok).toBe(true);
    for (const key of ["files", "ignores", "rules"]) {
      expect(validate({ [key]: [] })).toBe(false);
      const result = configFromSettings({ [key]: [] }, "/repo");
      expect(result.ok ? "" : formatConfigError(result.error)).toBe(`ecrlint settings: ${key}: is read by the ecrlint runner only; in ESLint, the config's own \`${key}\` decide`);
    }
    expect(validate({ diff: { failOn: ["any-gain"] } })).toBe(false);
    const diff = configFromSettings({ diff: { failOn: ["any-gain"] } }, "/repo");
    expect(diff.ok ? "" : formatConfigError(diff.error)).toBe("ecrlint settings: diff: is read by `ecrlint diff` only");
  });
});
