import { propertyName, type JsonExpression, type JsonObject, type JsonProperty } from "../parse.js";
import { findProperty, stringOf, type StringValue } from "./policy.js";

export interface ReplicationDestination {
  node: JsonObject;
  region: StringValue | undefined;
  registryId: StringValue | undefined;
}

export interface ReplicationRule {
  node: JsonObject;
  destinations: ReplicationDestination[];
  filters: { node: JsonObject; filter: StringValue | undefined; filterType: StringValue | undefined }[];
}

export interface ReplicationConfiguration {
  node: JsonObject;
  rules: ReplicationRule[];
}

export interface PullThroughCacheRule {
  node: JsonObject;
  prefix: StringValue | undefined;
  upstreamRegistryUrl: StringValue | undefined;
  upstreamRegistry: StringValue | undefined;
}

export interface RepositoryCreationTemplate {
  node: JsonObject;
  prefix: StringValue | undefined;
  appliedFor: StringValue[];
  repositoryPolicy: StringValue | undefined;
}

function str(node: JsonObject, name: string): StringValue | undefined {
  const p = findProperty(node, name);
  if (!p) return undefined;
  const value = stringOf(p.value);
  return value === undefined ? undefined : { value, node: p.value };
}

function objects(value: JsonExpression | undefined): JsonObject[] {
  if (!value || value.type !== "JSONArrayExpression") return [];
  return value.elements.filter((e): e is JsonObject => e?.type === "JSONObjectExpression");
}

/** `{"rules": [...]}`, or the same wrapped in `replicationConfiguration` (describe-registry output). */
export function replicationRoot(root: JsonObject): JsonObject | undefined {
  const wrapped = findProperty(root, "replicationConfiguration");
  const node = wrapped?.value.type === "JSONObjectExpression" ? wrapped.value : root;
  const rules = findProperty(node, "rules");
  if (!rules || rules.value.type !== "JSONArrayExpression") return undefined;
  const looksLikeReplication = objects(rules.value).some((r) => findProperty(r, "destinations") !== undefined);
  return looksLikeReplication ? node : undefined;
}

export function readReplicationConfiguration(node: JsonObject): ReplicationConfiguration {
  const rulesProp = findProperty(node, "rules");
  return {
    node,
    rules: objects(rulesProp?.value).map((rule) => ({
      node: rule,
      destinations: objects(findProperty(rule, "destinations")?.value).map((d) => ({
        node: d,
        region: str(d, "region"),
        registryId: str(d, "registryId"),
      })),
      filters: objects(findProperty(rule, "repositoryFilters")?.value).map((f) => ({
        node: f,
        filter: str(f, "filter"),
        filterType: str(f, "filterType"),
      })),
    })),
  };
}

function isPullThroughCacheRule(node: JsonObject): boolean {
  return findProperty(node, "ecrRepositoryPrefix") !== undefined &&
    (findProperty(node, "upstreamRegistryUrl") !== undefined || findProperty(node, "upstreamRegistry") !== undefined);
}

/** A single rule, a list of rules, or `{"pullThroughCacheRules": [...]}` (describe output). */
export function pullThroughCacheNodes(root: JsonExpression): JsonObject[] | undefined {
  if (root.type === "JSONArrayExpression") {
    const list = objects(root);
    return list.length > 0 && list.every(isPullThroughCacheRule) ? list : undefined;
  }
  if (root.type !== "JSONObjectExpression") return undefined;
  if (isPullThroughCacheRule(root)) return [root];
  const wrapped = findProperty(root, "pullThroughCacheRules");
  if (wrapped?.value.type === "JSONArrayExpression") return objects(wrapped.value).filter(isPullThroughCacheRule);
  return undefined;
}

export function readPullThroughCacheRule(node: JsonObject): PullThroughCacheRule {
  return {
    node,
    prefix: str(node, "ecrRepositoryPrefix"),
    upstreamRegistryUrl: str(node, "upstreamRegistryUrl"),
    upstreamRegistry: str(node, "upstreamRegistry"),
  };
}

function isCreationTemplate(node: JsonObject): boolean {
  const applied = findProperty(node, "appliedFor");
  return applied !== undefined && findProperty(node, "prefix") !== undefined;
}

export function creationTemplateNode(root: JsonObject): JsonObject | undefined {
  if (isCreationTemplate(root)) return root;
  const wrapped = findProperty(root, "repositoryCreationTemplate");
  return wrapped?.value.type === "JSONObjectExpression" && isCreationTemplate(wrapped.value) ? wrapped.value : undefined;
}

export function readRepositoryCreationTemplate(node: JsonObject): RepositoryCreationTemplate {
  const applied = findProperty(node, "appliedFor")?.value;
  const appliedFor: StringValue[] = [];
  if (applied?.type === "JSONArrayExpression") {
    for (const e of applied.elements) {
      const v = e ? stringOf(e) : undefined;
      if (e && v !== undefined) appliedFor.push({ value: v, node: e });
    }
  }
  return { node, prefix: str(node, "prefix"), appliedFor, repositoryPolicy: str(node, "repositoryPolicy") };
}

export function propertyNames(node: JsonObject): string[] {
  return node.properties.map((p: JsonProperty) => propertyName(p));
}
