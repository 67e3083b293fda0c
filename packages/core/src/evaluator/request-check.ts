import { ACCOUNT_ID, parseArn, REPOSITORY_NAME } from "../arn.js";
import { ecrCatalog, findEcrAction } from "../catalog.js";
import { conditionKeySuggestions, findConditionKey } from "../condition-keys.js";
import { closest } from "../did-you-mean.js";
import { isPartition, isRegionInPartition, partitionById, regionStatus, suggestRegion } from "../partitions.js";
import type { CompiledPolicy } from "./compile.js";
import { parseCaller } from "./principal.js";
import type { ContextValue } from "./types.js";

/**
 * Checks of a request a test writes, before it is evaluated: a misspelled action, a resource that is no repository
 * ARN or an unreadable principal would make every Deny expectation pass without testing anything.
 */

export interface RequestProblem {
  /** What the problem is about: `action`, `resource`, `principal`, or `context` followed by the key. */
  key: "action" | "resource" | "principal" | `context.${string}`;
  severity: "error" | "warning";
  message: string;
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
  const problems: RequestProblem[] = [];
  const action = checkAction(request.action);
  if (action) problems.push(action);
  if (request.principal !== undefined && !parseCaller(request.principal)) {
    problems.push({
      key: "principal",
      severity: "error",
      message: `Cannot read the principal "${request.principal}": use an account id, an IAM or STS ARN, a service principal, "anonymous", or Service:/Federated:/CanonicalUser: followed by the value.`,
    });
  }
  if (request.resource !== undefined && !action) {
    const resource = checkResource(policy, request.action, request.resource);
    if (resource) problems.push(resource);
  }
  const known = policyKeys(policy);
  for (const key of Object.keys(request.context ?? {})) {
    if (findConditionKey(key) || known.has(key.toLowerCase())) continue;
    const suggestion = closest(key, [...known.values(), ...conditionKeySuggestions(key)], 3, true);
    problems.push({ key: `context.${key}`, severity: "warning", message: `Context key "${key}" is neither a condition key of ECR requests nor one the policy uses, so it changes nothing${didYouMean(suggestion)}.` });
  }
  return problems;
}
