import { ACCOUNT_ID, parseArn, REPOSITORY_NAME } from "../arn.js";
import { ecrCatalog, findEcrAction } from "../catalog.js";
import { conditionKeySuggestions, findConditionKey } from "../condition-keys.js";
import { closest } from "../did-you-mean.js";
import { isPartition, isRegionInPartition, PARTITIONS, partitionById, partitionOfRegion, regionStatus, suggestRegion } from "../partitions.js";
import { hasWildcard } from "../wildcard.js";
import type { CompiledPolicy } from "./compile.js";
import { parseCidr, parseDate, parseNumber } from "./operators.js";
import { parseCaller } from "./principal.js";
import type { ContextValue } from "./types.js";

/**
 * Checks of a request a test writes, before it is evaluated: a misspelled action, a resource that is no repository
 * ARN or an unreadable principal would make every Deny expectation pass without testing anything.
 */

export interface RequestProblem {
  /** What the problem is about: `action`, `resource`, `principal`, or `context` followed by the key. */
  key: "action" | "resource" | "principal" | "principals" | "context" | `context.${string}` | `registry.${string}` | "registry";
  severity: "error" | "warning";
  message: string;
}

/** The largest time a JavaScript Date holds (ECMA-262 §21.4.1.1): 100,000,000 days either side of 1970. */
const MAX_TIME_MS = 8.64e15;

/**
 * What a value of each typed key must look like, with an example: a value of the wrong form would make every
 * condition on the key false (or throw further on), so a Deny expectation would pass without testing anything.
 * The forms are the IAM condition operators' (IAM User Guide, "IAM JSON policy elements: Condition operators").
 */
const VALUE_FORMS: Record<string, { valid: (text: string) => boolean; form: string }> = {
  Date: {
    valid: (text) => {
      const ms = parseDate(text);
      return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME_MS;
    },
    form: "an ISO 8601 date (2024-05-01, 2024-05-01T12:00:00Z) or epoch seconds (1714564800)",
  },
  Numeric: { valid: (text) => parseNumber(text) !== undefined, form: "a number (3600)" },
  Bool: { valid: (text) => /^(?:true|false)$/iu.test(text), form: '"true" or "false"' },
  IPAddress: { valid: (text) => parseCidr(text) !== undefined, form: "an IPv4 or IPv6 address or CIDR block (203.0.113.7, 2001:db8::/32)" },
};

/** A context value that its key's type cannot read (`aws:CurrentTime=9000000000000x`), as an error naming both. */
function checkContextValue(key: string, value: ContextValue): RequestProblem | undefined {
  const type = findConditionKey(key)?.type.replace(/^ArrayOf/u, "");
  const form = type === undefined ? undefined : VALUE_FORMS[type];
  if (!form) return undefined;
  for (const text of typeof value === "string" ? [value] : value) {
    if (typeof text === "string" && form.valid(text)) continue;
    return { key: `context.${key}`, severity: "error", message: `Context key "${key}" takes ${form.form}; ${JSON.stringify(text)} is not one.` };
  }
  return undefined;
}

/** A request value the evaluator cannot answer for; `key` says which (`action`, `resource`, `principal`). */
export class RequestValueError extends TypeError {
  readonly key: RequestProblem["key"];
  constructor(problem: RequestProblem) {
    super(problem.message);
    this.name = "RequestValueError";
    this.key = problem.key;
  }
}

export interface CheckedRequest {
  action: string;
  principal?: string | undefined;
  resource?: string | undefined;
  context?: Readonly<Record<string, ContextValue>> | undefined;
  /** The principal scope of a quantified request: refused together with `principal`. */
  principals?: unknown;
  /** Accept a resource outside the policy's registry (another account or Region): off by default. */
  crossRegistry?: boolean | undefined;
  /** Range over the context keys not given (checked for its type only). */
  anyContext?: boolean | undefined;
}

/** The registry a test names, before it is read: account, Region, partition. */
export interface RegistryFields {
  account?: unknown;
  region?: unknown;
  partition?: unknown;
}

const PARTITION_IDS = PARTITIONS.map((p) => p.id);

/**
 * Problems of the registry a test names (cases files' `registry`, the helpers' `registry` option). A wrong account
 * or Region would put every repository outside the policy's reach, and every Deny expectation would pass: errors
 * for an account that is not 12 digits, an unknown partition, a Region that is no Region of its partition (with a
 * did-you-mean); a warning for a Region that fits its partition's shape but is not known today (maybe a new one).
 */
