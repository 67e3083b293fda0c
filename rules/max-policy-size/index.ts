import { defineRule, hasUnknownValues, policyJson } from "@ecrlint/core";
import { headLoc, policyOf } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

/** PutRegistryPolicy and SetRepositoryPolicy take at most 10,240 characters of `policyText`. */
const MAX_POLICY_CHARACTERS = 10_240;

export const maxPolicySize = defineRule({
  id: "max-policy-size",
  meta: {
    type: "problem",
    docs: {
      description: "Require a registry or repository policy to fit the 10,240 characters that put-registry-policy and set-repository-policy accept",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("warning", "Policy size exceeds resource policy quota")],
      sources: [DOCS.putRegistryPolicy, DOCS.setRepositoryPolicy],
    },
    messages: {
      tooLarge: "This {{kind}} is {{size}} characters even with all whitespace removed; {{api}} accepts at most {{max}}.",
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    // With unknown values (CloudFormation parameters) the text that is sent is unknown too.
    if (!policy || hasUnknownValues(policy)) return;
    const repository = context.file.kind === "repository-policy";
    // The smallest text that could be sent: if even that is too long, no formatting of the file can be deployed.
    const size = policyJson(policy).length;
    if (size <= MAX_POLICY_CHARACTERS) return;
    context.report({
      node: policy.node,
      loc: headLoc(policy.node),
      messageId: "tooLarge",
      data: {
        kind: repository ? "repository policy" : "registry policy",
        size: size.toLocaleString("en-US"),
        max: MAX_POLICY_CHARACTERS.toLocaleString("en-US"),
        api: repository ? "set-repository-policy" : "put-registry-policy",
      },
    });
  },
});
