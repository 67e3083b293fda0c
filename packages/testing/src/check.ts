import {
  checkRegistry,
  checkRequest,
  DECISION_WORDS,
  RequestValueError,
  describeRequest,
  evaluateRequest,
  explainResult,
  joinWords,
  queryPolicy,
  type ContextValue,
  type Decision,
  type EvaluationRequest,
  type EvaluationResult,
  type PrincipalScope,
  type QueryResult,
} from "@ecrlint/core/evaluator";
import { closest } from "@ecrlint/core";
import { loadPolicy, type LoadOptions, type PolicyLike, type RegistryOption } from "./policy.js";

/** What a test says about the request; `principal` and `resource` may be left out (then quantified). */
export interface TestRequest {
  principal?: string;
  resource?: string;
  context?: Record<string, ContextValue>;
  /** Range over every context key not given, instead of taking it as absent. */
  anyContext?: boolean;
  /** Which principals count when `principal` is left out. */
  principals?: PrincipalScope;
  /** The registry the policy is deployed to (else the ecrlint config decides, for a policy file). */
  registry?: RegistryOption;
  /**
   * Ask about a `resource` outside the policy's registry (another account or Region than the registry given or
   * inferred). Off by default: the policy never governs such a repository, so a deny of it tests nothing.
   */
  crossRegistry?: boolean;
}

export type Expectation = "allow" | "deny" | "explicit-deny" | "implicit-deny";

export interface PolicyEvaluation {
  policyName: string;
  action: string;
  request: TestRequest;
  /** What was left out and ranged over (`principal`, `resource`, context keys). */
  quantified: string[];
  /**
   * The concrete decision, or for a quantified request: `allow` when some value is allowed, else `explicit-deny`
   * when every value is explicitly denied, else `implicit-deny`; `inconclusive` when none was found allowed but
   * the search could not cover every case.
   */
  decision: Decision | "inconclusive";
  /** The evaluation of the concrete request, or of the most telling witness. */
  result?: EvaluationResult;
  query?: QueryResult;
  reason?: string;
  /** What the request names that no ECR request carries (an unknown context key), with a did-you-mean. */
  warnings?: string[];
}

export interface CheckOutcome {
  pass: boolean;
  /** The request that shows the failure (an allowed one when a deny was expected), when there is one. */
  counterexample?: EvaluationRequest;
  message: string;
}

/** The keys of a {@link TestRequest}. */
const REQUEST_KEYS = ["principal", "resource", "context", "anyContext", "principals", "registry", "crossRegistry"] as const satisfies readonly (keyof TestRequest)[];

/**
 * A request option that is not one (`{ principle: "999999999999" }`) would be ignored, and the test would ask about
 * every principal instead of the one meant: it is an error, with the option it was probably meant to be.
 */
function checkRequestKeys(request: object): void {
  for (const key of Object.keys(request)) {
    if ((REQUEST_KEYS as readonly string[]).includes(key)) continue;
    const hint = closest(key, REQUEST_KEYS, 4);
    throw new TypeError(`Unknown request option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; the options are ${REQUEST_KEYS.join(", ")}.`);
  }
}

/** Evaluates an action against a policy, quantifying over what the request leaves out. */
export function evaluatePolicy(policy: PolicyLike, action: string, request: TestRequest = {}, options: LoadOptions = {}): PolicyEvaluation {
  if (request === null || typeof request !== "object" || Array.isArray(request)) throw new TypeError(`The request must be an object (principal, resource, context, ...), got ${request === null ? "null" : typeof request}.`);
  checkRequestKeys(request);
  // A misspelled Region or account in the registry would put every repository out of the policy's reach.
  const registryOption = request.registry ?? (options.registry && !("source" in options.registry) ? options.registry : undefined);
  const registryProblems = checkRegistry(registryOption);
  const registryError = registryProblems.find((p) => p.severity === "error");
  if (registryError) throw new RequestValueError(registryError);
  const loaded = loadPolicy(policy, { ...options, ...(request.registry ? { registry: request.registry } : {}) });
  // A misspelled action or resource would make every deny pass: such a request is refused, not evaluated.
  const problems = [
    ...registryProblems,
    ...checkRequest(loaded.compiled, {
      action,
      principal: request.principal,
      resource: request.resource,
      context: request.context,
      principals: request.principals,
      crossRegistry: request.crossRegistry,
      ...(request.anyContext !== undefined ? { anyContext: request.anyContext } : {}),
    }),
  ];
  const error = problems.find((p) => p.severity === "error");
  if (error) throw new RequestValueError(error);
  const warnings = problems.map((p) => p.message);
  const base = { policyName: loaded.name, action, request, ...(warnings.length ? { warnings } : {}) };
  if (request.principal !== undefined && request.resource !== undefined && !request.anyContext) {
    const concrete: EvaluationRequest = { principal: request.principal, action, resource: request.resource, ...(request.context ? { context: request.context } : {}) };
    const result = evaluateRequest(loaded.compiled, concrete);
    return { ...base, quantified: [], decision: result.decision, result };
  }
  const query = queryPolicy(loaded.compiled, {
    action,
    ...(request.principal !== undefined ? { principal: request.principal } : {}),
    ...(request.resource !== undefined ? { resource: request.resource } : {}),
    ...(request.context ? { context: request.context } : {}),
    ...(request.anyContext ? { anyContext: true } : {}),
    ...(request.principals ? { principals: request.principals } : {}),
  });
  let decision: PolicyEvaluation["decision"];
  let witness = query.allowed;
  if (query.allowed) decision = "allow";
  else if (query.status === "inconclusive") decision = "inconclusive";
  else if (query.implicitDeny) {
    decision = "implicit-deny";
    witness = query.implicitDeny;
  } else {
    decision = "explicit-deny";
    witness = query.explicitDeny;
  }
  const evaluation: PolicyEvaluation = { ...base, quantified: query.quantified, decision, query };
  if (witness) evaluation.result = witness.result;
  if (query.reason) evaluation.reason = query.reason;
  return evaluation;
}

