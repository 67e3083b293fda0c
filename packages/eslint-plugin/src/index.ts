import { readFileSync } from "node:fs";
import type { ESLint, Linter, Rule } from "eslint";
import { configSeverity, RULE_PREFIX, type EcrlintConfig } from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";
import { parser } from "./parser.js";
import { toEslintRule } from "./to-eslint-rule.js";
import { yamlParser } from "./yaml-parser.js";
import { terraformParser } from "./terraform-parser.js";
import { terraformTemplateParser } from "./terraform-template-parser.js";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { name: string; version: string };

export const rules: Record<string, Rule.RuleModule> = Object.fromEntries(ruleList.map((r) => [r.id, toEslintRule(r) as unknown as Rule.RuleModule]));

/**
 * `settings.ecrlint` of an ESLint config (JSON Schema: `@ecrlint/eslint-plugin/schema/settings.json`), for
 * `/** @type {import("@ecrlint/eslint-plugin").EcrlintSettings} *\/` in eslint.config.js.
 */
export type EcrlintSettings = Pick<EcrlintConfig, "registries" | "trustedAccounts" | "trustedOrgs">;

export const POLICY_FILES = ["**/*.json", "**/*.jsonc", "**/*.json5"];

/** CloudFormation YAML templates (read by content: only templates with `AWS::ECR::*` resources are linted). */
export const YAML_TEMPLATE_FILES = ["**/*.yaml", "**/*.yml", "**/*.template"];

/** Terraform files (read by content: only `aws_ecr_*` resources are linted). */
export const TERRAFORM_FILES = ["**/*.tf"];

/**
 * Template files that Terraform reads with `file()`/`templatefile()` (`*.json.tpl`, and `*.tftpl`, the extension
 * Terraform's documentation recommends): linted only when a `.tf` file reads them (see terraform-template-parser.ts).
 */
export const TERRAFORM_TEMPLATE_FILES = ["**/*.tpl", "**/*.tftpl"];

export { terraformParser, terraformTemplateParser, yamlParser };

type ConfigName = "recommended" | "strict";

function enabledRules(name: ConfigName): Linter.RulesRecord {
  const enabled = ruleList.filter((r) => name === "strict" || r.meta.docs.config === "recommended");
  // Access Analyzer's errors and security warnings are errors; its warnings and suggestions warn.
  return Object.fromEntries(enabled.map((r) => [RULE_PREFIX + r.id, configSeverity(r.meta) as Linter.RuleSeverity]));
}

/** The plugin's configs: a parser per host syntax on its file extensions, and the same rules for each. */
function configFor(name: ConfigName): Linter.Config[] {
  const plugins = {
    // A getter, because the plugin object refers to these configs too.
    get "@ecrlint"() {
      return plugin;
    },
  };
  const rules = enabledRules(name);
  return [
    // jsonc-eslint-parser, except that files over 5 MB are not parsed (see parser.ts).
    { name: `@ecrlint/${name}`, files: POLICY_FILES, plugins, languageOptions: { parser: parser as Linter.Parser }, rules },
    { name: `@ecrlint/${name}/cloudformation-yaml`, files: YAML_TEMPLATE_FILES, plugins, languageOptions: { parser: yamlParser as Linter.Parser }, rules },
    { name: `@ecrlint/${name}/terraform`, files: TERRAFORM_FILES, plugins, languageOptions: { parser: terraformParser as Linter.Parser }, rules },
    { name: `@ecrlint/${name}/terraform-templates`, files: TERRAFORM_TEMPLATE_FILES, plugins, languageOptions: { parser: terraformTemplateParser as Linter.Parser }, rules },
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
