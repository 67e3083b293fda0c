import { parseArn } from "../arn.js";
import { withStatements, type CompiledCondition, type CompiledPolicy, type CompiledStatement } from "./compile.js";
import { ALWAYS_PRESENT_KEYS, conditionHolds, coversAction, decide, evaluateRequest, prepareRequest, principalLevel, resourceMatches } from "./evaluate.js";
import { resourcePatternCanStartWith, resourcePatternCovers, resourcePatternMatches } from "./match.js";
import { DEFAULT_ANALYSIS_STEPS, WorkBudget } from "./budget.js";
import { keptCaller } from "./principal.js";
import { EmptyQueryError, probeOf, queryPolicy, repositoryClasses, type RepositoryClasses } from "./query.js";
import type { EvaluationRequest, PolicyQuery, RequestContext } from "./types.js";

const REPLICATE = "ecr:ReplicateImage";
const REPLICATE_LOWER = REPLICATE.toLowerCase();
const REPOSITORY_PART = ":repository/";

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
   * Which repositories replicate. `pattern`: every repository a Resource pattern names (`…:repository/prod-*`),
   * asked of a repository inside it that no narrower pattern of the policy names (see `probeFor`). `prefix`: some
   * repository whose name starts with the prefix (a PREFIX_MATCH filter; "" for every repository), searched
   * exactly; a prefix other than "" needs the destination's account and Region.
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

/**
 * Where the repositories of a Resource pattern live: `arn:PARTITION:ecr:REGION:ACCOUNT:repository/`, with a
 * wildcard Region or account taken from the destination; undefined when that leaves one unknown, or the pattern
 * names no repository.
 */
function repositoryBase(pattern: string, destination: DestinationRegistry): string | undefined {
  if (pattern === "*") {
    if (!destination.account || !destination.region) return undefined;
    return `arn:${destination.partition ?? "aws"}:ecr:${destination.region}:${destination.account}:repository/`;
  }
  const arn = parseArn(pattern);
  if (!arn || arn.service !== "ecr" || !arn.resource.startsWith("repository/")) return undefined;
  const concrete = (part: string, known: string | undefined) => (/[*?]/.test(part) ? known : part);
  const region = concrete(arn.region, destination.region);
  const account = concrete(arn.account, destination.account);
  if (!region || !account || /[*?]/.test(arn.partition)) return undefined;
  return `arn:${arn.partition}:ecr:${region}:${account}:repository/`;
}

/** The Resource patterns of the statements about ReplicateImage, the only ones that decide its requests. */
const replicationPatterns = new WeakMap<CompiledPolicy, string[]>();

function patternsAboutReplication(policy: CompiledPolicy): string[] {
  let patterns = replicationPatterns.get(policy);
  if (!patterns) {
    const about = policy.statements.filter((s) => !s.defects.length && coversAction(s, REPLICATE_LOWER));
    patterns = [...new Set(about.flatMap((s) => (s.resource?.patterns ?? []).filter((t) => t.isStatic).map((t) => t.source)))];
    replicationPatterns.set(policy, patterns);
  }
  return patterns;
}

/** Names to fill a pattern's `*` with, then its `?`: the first that no narrower pattern of the policy names is asked about. */
const FILLERS: readonly [string, string][] = [
  ["ecrlint-replication-probe", "a"],
  ["x9", "x"],
  ["zq-7", "q"],
];

/**
 * The repository classes of a policy under each base, kept with the compiled policy: every pattern and source asks
 * about the same repositories, so the search is done (and charged) once per base. A pattern the policy does not
 * write (`*` for a configured source) is added to its own search.
 */
const classesByPolicy = new WeakMap<CompiledPolicy, Map<string, RepositoryClasses | undefined>>();

/**
 * The repository to ask about for a pattern: one inside it that the policy names least, so that a grant or Deny of
 * part of the pattern does not stand for all of it; "too-complex" when the budget ran out first. A filled-in
 * pattern that only patterns covering the whole of it match is such a repository; when none of a few is, the
 * class search (`repositoryClasses`) finds one.
 */
function probeFor(policy: CompiledPolicy, pattern: string, destination: DestinationRegistry, budget: WorkBudget): string | undefined | "too-complex" {
  // Every principal of a statement asks about the same patterns: the probe depends on neither, so it is found once.
  let probes = probesByPolicy.get(policy);
  if (!probes) probesByPolicy.set(policy, (probes = new Map()));
  const key = `${pattern}\u0000${destination.partition}\u0000${destination.account}\u0000${destination.region}`;
  if (probes.has(key)) return probes.get(key);
  const probe = findProbe(policy, pattern, destination, budget);
  // A search cut short is not an answer: the next question, with its own budget, tries again.
  if (probe !== "too-complex") probes.set(key, probe);
  return probe;
}

