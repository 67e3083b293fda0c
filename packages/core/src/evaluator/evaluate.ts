import { parseArn } from "../arn.js";
import { ecrCatalog } from "../catalog.js";
import { globMatch, matchResolved, Template, type Lookup, type Resolved } from "./template.js";
import { parseOperator } from "./operators.js";
import { compilePolicy, type CompiledCondition, type CompiledPolicy, type CompiledStatement } from "./compile.js";
import { describeCaller, isIamCaller, matchEntry, keptCaller, notPrincipalExempts, type Caller, type PrincipalEntry, type PrincipalLevel } from "./principal.js";
import type { ConditionTrace, ContextValue, Decision, EvaluationRequest, EvaluationResult, PartTrace, RequestContext, StatementTrace } from "./types.js";

/** A request read once: the caller parsed, the action lower-cased, context keys looked up case-insensitively. */
export interface PreparedRequest {
  request: EvaluationRequest;
  caller: Caller;
  action: string;
  resource: string;
  lookup: Lookup;
}

function isAccountId(text: string): boolean {
  if (text.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A bare account id takes the resource's partition (it names the account in every partition). */
function cachedCaller(policy: CompiledPolicy, text: string, resource: string): Caller | undefined {
  return keptCaller(text, isAccountId(text) ? defaultPartition(policy, resource) : "aws");
}

function defaultPartition(policy: CompiledPolicy, resource: string): string {
  if (resource.startsWith("arn:")) {
    const end = resource.indexOf(":", 4);
    if (end > 4) return resource.slice(4, end);
  }
  return policy.registry?.partition ?? "aws";
}

/** Case-insensitive lookup without copying the context: contexts are small and most keys differ in length. */
/**
 * A request value as conditions compare it: a string or a list of strings. Callers from JavaScript may pass numbers
 * or booleans (read as their text); anything else is no value at all, never an object a condition would choke on.
 */
function asContextValue(value: unknown): ContextValue | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (!Array.isArray(value)) return undefined;
  // Most lists are strings only: read as they are, not copied on every lookup.
  if (value.every((v) => typeof v === "string")) return value as readonly string[];
  return value.flatMap((v) => (typeof v === "string" ? [v] : typeof v === "number" || typeof v === "boolean" ? [String(v)] : []));
}

/**
 * The request's value for a key (already lower-cased). Only the context's own keys count: a condition key named
 * "constructor" or "__proto__" is absent unless the request gives it, never what every JavaScript object inherits.
 */
function contextValue(context: RequestContext | undefined, key: string): ContextValue | undefined {
  if (!context) return undefined;
  if (Object.hasOwn(context, key)) {
    const exact = asContextValue(context[key]);
    if (exact !== undefined) return exact;
  }
  for (const name of Object.keys(context)) {
    if (name.length === key.length && name.toLowerCase() === key) return asContextValue(context[name]);
  }
  return undefined;
}

/**
 * `contextValue` for every key of one context, read once: a search evaluates one request's conditions many times,
 * and most keys they ask are not in the context, which `contextValue` finds out by walking all of its keys.
 */
function contextReader(context: RequestContext | undefined): (key: string) => ContextValue | undefined {
  if (!context) return () => undefined;
  const values = new Map<string, ContextValue | undefined>();
  for (const name of Object.keys(context)) {
    const key = name.toLowerCase();
    if (!values.has(key)) values.set(key, contextValue(context, key));
  }
  // A key no name lower-cases to is only ever the context's own key as written (keys are asked lower-cased).
  return (key) => (values.has(key) ? values.get(key) : Object.hasOwn(context, key) ? asContextValue(context[key]) : undefined);
}

/**
 * The instant every request is taken to happen at when the test does not give `aws:CurrentTime` or
 * `aws:EpochTime`: AWS includes both in every request, so they are never absent. Fixed, so answers do not change
 * with the day a test runs; give the key in the context to test another instant.
 */
export const DEFAULT_CURRENT_TIME = "2025-01-01T00:00:00Z";
const DEFAULT_EPOCH_TIME = String(Date.parse(DEFAULT_CURRENT_TIME) / 1000);

/**
 * Keys the IAM guide says are in the request context of every request, whatever the principal: never absent.
 * `aws:PrincipalArn`, `aws:PrincipalAccount` and `aws:PrincipalType` follow the principal (`prepareRequest`).
 */
export const ALWAYS_PRESENT_KEYS: ReadonlySet<string> = new Set([
  "aws:currenttime",
  "aws:epochtime",
  "aws:securetransport",
  "aws:requestedregion",
  "aws:principalarn",
  "aws:principalaccount",
  "aws:principaltype",
  "aws:principalisawsservice",
]);

/** `aws:PrincipalIsAWSService`, in every signed request: `true` for a service principal, `false` for an IAM caller. */
export function principalIsAwsService(caller: Caller): string | undefined {
  if (caller.kind === "service") return "true";
  return caller.account !== undefined ? "false" : undefined;
}

/** `aws:PrincipalType` as the IAM guide lists its values; undefined for callers it names no type for. */
export function principalType(caller: Caller): string | undefined {
  switch (caller.kind) {
    case "account":
      return "Account";
    case "user":
      return "User";
    case "session":
      return "AssumedRole";
    case "federated-user":
      return "FederatedUser";
    case "anonymous":
      return "Anonymous";
    default:
      return undefined;
  }
}

/**
 * The value of an always-present key that does not follow the principal: the fixed instant for the time keys,
 * `true` for aws:SecureTransport (the ECR API is HTTPS only), the resource's Region (else the registry's) for
 * aws:RequestedRegion. Undefined for every other key.
 */
export function requestDefault(policy: CompiledPolicy, key: string, resource: string | undefined): string | undefined {
  switch (key) {
    case "aws:currenttime":
      return DEFAULT_CURRENT_TIME;
    case "aws:epochtime":
      return DEFAULT_EPOCH_TIME;
    case "aws:securetransport":
      return "true";
    case "aws:requestedregion": {
      const region = resource?.startsWith("arn:") ? parseArn(resource)?.region : undefined;
      return region || policy.registry?.region || undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Principal-derived keys follow the principal, as AWS sets them on every signed request; a context that names
 * them itself wins, so a test can pin them.
 */
export function prepareRequest(policy: CompiledPolicy, request: EvaluationRequest): PreparedRequest {
  const caller = cachedCaller(policy, request.principal, request.resource);
  if (!caller) {
    throw new TypeError(
      `Cannot read the principal "${request.principal}": use an account id, an IAM or STS ARN, a service principal, "anonymous", or Service:/Federated:/CanonicalUser: followed by the value.`,
    );
  }
  const context = request.context;
  let readContext: ((key: string) => ContextValue | undefined) | undefined;
  const lookup: Lookup = (key) => {
    const value = (readContext ??= contextReader(context))(key);
    if (value !== undefined) return value;
    if (key === "aws:principalarn") return caller.principalArn;
    if (key === "aws:principalaccount") return caller.account;
    if (key === "aws:principaltype") return principalType(caller);
    if (key === "aws:principalisawsservice") return principalIsAwsService(caller);
    return requestDefault(policy, key, request.resource);
  };
  return { request, caller, action: request.action.toLowerCase(), resource: request.resource, lookup };
}

// ---------------------------------------------------------------------------------------------------------------
// The decision alone: the hot path, no allocation beyond what matching needs.

export function principalLevel(statement: CompiledStatement, caller: Caller): PrincipalLevel {
  const principal = statement.principal!;
  if (principal.negated) return notPrincipalExempts(principal.entries, caller).exempt ? undefined : "specific";
  let level: PrincipalLevel;
  for (const entry of principal.entries) {
    const l = matchEntry(entry, caller);
    if (l === "specific") return l;
    if (l) level = l;
  }
  return level;
}

/** Whether a statement's Action/NotAction covers a lower-cased action; a statement without either covers none. */
export function coversAction(statement: CompiledStatement, action: string): boolean {
  if (!statement.action) return false;
  const { matchers, negated } = statement.action;
  let any = false;
  for (const m of matchers) {
    if (m(action)) {
      any = true;
      break;
    }
  }
  return any !== negated;
}

const coverage = new WeakMap<CompiledStatement, readonly boolean[]>();

/**
 * Which actions of the ECR catalog (`ecrCatalog().actions`, in its order) the statement covers, worked out once per
 * compiled statement: the outsider and diff searches ask it of every pair of statements.
 */
export function catalogCoverage(statement: CompiledStatement): readonly boolean[] {
  let covered = coverage.get(statement);
  if (!covered) coverage.set(statement, (covered = ecrCatalog().actions.map((a) => coversAction(statement, a.name.toLowerCase()))));
  return covered;
}

function patternMatches(template: Template, value: string, lookup: Lookup): boolean {
  if (template.isStatic) return template.glob(value);
  const r = template.resolve(lookup);
  return r.ok && matchResolved(r.value, value, false);
}

export function resourceMatches(statement: CompiledStatement, resource: string, lookup: Lookup): boolean {
  const element = statement.resource;
  if (!element) return true;
  if (!element.negated) {
    for (const t of element.patterns) if (patternMatches(t, resource, lookup)) return true;
    return false;
  }
  // Under NotResource a variable without a value leaves it unknown what is excluded; the IAM guide: "If AWS cannot
  // resolve a variable this might cause the entire statement to be invalid". So the statement does not match.
  for (const t of element.patterns) {
    if (t.isStatic) {
      if (t.glob(resource)) return false;
      continue;
    }
    const r = t.resolve(lookup);
    if (!r.ok || matchResolved(r.value, resource, false)) return false;
  }
  return true;
}

/** Whether one request value meets the condition's values: any of them, or for a negated operator none. */
function valueMatches(condition: CompiledCondition, requestValue: string, lookup: Lookup): boolean {
  const { base } = condition.operator!;
  if (base.negated) {
    for (const t of condition.values) {
      const r = t.resolve(lookup);
      if (!r.ok) return false;
      // Operands that cannot be compared (a non-number under NumericNotEquals) make the condition false, not true.
      if (base.test(requestValue, r.value) !== false) return false;
    }
    return true;
  }
  for (const t of condition.values) {
    const r = t.resolve(lookup);
    if (r.ok && base.test(requestValue, r.value) === true) return true;
  }
  return false;
}

/** Whether a condition holds for a request, read through `lookup` (REFERENCE §6). */
export function conditionHolds(condition: CompiledCondition, lookup: Lookup): boolean {
  const op = condition.operator;
  if (!op) return false;
  const value = lookup(condition.key);
  if (op.base.family === "null") {
    const want = value === undefined ? "true" : "false";
    return condition.values.some((t) => t.source.toLowerCase() === want);
  }
  if (value === undefined) {
    if (op.ifExists) return true;
    if (op.set) return op.set === "ForAllValues";
    return op.base.negated;
  }
  if (op.set) {
    // An empty string is an empty data set. IAM User Guide, single-valued vs. multivalued context keys: ForAllValues
    // "also returns true if the context key in the request resolves to an empty data set, such as an empty string".
    // One string is a set of one value: any or all of it is it.
    if (typeof value === "string") return value === "" ? op.set === "ForAllValues" : valueMatches(condition, value, lookup);
    if (value.length === 0) return op.set === "ForAllValues";
    if (op.set === "ForAnyValue") {
      for (const v of value) if (valueMatches(condition, v, lookup)) return true;
      return false;
    }
    for (const v of value) if (!valueMatches(condition, v, lookup)) return false;
    return true;
  }
  // Without a set operator a multi-valued key never matches: single-valued operators compare one value, and the
  // IAM guide tells to use ForAnyValue/ForAllValues with multivalued keys (the differential oracle agrees).
  if (typeof value !== "string") return false;
  return valueMatches(condition, value, lookup);
}

/** A request that carries no context key at all. */
export const NO_CONTEXT: Lookup = () => undefined;

/**
 * How a condition comes out for a request without its key (REFERENCE §6), from the same code that decides
 * requests; undefined for an operator AWS does not have.
 */
export function conditionHoldsWhenAbsent(operatorText: string, values: readonly string[]): boolean | undefined {
  const operator = parseOperator(operatorText);
  if (!operator) return undefined;
  const condition: CompiledCondition = { operatorText, keyText: "", key: "", operator, values: values.map((v) => new Template(v, false)) };
  return conditionHolds(condition, NO_CONTEXT);
}

/**
 * Whether a statement cannot match a request that lacks these condition keys (any case): one of its conditions on
 * them fails without its key.
 */
export function failsWithoutKeys(statement: CompiledStatement, keys: Iterable<string>): boolean {
  const absent = new Set([...keys].map((k) => k.toLowerCase()));
  return statement.conditions.some((c) => absent.has(c.key) && !conditionHolds(c, NO_CONTEXT));
}

/**
 * Whether every condition of a statement on this key (any case) holds for a request that carries `value` for it
 * (a policy variable in a condition resolves to nothing, as for a request without that key). Rules ask it with a
 * value the policy does not name, to learn whether a condition admits any caller (`StringLike "*"`).
 */
export function keyConditionsHoldFor(statement: CompiledStatement, key: string, value: ContextValue): boolean {
  const lower = key.toLowerCase();
  const lookup: Lookup = (k) => (k === lower ? value : undefined);
  return statement.conditions.every((c) => c.key !== lower || conditionHolds(c, lookup));
}

function statementLevel(statement: CompiledStatement, prepared: PreparedRequest): PrincipalLevel {
  if (statement.defects.length) return undefined;
  if (!coversAction(statement, prepared.action)) return undefined;
  const level = principalLevel(statement, prepared.caller);
  if (!level) return undefined;
  if (!resourceMatches(statement, prepared.resource, prepared.lookup)) return undefined;
  for (const c of statement.conditions) if (!conditionHolds(c, prepared.lookup)) return undefined;
  return level;
}

function resourceAccount(policy: CompiledPolicy, resource: string): string | undefined {
  const arn = resource.startsWith("arn:") ? parseArn(resource) : undefined;
  return arn?.account || policy.registry?.account;
}

function decisionOnly(policy: CompiledPolicy, prepared: PreparedRequest): Decision {
  let allowed = false;
  for (const statement of policy.statements) {
    if (statement.effect !== "Deny" && allowed) continue;
    if (!statementLevel(statement, prepared)) continue;
    if (statement.effect === "Deny") return "explicit-deny";
    allowed = true;
  }
  return allowed ? "allow" : "implicit-deny";
}

interface Outcome {
  decision: Decision;
  needsIdentityAllow: boolean;
}

function decidePrepared(policy: CompiledPolicy, prepared: PreparedRequest): Outcome {
  let allowLevel: PrincipalLevel;
  for (const statement of policy.statements) {
    const level = statementLevel(statement, prepared);
    if (!level) continue;
    if (statement.effect === "Deny") return { decision: "explicit-deny", needsIdentityAllow: false };
    if (allowLevel !== "specific") allowLevel = level;
  }
  if (!allowLevel) return { decision: "implicit-deny", needsIdentityAllow: false };
  const caller = prepared.caller;
  let needs = false;
  if (isIamCaller(caller)) {
    const account = resourceAccount(policy, prepared.resource);
    needs = allowLevel === "account" || account === undefined || account !== caller.account;
  }
  return { decision: "allow", needsIdentityAllow: needs };
}

function toCompiled(policy: unknown): CompiledPolicy {
  return compilePolicy(policy);
}

/** The decision alone, for hot loops: no trace is built. */
export function decide(policy: CompiledPolicy | unknown, request: EvaluationRequest): Decision {
  const compiled = toCompiled(policy);
  return decisionOnly(compiled, prepareRequest(compiled, request));
}

// ---------------------------------------------------------------------------------------------------------------
// The explained evaluation: the same decisions, with reasons a person reads.

const SEGMENTS = ["partition", "service", "Region", "account", "resource"] as const;

function joinList(words: readonly string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function quote(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(", ");
}

/** Names the first ARN segment that differs, which is what a person needs to fix a near miss. */
function describeArnMismatch(value: string, pattern: string): string | undefined {
  const v = value.split(":");
  const p = pattern.split(":");
  if (v.length < 6 || p.length < 6 || v[0] !== "arn" || p[0] !== "arn") return undefined;
  const vs = [...v.slice(1, 5), v.slice(5).join(":")];
  const ps = [...p.slice(1, 5), p.slice(5).join(":")];
  for (let i = 0; i < 5; i++) {
    if (!globMatch(ps[i]!, vs[i]!, false)) return `${i < 4 ? `${SEGMENTS[i]} ` : ""}${vs[i] || "(empty)"} does not match ${ps[i] || "(empty)"}`;
  }
  return undefined;
}

/** The Principal entry a caller matches: the first that names it, else the last that names its account. */
function principalMatch(entries: readonly PrincipalEntry[], caller: Caller): { entry: PrincipalEntry; level: "specific" | "account" } | undefined {
  let account: PrincipalEntry | undefined;
  for (const entry of entries) {
    const level = matchEntry(entry, caller);
    if (level === "specific") return { entry, level };
    if (level === "account") account = entry;
  }
  return account && { entry: account, level: "account" };
}

/**
 * The Principal value of a statement that lets a request's caller in, as its trace names it (`matchedValue`),
 * without evaluating the request; undefined under NotPrincipal, or when no value names the caller.
 */
export function matchedPrincipalValue(policy: CompiledPolicy, statement: CompiledStatement, request: EvaluationRequest): string | undefined {
  const caller = cachedCaller(policy, request.principal, request.resource);
  if (!caller || !statement.principal || statement.principal.negated) return undefined;
  return principalMatch(statement.principal.entries, caller)?.entry.source || undefined;
}

function explainPrincipal(statement: CompiledStatement, caller: Caller): PartTrace & { level: PrincipalLevel } {
  const principal = statement.principal;
  if (!principal) return { matched: false, reason: "the statement has no Principal", level: undefined };
  const who = describeCaller(caller);
  if (principal.negated) {
    const listed = quote(principal.entries.map((e) => e.source));
    const { exempt, missing } = notPrincipalExempts(principal.entries, caller);
    if (exempt) return { matched: false, reason: `${who} is listed in NotPrincipal (${listed})`, level: undefined };
    const hint = missing.length ? ` (${joinList(missing)} ${missing.length === 1 ? "is" : "are"} not listed, and AWS may check each on its own)` : "";
    return { matched: true, reason: `${who} is not exempted by NotPrincipal (${listed})${hint}`, level: "specific" };
  }
  const match = principalMatch(principal.entries, caller);
  if (match?.level === "specific") {
    const entry = match.entry;
    const reason =
      entry.kind === "any"
        ? `Principal "*" matches ${who}`
        : entry.kind === "named" && caller.kind === "session"
          ? `${who} is a session of role "${entry.source}"`
          : `${who} matches "${entry.source}"`;
    return { matched: true, reason, matchedValue: entry.source, level: "specific" };
  }
  const accountEntry = match?.entry.source;
  if (accountEntry) {
    return {
      matched: true,
      reason: `${caller.kind === "account" ? who : `${who} is in account ${caller.account}, which`} is named by "${accountEntry}" (a whole account: its identity policies must allow too)`,
      matchedValue: accountEntry,
      level: "account",
    };
  }
  const never = principal.entries.filter((e) => e.kind === "never");
  const extra = never.length ? `; ${never.map((e) => (e.kind === "never" ? e.why : "")).join("; ")}` : "";
  if (principal.entries.length === 0) return { matched: false, reason: "Principal names no principal", level: undefined };
  return { matched: false, reason: `${who} is not ${quote(principal.entries.map((e) => e.source))}${extra}`, level: undefined };
}

function explainAction(statement: CompiledStatement, action: string, shown: string): PartTrace {
  const element = statement.action;
  if (!element) return { matched: false, reason: "the statement has neither Action nor NotAction" };
  const hit = element.patterns.findIndex((p) => p === action || globMatch(p, action, false));
  action = shown;
  const source = hit >= 0 ? element.sources[hit] : undefined;
  if (!element.negated) {
    return hit >= 0
      ? { matched: true, reason: `${action} matches "${source}"`, matchedValue: source! }
      : { matched: false, reason: `${action} is not ${quote(element.sources)}` };
  }
  return hit >= 0
    ? { matched: false, reason: `${action} is excluded by NotAction "${source}"` }
    : { matched: true, reason: `${action} is not excluded by NotAction (${quote(element.sources)})` };
}

function explainResource(statement: CompiledStatement, resource: string, lookup: Lookup): PartTrace {
  const element = statement.resource;
  if (!element) return { matched: true, reason: "no Resource: the policy applies to the resource it is attached to" };
  const unresolved: string[] = [];
  const resolved: string[] = [];
  let hit: string | undefined;
  for (const t of element.patterns) {
    const r = t.resolve(lookup);
    if (!r.ok) {
      unresolved.push(`\${${r.missing}}`);
      continue;
    }
    resolved.push(r.value.text);
    if (hit === undefined && matchResolved(r.value, resource, false)) hit = t.source;
  }
  const missing = unresolved.length ? ` (no value for ${[...new Set(unresolved)].join(", ")})` : "";
  if (!element.negated) {
    if (hit !== undefined) return { matched: true, reason: `${resource} matches "${hit}"`, matchedValue: hit };
    const near = resolved.length === 1 ? describeArnMismatch(resource, resolved[0]!) : undefined;
    if (near) return { matched: false, reason: `${near}${missing}` };
    return { matched: false, reason: `${resource} does not match ${quote(resolved.length ? resolved : element.patterns.map((t) => t.source))}${missing}` };
  }
  if (hit !== undefined) return { matched: false, reason: `${resource} is excluded by NotResource "${hit}"` };
  if (unresolved.length) return { matched: false, reason: `NotResource cannot be applied${missing}` };
  return { matched: true, reason: `${resource} is not excluded by NotResource (${quote(element.patterns.map((t) => t.source))})` };
}

function showValue(value: ContextValue): string {
  return typeof value === "string" ? `"${value}"` : `[${quote(value)}]`;
}

function explainCondition(condition: CompiledCondition, lookup: Lookup): ConditionTrace {
  const base: Omit<ConditionTrace, "matched" | "reason"> = { operator: condition.operatorText, key: condition.keyText, policyValues: [] };
  const unresolved = new Set<string>();
  for (const t of condition.values) {
    const r = t.resolve(lookup);
    if (r.ok) base.policyValues.push(r.value.text);
    else unresolved.add(r.missing);
  }
  const matched = conditionHolds(condition, lookup);
  const value = lookup(condition.key);
  if (value !== undefined) base.requestValue = value;
  if (unresolved.size) base.unresolvedVariables = [...unresolved];
  const op = condition.operator;
  const finish = (reason: string): ConditionTrace => ({ ...base, matched, reason });
  if (!op) return finish(`${condition.operatorText} is not a condition operator, so the condition never holds`);
  const expected = quote(base.policyValues);
  if (op.base.family === "null") {
    return finish(value === undefined ? `${condition.keyText} is absent (Null ${expected})` : `${condition.keyText} is present (Null ${expected})`);
  }
  if (value === undefined) {
    base.missingKey = true;
    const why = op.ifExists
      ? "IfExists holds when the key is absent"
      : op.set === "ForAllValues"
        ? "ForAllValues holds when the key is absent"
        : op.set === "ForAnyValue"
          ? "ForAnyValue fails when the key is absent"
          : op.base.negated
            ? `a negated operator holds when the key is absent`
            : "the key is absent";
    return finish(`${condition.keyText} is absent from the request: ${why}`);
  }
  const missing = unresolved.size ? `; no value for ${[...unresolved].map((v) => `\${${v}}`).join(", ")}` : "";
  if (!op.set && typeof value !== "string") {
    return finish(`${condition.keyText} is multi-valued ${showValue(value)}: without ForAnyValue/ForAllValues the condition never holds`);
  }
  if (op.set && value.length === 0) {
    return finish(`${condition.keyText} is ${typeof value === "string" ? "an empty string" : "an empty list"}, an empty data set: ${op.set === "ForAllValues" ? "ForAllValues holds" : "ForAnyValue fails"}`);
  }
  const verb = matched ? "satisfies" : "does not satisfy";
  return finish(`${condition.keyText} ${showValue(value)} ${verb} ${condition.operatorText} ${expected}${missing}`);
}

function explainStatement(statement: CompiledStatement, prepared: PreparedRequest): StatementTrace {
  const principal = explainPrincipal(statement, prepared.caller);
  const action = explainAction(statement, prepared.action, prepared.request.action);
  const resource = explainResource(statement, prepared.resource, prepared.lookup);
  const conditions = statement.conditions.map((c) => explainCondition(c, prepared.lookup));
  const valid = statement.defects.length === 0;
  const matched = valid && principal.matched && action.matched && resource.matched && conditions.every((c) => c.matched);
  const trace: StatementTrace = {
    index: statement.index,
    effect: statement.effect,
    matched,
    principal: { matched: principal.matched, reason: principal.reason, ...(principal.matchedValue ? { matchedValue: principal.matchedValue } : {}) },
    action,
    resource,
    conditions,
  };
  if (statement.sid !== undefined) trace.sid = statement.sid;
  if (statement.line !== undefined) trace.line = statement.line;
  if (principal.level === "account") trace.accountLevel = true;
  if (!valid) trace.notes = [...statement.defects];
  return trace;
}

/** Evaluates one concrete request and explains, statement by statement, why it is decided so (REFERENCE §6). */
export function evaluateRequest(policy: CompiledPolicy | unknown, request: EvaluationRequest): EvaluationResult {
  const compiled = toCompiled(policy);
  const prepared = prepareRequest(compiled, request);
  const outcome = decidePrepared(compiled, prepared);
  const statements = compiled.statements.map((s) => explainStatement(s, prepared));
  const denies = statements.filter((s) => s.matched && s.effect === "Deny");
  const deciding = outcome.decision === "explicit-deny" ? denies : outcome.decision === "allow" ? statements.filter((s) => s.matched && s.effect === "Allow") : [];
  return { decision: outcome.decision, needsIdentityAllow: outcome.needsIdentityAllow, deciding, statements, request };
}

export { decidePrepared, decisionOnly };
export type { Resolved };
