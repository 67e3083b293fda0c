import type { JsonNode, PolicyDocument, PolicyStatement, RuleContext } from "@ecrlint/core";
import type { OutsiderAccess, OutsiderSearch, WorkBudget } from "@ecrlint/core/evaluator";

/** The principal value that lets an outsider in (as the evaluator names it), else the Principal or NotPrincipal key. */
export function principalNodeFor(s: PolicyStatement, principalValue: string | undefined): JsonNode {
  if (s.principal?.wildcard) return s.principal.wildcard.node;
  for (const e of s.principal?.entries ?? []) for (const v of e.values) if (v.value === principalValue) return v.node;
  return (s.principal ?? s.notPrincipal)!.property.key;
}

/** The condition values an outsider needs, as a message's `context` (` (with aws:PrincipalOrgID = o-partner0001)`), or "". */
export function namedContextWords(access: OutsiderAccess): string {
  return access.namedContext.length ? ` (with ${access.namedContext.join("; ")})` : "";
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

/**
 * Statements the outsider search found no outsider for without covering every case (a condition it cannot split
 * into cases, more combinations of pinned values than it tries): one finding each, with the reason, since "no
 * outsider found" is then not "no outsider gets in".
 */
export function reportInconclusive(context: RuleContext<unknown>, policy: PolicyDocument, inconclusive: OutsiderSearch["inconclusive"]): void {
  for (const { statement: index, reason } of inconclusive) {
    const statement = policy.statements.find((s) => s.index === index);
    if (!statement) continue;
    const node = (statement.principal ?? statement.notPrincipal)?.property.key ?? statement.node;
    context.report({ node, messageId: "inconclusive", data: { reason } });
  }
}
