import { AssertionError } from "node:assert";
import { checkExpectation, evaluatePolicy, type Expectation, type PolicyEvaluation, type TestRequest } from "./check.js";
import type { PolicyLike } from "./policy.js";

export { evaluatePolicy, checkExpectation, type Expectation, type PolicyEvaluation, type TestRequest, type CheckOutcome } from "./check.js";
export { explainResult, failedParts, formatTrace as formatExplanation } from "@ecrlint/core/evaluator";
export { loadPolicy, PolicyLoadError, type PolicyLike, type LoadedPolicy, type LoadOptions, type RegistryOption } from "./policy.js";
export { runCases, runCasesFile, validateCasesFile, findCasesFiles, type CaseResult, type CasesFileResult, type CasesRun, type CasesFile, type PolicyCase, type CasesFileError } from "./cases.js";
export { formatCases, formatStylish, formatJson, formatJunit, type CasesFormat } from "./formatters.js";

export interface DenyRequest extends TestRequest {
  /** `explicit` requires a matching Deny statement, `implicit` requires that no statement allows; default: either. */
  decision?: "explicit" | "implicit" | "any";
}

export function denyExpectation(decision: DenyRequest["decision"]): Expectation {
  return decision === "explicit" ? "explicit-deny" : decision === "implicit" ? "implicit-deny" : "deny";
}

function assertExpectation(policy: PolicyLike, action: string, request: TestRequest, expected: Expectation, caller: (...args: never[]) => unknown): PolicyEvaluation {
  const evaluation = evaluatePolicy(policy, action, request);
  for (const warning of evaluation.warnings ?? []) process.emitWarning(warning, { type: "EcrlintWarning", code: "ECRLINT_CONTEXT_KEY" });
  const outcome = checkExpectation(evaluation, expected);
  if (!outcome.pass) {
    throw new AssertionError({ message: outcome.message, actual: evaluation.decision, expected, operator: expected === "allow" ? "expectAllowed" : "expectDenied", stackStartFn: caller });
  }
  return evaluation;
}

/**
 * Asserts that the policy allows the action. With `principal` or `resource` left out, some value of each must be
 * allowed; the result then carries the witness request.
 */
export function expectAllowed(policy: PolicyLike, action: string, request: TestRequest = {}): PolicyEvaluation {
  return assertExpectation(policy, action, request, "allow", expectAllowed);
}

/**
 * Asserts that the policy denies the action, for every value of what the request leaves out. On failure the error
 * names a counterexample request that is allowed.
 */
export function expectDenied(policy: PolicyLike, action: string, request: DenyRequest = {}): PolicyEvaluation {
  const { decision, ...rest } = request;
  return assertExpectation(policy, action, rest, denyExpectation(decision), expectDenied);
}
export { checkGrantsNoMoreThan, checkGrantsExactly, type ExpectedAccess, type GrantOptions, type GrantExactlyOptions, type GrantOutcome } from "./access-diff.js";
