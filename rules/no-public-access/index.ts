import { accountsNamedIn, compileForFinding, DEFAULT_ANALYSIS_STEPS, describeWitnessPrincipal, searchOutsiderAccess, WorkBudget } from "@ecrlint/core/evaluator";
import { defineRule } from "@ecrlint/core";
import { namedContextWords, principalNodeFor, reportInconclusive, reportTooComplex } from "../_shared/outsider-access.js";
import { policyOf } from "../_shared/util.js";
import { DOCS } from "../_shared/docs.js";

export const noPublicAccess = defineRule({
  id: "no-public-access",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow an Allow that any principal in the world can use",
      config: "recommended",
      findingType: "security-warning",
      accessAnalyzer: [],
      sources: [DOCS.principal, DOCS.evaluation, DOCS.conditionOperators],
    },
    messages: {
      publicAccess:
        "Anyone can use this grant: it allows {{action}}{{context}} to {{principal}}. Name the principals, or pin them with a condition such as aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceAccount.",
      tooComplex: "Inconclusive: this statement is too complex to analyse (the search ran out of its {{steps}} steps), so whether anyone in the world can use it is not known. Simplify its wildcards or split the policy.",
      inconclusive: "Inconclusive: whether anyone in the world can use this statement is not known, because the search could not cover every case ({{reason}}). Simplify its conditions or split the policy.",
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    // A finding here says access is granted: with unknown values, only what holds whatever they are.
    const compiled = compileForFinding(policy, "grants", { registry: context.registry });
    if (!compiled) return;
    // Every account the author wrote down or configured is someone in particular; the world is everyone else.
    const accounts = new Set<string>([...context.trust.accounts, ...(context.registry.replicationSources ?? []), ...accountsNamedIn(compiled)]);
    if (context.registry.account) accounts.add(context.registry.account);
    const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
    const search = searchOutsiderAccess(compiled, { trustedAccounts: accounts, budget });
    for (const access of search.found) {
      const { principal, action } = access.witness.request;
      const statement = policy.statements.find((s) => s.index === access.statement)!;
      context.report({ node: principalNodeFor(statement, access.principalValue), messageId: "publicAccess", data: { principal: describeWitnessPrincipal(compiled, principal, "in an account that neither this policy nor its registry names", "a stranger's account"), action, context: namedContextWords(access) } });
    }
    reportTooComplex(context, policy, search.tooComplex, budget);
    reportInconclusive(context, policy, search.inconclusive);
  },
});
