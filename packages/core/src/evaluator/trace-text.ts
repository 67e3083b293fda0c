import type { Decision, EvaluationRequest, EvaluationResult, QueryResult, RequestContext, StatementTrace } from "./types.js";

/**
 * Trace text: how `ecrlint explain` and failing policy tests show an evaluation to a person. Pure functions of the
 * evaluator's results.
 */

/** What `formatTrace` prints: one request's evaluation, or a query's with its most telling witness. */
export interface TracedEvaluation {
  /** The policy file (or `inline policy`). */
  policyName: string;
  action: string;
  /** The request as asked: `principal` and `resource` may be left out (then quantified). */
  request: { principal?: string; resource?: string; context?: RequestContext };
  /** What was left out and ranged over (`principal`, `resource`, context keys). */
  quantified: string[];
  decision: Decision | "inconclusive";
  /** The evaluation of the concrete request, or of the witness. */
  result?: EvaluationResult;
  query?: QueryResult;
  /** Why a query was inconclusive. */
  reason?: string;
}

/** A decision in words, as a sentence about a request ends: "… is explicitly denied". */
export const DECISION_WORDS: Record<TracedEvaluation["decision"], string> = {
  allow: "allowed",
  "explicit-deny": "explicitly denied",
  "implicit-deny": "implicitly denied (no statement allows it)",
  inconclusive: "inconclusive",
};

/** `principal …, action …, resource …, context {…}`: a request in one line, `(any)` for what it leaves out. */
export function describeRequest(request: EvaluationRequest | TracedEvaluation["request"], action: string): string {
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

/** `a, b and c`. */
export function joinWords(words: string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function mark(matched: boolean): string {
  return matched ? "✓" : "✗";
}

/** The full trace of an evaluation, statement by statement, as `ecrlint explain` prints it. */
export function formatTrace(evaluation: TracedEvaluation): string {
  const lines: string[] = [];
  const { action, request } = evaluation;
  lines.push(`Policy:   ${evaluation.policyName}`);
  lines.push(`Request:  ${describeRequest(request, action)}`);
  if (evaluation.quantified.length) lines.push(`Ranged over: ${joinWords(evaluation.quantified)}${evaluation.query?.status === "inconclusive" ? ` (inconclusive: ${evaluation.reason})` : ""}`);
  const result = evaluation.result;
  let decision = DECISION_WORDS[evaluation.decision];
  if (evaluation.quantified.length) {
    const q = evaluation.query;
    // Denied for every value, explicitly for some of them: both kinds of deny were found.
    const mixed = q?.explicitDeny && q.implicitDeny;
    decision =
      evaluation.decision === "allow"
        ? `allowed for some value${q?.explicitDeny ? "; explicitly denied for some values" : ""}`
        : evaluation.decision === "inconclusive"
          ? "no allowed value found, but the search was not exact"
          : mixed
            ? "denied for every value: explicitly denied for some values, implicitly denied (no statement allows them) for the others"
            : `${DECISION_WORDS[evaluation.decision]} for every value`;
  }
  if (result?.decision === "allow" && result.needsIdentityAllow) decision += "; the caller's identity policy must allow it too";
  lines.push(`Decision: ${decision}`);
  if (!result) return `${lines.join("\n")}\n`;
  if (evaluation.quantified.length) {
    lines.push(`${evaluation.decision === "allow" ? "Witness" : "Example"}:  ${describeRequest(result.request, action)}`);
    const q = evaluation.query;
    const shown = [q?.allowed, q?.implicitDeny, q?.explicitDeny].find((w) => w?.request === result.request);
    if (shown?.principalStandsFor) lines.push(`          (${result.request.principal} stands for ${shown.principalStandsFor})`);
  }
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
