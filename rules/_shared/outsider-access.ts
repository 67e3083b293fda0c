import type { JsonNode, PolicyDocument, PolicyStatement, RuleContext } from "@ecrlint/core";
import type { WorkBudget } from "@ecrlint/core/evaluator";

/** The principal value that lets an outsider in (as the evaluator names it), else the Principal or NotPrincipal key. */
export function principalNodeFor(s: PolicyStatement, principalValue: string | undefined): JsonNode {
  if (s.principal?.wildcard) return s.principal.wildcard.node;
  for (const e of s.principal?.entries ?? []) for (const v of e.values) if (v.value === principalValue) return v.node;
  return (s.principal ?? s.notPrincipal)!.property.key;
}

/**
 * The outsider search ran out of budget before judging these statements: one finding, on the first of them, that
 * says the answer is not known (a policy that silently passed would read as safe).
 */
export function reportTooComplex(context: RuleContext<unknown>, policy: PolicyDocument, unjudged: number[], budget: WorkBudget): void {
  const statement = policy.statements.find((s) => s.index === unjudged[0]);
  if (!statement) return;
  const node = (statement.principal ?? statement.notPrincipal)?.property.key ?? statement.node;
  context.report({ node, messageId: "tooComplex", data: { steps: budget.limit.toLocaleString("en-US") } });
}
