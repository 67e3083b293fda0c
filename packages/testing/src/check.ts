import {
  evaluateRequest,
  queryPolicy,
  type ContextValue,
  type Decision,
  type EvaluationRequest,
  type EvaluationResult,
  type PrincipalScope,
  type QueryResult,
  type StatementTrace,
} from "@ecrlint/core";
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
}

export interface CheckOutcome {
  pass: boolean;
  /** The request that shows the failure (an allowed one when a deny was expected), when there is one. */
  counterexample?: EvaluationRequest;
  message: string;
}

/** Evaluates an action against a policy, quantifying over what the request leaves out. */
export function evaluatePolicy(policy: PolicyLike, action: string, request: TestRequest = {}, options: LoadOptions = {}): PolicyEvaluation {
  const loaded = loadPolicy(policy, { ...options, ...(request.registry ? { registry: request.registry } : {}) });
  const base = { policyName: loaded.name, action, request };
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

const DECISION_WORDS: Record<PolicyEvaluation["decision"], string> = {
  allow: "allowed",
  "explicit-deny": "explicitly denied",
  "implicit-deny": "implicitly denied (no statement allows it)",
  inconclusive: "inconclusive",
};

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

function describeRequest(request: EvaluationRequest | TestRequest, action: string): string {
  const parts = [`principal ${request.principal ?? "(any)"}`, `action ${action}`, `resource ${request.resource ?? "(any)"}`];
  if (request.context && Object.keys(request.context).length) parts.push(`context ${JSON.stringify(request.context)}`);
  return parts.join(", ");
}

function statementName(s: StatementTrace): string {
  const name = s.sid ? `"${s.sid}"` : `statement ${s.index + 1}`;
  return s.line !== undefined ? `${name} (line ${s.line})` : name;
}

/** The parts of a statement that did not match, each with its reason. */
export function failedParts(s: StatementTrace): string[] {
  const out: string[] = [];
  for (const note of s.notes ?? []) out.push(note);
  if (!s.principal.matched) out.push(`principal: ${s.principal.reason}`);
  if (!s.action.matched) out.push(`action: ${s.action.reason}`);
  if (!s.resource.matched) out.push(`resource: ${s.resource.reason}`);
  for (const c of s.conditions) if (!c.matched) out.push(`condition ${c.operator} ${c.key}: ${c.reason}`);
  return out;
}

/** Statements of one effect that missed by the fewest parts: what a person most likely meant to match. */
function nearMisses(statements: StatementTrace[], effect: string): StatementTrace[] {
  const candidates = statements.filter((s) => s.effect === effect && !s.matched);
  if (candidates.length === 0) return [];
  const fewest = Math.min(...candidates.map((s) => failedParts(s).length));
  return candidates.filter((s) => failedParts(s).length === fewest);
}

/** A readable account of one evaluation: decision, deciding statements, near misses. */
export function explainResult(result: EvaluationResult, indent = "  "): string[] {
  const lines: string[] = [];
  if (result.deciding.length) {
    lines.push(`${indent}decided by ${result.deciding.map(statementName).join(", ")}`);
    if (result.decision === "allow" && result.needsIdentityAllow) lines.push(`${indent}granted, but the caller's identity policy must allow it too`);
  }
  const wanted = result.decision === "allow" ? undefined : "Allow";
  if (wanted) {
    const misses = nearMisses(result.statements, wanted);
    if (misses.length) {
      lines.push(`${indent}near misses:`);
      for (const s of misses) for (const part of failedParts(s)) lines.push(`${indent}  ${statementName(s)}: ${part}`);
    } else if (result.decision === "implicit-deny") lines.push(`${indent}no Allow statement in the policy`);
  }
  return lines;
}

function joinWords(words: string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
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

function mark(matched: boolean): string {
  return matched ? "✓" : "✗";
}

/** The full trace of an evaluation, statement by statement, as `ecrlint explain` prints it. */
export function formatExplanation(evaluation: PolicyEvaluation): string {
  const lines: string[] = [];
  const { action, request } = evaluation;
  lines.push(`Policy:   ${evaluation.policyName}`);
  lines.push(`Request:  ${describeRequest(request, action)}`);
  if (evaluation.quantified.length) lines.push(`Ranged over: ${joinWords(evaluation.quantified)}${evaluation.query?.status === "inconclusive" ? ` (inconclusive: ${evaluation.reason})` : ""}`);
  const result = evaluation.result;
  let decision = DECISION_WORDS[evaluation.decision];
  if (evaluation.quantified.length) {
    decision =
      evaluation.decision === "allow"
        ? "allowed for some value"
        : evaluation.decision === "inconclusive"
          ? "no allowed value found, but the search was not exact"
          : `${DECISION_WORDS[evaluation.decision]} for every value`;
  }
  if (result?.decision === "allow" && result.needsIdentityAllow) decision += "; the caller's identity policy must allow it too";
  lines.push(`Decision: ${decision}`);
  if (!result) return `${lines.join("\n")}\n`;
  if (evaluation.quantified.length) lines.push(`${evaluation.decision === "allow" ? "Witness" : "Example"}:  ${describeRequest(result.request, action)}`);
  lines.push("");
  for (const s of result.statements) {
    lines.push(`${mark(s.matched)} ${statementName(s)} ${s.effect || "(no Effect)"}${s.matched ? " — matches" : ""}`);
    for (const note of s.notes ?? []) lines.push(`    ! ${note}`);
    lines.push(`    ${mark(s.principal.matched)} principal: ${s.principal.reason}`);
    lines.push(`    ${mark(s.action.matched)} action: ${s.action.reason}`);
    lines.push(`    ${mark(s.resource.matched)} resource: ${s.resource.reason}`);
    for (const c of s.conditions) lines.push(`    ${mark(c.matched)} condition ${c.operator} ${c.key}: ${c.reason}`);
  }
  return `${lines.join("\n")}\n`;
}
