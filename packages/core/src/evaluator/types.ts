import type { PolicyDocument } from "../model/policy.js";
import type { RegistryContext } from "../config/registry.js";

export type Decision = "allow" | "explicit-deny" | "implicit-deny";

/** A context value as the request carries it: one string, or a list for multi-valued keys (`aws:TagKeys`). */
export type ContextValue = string | readonly string[];

export type RequestContext = Readonly<Record<string, ContextValue>>;

/**
 * One request against the policy.
 *
 * `principal` is written as in a policy: a 12-digit account (its root), an IAM or STS ARN, a service principal
 * (`replication.ecr.amazonaws.com`), `anonymous`, or a typed form `Service:…`, `Federated:…`, `CanonicalUser:…`.
 */
export interface EvaluationRequest {
  principal: string;
  action: string;
  resource: string;
  context?: RequestContext;
}

/** A request whose principal or resource may be left out: those are then quantified over (see `queryPolicy`). */
export interface PolicyQuery {
  principal?: string;
  action: string;
  resource?: string;
  context?: RequestContext;
  /** Quantify over every context key the request does not give, instead of taking it as absent. */
  anyContext?: boolean;
  /** Context keys the request does not carry, even under `anyContext`. */
  absent?: readonly string[];
  /**
   * With `resource` left out: only repositories whose ARN starts with this, written up to `:repository/` and
   * optionally the start of a name (`arn:aws:ecr:eu-west-1:444455556666:repository/prod-`).
   */
  resourcePrefix?: string;
  /** Which principals count when `principal` is left out. */
  principals?: PrincipalScope;
}

export type PrincipalKind = "account" | "user" | "role" | "session" | "federated-user" | "service" | "federated" | "canonical-user" | "anonymous";

/** Restricts the principals a query ranges over; every listed value also becomes a case the search distinguishes. */
export interface PrincipalScope {
  /** Only principals of these kinds. */
  kinds?: readonly PrincipalKind[];
  /** Only principals in these accounts (service, federated and anonymous callers have no account and are dropped). */
  accounts?: readonly string[];
  /** Not principals in these accounts. */
  excludeAccounts?: readonly string[];
  /** Not these principals (exact ARNs, account ids or service names). */
  excludePrincipals?: readonly string[];
}

export interface CompileOptions {
  /** The registry the policy is deployed to: quantified resources range over its repositories. */
  registry?: RegistryContext | undefined;
}

/** What `compilePolicy` and `evaluateRequest` accept: the JSON value, its JSON text, or the parsed model. */
export type PolicyInput = unknown;

export type { PolicyDocument };

/** Why one part of a statement (principal, action, resource) matched the request or not. */
export interface PartTrace {
  matched: boolean;
  /** One line for a person: `Region us-east-1 does not match us-west-2`. */
  reason: string;
  /** The policy value that matched, when one did. */
  matchedValue?: string;
}

export interface ConditionTrace {
  /** The operator as written (`ForAnyValue:StringLikeIfExists`). */
  operator: string;
  /** The key as written. */
  key: string;
  matched: boolean;
  reason: string;
  /** Policy values after variable substitution. */
  policyValues: string[];
  /** The request's value(s); undefined when the key is absent. */
  requestValue?: ContextValue;
  missingKey?: boolean;
  /** Policy variables that had no value (and no default). */
  unresolvedVariables?: string[];
}

export interface StatementTrace {
  index: number;
  sid?: string;
  effect: string;
  /** 1-based line of the statement in its file, when the policy came from one. */
  line?: number;
  matched: boolean;
  principal: PartTrace;
  action: PartTrace;
  resource: PartTrace;
  conditions: ConditionTrace[];
  /** True when the principal matched only as an account principal, which delegates to the account's identity policies. */
  accountLevel?: boolean;
  notes?: string[];
}

export interface EvaluationResult {
  decision: Decision;
  /**
   * True when the allow alone does not grant access: the grant names a whole account (which only delegates to
   * that account's identity policies) or the caller is in another account than the resource (REFERENCE §6).
   */
  needsIdentityAllow: boolean;
  /** Statements that decided: the matching Deny statements, else the matching Allow statements. */
  deciding: StatementTrace[];
  statements: StatementTrace[];
  request: EvaluationRequest;
}

/** One concrete request found by a query, with its evaluation. */
export interface QueryWitness {
  request: EvaluationRequest;
  result: EvaluationResult;
  /**
   * When the principal was quantified and its account is made up (named by neither the policy, its registry nor
   * the query): what the principal stands for, so that no one takes `999999999999` for a real account.
   */
  principalStandsFor?: string;
}

export interface QueryResult {
  /**
   * `exact`: every case that matters was tried, so a missing witness below means no such request exists.
   * `inconclusive`: the search could not cover every case (see `reason`); witnesses found are still real.
   */
  status: "exact" | "inconclusive";
  reason?: string;
  /** A request that is allowed, if one was found. */
  allowed?: QueryWitness;
  /** A request that is denied because no statement allows it, if one was found. */
  implicitDeny?: QueryWitness;
  /** A request that is explicitly denied, if one was found. */
  explicitDeny?: QueryWitness;
  /** How many concrete requests were evaluated. */
  evaluated: number;
  /** Work spent, in steps (see `WorkBudget`). */
  steps?: number;
  /** The work budget ran out: the answer is inconclusive because the policy is too complex to analyse. */
  tooComplex?: boolean;
  /** What was quantified over (`principal`, `resource`, context keys). */
  quantified: string[];
}
