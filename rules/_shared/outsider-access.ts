import type { JsonNode, PolicyDocument, PolicyStatement, RegistryContext, RuleContext } from "@ecrlint/core";
import { accountsNamedIn, type CompiledPolicy, compileForFinding, DEFAULT_ANALYSIS_STEPS, type OutsiderAccess, type OutsiderSearch, searchOutsiderAccess, WorkBudget } from "@ecrlint/core/evaluator";

/**
 * The search `no-public-access` reports from: anyone outside every account the policy names or the registry and
 * trust settings configure. Other rules ask it to defer to that rule's finding (one cause, one finding). Undefined
 * when the policy cannot ground a finding (unknown values everywhere).
 */
export function searchPublicAccess(context: RuleContext<unknown>, policy: PolicyDocument): PublicAccessSearch | undefined {
  // One search per document and registry, whichever rule asks first: the answer, and the budget it spent, are the
  // same for the rule that asks next (the trusted accounts depend on the trust settings too, so they key it).
  const held = policy as PolicyDocument & { [SEARCHES]?: Map<RegistryContext, Map<string, PublicAccessSearch | undefined>> };
  let byRegistry = held[SEARCHES];
  if (!byRegistry) {
    byRegistry = new Map();
    // Not enumerable: a copy of the document made by spreading it searches on its own.
    if (Object.isExtensible(held)) Object.defineProperty(held, SEARCHES, { value: byRegistry });
  }
  let byTrust = byRegistry.get(context.registry);
  if (!byTrust) byRegistry.set(context.registry, (byTrust = new Map()));
  const key = JSON.stringify([context.trust.accounts]);
  if (byTrust.has(key)) return byTrust.get(key);
  const found = search(context, policy);
  byTrust.set(key, found);
  return found;
}

function search(context: RuleContext<unknown>, policy: PolicyDocument): PublicAccessSearch | undefined {
  // A finding here says access is granted: with unknown values, only what holds whatever they are.
  const compiled = compileForFinding(policy, "grants", { registry: context.registry });
  if (!compiled) return undefined;
  // Every account the author wrote down or configured is someone in particular; the world is everyone else.
  const accounts = new Set<string>([...context.trust.accounts, ...(context.registry.replicationSources ?? []), ...accountsNamedIn(compiled)]);
  if (context.registry.account) accounts.add(context.registry.account);
  const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
  return { compiled, search: searchOutsiderAccess(compiled, { trustedAccounts: accounts, budget }), budget };
}

export interface PublicAccessSearch {
  compiled: CompiledPolicy;
  search: OutsiderSearch;
  /** The budget the search spent (read, never spent again). */
  budget: WorkBudget;
}

/**
 * Where a document keeps its searches: a hidden field of the document rather than a WeakMap entry, whose value (the
 * compiled policy, and through it the document's tree) V8's young-generation collector would keep alive and promote.
 */
const SEARCHES = Symbol("public access searches");

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
