export { acceptsVariables, compileForFinding, compilePolicy, isCompiledPolicy, withStatements, type CompiledPolicy, type CompiledStatement, type CompiledCondition } from "./compile.js";
export { evaluateRequest, decide, conditionHoldsWhenAbsent, failsWithoutKeys, keyConditionsHoldFor, ALWAYS_PRESENT_KEYS, DEFAULT_CURRENT_TIME } from "./evaluate.js";
export { queryPolicy, EmptyQueryError, analysisCounts, forgetKeptAnswers, type QueryOptions } from "./query.js";
export { replicationGrant, type ReplicationGrant, type ReplicationGrantQuery, type DestinationRegistry } from "./replication.js";
export { WorkBudget, TOO_COMPLEX, DEFAULT_ANALYSIS_STEPS, DEFAULT_SEARCH_STEPS } from "./budget.js";
export {
  findOutsiderAccess,
  searchOutsiderAccess,
  accountsNamedIn,
  describeWitnessPrincipal,
  PINNING_KEYS,
  OUTSIDER_KINDS,
  type OutsiderSearch,
  type InconclusiveStatement,
  type OutsiderQuery,
  type OutsiderAccess,
} from "./outsiders.js";
export { parseCaller, principalAccount, isAccountPrincipal, type Caller } from "./principal.js";
export { parseOperator, isArnOperator, OPERATOR_NAMES, cidrWithin, type CidrBlock, parseCidr, parseDate, parseNumber, privateRangeOf } from "./operators.js";
export { actionMatches, actionPatternCovers, actionPatternCoversEveryAction, expandActionPattern, PULL_THROUGH_CACHE_ACTIONS, pullThroughCacheActionReach, statementCoversAction, statementPullThroughCacheReach, patternCovers, conditionValueCovers, resourcePatternCovers, resourcePatternMatches, resourcePatternsOverlap } from "./match.js";
export { wildcardMatch } from "./wildcard.js";
export { formatTrace, explainResult, failedParts, describeRequest, joinWords, DECISION_WORDS, type TracedEvaluation } from "./trace-text.js";
export type * from "./types.js";
export { checkRequest, checkRegistry, RequestValueError, type RequestProblem, type CheckedRequest, type RegistryFields } from "./request-check.js";
export { diffAccess, DEFAULT_DIFF_STEPS, summarizeAccessDiff, describeActions, statementKey, ACTION_GROUPS, type AccessDiff, type AccessDiffOptions, type AccessChange, type AccessPrincipal, type AccessActions, type AccessRepositories, type InconclusiveChange, type StatementRef } from "./diff.js";
