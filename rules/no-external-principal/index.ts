import { compileForFinding, findOutsiderAccess } from "@ecrlint/core/evaluator";
import { defineRule } from "@ecrlint/core";
import { describeCaller, principalNodeFor } from "../_shared/outsider-access.js";
import { policyOf } from "../_shared/util.js";

export const noExternalPrincipal = defineRule({
  id: "no-external-principal",
  meta: {
    type: "suggestion",
    docs: {
      description: "Disallow grants to principals outside the configured trusted accounts and organizations",
      config: "strict",
      reference: "§2 (cross-account grants), §6 (account principals, cross-account access, condition semantics)",
    },
    messages: {
      externalPrincipal: "{{principal}} is outside the trusted accounts and organizations, and this statement allows it {{action}}{{context}}.",
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    const { trust, registry } = context;
    if (!policy || (trust.accounts.length === 0 && trust.orgs.length === 0)) return;
    // The registry's own account and its configured replication sources are part of the setup, not outsiders.
    const accounts = new Set<string>([...trust.accounts, ...(registry.replicationSources ?? [])]);
    if (registry.account) accounts.add(registry.account);
    // A finding here says access is granted: with unknown values, only what holds whatever they are.
    const compiled = compileForFinding(policy, "grants", { registry });
    if (!compiled) return;
    for (const access of findOutsiderAccess(compiled, { trustedAccounts: accounts, trustedOrgs: trust.orgs, tryNamedValues: true })) {
      const { principal, action } = access.witness.request;
      const statement = policy.statements.find((s) => s.index === access.statement)!;
      context.report({
        node: principalNodeFor(statement, access.principalValue),
        messageId: "externalPrincipal",
        data: { principal: describeCaller(principal), action, context: access.namedContext.length ? ` (with ${access.namedContext.join(", ")})` : "" },
      });
    }
  },
});
