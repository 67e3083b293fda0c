import { staticValue, type JsonNode } from "../parse.js";
import { defineRule } from "../rule.js";
import type { PolicyStatement } from "../model/policy.js";
import { findOutsiderGrants } from "./outsider-access.js";
import { policyOf, principalAccount } from "./util.js";

/** The principal value that lets the witness in, else the Principal (or NotPrincipal) key. */
export function principalNodeFor(s: PolicyStatement, witness: string): JsonNode {
  if (s.principal?.wildcard) return s.principal.wildcard.node;
  const account = principalAccount(witness);
  for (const e of s.principal?.entries ?? []) {
    for (const v of e.values) if (v.value === "*" || (account !== undefined && principalAccount(v.value) === account)) return v.node;
  }
  return (s.principal ?? s.notPrincipal)!.property.key;
}

export function describeCaller(principal: string): string {
  return principal === "anonymous" ? "an anonymous caller" : `"${principal}"`;
}

export function accountsIn(value: unknown, into: Set<string>): void {
  if (typeof value === "string") for (const m of value.matchAll(/(?<!\d)\d{12}(?!\d)/g)) into.add(m[0]);
  else if (Array.isArray(value)) for (const v of value) accountsIn(v, into);
  else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) accountsIn(v, into);
}

export const noPublicAccess = defineRule({
  id: "no-public-access",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow an Allow that any principal in the world can use",
      config: "recommended",
      reference: "§6 (principal \"*\" includes anonymous callers, NotPrincipal, missing condition keys, IfExists, ForAllValues)",
    },
    messages: {
      publicAccess:
        "Anyone can use this grant: {{principal}}, which neither this policy nor its registry names, is allowed {{action}}. Name the principals, or pin them with a condition such as aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceAccount.",
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    // Every account the author wrote down or configured is someone in particular; the world is everyone else.
    const accounts = new Set<string>([...context.trust.accounts, ...(context.registry.replicationSources ?? [])]);
    if (context.registry.account) accounts.add(context.registry.account);
    accountsIn(staticValue(policy.node), accounts);
    for (const g of findOutsiderGrants(policy, context.registry, { accounts, orgs: new Set(), tryNamedValues: false })) {
      const { principal, action } = g.witness.request;
      context.report({ node: principalNodeFor(g.statement, principal), messageId: "publicAccess", data: { principal: describeCaller(principal), action } });
    }
  },
});