const probesByPolicy = new WeakMap<CompiledPolicy, Map<string, string | undefined>>();

function findProbe(policy: CompiledPolicy, pattern: string, destination: DestinationRegistry, budget: WorkBudget): string | undefined | "too-complex" {
  const base = repositoryBase(pattern, destination);
  if (!base) return undefined;
  const whole = base + (pattern === "*" ? "*" : pattern.slice(pattern.indexOf(REPOSITORY_PART) + REPOSITORY_PART.length));
  const patterns = patternsAboutReplication(policy);
  for (const [star, one] of FILLERS) {
    const probe = whole.replace(/\*/g, star).replace(/\?/g, one);
    if (patterns.every((p) => !resourcePatternMatches(p, probe) || resourcePatternCovers(p, whole))) return probe;
  }
  let kept = classesByPolicy.get(policy);
  if (!kept) classesByPolicy.set(policy, (kept = new Map()));
  const written = patterns.includes(pattern);
  const key = written ? base : `${base}\u0000${pattern}`;
  if (!kept.has(key)) {
    const found = repositoryClasses(policy, REPLICATE, base, written ? [] : [pattern], budget);
    if (found.exhausted) return "too-complex";
    kept.set(key, found.classes);
  }
  const classes = kept.get(key);
  // A search stopped by its cap on states: the first filled-in pattern stands for it.
  return classes ? probeOf(classes, pattern) : whole.replace(/\*/g, FILLERS[0]![0]).replace(/\?/g, FILLERS[0]![1]);
}

/**
 * The policy without its Deny statements, kept per policy so that repeated questions reuse its search cases. Without
 * the model: a WeakMap value that reached it would keep the file's syntax tree alive through young collections.
 */
const allowsOnly = new WeakMap<CompiledPolicy, CompiledPolicy>();

function withoutDenies(policy: CompiledPolicy): CompiledPolicy {
  let view = allowsOnly.get(policy);
  if (!view) allowsOnly.set(policy, (view = withStatements(policy, (s) => s.effect !== "Deny", false)));
  return view;
}

