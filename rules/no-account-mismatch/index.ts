import { defineRule, hasWildcard } from "@ecrlint/core";
import { disagreements, editInString, knownSegment, locInString, namesCaller, policyArns, policyOf, quotedList, type ArnValue } from "../_shared/util.js";
import { DOCS } from "../_shared/docs.js";

export const noAccountMismatch = defineRule({
  id: "no-account-mismatch",
  meta: {
    type: "problem",
    docs: {
      description: "Require repository ARNs in a registry policy to name the registry's own account",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [],
      sources: [DOCS.resource, DOCS.arns, DOCS.replicationPermissions],
    },
    messages: {
      accountMismatch: 'Account "{{account}}" is not the registry\'s account "{{expected}}": a registry policy only governs its own repositories, so this statement never applies.',
      wildcardAccount: 'Wildcard account "{{account}}" in a registry policy hides an account mismatch; name the registry\'s own account{{expected}}.',
      accountDisagrees: 'Account "{{account}}" differs from "{{majority}}", which the other repository ARNs of this policy use.',
      accountAmbiguous:
        'Account "{{account}}" differs from {{others}}, which other repository ARNs of this policy use as often, and the registry\'s account is unknown: a registry policy governs only its own account\'s repositories, so some of these statements never apply. Name one account, or declare the registry\'s.',
    },
    schema: [],
    fixable: "code",
  },
  kinds: ["registry-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const expected = context.registry.account;
    const accountLoc = (a: ArnValue) => locInString(a.value.node, a.segments.account[0], a.segments.account[1]);
    // Only ECR ARNs name this registry's repositories; an IAM ARN in a condition names a caller, legitimately elsewhere,
    // and so does an ECR ARN under aws:SourceArn (the repository a service acts for, such as a replication source).
    // An unknown account (a CloudFormation parameter) is never judged.
    const repositoryArns = policyArns(policy).filter((a) => a.arn.service === "ecr" && !namesCaller(a) && a.arn.account !== "" && knownSegment(a, "account"));
    const concrete: ArnValue[] = [];
    for (const a of repositoryArns) {
      const { account } = a.arn;
      if (hasWildcard(account)) {
        if (a.origin === "resource") {
          context.report({ node: a.value.node, loc: accountLoc(a), messageId: "wildcardAccount", data: { account, expected: expected ? ` "${expected}"` : "" } });
        }
        continue;
      }
      if (expected && account !== expected) {
        const edit = editInString(a.value.node, a.segments.account[0], a.segments.account[1], expected);
        context.report({
          node: a.value.node,
          loc: accountLoc(a),
          messageId: "accountMismatch",
          data: { account, expected },
          ...(edit ? { fix: [edit] } : {}),
        });
        continue;
      }
      concrete.push(a);
    }
    if (expected) return;
    // With no registry to compare with, the accounts of one policy must agree: the minority is the likely mistake,
    // and when none is used by most (a 1:1 split) each is reported, since either may be the wrong one.
    const disagreeing = disagreements(concrete.map((a) => a.arn.account));
    for (const a of concrete) {
      const d = disagreeing.get(a.arn.account);
      if (!d) continue;
      if ("majority" in d) context.report({ node: a.value.node, loc: accountLoc(a), messageId: "accountDisagrees", data: { account: a.arn.account, majority: d.majority } });
      else context.report({ node: a.value.node, loc: accountLoc(a), messageId: "accountAmbiguous", data: { account: a.arn.account, others: quotedList(d.others) } });
    }
  },
});
