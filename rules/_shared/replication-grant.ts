import { compilePolicy, queryPolicy, type CompiledPolicy } from "@ecrlint/core";

export interface ReplicationQuery {
  sourceAccount: string;
  partition: string;
  /** The destination registry. */
  account: string;
  region: string;
  /** Replicated repository names start with this (a PREFIX_MATCH filter), or "" for every repository. */
  namePrefix: string;
}

export type GrantAnswer = { granted: true } | { granted: false; denyLine?: number };

/** The destination policy as cached facts: its JSON value and the line of each statement, for messages. */
export interface PolicyFacts {
  value: unknown;
  statementLines: number[];
}

const REPLICATE = "ecr:ReplicateImage";
/** A name no policy names on purpose: a grant that covers it covers every repository under the prefix. */
const PROBE_NAME = "ecrlint-replication-probe";

function candidateNames(value: unknown, q: ReplicationQuery): string[] {
  // Besides the probe, the policy's own repository patterns under the prefix, made concrete, so that a grant on
  // a few named repositories still counts: this check reports a missing grant in another team's file, and must
  // only report what certainly fails.
  const names = new Set([`${q.namePrefix}${PROBE_NAME}`]);
  const marker = `:${q.account}:repository/`;
  const statements = (value as { Statement?: unknown }).Statement;
  for (const s of Array.isArray(statements) ? statements : [statements]) {
    const resource = (s as { Resource?: unknown } | undefined)?.Resource;
    for (const r of Array.isArray(resource) ? resource : [resource]) {
      if (typeof r !== "string") continue;
      const at = r.indexOf(marker);
      if (at < 0) continue;
      const name = r.slice(at + marker.length).replace(/[*?]/g, "a");
      if (name.startsWith(q.namePrefix)) names.add(name);
    }
  }
  return [...names];
}

/**
 * Whether the destination's policy lets the source account replicate, decided by the evaluator: some context
 * allowing it is enough (a condition means the author meant to grant), and a Deny counts only when no context
 * escapes it.
 */
export function replicationGrant(policy: CompiledPolicy, facts: PolicyFacts, q: ReplicationQuery): GrantAnswer {
  let denyLine: number | undefined;
  for (const name of candidateNames(facts.value, q)) {
    const result = queryPolicy(policy, {
      principal: `arn:${q.partition}:iam::${q.sourceAccount}:root`,
      action: REPLICATE,
      resource: `arn:${q.partition}:ecr:${q.region}:${q.account}:repository/${name}`,
      anyContext: true,
    });
    if (result.allowed || (result.status === "inconclusive" && !result.explicitDeny)) return { granted: true };
    const deciding = result.explicitDeny?.result.deciding[0];
    if (deciding && denyLine === undefined) denyLine = facts.statementLines[deciding.index];
  }
  return denyLine === undefined ? { granted: false } : { granted: false, denyLine };
}

const compiled = new WeakMap<PolicyFacts, CompiledPolicy>();

/** The destination's compiled policy, or undefined when its text is no policy object (nothing to check then). */
export function compiledPolicy(facts: PolicyFacts): CompiledPolicy | undefined {
  if (!compiled.has(facts)) {
    try {
      compiled.set(facts, compilePolicy(facts.value));
    } catch {
      return undefined;
    }
  }
  return compiled.get(facts);
}
