import { createRequire } from "node:module";
import type { Ajv as AjvInstance, ErrorObject, ValidateFunction } from "ajv";
import {
  closest,
  configSeverity,
  eslintRuleMeta,
  mergeOptions,
  RULE_PREFIX,
  ruleDocsUrl,
  type AnyRule,
  type ConfigError,
  type ConfiguredRule,
  type RuleSetting,
  type Severity,
} from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";
import { timedRule } from "./timing.js";
import type { RuleDescription } from "./types.js";

let known: Map<string, AnyRule> | undefined;

/** Every rule the runner knows, single-file and cross-file, by id. */
export function knownRules(): Map<string, AnyRule> {
  known ??= new Map(ruleList.map((rule) => [rule.id, timedRule(rule)]));
  return known;
}

/** The meta and doc URL of every rule, by full rule id (`@ecrlint/<id>`), for formatters. */
export function describeRules(): Record<string, RuleDescription> {
  const out: Record<string, RuleDescription> = {};
  for (const rule of knownRules().values()) {
    const url = ruleDocsUrl(rule.id);
    const eslintMeta = eslintRuleMeta(rule);
    out[RULE_PREFIX + rule.id] = { meta: rule.meta, url, eslintMeta: { ...eslintMeta, docs: { ...eslintMeta.docs, url } } };
  }
  return out;
}

/** Whether an `eslint-disable` comment may name this rule id (`@ecrlint/<id>`); ids of other plugins and ESLint's core are not ours to judge. */
export function isDirectiveRuleDefined(ruleId: string): boolean {
  return !ruleId.startsWith(RULE_PREFIX) || knownRules().has(ruleId.slice(RULE_PREFIX.length));
}

// ajv is loaded and a rule's option schema compiled only when a config gives that rule options: most runs give none.
let ajv: AjvInstance | undefined;
const optionValidators = new Map<string, ValidateFunction>();

function optionsAjv(): AjvInstance {
  if (!ajv) {
    const { Ajv } = createRequire(import.meta.url)("ajv") as typeof import("ajv");
    ajv = new Ajv({ allErrors: false, strict: false, useDefaults: false });
  }
  return ajv;
}

function optionsValidator(rule: AnyRule): ValidateFunction {
  let validate = optionValidators.get(rule.id);
  if (!validate) {
    const items = rule.meta.schema;
    // A rule without options has an empty schema list, which JSON Schema cannot put in `items`.
    validate = optionsAjv().compile(items.length ? { type: "array", items, minItems: 0, maxItems: items.length } : { type: "array", maxItems: 0 });
    optionValidators.set(rule.id, validate);
  }
  return validate;
}

export function severityOf(setting: RuleSetting): 0 | Severity {
  const raw = Array.isArray(setting) ? setting[0] : setting;
  if (raw === "error" || raw === 2) return 2;
  if (raw === "warn" || raw === 1) return 1;
  return 0;
}

function optionError(id: string, error: ErrorObject): Omit<ConfigError, "filePath"> {
  const parts = error.instancePath.split("/").slice(1);
  let keyPath = `rules.${id}`;
  // The options array's index 0 is the setting's index 1 (after the severity).
  const segments: (string | number)[] = ["rules", id, ...parts.map((part, i) => (i === 0 ? Number(part) + 1 : /^\d+$/.test(part) ? Number(part) : part))];
  parts.forEach((part, i) => {
    if (i === 0) keyPath += `[${Number(part) + 1}]`;
    else keyPath += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  });
  if (error.keyword === "additionalProperties") {
    const option = (error.params as { additionalProperty: string }).additionalProperty;
    return { keyPath: `${keyPath}.${option}`, keySegments: [...segments, option], pointsAt: "key", message: "unknown option" };
  }
  if (error.keyword === "maxItems" && parts.length === 0) {
    const max = (error.params as { limit: number }).limit;
    return { keyPath: `${keyPath}[${max + 1}]`, keySegments: [...segments, max + 1], message: max === 0 ? "this rule takes no options" : `this rule takes at most ${max} option${max === 1 ? "" : "s"}` };
  }
  return { keyPath, keySegments: segments, message: error.message ?? "is invalid" };
}

