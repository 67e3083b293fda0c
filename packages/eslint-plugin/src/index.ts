import { readFileSync } from "node:fs";
import type { ESLint, Linter, Rule } from "eslint";
import { configSeverity, RULE_PREFIX, type EcrlintConfig } from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";
import { parser } from "./parser.js";
import { toEslintRule } from "./to-eslint-rule.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

export const rules: Record<string, Rule.RuleModule> = Object.fromEntries(ruleList.map((r) => [r.id, toEslintRule(r) as unknown as Rule.RuleModule]));

/**
 * `settings.ecrlint` of an ESLint config (JSON Schema: `@ecrlint/eslint-plugin/schema/settings.json`), for
 * `/** @type {import("@ecrlint/eslint-plugin").EcrlintSettings} *\/` in eslint.config.js.
 */
export type EcrlintSettings = Pick<EcrlintConfig, "registries" | "trustedAccounts" | "trustedOrgs">;

export const POLICY_FILES = ["**/*.json", "**/*.jsonc", "**/*.json5"];

type ConfigName = "recommended" | "strict";

function enabledRules(name: ConfigName): Linter.RulesRecord {
  const enabled = ruleList.filter((r) => name === "strict" || r.meta.docs.config === "recommended");
  // Access Analyzer's errors and security warnings are errors; its warnings and suggestions warn.
  return Object.fromEntries(enabled.map((r) => [RULE_PREFIX + r.id, configSeverity(r.meta) as Linter.RuleSeverity]));
}

/** The plugin's configs: `jsonc-eslint-parser` on the policy file extensions, and the rules. */
function configFor(name: ConfigName): Linter.Config[] {
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
      // jsonc-eslint-parser, except that files over 5 MB are not parsed (see parser.ts).
      languageOptions: { parser: parser as Linter.Parser },
      rules: enabledRules(name),
    },
  ];
}

/**
 * The same rules for files that ESLint's own JSON language (`@eslint/json`, `language: "json/json"`) reads: no parser
 * and no `files`, so they apply wherever the user's config sets that language.
 */
function jsonLanguageConfigFor(name: ConfigName): Linter.Config[] {
  return [
    {
      name: `@ecrlint/${name}-json-language`,
      plugins: {
        get "@ecrlint"() {
          return plugin;
        },
      },
      rules: enabledRules(name),
    },
  ];
}

export const configs = {
  recommended: configFor("recommended"),
  strict: configFor("strict"),
  "recommended-json-language": jsonLanguageConfigFor("recommended"),
  "strict-json-language": jsonLanguageConfigFor("strict"),
} satisfies Record<string, Linter.Config[]>;

export const meta = { name: pkg.name, version: pkg.version };

const plugin = { meta, rules, configs } satisfies ESLint.Plugin;

export default plugin;
