import { readFileSync } from "node:fs";
import * as jsoncParser from "jsonc-eslint-parser";
import { configSeverity, RULE_PREFIX, type EcrlintConfig } from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";
import { toEslintRule } from "./to-eslint-rule.js";
import { yamlParser } from "./yaml-parser.js";
import { terraformParser } from "./terraform-parser.js";

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

/** CloudFormation YAML templates (read by content: only templates with `AWS::ECR::*` resources are linted). */
export const YAML_TEMPLATE_FILES = ["**/*.yaml", "**/*.yml", "**/*.template"];

/** Terraform files (read by content: only `aws_ecr_*` resources are linted). */
export const TERRAFORM_FILES = ["**/*.tf"];

export { terraformParser, yamlParser };

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
  // Access Analyzer's errors and security warnings are errors; its warnings and suggestions warn.
  const rules = Object.fromEntries(enabled.map((r) => [RULE_PREFIX + r.id, configSeverity(r.meta) as Severity]));
  const plugins = {
    // A getter, because the plugin object refers to these configs too.
    get "@ecrlint"() {
      return plugin;
    },
  };
  return [
    { name: `@ecrlint/${name}`, files: POLICY_FILES, plugins, languageOptions: { parser: jsoncParser }, rules },
    { name: `@ecrlint/${name}/cloudformation-yaml`, files: YAML_TEMPLATE_FILES, plugins, languageOptions: { parser: yamlParser }, rules },
    { name: `@ecrlint/${name}/terraform`, files: TERRAFORM_FILES, plugins, languageOptions: { parser: terraformParser }, rules },
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