/** Unknown rule ids and options that break a rule's schema, as config errors naming the key path. */
export function validateRuleSettings(rules: Record<string, RuleSetting> | undefined, filePath: string | undefined): ConfigError | undefined {
  if (!rules) return undefined;
  const all = knownRules();
  for (const [id, setting] of Object.entries(rules)) {
    const rule = all.get(id);
    if (!rule) {
      const bare = id.startsWith(RULE_PREFIX) ? id.slice(RULE_PREFIX.length) : undefined;
      const hint = bare && all.has(bare) ? bare : closest(id, all.keys(), 4);
      return { filePath, keyPath: `rules.${id}`, keySegments: ["rules", id], pointsAt: "key", message: `unknown rule${hint ? ` (did you mean "${hint}"?)` : ""}` };
    }
    if (!Array.isArray(setting)) continue;
    const validate = optionsValidator(rule);
    if (!validate(setting.slice(1))) {
      const first = validate.errors?.[0];
      if (first) return { filePath, ...optionError(id, first) };
    }
  }
  return undefined;
}

export interface ResolvedRules {
  /** The rules with a single-file part, with the options the config gave. */
  single: ConfiguredRule[];
  /** The rules with a project hook, by id, with their options merged over the defaults. */
  project: Map<string, ConfiguredRule>;
  /** Stable text of the effective settings, part of the cache key. */
  signature: string;
}

/**
 * The runner's default is the plugin's `recommended` config: every rule whose `meta.docs.config` is
 * `recommended`, at the level its Access Analyzer finding type gives it (`configSeverity`), the `strict`-only rules off. Config `rules` and then API overrides are laid over it.
 * A file's inline `eslint` comment settings go last, as in ESLint. With `quiet`, warn-level rules are not run at all, as ESLint's `--quiet` does.
 */
export function resolveRules(
  configRules: Record<string, RuleSetting> | undefined,
  overrides: Record<string, RuleSetting> | undefined,
  quiet: boolean,
  inline?: Record<string, RuleSetting>,
): ResolvedRules {
  const settings = new Map<string, RuleSetting>();
  for (const rule of knownRules().values()) if (rule.meta.docs.config === "recommended") settings.set(rule.id, configSeverity(rule.meta));
  for (const source of [configRules, overrides, inline]) {
    for (const [id, setting] of Object.entries(source ?? {})) {
      const previous = settings.get(id);
      // ESLint keeps the earlier options when a later setting gives a severity only.
      if (!Array.isArray(setting) && Array.isArray(previous)) settings.set(id, [setting, ...previous.slice(1)] as RuleSetting);
      else settings.set(id, setting);
    }
  }
  const single: ConfiguredRule[] = [];
  const project = new Map<string, ConfiguredRule>();
  const parts: string[] = [];
  // In the order of the ids' code units: rule ids are lower-case letters, digits and hyphens (RULE_ID in
  // scripts/rules-index.mjs), which localeCompare orders the same way, without loading the ICU collator (5 ms of
  // a one-file run) to say so.
  for (const [id, setting] of [...settings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const rule = knownRules().get(id);
    const severity = severityOf(setting);
    if (!rule || severity === 0 || (quiet && severity === 1)) continue;
    const options = Array.isArray(setting) ? setting[1] : undefined;
    parts.push(`${id}=${severity}:${JSON.stringify(options ?? null)}`);
    if (rule.check) single.push({ rule, severity, options });
    if (rule.project) project.set(id, { rule, severity, options: mergeOptions(rule.defaultOptions, options) });
  }
  return { single, project, signature: parts.join(";") };
}
