import type { JsonNode, PolicyStatement } from "@ecrlint/core";

/** The principal value that lets an outsider in (as the evaluator names it), else the Principal or NotPrincipal key. */
export function principalNodeFor(s: PolicyStatement, principalValue: string | undefined): JsonNode {
  if (s.principal?.wildcard) return s.principal.wildcard.node;
  for (const e of s.principal?.entries ?? []) for (const v of e.values) if (v.value === principalValue) return v.node;
  return (s.principal ?? s.notPrincipal)!.property.key;
}
