import { defineRule, hasWildcard, regionStatus, suggestRegion, type ConditionKeyBlock } from "@ecrlint/core";
import { check, DOCS } from "../_shared/docs.js";
import { conditionBlocks, policyOf } from "../_shared/util.js";

/** The JSON type a condition value was written as (`"true"` and `true` differ). */
function writtenType(node: ConditionKeyBlock["values"][number]["node"]): string {
  if (node.type === "JSONLiteral") return typeof node.value;
  return node.type === "JSONUnaryExpression" ? "number" : "string";
}

export const validConditionBlock = defineRule({
  id: "valid-condition-block",
  meta: {
    type: "problem",
    docs: {
      description: "Require each condition block to be one AWS accepts and reads as written: no keys repeated in another case, one type and one Boolean per key, real Regions, qualified tag-key lists",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [
        check("error", "Duplicate keys with different case"),
        check("error", "Data type mismatch"),
        check("error", "Invalid condition multiple Boolean"),
        check("error", "Invalid Region"),
        check("error", "Missing qualifier"),
      ],
      sources: [DOCS.conditionOperators, DOCS.multivaluedKeys, DOCS.globalKeys, DOCS.regions],
    },
    messages: {
      keyCase: '"{{key}}" repeats "{{first}}" (line {{firstLine}}) in another case: key names are case-insensitive, so AWS rejects the block; merge the values under one key.',
      mixedTypes: 'The values of "{{key}}" mix {{types}}; write them all as strings.',
      multipleBooleans: '"{{key}}" takes one Boolean, not {{count}}: with true and false together the condition always holds; keep the one you mean.',
      invalidRegion: '"{{value}}" is not a Region{{hint}}, so aws:RequestedRegion never equals it.',
      missingQualifier: 'aws:TagKeys holds a list of keys: write "ForAllValues:{{operator}}" (only these keys) or "ForAnyValue:{{operator}}" (at least one of them).',
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    for (const { op, parsed } of conditionBlocks(policy)) {
      const seen = new Map<string, ConditionKeyBlock>();
      for (const k of op.keys) {
        const lower = k.key.toLowerCase();
        const first = seen.get(lower);
        // Keys repeated exactly are valid-policy's duplicateKey.
        if (first && first.key !== k.key) {
          context.report({ node: k.property.key, messageId: "keyCase", data: { key: k.key, first: first.key, firstLine: first.property.loc.start.line } });
        }
        if (!first) seen.set(lower, k);
        const types = [...new Set(k.values.filter((v) => !v.unknown).map((v) => writtenType(v.node)))];
        if (types.length > 1) context.report({ node: k.property.value, messageId: "mixedTypes", data: { key: k.key, types: types.sort().join(" and ") } });
        if (!parsed) continue;
        // The same Boolean twice is only redundant (no-redundant-entry); true and false together always hold.
        if (parsed.base.family === "bool" && new Set(k.values.map((v) => v.value.toLowerCase())).size > 1) {
          context.report({ node: k.property.value, messageId: "multipleBooleans", data: { key: k.key, count: k.values.length } });
        }
        // Reported at the operator, once: a repeat of the key in another case is keyCase's, not a second finding here.
        if (lower === "aws:tagkeys" && !first && !parsed.set && parsed.base.family !== "null") {
          context.report({ node: op.property.key, messageId: "missingQualifier", data: { operator: op.operator } });
        }
        if (lower === "aws:requestedregion" && parsed.base.family === "string") {
          for (const v of k.values) {
            if (v.unknown || hasWildcard(v.value) || v.value.includes("${")) continue;
            const status = regionStatus(v.value);
            const near = status === "known" ? undefined : suggestRegion(v.value);
            if (status === "unknown" || near) context.report({ node: v.node, messageId: "invalidRegion", data: { value: v.value, hint: near ? ` (did you mean "${near}"?)` : "" } });
          }
        }
      }
    }
  },
});
