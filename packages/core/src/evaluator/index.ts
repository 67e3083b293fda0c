export { compilePolicy, isCompiledPolicy, type CompiledPolicy, type CompiledStatement, type CompiledCondition } from "./compile.js";
export { evaluateRequest, decide } from "./evaluate.js";
export { queryPolicy, type QueryOptions } from "./query.js";
export { parseCaller, type Caller } from "./principal.js";
export { parseOperator, OPERATOR_NAMES } from "./operators.js";
export { classWitnesses, type ClassWitness, type GlobSpec, type Shape } from "./witness.js";
export type * from "./types.js";
