import { defineRule, policyValue, type StringValue } from "@ecrlint/core";
import { actionPatternCovers, cidrWithin, parseCidr, parseOperator, resourcePatternCovers } from "@ecrlint/core/evaluator";
import { check, DOCS } from "../_shared/docs.js";
import { headLoc, policyOf } from "../_shared/util.js";

/**
 * For each value that another of the list covers, the one that covers it. Of two values that cover each other
 * (equal, or equal but for case in actions) the later is the redundant one.
 */
function coveredValues(all: StringValue[], covers: (outer: string, inner: string) => boolean): [StringValue, StringValue][] {
  // An unknown value (a template parameter) covers nothing and is covered by nothing that is known.
  const values = all.filter((v) => !v.unknown);
  const out: [StringValue, StringValue][] = [];
  values.forEach((v, i) => {
    const by = values.find((o, j) => j !== i && covers(o.value, v.value) && (j < i || !covers(v.value, o.value)));
    if (by) out.push([v, by]);
  });
  return out;
}

const cidrCovers = (outer: string, inner: string) => {
  const a = parseCidr(outer);
  const b = parseCidr(inner);
  return a !== undefined && b !== undefined && cidrWithin(b, a);
};

/** `10.1.2.3/16` as the block it stands for (`10.1.0.0/16`); undefined when it is already written so, or not IPv4. */
function simplerIpv4Block(text: string): string | undefined {
  const block = parseCidr(text);
  const slash = text.indexOf("/");
  if (!block || block.version !== 4 || slash < 0) return undefined;
  const address = [24n, 16n, 8n, 0n].map((shift) => String((block.first >> shift) & 255n)).join(".");
  const written = `${address}${text.slice(slash)}`;
  return written === text ? undefined : written;
}

export const noRedundantEntry = defineRule({
  id: "no-redundant-entry",
  meta: {
    type: "suggestion",
    docs: {
      description: "Disallow actions, resources, condition values and statements that another one of the policy already covers",
      config: "strict",
      findingType: "suggestion",
      accessAnalyzer: [
        check("suggestion", "Redundant action"),
        check("suggestion", "Redundant resource"),
        check("suggestion", "Redundant condition value num"),
        check("suggestion", "Redundant statement"),
        check("suggestion", "Improve IP range"),
      ],
      sources: [DOCS.action, DOCS.resource, DOCS.conditionOperators],
    },
    messages: {
      redundantAction: 'Action "{{value}}" is already covered by "{{by}}" in this list; remove it.',
      redundantResource: 'Resource "{{value}}" is already covered by "{{by}}" in this list; remove it.',
      redundantValue: 'Value "{{value}}" of "{{key}}" is already covered by "{{by}}"; remove it.',
      simplerCidr: '"{{value}}" has bits set past its prefix length, so it stands for "{{simple}}"; write that.',
      redundantStatement: "This statement repeats the one on line {{line}} in all but its Sid; remove one of them.",
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const seen = new Map<string, number>();
    const statements = (policyValue(policy) as { Statement?: unknown }).Statement;
    const plain = Array.isArray(statements) ? statements : [statements];
    for (const s of policy.statements) {
      // A statement with unknown values is a different statement for each of them.
      if (!s.unknown) {
        const { Sid: _sid, ...rest } = (plain[s.index] ?? {}) as Record<string, unknown>;
        const key = JSON.stringify(rest);
        const line = seen.get(key);
        if (line !== undefined) context.report({ node: s.node, loc: headLoc(s.node), messageId: "redundantStatement", data: { line } });
        else seen.set(key, s.node.loc.start.line);
      }

      for (const [v, by] of coveredValues(s.action?.values ?? [], actionPatternCovers)) {
        context.report({ node: v.node, messageId: "redundantAction", data: { value: v.value, by: by.value } });
      }
      for (const [v, by] of coveredValues(s.resource?.values ?? [], resourcePatternCovers)) {
        context.report({ node: v.node, messageId: "redundantResource", data: { value: v.value, by: by.value } });
      }
      for (const op of s.condition?.operators ?? []) {
        const ip = parseOperator(op.operator)?.base.family === "ip";
        for (const k of op.keys) {
          for (const [v, by] of coveredValues(k.values, ip ? cidrCovers : (a, b) => a === b)) {
            context.report({ node: v.node, messageId: "redundantValue", data: { value: v.value, key: k.key, by: by.value } });
          }
          if (!ip) continue;
          for (const v of k.values) {
            if (v.unknown) continue;
            const simple = simplerIpv4Block(v.value);
            if (simple) context.report({ node: v.node, messageId: "simplerCidr", data: { value: v.value, simple } });
          }
        }
      }
    }
  },
});
