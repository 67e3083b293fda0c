export { compilePolicy, isCompiledPolicy, type CompiledPolicy, type CompiledStatement, type CompiledCondition } from "./compile.js";
export { evaluateRequest, decide, conditionHoldsWhenAbsent } from "./evaluate.js";
export { queryPolicy, type QueryOptions } from "./query.js";
export { parseCaller, principalAccount, isAccountPrincipal, type Caller } from "./principal.js";
export { parseOperator, isArnOperator, OPERATOR_NAMES } from "./operators.js";
export { actionMatches, expandActionPattern, statementCoversAction, resourcePatternMatches } from "./match.js";
export { wildcardMatch } from "./wildcard.js";
export { classWitnesses, type ClassWitness, type GlobSpec, type Shape } from "./witness.js";
export type * from "./types.js";