function replicationQuery(policy: CompiledPolicy, query: ReplicationGrantQuery, budget: WorkBudget): PolicyQuery | undefined | "too-complex" {
  const base: PolicyQuery = { principal: query.source, action: REPLICATE, anyContext: true };
  const { repositories, destination } = query;
  if ("pattern" in repositories) {
    const resource = probeFor(policy, repositories.pattern, destination, budget);
    return resource === undefined || resource === "too-complex" ? resource : { ...base, resource };
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
  // Many sources replicate into one destination, most of them from a few accounts: a question asked in the same
  // words is answered from here, before building its request (which parses the caller's ARN and classifies it, a
  // cost and garbage paid once per source and destination otherwise: millions of times in a large repository).
  let asked = grantsAsked.get(policy);
  if (!asked) grantsAsked.set(policy, (asked = new Map()));
  const { source, destination, repositories } = query;
  const words = `${source}\u0000${destination.partition}\u0000${destination.account}\u0000${destination.region}\u0000${"pattern" in repositories ? "p" + repositories.pattern : "f" + repositories.prefix}`;
  const known = asked.get(words);
  if (known) return known;
  const answer = classifiedGrant(policy, query);
  // A search cut short is not an answer: the next question, with its own budget, tries again.
  if (answer.status !== "too-complex") asked.set(words, answer);
  return answer;
}

const grantsAsked = new WeakMap<CompiledPolicy, Map<string, ReplicationGrant>>();

function classifiedGrant(policy: CompiledPolicy, query: ReplicationGrantQuery): ReplicationGrant {
  // Questions in other words may still ask the same: answered once per compiled policy and class of principal.
  let answers = grants.get(policy);
  if (!answers) grants.set(policy, (answers = new Map()));
  const budget = query.budget ?? new WorkBudget(DEFAULT_ANALYSIS_STEPS);
  // One query per distinct probe: two patterns that name the same repository to ask about share the answer.
  const request = keptCaller(query.source) ? replicationQuery(policy, query, budget) : undefined;
  if (request === "too-complex") return { status: "too-complex" };
  const key = request ? requestKey(request, principalClass(policy, request.principal!)) : JSON.stringify([query.source, query.destination, query.repositories]);
  let answer = answers.get(key);
  if (!answer) answers.set(key, (answer = decideGrant(policy, budget, request)));
  return answer;
}

const grants = new WeakMap<CompiledPolicy, Map<string, ReplicationGrant>>();

/**
 * What a replication query asks, as a key: its repository or prefix (each with its length, so that no two queries
 * write alike) and the class of its principal; the action and `anyContext` are the same in every one. Written out
 * rather than serialised: every question of every file makes one.
 */
function requestKey(request: PolicyQuery, principalClassText: string): string {
  const { resource, resourcePrefix } = request;
  if (resource !== undefined) return `r${resource.length}:${resource}${principalClassText}`;
  if (resourcePrefix !== undefined) return `p${resourcePrefix.length}:${resourcePrefix}${principalClassText}`;
  return `a${principalClassText}`;
}

/** Keys whose value a request takes from its principal (`prepareRequest`). */
const PRINCIPAL_KEYS = new Set(["aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice"]);

/**
 * Per policy: the conditions that read a key a request takes from its principal (undefined when a variable may), and
 * the class of each principal asked about so far.
 */
const principalClasses = new WeakMap<CompiledPolicy, { conditions: CompiledCondition[] | undefined; classes: Map<string, string> }>();

/**
 * What the policy's decisions read of a principal: which statements' Principal or NotPrincipal matches it
 * (`principalLevel`; a decision, a query and the Deny that decides read no more of it), and which of the conditions
 * on the keys a request takes from its principal (aws:PrincipalArn…) hold for it, which a query with the principal
 * given does not range over. Principals alike in both are decided alike on every request, so the many IAM principals
 * of one account that a statement lists are one question, not one each. The principal itself when a policy variable
 * may read those keys, or when it is a bare account id (whose partition comes from the resource). Kept per policy
 * and principal: a statement asks about each of its principals once per Resource pattern.
 */
function principalClass(policy: CompiledPolicy, principal: string): string {
  let kept = principalClasses.get(policy);
  if (!kept) {
    const conditions = policy.statements.flatMap((s) => s.conditions);
    const variables = conditions.some((c) => c.values.some((t) => !t.isStatic)) || policy.statements.some((s) => (s.resource?.patterns ?? []).some((t) => !t.isStatic));
    principalClasses.set(policy, (kept = { conditions: variables ? undefined : conditions.filter((c) => PRINCIPAL_KEYS.has(c.key)), classes: new Map() }));
  }
  let known = kept.classes.get(principal);
  if (known === undefined) kept.classes.set(principal, (known = classOf(policy, kept.conditions, principal)));
  return known;
}

function classOf(policy: CompiledPolicy, conditions: CompiledCondition[] | undefined, principal: string): string {
  const caller = conditions && !/^\d{12}$/.test(principal) ? keptCaller(principal) : undefined;
  if (!conditions || !caller) return principal;
  const matched = policy.statements.map((s) => (!s.defects.length && s.principal && principalLevel(s, caller) ? "1" : "0")).join("");
  if (!conditions.length) return `matched:${matched}`;
  const { lookup } = prepareRequest(policy, { principal, action: REPLICATE, resource: "*" });
  return `matched:${matched} holds:${conditions.map((c) => (conditionHolds(c, lookup) ? "1" : "0")).join("")}`;
}

/**
 * The requests tried before a search: one of those a query ranges over (its repository is the probe itself, or a
 * name that starts with the prefix and continues as a repository name does), with the context every request has by
 * default, then with the values the policy writes in its conditions about ReplicateImage (see `writtenContext`).
 * None for a query without a principal or a repository. Exported for the test that holds the search to finding
 * every one of them that is allowed.
 */
export function requestsToTry(policy: CompiledPolicy, request: PolicyQuery): EvaluationRequest[] {
  const resource = request.resource ?? (request.resourcePrefix !== undefined ? request.resourcePrefix + FILLERS[0]![0] : undefined);
  if (request.principal === undefined || resource === undefined) return [];
  const plain = { principal: request.principal, action: request.action, resource };
  const context = writtenContext(policy);
  return context ? [plain, { ...plain, context }] : [plain];
}

/**
 * Whether no request context can let the principal do the action on the request's repository, or with a
 * `resourcePrefix` on any repository whose ARN starts with it: no Allow statement about them names one, with its
 * conditions set aside (they only narrow a statement). A Resource with a policy variable names what a context
 * says, and a NotResource nearly everything: either might. Exported for the test that holds the search to agreeing.
 */
export function certainlyRefused(policy: CompiledPolicy, request: EvaluationRequest, resourcePrefix?: string): boolean {
  const prepared = prepareRequest(policy, request);
  const mayName = (s: CompiledStatement): boolean => {
    if (!s.resource || s.resource.patterns.some((t) => !t.isStatic)) return true;
    if (resourcePrefix === undefined) return resourceMatches(s, request.resource, prepared.lookup);
    return s.resource.negated || s.resource.patterns.some((t) => resourcePatternCanStartWith(t.source, resourcePrefix));
  };
  return !policy.statements.some((s) => s.effect === "Allow" && !s.defects.length && coversAction(s, prepared.action) && principalLevel(s, prepared.caller) !== undefined && mayName(s));
}

const writtenContexts = new WeakMap<CompiledPolicy, RequestContext | undefined>();

/**
 * A request context made of values the policy itself writes, for the keys its statements about ReplicateImage test
 * with string, ARN and IP operators: such a request meets an Allow's condition, or escapes a Deny's negated one
 * (`NotIpAddressIfExists`, `StringNotEquals`). Only a single value per key that names one request value (no wildcard,
 * no policy variable, an IP range as its first address), and never a key the principal or every request sets, so
 * that it is a request that can be made. Undefined when there is no such key.
 */
function writtenContext(policy: CompiledPolicy): RequestContext | undefined {
  if (writtenContexts.has(policy)) return writtenContexts.get(policy);
  const context: Record<string, string> = Object.create(null) as Record<string, string>;
  let any = false;
  for (const s of policy.statements) {
    if (s.defects.length || !coversAction(s, REPLICATE_LOWER)) continue;
    for (const c of s.conditions) {
      const family = c.operator?.base.family;
      const value = c.values[0];
      if (!c.operator || c.operator.set || c.key in context || ALWAYS_PRESENT_KEYS.has(c.key) || !value || value.segments || /[*?]/.test(value.source)) continue;
      if (family === "string" || family === "arn") context[c.key] = value.source;
      else if (family === "ip" && /^[0-9a-f.:]+(?:\/\d+)?$/i.test(value.source)) context[c.key] = value.source.replace(/\/\d+$/, "");
      else continue;
      any = true;
    }
  }
  const written = any ? context : undefined;
  writtenContexts.set(policy, written);
  return written;
}

function decideGrant(policy: CompiledPolicy, budget: WorkBudget, request: PolicyQuery | undefined): ReplicationGrant {
  // A source no request can come from (an IAM group, a malformed ARN) cannot be asked about; valid-principal says why.
  if (!request) return { status: "undetermined" };
  // Some request allowed is all a grant needs, and most grants allow the first one tried: that one is evaluated
  // before any search. Only when it is refused does the search look for another, or for the Deny that refuses.
  const tries = requestsToTry(policy, request);
  for (const one of tries) if (decide(policy, one) === "allow") return { status: "granted" };
  // A refusal can be certain without a search too: when no Allow could grant it in any context.
  if (tries[0] && certainlyRefused(policy, tries[0], request.resource === undefined ? request.resourcePrefix : undefined)) return { status: "missing" };
  let result;
  try {
    result = queryPolicy(policy, request, { budget, until: "allowed" });
  } catch (error) {
    // A prefix that no repository name can start with leaves nothing to ask about.
    if (error instanceof EmptyQueryError) return { status: "undetermined" };
    throw error;
  }
  if (result.allowed) return { status: "granted" };
  if (result.tooComplex) return { status: "too-complex" };
  if (result.status === "inconclusive" && !result.explicitDeny) return { status: "granted" };
  // Which Deny stands in the way: ask the Allow statements alone, then see who decides that request.
  const withoutDeny = queryPolicy(withoutDenies(policy), request, { budget, until: "allowed" });
  if (!withoutDeny.allowed && withoutDeny.tooComplex) return { status: "too-complex" };
  const allowed = withoutDeny.allowed;
  if (!allowed) return { status: "missing" };
  const decided = evaluateRequest(policy, allowed.request);
  const deny = decided.deciding[0];
  if (decided.decision === "allow" || !deny) return { status: "granted" };
  return { status: "cancelled", deny: { index: deny.index, line: deny.line } };
}
