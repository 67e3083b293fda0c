import { policyValue } from "@ecrlint/core";
import { defineRule } from "@ecrlint/core";
import { accountsIn, describeCaller, findOutsiderGrants, principalNodeFor } from "../_shared/outsider-access.js";
import { policyOf } from "../_shared/util.js";

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
    accountsIn(policyValue(policy), accounts);
    for (const g of findOutsiderGrants(policy, context.registry, { accounts, orgs: new Set(), tryNamedValues: false })) {
      const { principal, action } = g.witness.request;
      context.report({ node: principalNodeFor(g.statement, principal), messageId: "publicAccess", data: { principal: describeCaller(principal), action } });
    }
  },
});