export function checkRegistry(registry: unknown): RequestProblem[] {
  const problems: RequestProblem[] = [];
  if (registry === undefined) return problems;
  if (registry === null || typeof registry !== "object" || Array.isArray(registry)) {
    return [{ key: "registry", severity: "error", message: `registry must be an object with account, region and partition, got ${describeValue(registry)}.` }];
  }
  const { account, region, partition } = registry as RegistryFields;
  const error = (key: "account" | "region" | "partition", message: string) => problems.push({ key: `registry.${key}`, severity: "error", message: `registry.${key}: ${message}` });
  for (const [key, value] of [["account", account], ["region", region], ["partition", partition]] as const) {
    if (value !== undefined && typeof value !== "string") error(key, `must be a string, got ${describeValue(value)}`);
  }
  if (problems.length) return problems;
  if (typeof account === "string" && !ACCOUNT_ID.test(account)) error("account", `"${account}" is not an account id (12 digits)`);
  if (typeof partition === "string" && !isPartition(partition)) {
    error("partition", `"${partition}" is not a partition${didYouMean(closest(partition, PARTITION_IDS, 3))} (one of ${PARTITION_IDS.join(", ")})`);
    return problems;
  }
  if (typeof region === "string") {
    const inPartition = typeof partition === "string" ? partition : partitionOfRegion(region);
    const suggestion = suggestRegion(region, inPartition);
    if (typeof partition === "string" && !isRegionInPartition(region, partition)) {
      const other = partitionOfRegion(region);
      error("region", `"${region}" is no Region of the partition ${partition}${other && regionStatus(region) === "known" ? ` (it is in ${other})` : ""}${didYouMean(suggestion ?? partitionById(partition)?.knownRegions[0])}`);
    } else if (regionStatus(region) === "unknown") {
      error("region", `"${region}" is not a Region of any partition${didYouMean(suggestRegion(region))}`);
    } else if (regionStatus(region) !== "known") {
      // Close to a known Region: a typo. Otherwise it fits the partition's shape and may be a new Region.
      if (suggestion) error("region", `"${region}" is not a Region${didYouMean(suggestion)}`);
      else problems.push({ key: "registry.region", severity: "warning", message: `registry.region: "${region}" is not a Region of the partition ${inPartition} today.` });
    }
  }
  return problems;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an object (${JSON.stringify(value).slice(0, 60)})`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Problems of the shape of a request written in JavaScript: each field has the type the evaluator reads. */
function checkShapes(request: CheckedRequest): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const r = request as unknown as Record<string, unknown>;
  if (typeof r.action !== "string") problems.push({ key: "action", severity: "error", message: `action must be a string such as "ecr:BatchGetImage", got ${describeValue(r.action)}.` });
  if (r.principal !== undefined && typeof r.principal !== "string") {
    problems.push({ key: "principal", severity: "error", message: `principal must be a string (an account id, an IAM or STS ARN, a service principal or "anonymous"), got ${describeValue(r.principal)}.` });
  }
  if (r.resource !== undefined && typeof r.resource !== "string") problems.push({ key: "resource", severity: "error", message: `resource must be a repository ARN string, got ${describeValue(r.resource)}.` });
  if (r.context !== undefined) {
    if (r.context === null || typeof r.context !== "object" || Array.isArray(r.context)) {
      problems.push({ key: "context", severity: "error", message: `context must be an object of key to string or list of strings, got ${describeValue(r.context)}.` });
    } else {
      for (const [key, value] of Object.entries(r.context)) {
        const ok = typeof value === "string" || (Array.isArray(value) && value.every((v) => typeof v === "string"));
        if (!ok) problems.push({ key: `context.${key}`, severity: "error", message: `context["${key}"] must be a string or a list of strings (IAM compares text: write "5", not 5), got ${describeValue(value)}.` });
      }
    }
  }
  for (const key of ["anyContext", "crossRegistry"] as const) {
    if (r[key] !== undefined && typeof r[key] !== "boolean") problems.push({ key: key === "anyContext" ? "context" : "resource", severity: "error", message: `${key} must be true or false, got ${describeValue(r[key])}.` });
  }
  if (r.principals !== undefined && (r.principals === null || typeof r.principals !== "object" || Array.isArray(r.principals))) {
    problems.push({ key: "principals", severity: "error", message: `principals must be an object (kinds, accounts, excludeAccounts, excludePrincipals), got ${describeValue(r.principals)}.` });
  }
  return problems;
}

const didYouMean = (name: string | undefined) => (name ? ` (did you mean "${name}"?)` : "");

function checkAction(action: string): RequestProblem | undefined {
  if (findEcrAction(action)) return undefined;
  const names = ecrCatalog().actions.map((a) => a.name);
  const colon = action.indexOf(":");
  const service = colon > 0 ? action.slice(0, colon).toLowerCase() : "";
  if (colon > 0 && service !== "ecr") {
    const suggestion = closest(`ecr:${action.slice(colon + 1)}`, names, 3, true);
    return { key: "action", severity: "error", message: `"${action}" is not an ECR action, so an ECR policy never decides it${didYouMean(suggestion)}.` };
  }
  const suggestion = closest(colon > 0 ? action : `ecr:${action}`, names, 4, true);
  return { key: "action", severity: "error", message: `"${action}" is not an action of the ECR catalog${didYouMean(suggestion)}.` };
}

/** The partition the policy's resources are in: its registry's, else the one its Resource ARNs name, if only one. */
function policyPartition(policy: CompiledPolicy): string | undefined {
  if (policy.registry?.partition) return policy.registry.partition;
  const named = new Set<string>();
  for (const s of policy.statements) {
    for (const t of s.resource?.patterns ?? []) {
      const partition = parseArn(t.source)?.partition;
      if (partition && isPartition(partition)) named.add(partition);
    }
  }
  return named.size === 1 ? [...named][0] : undefined;
}

function checkResource(policy: CompiledPolicy, action: string, resource: string): RequestProblem | undefined {
  const catalogAction = findEcrAction(action);
  const problem = (message: string): RequestProblem => ({ key: "resource", severity: "error", message: `Resource "${resource}" ${message}.` });
  if (catalogAction && catalogAction.resourceTypes.length === 0) {
    return resource === "*" ? undefined : problem(`cannot be asked about: ${catalogAction.name} acts on no resource type, so its requests carry the resource "*"`);
  }
  const arn = parseArn(resource);
  const shape = "arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME";
  if (!arn) return problem(`is not an ARN (an ECR repository ARN reads ${shape})`);
  const partition = policyPartition(policy);
  if (!isPartition(arn.partition)) return problem(`names the partition "${arn.partition}", which does not exist${didYouMean(closest(arn.partition, ["aws", "aws-cn", "aws-us-gov"], 2))}`);
  if (partition && arn.partition !== partition) return problem(`is in the partition "${arn.partition}", but the policy is in "${partition}"`);
  if (arn.service !== "ecr") return problem(`names the service "${arn.service}", not ecr`);
  if (!isRegionInPartition(arn.region, arn.partition)) {
    const suggestion = suggestRegion(arn.region, arn.partition) ?? partitionById(arn.partition)?.knownRegions[0];
    return problem(`names "${arn.region}", which is no Region of the partition ${arn.partition}${didYouMean(suggestion)}`);
  }
  if (regionStatus(arn.region) !== "known") {
    // A Region of the partition's shape that does not exist today may be a new one (REFERENCE §5): a warning.
    const suggestion = suggestRegion(arn.region, arn.partition);
    return { key: "resource", severity: "warning", message: `Resource "${resource}" names "${arn.region}", which is not a Region of the partition ${arn.partition} today${didYouMean(suggestion)}.` };
  }
  if (!ACCOUNT_ID.test(arn.account)) return problem(`names the account "${arn.account}", which is not 12 digits`);
  const slash = arn.resource.indexOf("/");
  const type = slash < 0 ? arn.resource : arn.resource.slice(0, slash);
  if (type !== "repository") return problem(`names the resource type "${type}", not repository${didYouMean(closest(type, ["repository"], 3))}`);
  const name = arn.resource.slice(slash + 1);
  if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    return problem(`names "${name}", which is not a repository name (2-256 characters: lowercase letters and digits, joined by ".", "_", "-" or "/")`);
  }
  return undefined;
}

/** One value of an ARN field across the policy's Resource ARNs, when they all name the same one without a wildcard. */
function namedByResources(policy: CompiledPolicy, field: "account" | "region"): string | undefined {
  const named = new Set<string>();
  for (const s of policy.statements) {
    if (s.resource?.negated) return undefined;
    for (const t of s.resource?.patterns ?? []) {
      const arn = parseArn(t.source);
      if (!arn || arn.service !== "ecr") continue;
      const value = arn[field];
      if (!value || hasWildcard(value) || value.includes("${")) return undefined;
      named.add(value);
    }
  }
  return named.size === 1 ? [...named][0] : undefined;
}

/**
 * A resource in another account or Region than the policy's registry (given, inferred from the configuration or
 * the file's path, else the one the policy's own Resource ARNs name): the policy can never govern it, so a Deny
 * expectation about it tests nothing.
 */
function checkRegistryOfResource(policy: CompiledPolicy, resource: string): RequestProblem | undefined {
  const arn = parseArn(resource);
  if (!arn) return undefined;
  const account = policy.registry?.account ?? namedByResources(policy, "account");
  const region = policy.registry?.region ?? namedByResources(policy, "region");
  const registry = `${account ?? "any account"} in ${region ?? "any Region"}`;
  const optIn = 'set "crossRegistry": true to ask about it anyway';
  if (account && arn.account !== account) {
    return { key: "resource", severity: "error", message: `Resource "${resource}" is in the account ${arn.account}, outside the policy's registry (${registry}): the policy never governs it, so a deny tests nothing; ${optIn}.` };
  }
  if (region && arn.region !== region) {
    return { key: "resource", severity: "error", message: `Resource "${resource}" is in the Region ${arn.region}, outside the policy's registry (${registry}): the policy never governs it, so a deny tests nothing; ${optIn}.` };
  }
  return undefined;
}

