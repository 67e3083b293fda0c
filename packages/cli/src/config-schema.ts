import { configSchema } from "@ecrlint/core";
import { knownRules } from "./rules-config.js";

const SEVERITY = { enum: ["off", "warn", "error", 0, 1, 2] };

/**
 * The config's JSON Schema with every rule id and its options spelled out, so editors complete and check
 * `rules`. Shipped as `@ecrlint/cli/schema/config.json` (generated from this function; a test fails on drift).
 * The runner validates with the same rules: core's schema for the keys, then each rule's options schema.
 */
export function buildConfigSchema(): Record<string, unknown> {
  const schema = structuredClone(configSchema) as unknown as Record<string, unknown> & { properties: Record<string, unknown> };
  const properties: Record<string, unknown> = {};
  for (const rule of [...knownRules().values()].sort((a, b) => a.id.localeCompare(b.id))) {
    const options = rule.meta.schema;
    properties[rule.id] = {
      description: rule.meta.docs.description,
      oneOf: [SEVERITY, { type: "array", minItems: 1, maxItems: 1 + options.length, items: [SEVERITY, ...options] }],
    };
  }
  const rules = schema.properties.rules as Record<string, unknown>;
  schema.properties.rules = { description: rules.description, type: "object", additionalProperties: false, properties };
  return { $comment: "Generated from the rules' meta by packages/cli/scripts/generate-schema.mjs: do not edit.", ...schema };
}
