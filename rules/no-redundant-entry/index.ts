import { defineRule, policyValue, type PolicyStatement, type StringValue } from "@ecrlint/core";
import { actionPatternCovers, cidrWithin, type CidrBlock, conditionValueCovers, parseCidr, parseOperator, patternCovers, resourcePatternCovers } from "@ecrlint/core/evaluator";
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

/** `a.b.c.d` or compressed IPv6 text for an address. */
function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best: [number, number] = [-1, 0];
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best[0] < 0) return groups.join(":");
  return `${groups.slice(0, best[0]).join(":")}::${groups.slice(best[0] + best[1]).join(":")}`;
}

/** The one block two ranges make up when they are the two halves of it (`/25` + `/25` = `/24`), else undefined. */
function mergedBlock(a: CidrBlock, b: CidrBlock): string | undefined {
  if (a.version !== b.version) return undefined;
  const size = a.last - a.first + 1n;
  if (b.last - b.first + 1n !== size) return undefined;
  const [low, high] = a.first < b.first ? [a, b] : [b, a];
  if (low.last + 1n !== high.first || low.first % (size * 2n) !== 0n) return undefined;
  const bits = a.version === 4 ? 32 : 128;
  const length = bits - (size * 2n).toString(2).length + 1;
  return `${formatAddress(a.version, low.first)}/${length}`;
}

/** The plain JSON of a statement's parts, to compare them as written. */
type Plain = Record<string, unknown>;
const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** What one statement is compared by, read once: a policy's statements are compared pair by pair. */
interface Compared {
  /** Undefined for a statement that is not compared (NotAction, NotResource, NotPrincipal, unknown values, no Action). */
  effect: string | undefined;
  principal: string;
  actions: string[];
  resources: string[] | undefined;
  conditions: string[];
  conditionSet: ReadonlySet<string>;
}

function comparedOf(s: PolicyStatement, plain: Plain): Compared | undefined {
  if (s.unknown || s.notAction || s.notResource || s.notPrincipal || !s.action) return undefined;
  const conditions = Object.entries((plain.Condition ?? {}) as Plain).flatMap(([op, keys]) => Object.entries(keys as Plain).map(([key, values]) => `${op}\u0000${key.toLowerCase()}\u0000${JSON.stringify(asList(values))}`));
  return {
    effect: s.effect?.value,
    principal: JSON.stringify(plain.Principal) ?? "",
    actions: s.action.values.map((v) => v.value),
    resources: s.resource?.values.map((v) => v.value),
    conditions,
    conditionSet: new Set(conditions),
  };
}

/**
 * Whether `outer` already has the effect of `inner`: the same Effect and Principal, every action and resource of
 * `inner` inside one of `outer`'s (the evaluator's pattern matching), and every condition of `outer` also a condition
 * of `inner` (so `outer` applies wherever `inner` does). Statements with NotAction, NotResource or NotPrincipal, or
 * unknown values, are not compared.
 */
function statementCovers(outer: Compared | undefined, inner: Compared | undefined): boolean {
  if (!outer || !inner) return false;
  if (outer.effect !== inner.effect || outer.principal !== inner.principal) return false;
  if (!inner.actions.every((a) => outer.actions.some((o) => actionPatternCovers(o, a)))) return false;
  if (!outer.resources !== !inner.resources) return false;
  const outerResources = outer.resources ?? [];
  if (!(inner.resources ?? []).every((r) => outerResources.some((o) => patternCovers(o, r)))) return false;
  return outer.conditions.every((c) => inner.conditionSet.has(c));
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
      coveredStatement:
        "The statement on line {{line}} already {{does}} everything this one does: the same principals, actions and resources that cover these, and only conditions this one has too; remove this one.",
      mergeableRanges: '"{{value}}" and "{{other}}" are the two halves of "{{merged}}"; write that one range instead.',
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
    const plain = (Array.isArray(statements) ? statements : [statements]) as Plain[];
    const plainOf = (s: PolicyStatement) => (plain[s.index] ?? {}) as Plain;
    const repeated = new Set<number>();
    const compared = new Map(policy.statements.map((s) => [s, comparedOf(s, plainOf(s))]));
    for (const s of policy.statements) {
      // A statement with unknown values is a different statement for each of them.
      if (!s.unknown) {
        const { Sid: _sid, ...rest } = plainOf(s);
        const key = JSON.stringify(rest);
        const line = seen.get(key);
        if (line !== undefined) {
          repeated.add(s.index);
          context.report({ node: s.node, loc: headLoc(s.node), messageId: "redundantStatement", data: { line } });
        } else seen.set(key, s.node.loc.start.line);
      }
    }
    for (const s of policy.statements) {
      if (repeated.has(s.index)) continue;
      // Of two statements that cover each other, the later one is the redundant one.
      const by = policy.statements.find(
        (o) => o !== s && !repeated.has(o.index) && statementCovers(compared.get(o), compared.get(s)) && (o.index < s.index || !statementCovers(compared.get(s), compared.get(o))),
      );
      if (by) context.report({ node: s.node, loc: headLoc(s.node), messageId: "coveredStatement", data: { line: by.node.loc.start.line, does: by.effect?.value === "Deny" ? "denies" : "grants" } });
    }
    for (const s of policy.statements) {
      for (const [v, by] of coveredValues(s.action?.values ?? [], actionPatternCovers)) {
        context.report({ node: v.node, messageId: "redundantAction", data: { value: v.value, by: by.value } });
      }
      for (const [v, by] of coveredValues(s.resource?.values ?? [], resourcePatternCovers)) {
        context.report({ node: v.node, messageId: "redundantResource", data: { value: v.value, by: by.value } });
      }
      for (const op of s.condition?.operators ?? []) {
        const ip = parseOperator(op.operator)?.base.family === "ip";
        for (const k of op.keys) {
          const covered = coveredValues(k.values, ip ? cidrCovers : (a, b) => conditionValueCovers(op.operator, a, b));
          for (const [v, by] of covered) {
            context.report({ node: v.node, messageId: "redundantValue", data: { value: v.value, key: k.key, by: by.value } });
          }
          if (!ip) continue;
          const ranges = k.values.filter((v) => !v.unknown && !covered.some(([c]) => c === v)).map((v) => ({ v, block: parseCidr(v.value) }));
          for (const [i, b] of ranges.entries()) {
            const pair = ranges.slice(0, i).find((a) => a.block && b.block && mergedBlock(a.block, b.block));
            if (pair) context.report({ node: b.v.node, messageId: "mergeableRanges", data: { value: b.v.value, other: pair.v.value, merged: mergedBlock(pair.block!, b.block!)! } });
          }
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
