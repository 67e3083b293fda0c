import { defineRule } from "@ecrlint/core";
import { policyOf, removePropertyEdit } from "../_shared/util.js";
import { DOCS } from "../_shared/docs.js";

export const noRepositoryPolicyResource = defineRule({
  id: "no-repository-policy-resource",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow a Resource element in a repository policy",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [],
      sources: [DOCS.repositoryPolicies, DOCS.setRepositoryPolicy],
    },
    messages: {
      resourceInRepositoryPolicy: '"{{element}}" in a repository policy: ECR rejects it, because a repository policy always applies to its own repository ({{how}}).',
      removeElement: 'Remove "{{element}}".',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    // Classified by content, a policy with a Resource is a registry policy: only its file name makes it one of these.
    if (!policy) return;
    // Why the document is a repository policy: the config, its name, or its host (RepositoryPolicyText…).
    const how = context.file.decision.why;
    for (const s of policy.statements) {
      for (const element of [s.resource, s.notResource]) {
        if (!element) continue;
        const label = element === s.resource ? "Resource" : "NotResource";
        context.report({
          node: element.property.key,
          messageId: "resourceInRepositoryPolicy",
          data: { element: label, how },
          suggest: [{ messageId: "removeElement", data: { element: label }, edits: [removePropertyEdit(s.node, element.property)] }],
        });
      }
    }
  },
});
