import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleList, rulesDirectory, RULE_PREFIX } from "@ecrlint/core";
import plugin from "../src/index.js";

describe("plugin", () => {
  it("exports every rule of core, and nothing else", () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(ruleList.map((r) => r.id).sort());
  });

  it("points every rule's docs.url at its README", () => {
    for (const [id, rule] of Object.entries(plugin.rules)) {
      const url = (rule.meta.docs as { url?: string }).url;
      expect(url).toBe(`https://github.com/ecrlint/ecrlint/blob/main/rules/${id}/README.md`);
      expect(existsSync(join(rulesDirectory(), id, "README.md"))).toBe(true);
    }
  });

  it("recommended turns on the recommended rules; strict turns on all", () => {
    const recommended = plugin.configs.recommended[0]!.rules;
    const strict = plugin.configs.strict[0]!.rules;
    expect(Object.keys(recommended).sort()).toEqual(
      ruleList.filter((r) => r.meta.docs.config === "recommended").map((r) => RULE_PREFIX + r.id).sort(),
    );
    expect(Object.keys(strict).sort()).toEqual(ruleList.map((r) => RULE_PREFIX + r.id).sort());
  });

  it("has meta for ESLint's cache and --print-config", () => {
    expect(plugin.meta.name).toBe("@ecrlint/eslint-plugin");
    expect(plugin.meta.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
