import { actionMatches, wildcardMatch, type PolicyDocument, type PrincipalElement, type StringListElement } from "@ecrlint/core";

/**
 * The parts of a statement that grant questions need, as plain JSON so they can be cached with a file's facts.
 * The grant check below is deliberately conservative, because it reports a missing grant in another team's file:
 * a condition does not make an Allow uncertain (the author meant to grant), and only an unconditional Deny
 * that certainly covers the request cancels it. Both choices can only hide a report, never invent one.
 */
export interface PlainStatement {
  effect: string | undefined;
  principal: PlainPrincipal | undefined;
  notPrincipal: PlainPrincipal | undefined;
  action: string[] | undefined;
  notAction: string[] | undefined;
  resource: string[] | undefined;
  notResource: string[] | undefined;
  conditional: boolean;
  line: number;
}

/** `"*"`, or principal type → values. */
export type PlainPrincipal = "*" | Record<string, string[]>;

function plainList(element: StringListElement | undefined): string[] | undefined {
  return element ? element.values.map((v) => v.value) : undefined;
}

function plainPrincipal(element: PrincipalElement | undefined): PlainPrincipal | undefined {
  if (!element) return undefined;
  if (element.wildcard?.value === "*") return "*";
  const out: Record<string, string[]> = {};
  for (const entry of element.entries) out[entry.type] = [...(out[entry.type] ?? []), ...entry.values.map((v) => v.value)];
  return out;
}

export function plainStatements(policy: PolicyDocument): PlainStatement[] {
  return policy.statements.map((s) => ({
    effect: s.effect?.value,
    principal: plainPrincipal(s.principal),
    notPrincipal: plainPrincipal(s.notPrincipal),
    action: plainList(s.action),
    notAction: plainList(s.notAction),
    resource: plainList(s.resource),
    notResource: plainList(s.notResource),
    conditional: s.condition !== undefined && s.condition.operators.length > 0,
    line: s.node.loc.start.line,
  }));
}

export interface ReplicationQuery {
  sourceAccount: string;
  partition: string;
  /** The destination registry. */
  account: string;
  region: string;
  /** Repository names replicated start with this (a PREFIX_MATCH filter), or "" for every repository. */
  namePrefix: string;
}

export type GrantAnswer = { granted: true } | { granted: false; denyLine?: number };

const REPLICATE = "ecr:ReplicateImage";

function namesAccount(values: string[] | undefined, q: ReplicationQuery, allowWildcard: boolean): boolean {
  return (values ?? []).some(
    (v) => (allowWildcard && v === "*") || v === q.sourceAccount || v === `arn:${q.partition}:iam::${q.sourceAccount}:root`,
  );
}

/** REFERENCE §2 and §6: `*`, `{"AWS": "*"}`, the bare account id and the account's root ARN all name the account. */
function coversPrincipal(principal: PlainPrincipal | undefined, notPrincipal: PlainPrincipal | undefined, q: ReplicationQuery): boolean {
  if (principal === "*") return true;
  if (principal) return namesAccount(principal.AWS, q, true);
  if (notPrincipal && notPrincipal !== "*") return !namesAccount(notPrincipal.AWS, q, false);
  return false;
}

function coversAction(s: PlainStatement): boolean {
  if (s.action) return s.action.some((a) => actionMatches(a, REPLICATE));
  if (s.notAction) return !s.notAction.some((a) => actionMatches(a, REPLICATE));
  return false;
}

/** Whether some string starting with `prefix` matches the pattern: some head of the pattern matches the prefix. */
function canMatchWithPrefix(pattern: string, prefix: string): boolean {
  for (let k = 0; k <= pattern.length; k++) if (wildcardMatch(pattern.slice(0, k), prefix)) return true;
  return false;
}

/** Whether every string starting with `prefix` matches the pattern. */
function matchesEveryWithPrefix(pattern: string, prefix: string): boolean {
  return pattern.endsWith("*") && wildcardMatch(pattern, prefix);
}

function repositoryPrefix(q: ReplicationQuery): string {
  return `arn:${q.partition}:ecr:${q.region}:${q.account}:repository/${q.namePrefix}`;
}

export function replicationGrant(statements: PlainStatement[], q: ReplicationQuery): GrantAnswer {
  const target = repositoryPrefix(q);
  const allowed = statements.some(
    (s) =>
      s.effect === "Allow" &&
      coversPrincipal(s.principal, s.notPrincipal, q) &&
      coversAction(s) &&
      (s.resource ? s.resource.some((r) => canMatchWithPrefix(r, target)) : s.notResource !== undefined),
  );
  const deny = statements.find(
    (s) =>
      s.effect === "Deny" &&
      !s.conditional &&
      s.principal !== undefined &&
      coversPrincipal(s.principal, undefined, q) &&
      coversAction(s) &&
      s.resource !== undefined &&
      s.resource.some((r) => matchesEveryWithPrefix(r, target)),
  );
  if (allowed && !deny) return { granted: true };
  return deny && allowed ? { granted: false, denyLine: deny.line } : { granted: false };
}
