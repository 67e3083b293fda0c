import { describeWitnessPrincipal } from "@ecrlint/core/evaluator";
import { defineRule } from "@ecrlint/core";
import { namedContextWords, principalNodeFor, reportInconclusive, reportTooComplex, searchPublicAccess } from "../_shared/outsider-access.js";
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
    const publicAccess = searchPublicAccess(context, policy);
    if (!publicAccess) return;
    const { compiled, search, budget } = publicAccess;
    for (const access of search.found) {
      const { principal, action } = access.witness.request;
      const statement = policy.statements.find((s) => s.index === access.statement)!;
      context.report({ node: principalNodeFor(statement, access.principalValue), messageId: "publicAccess", data: { principal: describeWitnessPrincipal(compiled, principal, "in an account that neither this policy nor its registry names", "a stranger's account"), action, context: namedContextWords(access) } });
    }
    reportTooComplex(context, policy, search.tooComplex, budget);
    reportInconclusive(context, policy, search.inconclusive);
  },
});
