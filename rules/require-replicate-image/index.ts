import { defineRule, parseArn, type PolicyStatement, type StringListElement, type TextEdit } from "@ecrlint/core";
import { actionMatches, type CompiledPolicy, compileForFinding, principalAccount, replicationGrant, statementCoversAction } from "@ecrlint/core/evaluator";
import { awsPrincipalValues, isAllow, policyOf } from "../_shared/util.js";

const REPLICATE = "ecr:ReplicateImage";
const CREATE = "ecr:CreateRepository";
const IMPORT = "ecr:BatchImportUpstreamImage";

/**
 * Adds `"ecr:ReplicateImage"` after the last action, copying the list's own separator so formatting is kept.
 * `getText` gives the policy's own text (unescaped when the policy is written in a JSON string, like `policyText`).
 */
function addActionEdit(getText: (range: readonly [number, number]) => string, action: StringListElement): TextEdit | undefined {
  const node = action.property.value;
  // An Action list a template computes (a parameter, Fn::If) is not edited.
  if (action.values.some((v) => v.unknown) || (node.type !== "JSONLiteral" && node.type !== "JSONArrayExpression")) return undefined;
  const text = (from: number, to: number) => getText([from, to]);
  const quoteAt = (offset: number) => (text(offset, offset + 1) === "'" ? "'" : '"');
  if (!action.isList) {
    const quote = quoteAt(node.range[0]);
    return { range: node.range, text: `[${text(node.range[0], node.range[1])}, ${quote}${REPLICATE}${quote}]` };
  }
  if (node.type !== "JSONArrayExpression") return undefined;
  const elements = node.elements.filter((e) => e !== null);
  const last = elements[elements.length - 1];
  if (!last) return { range: [node.range[0] + 1, node.range[0] + 1], text: `"${REPLICATE}"` };
  let separator = ", ";
  if (elements.length >= 2) {
    separator = text(elements[elements.length - 2]!.range[1], last.range[0]);
  } else {
    const before = text(node.range[0] + 1, last.range[0]);
    if (before.includes("\n")) separator = "," + before;
  }
  const quote = quoteAt(last.range[0]);
  return { range: [last.range[1], last.range[1]], text: `${separator}${quote}${REPLICATE}${quote}` };
}


function resourcesOf(s: PolicyStatement): string[] {
  return s.resource?.values.flatMap((v) => (v.unknown ? [] : [v.value])) ?? [];
}

export const requireReplicateImage = defineRule({
  id: "require-replicate-image",
  meta: {
    type: "problem",
    docs: {
      description: "Require a cross-account replication grant to allow ecr:ReplicateImage",
      config: "recommended",
      reference: "§2 (the policy must allow ecr:ReplicateImage to the source account; CreateRepository alone fails), §6 (evaluation)",
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
    // Every finding here says replication is refused: with unknown values, only what holds whatever they are.
    const compiled = compileForFinding(policy, "refusals", { registry });
    if (!compiled) return;
    const evaluator = (): CompiledPolicy => compiled;
    for (const s of policy.statements) {
      if (!isAllow(s) || !statementCoversAction(s, CREATE)) continue;
      // CreateRepository with BatchImportUpstreamImage is the pull-through-cache pattern, not replication.
      if (statementCoversAction(s, IMPORT)) continue;
      const grantNode = s.action?.values.find((v) => actionMatches(v.value, CREATE))?.node ?? s.action?.property.value ?? s.notAction?.property.value;
      if (!grantNode) continue;
      for (const principal of awsPrincipalValues(s)) {
        if (principal.unknown) continue;
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
            const edit = s.action ? addActionEdit(context.getText, s.action) : undefined;
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
