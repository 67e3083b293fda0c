import { readFileSync } from "node:fs";
import * as jsoncParser from "jsonc-eslint-parser";
import { configSeverity, RULE_PREFIX, type EcrlintConfig } from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";
import { toEslintRule } from "./to-eslint-rule.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

export const rules = Object.fromEntries(ruleList.map((r) => [r.id, toEslintRule(r)]));

/** The rules with a single-file part; the shared configs turn these on (cross-file rules need the runner). */
const fileRules = ruleList.filter((r) => r.check !== undefined);

/**
 * `settings.ecrlint` of an ESLint config (JSON Schema: `@ecrlint/eslint-plugin/schema/settings.json`), for
 * `/** @type {import("@ecrlint/eslint-plugin").EcrlintSettings} *\/` in eslint.config.js.
 */
export type EcrlintSettings = Pick<EcrlintConfig, "registries" | "trustedAccounts" | "trustedOrgs">;

export const POLICY_FILES = ["**/*.json", "**/*.jsonc", "**/*.json5"];

type Severity = "error" | "warn" | "off";
type FlatConfig = {
  name: string;
  files: string[];
  plugins: Record<string, unknown>;
  languageOptions: { parser: unknown };
  rules: Record<string, Severity>;
};

function configFor(name: "recommended" | "strict"): FlatConfig[] {
  const enabled = fileRules.filter((r) => name === "strict" || r.meta.docs.config === "recommended");
  return [
    {
      name: `@ecrlint/${name}`,
      files: POLICY_FILES,
      plugins: {
        // A getter, because the plugin object refers to these configs too.
        get "@ecrlint"() {
          return plugin;
        },
      },
      languageOptions: { parser: jsoncParser },
      // Access Analyzer's errors and security warnings are errors; its warnings and suggestions warn.
      rules: Object.fromEntries(enabled.map((r) => [RULE_PREFIX + r.id, configSeverity(r.meta) as Severity])),
    },
  ];
}

const plugin = {
  meta: { name: pkg.name, version: pkg.version },
  rules,
  configs: {
    recommended: configFor("recommended"),
    strict: configFor("strict"),
  },
};

export default plugin;
