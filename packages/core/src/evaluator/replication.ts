import { parseArn } from "../arn.js";
import { withStatements, type CompiledPolicy } from "./compile.js";
import { evaluateRequest } from "./evaluate.js";
import { DEFAULT_ANALYSIS_STEPS, WorkBudget } from "./budget.js";
import { parseCaller } from "./principal.js";
import { EmptyQueryError, queryPolicy } from "./query.js";
import type { PolicyQuery } from "./types.js";

const REPLICATE = "ecr:ReplicateImage";
/** A repository name no policy names on purpose: a grant that covers it covers the whole pattern. */
const PROBE_NAME = "ecrlint-replication-probe";

export interface DestinationRegistry {
  partition?: string | undefined;
  account?: string | undefined;
  region?: string | undefined;
}

export interface ReplicationGrantQuery {
  /**
   * Who replicates, as a policy names it: the source account (`111122223333` or its root ARN), or an IAM
   * principal of that account, which is then asked about as itself.
   */
  source: string;
  /** The destination registry, the one whose policy this is; what is unknown is ranged over or taken from the pattern. */
  destination: DestinationRegistry;
  /**
   * Which repositories replicate. `pattern`: every repository a Resource pattern names (`…:repository/prod-*`), asked
   * of one repository inside it that no policy names on purpose. `prefix`: some repository whose name starts with
   * the prefix (a PREFIX_MATCH filter; "" for every repository), searched exactly; a prefix other than "" needs
   * the destination's account and Region.
   */
  repositories: { pattern: string } | { prefix: string };
  /** Work allowed for this question (default: `DEFAULT_ANALYSIS_STEPS`). */
  budget?: WorkBudget;
}

export type ReplicationGrant =
  | { status: "granted" }
  | { status: "missing" }
  /** An Allow covers the replication, and this Deny statement cancels it. */
  | { status: "cancelled"; deny: { index: number; line: number | undefined } }
  /** The pattern names no repository that can be asked about (a wildcard Region and no destination Region…). */
  | { status: "undetermined" }
  /** The work budget ran out before an answer: too complex to analyse. */
  | { status: "too-complex" };

/** A concrete repository ARN inside a Resource pattern (`repository/prod-*` → `repository/prod-ecrlint-…`). */
function probeResource(pattern: string, destination: DestinationRegistry): string | undefined {
  if (pattern === "*") {
    if (!destination.account || !destination.region) return undefined;
    return `arn:${destination.partition ?? "aws"}:ecr:${destination.region}:${destination.account}:repository/${PROBE_NAME}`;
  }
  const arn = parseArn(pattern);
  if (!arn || arn.service !== "ecr" || !arn.resource.startsWith("repository/")) return undefined;
  const concrete = (part: string, known: string | undefined) => (/[*?]/.test(part) ? known : part);
  const region = concrete(arn.region, destination.region);
  const account = concrete(arn.account, destination.account);
  if (!region || !account || /[*?]/.test(arn.partition)) return undefined;
  const name = arn.resource.slice("repository/".length).replace(/\*/g, PROBE_NAME).replace(/\?/g, "a");
  return `arn:${arn.partition}:ecr:${region}:${account}:repository/${name}`;
}

/** The policy without its Deny statements, kept per policy so that repeated questions reuse its search cases. */
const allowsOnly = new WeakMap<CompiledPolicy, CompiledPolicy>();

function withoutDenies(policy: CompiledPolicy): CompiledPolicy {
  let view = allowsOnly.get(policy);
  if (!view) allowsOnly.set(policy, (view = withStatements(policy, (s) => s.effect !== "Deny")));
  return view;
}

function replicationQuery(query: ReplicationGrantQuery): PolicyQuery | undefined {
  const base: PolicyQuery = { principal: query.source, action: REPLICATE, anyContext: true };
  const { repositories, destination } = query;
  if ("pattern" in repositories) {
    const resource = probeResource(repositories.pattern, destination);
    return resource ? { ...base, resource } : undefined;
  }
  if (!destination.account || !destination.region) return base;
  return { ...base, resourcePrefix: `arn:${destination.partition ?? "aws"}:ecr:${destination.region}:${destination.account}:repository/${repositories.prefix}` };
}

/**
 * Whether the destination's policy lets the source replicate (REFERENCE §2: it must allow ecr:ReplicateImage to the
 * source account, in the destination's own Region and account). Some request context allowing it is enough (a
 * condition shows the author meant to grant), and a Deny cancels only when no context escapes it: a `missing` or
 * `cancelled` answer means replication certainly fails.
 */
export function replicationGrant(policy: CompiledPolicy, query: ReplicationGrantQuery): ReplicationGrant {
  // Many sources replicate into one destination: each question is answered once per compiled policy.
  let answers = grants.get(policy);
  if (!answers) grants.set(policy, (answers = new Map()));
  // One query per distinct probe: two patterns that name the same repository to ask about share the answer.
  const request = parseCaller(query.source) ? replicationQuery(query) : undefined;
  const key = JSON.stringify(request ?? [query.source, query.destination, query.repositories]);
  let answer = answers.get(key);
  if (!answer) answers.set(key, (answer = decideGrant(policy, query, request)));
  return answer;
}

const grants = new WeakMap<CompiledPolicy, Map<string, ReplicationGrant>>();

function decideGrant(policy: CompiledPolicy, query: ReplicationGrantQuery, request: PolicyQuery | undefined): ReplicationGrant {
  // A source no request can come from (an IAM group, a malformed ARN) cannot be asked about; valid-principal says why.
  if (!request) return { status: "undetermined" };
  const budget = query.budget ?? new WorkBudget(DEFAULT_ANALYSIS_STEPS);
  let result;
  try {
    result = queryPolicy(policy, request, { budget });
  } catch (error) {
    // A prefix that no repository name can start with leaves nothing to ask about.
    if (error instanceof EmptyQueryError) return { status: "undetermined" };
    throw error;
  }
  if (result.allowed) return { status: "granted" };
  if (result.tooComplex) return { status: "too-complex" };
  if (result.status === "inconclusive" && !result.explicitDeny) return { status: "granted" };
  // Which Deny stands in the way: ask the Allow statements alone, then see who decides that request.
  const withoutDeny = queryPolicy(withoutDenies(policy), request, { budget });
  if (!withoutDeny.allowed && withoutDeny.tooComplex) return { status: "too-complex" };
  const allowed = withoutDeny.allowed;
  if (!allowed) return { status: "missing" };
  const decided = evaluateRequest(policy, allowed.request);
  const deny = decided.deciding[0];
  if (decided.decision === "allow" || !deny) return { status: "granted" };
  return { status: "cancelled", deny: { index: deny.index, line: deny.line } };
}
