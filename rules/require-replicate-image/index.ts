import { defineRule, parseArn, type PolicyStatement, type StringListElement, type TextEdit } from "@ecrlint/core";
import { actionMatches, type CompiledPolicy, compilePolicy, principalAccount, replicationGrant, statementCoversAction } from "@ecrlint/core/evaluator";
import { awsPrincipalValues, isAllow, policyOf } from "../_shared/util.js";
import { DOCS } from "../_shared/docs.js";

const REPLICATE = "ecr:ReplicateImage";
const CREATE = "ecr:CreateRepository";
const IMPORT = "ecr:BatchImportUpstreamImage";

/** Adds `"ecr:ReplicateImage"` after the last action, copying the list's own separator so formatting is kept. */
function addActionEdit(text: string, action: StringListElement): TextEdit | undefined {
  const node = action.property.value;
  if (!action.isList) {
    const quote = text[node.range[0]] === "'" ? "'" : '"';
    return { range: node.range, text: `[${text.slice(node.range[0], node.range[1])}, ${quote}${REPLICATE}${quote}]` };
  }
  if (node.type !== "JSONArrayExpression") return undefined;
  const elements = node.elements.filter((e) => e !== null);
  const last = elements[elements.length - 1];
  if (!last) return { range: [node.range[0] + 1, node.range[0] + 1], text: `"${REPLICATE}"` };
  let separator = ", ";
  if (elements.length >= 2) {
    separator = text.slice(elements[elements.length - 2]!.range[1], last.range[0]);
  } else {
    const before = text.slice(node.range[0] + 1, last.range[0]);
    if (before.includes("\n")) separator = "," + before;
  }
  const quote = text[last.range[0]] === "'" ? "'" : '"';
  return { range: [last.range[1], last.range[1]], text: `${separator}${quote}${REPLICATE}${quote}` };
}


function resourcesOf(s: PolicyStatement): string[] {
  return s.resource?.values.map((v) => v.value) ?? [];
}

export const requireReplicateImage = defineRule({
  id: "require-replicate-image",
  meta: {
    type: "problem",
    docs: {
      description: "Require a cross-account replication grant to allow ecr:ReplicateImage",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [],
      sources: [DOCS.replicationPermissions, DOCS.replication],
    },
    messages: {
      missingReplicateImage:
        'Principal "{{principal}}" may create repositories here, the cross-account replication pattern, but is not allowed "ecr:ReplicateImage" on "{{resource}}": replication from account {{account}} fails.',
      cancelledReplicateImage:
        'Principal "{{principal}}" is allowed "ecr:ReplicateImage" on "{{resource}}", but the Deny statement on line {{denyLine}} cancels it: replication from account {{account}} fails.',
      sourceNotAllowed:
        'This registry is configured as a replication destination for account {{account}}, but no statement allows that account "ecr:ReplicateImage".',
    },
    schema: [],
    fixable: "code",
  },
  kinds: ["registry-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const { registry } = context;
    let compiled: CompiledPolicy | undefined;
    const evaluator = (): CompiledPolicy => (compiled ??= compilePolicy(policy, { registry }));
    for (const s of policy.statements) {
      if (!isAllow(s) || !statementCoversAction(s, CREATE)) continue;
      // CreateRepository with BatchImportUpstreamImage is the pull-through-cache pattern, not replication.
      if (statementCoversAction(s, IMPORT)) continue;
      const grantNode = s.action?.values.find((v) => actionMatches(v.value, CREATE))?.node ?? s.action?.property.value ?? s.notAction?.property.value;
      if (!grantNode) continue;
      for (const principal of awsPrincipalValues(s)) {
        const account = principalAccount(principal.value);
        if (!account) continue;
        for (const resource of resourcesOf(s)) {
          const arn = parseArn(resource);
          const home = registry.account ?? (arn && /^\d{12}$/.test(arn.account) ? arn.account : undefined);
          if (!home || home === account) continue;
          const grant = replicationGrant(evaluator(), { source: principal.value, destination: registry, repositories: { pattern: resource } });
          if (grant.status === "granted" || grant.status === "undetermined") continue;
          const data = { principal: principal.value, resource, account };
          if (grant.status === "cancelled") {
            context.report({ node: grantNode, messageId: "cancelledReplicateImage", data: { ...data, denyLine: grant.deny.line ?? 1 } });
          } else {
            const edit = s.action ? addActionEdit(context.text, s.action) : undefined;
            context.report({ node: grantNode, messageId: "missingReplicateImage", data, ...(edit ? { fix: [edit] } : {}) });
          }
          // One report per principal: the fix grants every resource of the statement at once.
          break;
        }
      }
    }
    for (const source of registry.replicationSources ?? []) {
      // With the registry's Region and account known, every repository; otherwise any repository of the policy.
      const repositories = registry.region && registry.account ? { pattern: "*" } : { prefix: "" };
      if (replicationGrant(evaluator(), { source, destination: registry, repositories }).status === "granted") continue;
      context.report({ node: policy.statementProperty?.key ?? policy.node, messageId: "sourceNotAllowed", data: { account: source } });
    }
  },
});