/** Keys the policy itself compares or substitutes, as written. */
function policyKeys(policy: CompiledPolicy): Map<string, string> {
  const keys = new Map<string, string>();
  for (const s of policy.statements) {
    for (const c of s.conditions) keys.set(c.key, c.keyText);
    for (const t of [...(s.resource?.patterns ?? []), ...s.conditions.flatMap((c) => c.values)]) {
      for (const segment of t.segments ?? []) if (segment.kind === "var") keys.set(segment.key, segment.name);
    }
  }
  return keys;
}

/**
 * Problems of a request before it is evaluated: errors for an action outside the ECR catalog, a resource that is not
 * a well-formed repository ARN of the policy's partition (or `*` for actions on no resource type), an unreadable
 * principal; a warning for a context key that neither AWS nor the policy knows, with a did-you-mean.
 */
export function checkRequest(policy: CompiledPolicy, request: CheckedRequest): RequestProblem[] {
  const problems: RequestProblem[] = checkShapes(request);
  if (problems.length) return problems;
  const action = checkAction(request.action);
  if (action) problems.push(action);
  if (request.principal !== undefined && request.principals !== undefined) {
    problems.push({
      key: "principals",
      severity: "error",
      message: `Give either "principal" (one caller) or "principals" (a scope of callers the request ranges over), not both: with a principal, the scope would be ignored.`,
    });
  }
  if (request.principal !== undefined && hasWildcard(request.principal)) {
    problems.push({
      key: "principal",
      severity: "error",
      message: `The principal "${request.principal}" is a pattern, but a request has one concrete caller. To ask about every caller it stands for, leave "principal" out and narrow the callers with "principals" (kinds, accounts, excludeAccounts, excludePrincipals).`,
    });
  } else if (request.principal !== undefined && !parseCaller(request.principal)) {
    problems.push({
      key: "principal",
      severity: "error",
      message: `Cannot read the principal "${request.principal}": use an account id, an IAM or STS ARN, a service principal, "anonymous", or Service:/Federated:/CanonicalUser: followed by the value.`,
    });
  }
  if (request.resource !== undefined && !action) {
    const resource = checkResource(policy, request.action, request.resource) ?? (request.crossRegistry || request.resource === "*" ? undefined : checkRegistryOfResource(policy, request.resource));
    if (resource) problems.push(resource);
  }
  const known = policyKeys(policy);
  for (const key of Object.keys(request.context ?? {})) {
    const typed = checkContextValue(key, request.context![key]!);
    if (typed) problems.push(typed);
    if (findConditionKey(key) || known.has(key.toLowerCase())) continue;
    const suggestion = closest(key, [...known.values(), ...conditionKeySuggestions(key)], 3, true);
    problems.push({ key: `context.${key}`, severity: "warning", message: `Context key "${key}" is neither a condition key of ECR requests nor one the policy uses, so it changes nothing${didYouMean(suggestion)}.` });
  }
  return problems;
}
