import { defineRule, hasUnknownValues, policyValue } from "@ecrlint/core";
import { headLoc, policyOf } from "../_shared/util.js";

/** REFERENCE §1: `put-registry-policy` takes at most 10,240 characters of `policyText`. */
const MAX_REGISTRY_POLICY_CHARACTERS = 10_240;

export const maxPolicySize = defineRule({
  id: "max-policy-size",
  meta: {
    type: "problem",
    docs: {
      description: "Require a registry policy to fit the 10,240 characters that put-registry-policy accepts",
      config: "recommended",
      reference: "§1 (`policyText` max 10,240 chars)",
    },
    messages: {
      tooLarge: "This registry policy is {{size}} characters even with all whitespace removed; put-registry-policy accepts at most {{max}}.",
    },
    schema: [],
  },
  kinds: ["registry-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    // A file named as a repository policy is deployed with set-repository-policy, which this limit is not about.
    // With unknown values (CloudFormation parameters) the text that is sent is unknown too.
    if (!policy || hasUnknownValues(policy)) return;
    // The smallest text that could be sent: if even that is too long, no formatting of the file can be deployed.
    const size = JSON.stringify(policyValue(policy)).length;
    if (size <= MAX_REGISTRY_POLICY_CHARACTERS) return;
    context.report({
      node: policy.node,
      loc: headLoc(policy.node),
      messageId: "tooLarge",
      data: { size: size.toLocaleString("en-US"), max: MAX_REGISTRY_POLICY_CHARACTERS.toLocaleString("en-US") },
    });
  },
});
