import { compileForFinding, DEFAULT_ANALYSIS_STEPS, describeWitnessPrincipal, searchOutsiderAccess, WorkBudget } from "@ecrlint/core/evaluator";
import { defineRule } from "@ecrlint/core";
import { namedContextWords, principalNodeFor, reportInconclusive, reportTooComplex } from "../_shared/outsider-access.js";
import { policyOf } from "../_shared/util.js";
import { DOCS } from "../_shared/docs.js";

export const noExternalPrincipal = defineRule({
  id: "no-external-principal",
  meta: {
    type: "suggestion",
    docs: {
      description: "Disallow grants to principals outside the configured trusted accounts and organizations",
      config: "strict",
      findingType: "security-warning",
      accessAnalyzer: [],
      sources: [DOCS.principal, DOCS.evaluation, DOCS.replicationPermissions],
    },
    messages: {
      externalPrincipal: "This statement allows {{action}}{{context}} to {{principal}}.",
      tooComplex: "Inconclusive: this statement is too complex to analyse (the search ran out of its {{steps}} steps), so whether it lets in principals outside the trusted accounts and organizations is not known. Simplify its wildcards or split the policy.",
      inconclusive: "Inconclusive: whether this statement lets in principals outside the trusted accounts and organizations is not known, because the search could not cover every case ({{reason}}). Simplify its conditions or split the policy.",
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
    const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
    const search = searchOutsiderAccess(compiled, { trustedAccounts: accounts, trustedOrgs: trust.orgs, tryNamedValues: true, budget });
    for (const access of search.found) {
      const { principal, action } = access.witness.request;
      const statement = policy.statements.find((s) => s.index === access.statement)!;
      context.report({
        node: principalNodeFor(statement, access.principalValue),
        messageId: "externalPrincipal",
        data: { principal: describeWitnessPrincipal(compiled, principal, "outside the trusted accounts and organizations", "an account outside your organization"), action, context: namedContextWords(access) },
      });
    }
    reportTooComplex(context, policy, search.tooComplex, budget);
    reportInconclusive(context, policy, search.inconclusive);
  },
});
