import { defineRule, type JsonNode, type StringListElement, type TextEdit } from "@ecrlint/core";
import { type CompiledPolicy, compileForFinding, DEFAULT_ANALYSIS_STEPS, replicationGrant, WorkBudget } from "@ecrlint/core/evaluator";
import { policyOf } from "../_shared/util.js";
import { DOCS } from "../_shared/docs.js";
import { missingReplicateImageGrants, REPLICATE, REPLICATION_ACTIONS } from "../_shared/replication-grant.js";

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
      tooComplex:
        'Inconclusive: this policy is too complex to analyse (the search ran out of its {{steps}} steps), so whether account {{account}} may replicate here is not known. Simplify its wildcards or split it into smaller statements.',
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
    // Every finding here says replication is refused: with unknown values, only what holds whatever they are; a
    // statement with unknown values about other actions (a reader's grant) cannot change that.
    const compiled = compileForFinding(policy, "refusals", { registry, actions: REPLICATION_ACTIONS });
    if (!compiled) return;
    const evaluator = (): CompiledPolicy => compiled;
    // Every question about this file shares one budget; once it is spent the rule says so, once, and stops asking.
    const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
    let tooComplexReported = false;
    const tooComplex = (node: JsonNode, account: string) => {
      if (!tooComplexReported) context.report({ node, messageId: "tooComplex", data: { steps: budget.limit.toLocaleString("en-US"), account } });
      tooComplexReported = true;
    };
    const reported = new Set<string>();
    for (const cause of missingReplicateImageGrants(policy, registry, evaluator, budget)) {
      reported.add(cause.account);
      if (cause.status === "too-complex") {
        tooComplex(cause.grantNode, cause.account);
        continue;
      }
      const data = { principal: cause.principal.value, resource: cause.resource, account: cause.account };
      if (cause.status === "cancelled") {
        const deny = policy.statements.find((s) => s.index === cause.denyIndex);
        const related = deny ? [{ node: deny.node, message: "the Deny statement that cancels the grant" }] : [];
        context.report({ node: cause.grantNode, messageId: "cancelledReplicateImage", data: { ...data, denyLine: cause.denyLine ?? 1 }, related });
      } else {
        const edit = cause.statement.action ? addActionEdit(context.getText, cause.statement.action) : undefined;
        context.report({ node: cause.grantNode, messageId: "missingReplicateImage", data, ...(edit ? { fix: [edit] } : {}) });
      }
    }
    for (const source of registry.replicationSources ?? []) {
      // One cause, one finding: a statement above already says why this source fails.
      if (reported.has(source)) continue;
      // With the registry's Region and account known, every repository; otherwise any repository of the policy.
      const repositories = registry.region && registry.account ? { pattern: "*" } : { prefix: "" };
      const node = policy.statementProperty?.key ?? policy.node;
      const status = budget.exhausted ? "too-complex" : replicationGrant(evaluator(), { source, destination: registry, repositories, budget }).status;
      if (status === "granted") continue;
      if (status === "too-complex") tooComplex(node, source);
      else context.report({ node, messageId: "sourceNotAllowed", data: { account: source } });
    }
  },
});