const EXPECT_WORDS: Record<Expectation, string> = {
  allow: "allowed",
  deny: "denied",
  "explicit-deny": "explicitly denied",
  "implicit-deny": "implicitly denied",
};

/** Decides whether an evaluation meets an expectation, and says why not in words a person reads at a glance. */
export function checkExpectation(evaluation: PolicyEvaluation, expected: Expectation): CheckOutcome {
  const q = evaluation.query;
  let pass: boolean;
  let counterexample: EvaluationRequest | undefined;
  if (!q) {
    const d = evaluation.decision;
    pass = expected === "deny" ? d !== "allow" : d === expected;
  } else if (expected === "allow") {
    pass = q.allowed !== undefined;
  } else {
    const exact = q.status === "exact";
    if (expected === "deny") counterexample = q.allowed?.request;
    else if (expected === "explicit-deny") counterexample = (q.allowed ?? q.implicitDeny)?.request;
    else counterexample = (q.allowed ?? q.explicitDeny)?.request;
    pass = exact && counterexample === undefined;
  }
  const outcome: CheckOutcome = { pass, message: "" };
  if (counterexample) outcome.counterexample = counterexample;
  outcome.message = describe(evaluation, expected, pass, counterexample);
  return outcome;
}

function describe(evaluation: PolicyEvaluation, expected: Expectation, pass: boolean, counterexample: EvaluationRequest | undefined): string {
  const { action, policyName } = evaluation;
  const subject = `${action} in ${policyName}`;
  const quantifiedNote = evaluation.quantified.length ? ` for ${expected === "allow" ? "some" : "every"} ${joinWords(evaluation.quantified)}` : "";
  const lines: string[] = [];
  if (pass) {
    lines.push(`Expected ${subject} not to be ${EXPECT_WORDS[expected]}${quantifiedNote}, but it is.`);
  } else {
    lines.push(`Expected ${subject} to be ${EXPECT_WORDS[expected]}${quantifiedNote}, but it is ${DECISION_WORDS[evaluation.decision]}.`);
  }
  lines.push(`  request: ${describeRequest(evaluation.request, action)}`);
  if (evaluation.decision === "inconclusive" || (evaluation.query?.status === "inconclusive" && !pass)) {
    lines.push(`  inconclusive: ${evaluation.reason ?? "the search could not cover every case"}`);
  }
  const q = evaluation.query;
  const witnesses = q ? [q.allowed, q.implicitDeny, q.explicitDeny] : [];
  const shown = counterexample ? witnesses.find((w) => w?.request === counterexample)?.result : evaluation.result;
  if (counterexample && !pass) lines.push(`  counterexample: ${describeRequest(counterexample, action)} is ${DECISION_WORDS[shown!.decision]}`);
  else if (evaluation.query && evaluation.result && evaluation.decision === "allow") lines.push(`  witness: ${describeRequest(evaluation.result.request, action)}`);
  else if (evaluation.query && expected === "allow" && !pass && evaluation.result) lines.push(`  for example: ${describeRequest(evaluation.result.request, action)}`);
  if (shown) lines.push(...explainResult(shown));
  return lines.join("\n");
}
