import { type JsonNode, parseArn, type PolicyDocument, type PolicyStatement, type RegistryContext, type Span, spanOf, type StringValue } from "@ecrlint/core";
import { actionMatches, compilePolicy, type CompiledPolicy, principalAccount, replicationGrant, statementCoversAction, withStatements, type WorkBudget } from "@ecrlint/core/evaluator";
import { awsPrincipalValues, isAllow } from "./util.js";

const REPLICATE = "ecr:ReplicateImage";
const CREATE = "ecr:CreateRepository";
const IMPORT = "ecr:BatchImportUpstreamImage";

/**
 * The only actions a replication finding is about: a statement with unknown values that allows or denies neither
 * cannot change one (`compileForFinding`'s `actions`).
 */
export const REPLICATION_ACTIONS: readonly string[] = [REPLICATE, CREATE];

/** A statement that lets another account create repositories here, the replication pattern, without a usable ReplicateImage. */
export interface MissingReplicateImage {
  statement: PolicyStatement;
  /** Where the grant is written (the CreateRepository action). */
  grantNode: JsonNode;
  principal: StringValue;
  resource: string;
  account: string;
  /**
   * `missing`: never allowed; `cancelled`: allowed, but the Deny of that statement index cancels it; `too-complex`:
   * the question ran out of its work budget, so the answer is not known.
   */
  status: "missing" | "cancelled" | "too-complex";
  denyIndex?: number;
  denyLine?: number;
}

/**
 * The cause of a failing cross-account replication as the destination's policy shows it: one entry per statement
 * and principal. require-replicate-image reports these, and the rules that see the same failure from elsewhere (the
 * registry's configured sources, a replication configuration in another file) stay silent for these accounts.
 */
export function missingReplicateImageGrants(policy: PolicyDocument, registry: RegistryContext, compiled: () => CompiledPolicy, budget?: WorkBudget): MissingReplicateImage[] {
  const out: MissingReplicateImage[] = [];
  for (const s of policy.statements) {
    if (!isAllow(s) || !statementCoversAction(s, CREATE)) continue;
    // CreateRepository with BatchImportUpstreamImage is the pull-through-cache pattern, not replication.
    if (statementCoversAction(s, IMPORT)) continue;
    const grantNode = s.action?.values.find((v) => actionMatches(v.value, CREATE))?.node ?? s.action?.property.value ?? s.notAction?.property.value;
    if (!grantNode) continue;
    for (const principal of awsPrincipalValues(s)) {
      // An unknown value (a template parameter) is never judged.
      if (principal.unknown) continue;
      const account = principalAccount(principal.value);
      if (!account) continue;
      for (const v of s.resource?.values ?? []) {
        if (v.unknown) continue;
        const resource = v.value;
        const arn = parseArn(resource);
        const home = registry.account ?? (arn && /^\d{12}$/.test(arn.account) ? arn.account : undefined);
        if (!home || home === account) continue;
        // Once the budget is spent the questions stop: the first too-complex answer already says so.
        if (budget?.exhausted) continue;
        const grant = replicationGrant(compiled(), { source: principal.value, destination: registry, repositories: { pattern: resource }, ...(budget ? { budget } : {}) });
        if (grant.status === "granted" || grant.status === "undetermined") continue;
        const cause: MissingReplicateImage = { statement: s, grantNode, principal, resource, account, status: grant.status === "cancelled" || grant.status === "too-complex" ? grant.status : "missing" };
        if (grant.status === "cancelled") {
          cause.denyIndex = grant.deny.index;
          cause.denyLine = grant.deny.line ?? 1;
        }
        out.push(cause);
        // One cause per principal and statement: a fix grants every resource of the statement at once.
        break;
      }
    }
  }
  return out;
}

export { REPLICATE };

/** The destination policy as cached facts: its JSON value and where each statement is, for messages and related places. */
export interface PolicyFacts {
  /**
   * The policy's value as JSON text (`policyJson`): a project holds every destination policy's facts at once, and
   * the text is a fifth of the size of the value's objects, which only a compile needs (`compileFacts`).
   */
  value: string;
  statementLines: number[];
  /** Where each statement is, by its index in the Statement list. */
  statementSpans?: Span[];
  /** Where the policy's Statement key is (the policy itself when it has none): where a missing grant is missing. */
  statementsSpan?: Span;
  /** Source accounts whose failing grant the policy itself shows (require-replicate-image reports them there). */
  causedSources?: string[];
  /** Those findings of require-replicate-image, by source account, so another rule can add places to them. */
  causes?: { account: string; messageId: "missingReplicateImage" | "cancelledReplicateImage"; loc: Span }[];
  /**
   * For a policy with unknown values (a template parameter, a Terraform variable): the statements a refused
   * replication may rest on, by index (`compileForFinding`'s "refusals" for the replication actions), or null when
   * none is certain. Absent when every value is known.
   */
  refusalStatements?: number[] | null;
}

/** A failing grant's finding as require-replicate-image reports it, for the facts of its policy. */
export function causeFinding(cause: MissingReplicateImage): NonNullable<PolicyFacts["causes"]>[number] | undefined {
  if (cause.status === "too-complex") return undefined;
  return { account: cause.account, messageId: cause.status === "cancelled" ? "cancelledReplicateImage" : "missingReplicateImage", loc: spanOf(cause.grantNode) };
}

/**
 * The destination's compiled policy for a refusal finding, or undefined when its text is no policy object or its
 * unknown values may grant replication (nothing to check then). In the facts, unknown values are plain text
 * (`${Reader}`), so only the statements that `refusalStatements` names are kept. Not kept: a check compiles each
 * destination once, asks it everything, and lets it go.
 */
export function compileFacts(facts: PolicyFacts): CompiledPolicy | undefined {
  if (facts.refusalStatements === null) return undefined;
  try {
    const policy = compilePolicy(JSON.parse(facts.value));
    const keep = facts.refusalStatements && new Set(facts.refusalStatements);
    return keep ? withStatements(policy, (s) => keep.has(s.index)) : policy;
  } catch {
    return undefined;
  }
}
