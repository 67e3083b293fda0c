import { propertyName, type JsonExpression, type JsonObject, type JsonProperty } from "../parse.js";
import { findProperty, type StringValue } from "./policy.js";
import { plainJsonValues, type ValueReader } from "./values.js";

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
  /** The `appliedFor` property (a list is expected). */
  appliedForProperty: JsonProperty | undefined;
  appliedFor: StringValue[];
  /**
   * The policy as a string, when the host writes one (the API's type, and CloudFormation's and the AWS provider's):
   * a JSON string, or a host expression that gives one (`jsonencode({…})`, a policy document's `.json`, `file()`,
   * `Fn::Sub`, `Fn::ToJsonString`, a variable or parameter), then unknown unless written out. Undefined when the value
   * is no string in its host (an object, a list). Its document is read separately.
   */
  repositoryPolicy: StringValue | undefined;
  repositoryPolicyProperty: JsonProperty | undefined;
  /** `resourceTags` (a list of `{Key, Value}`), when present. */
  resourceTags: JsonProperty | undefined;
  /** `encryptionConfiguration.encryptionType` (`AES256`, `KMS`, `KMS_DSSE`). */
  encryptionType: StringValue | undefined;
  encryptionConfiguration: JsonProperty | undefined;
  customRoleArn: StringValue | undefined;
  customRoleArnProperty: JsonProperty | undefined;
}

/**
 * A property by its API name (`ecrRepositoryPrefix`) or its CloudFormation name (`EcrRepositoryPrefix`): the ECR API
 * and the CLI write camelCase, CloudFormation PascalCase, and the two shapes are otherwise the same.
 */
export function field(node: JsonObject, name: string): JsonProperty | undefined {
  return findProperty(node, name) ?? findProperty(node, name[0]!.toUpperCase() + name.slice(1));
}

function str(node: JsonObject, name: string, values: ValueReader = plainJsonValues): StringValue | undefined {
  const p = field(node, name);
  if (!p) return undefined;
  const read = values.string(p.value);
  if (!read) return undefined;
  return read.unknown ? { value: read.value, node: p.value, unknown: true } : { value: read.value, node: p.value };
}

function objects(value: JsonExpression | undefined): JsonObject[] {
  if (!value || value.type !== "JSONArrayExpression") return [];
  return value.elements.filter((e): e is JsonObject => e?.type === "JSONObjectExpression");
}

/**
 * `{"rules": [...]}`, or the same wrapped in `replicationConfiguration` (describe-registry and
 * get-replication-configuration output; CloudFormation's `ReplicationConfiguration` property).
 */
export function replicationRoot(root: JsonObject): JsonObject | undefined {
  const wrapped = field(root, "replicationConfiguration");
  const node = wrapped?.value.type === "JSONObjectExpression" ? wrapped.value : root;
  const rules = field(node, "rules");
  if (!rules || rules.value.type !== "JSONArrayExpression") return undefined;
  const looksLikeReplication = objects(rules.value).some((r) => field(r, "destinations") !== undefined);
  return looksLikeReplication ? node : undefined;
}

export function readReplicationConfiguration(node: JsonObject, values: ValueReader = plainJsonValues): ReplicationConfiguration {
  const rulesProp = field(node, "rules");
  return {
    node,
    rules: objects(rulesProp?.value).map((rule) => ({
      node: rule,
      destinations: objects(field(rule, "destinations")?.value).map((d) => ({
        node: d,
        region: str(d, "region", values),
        registryId: str(d, "registryId", values),
      })),
      filters: objects(field(rule, "repositoryFilters")?.value).map((f) => ({
        node: f,
        filter: str(f, "filter", values),
        filterType: str(f, "filterType", values),
      })),
    })),
  };
}

function isPullThroughCacheRule(node: JsonObject): boolean {
  return field(node, "ecrRepositoryPrefix") !== undefined && (field(node, "upstreamRegistryUrl") !== undefined || field(node, "upstreamRegistry") !== undefined);
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

export function readPullThroughCacheRule(node: JsonObject, values: ValueReader = plainJsonValues): PullThroughCacheRule {
  return {
    node,
    prefix: str(node, "ecrRepositoryPrefix", values),
    upstreamRegistryUrl: str(node, "upstreamRegistryUrl", values),
    upstreamRegistry: str(node, "upstreamRegistry", values),
  };
}

export function isCreationTemplate(node: JsonObject): boolean {
  return field(node, "appliedFor") !== undefined && field(node, "prefix") !== undefined;
}

/** A template, or the same wrapped in `repositoryCreationTemplate` (create and update output). */
export function creationTemplateNode(root: JsonObject): JsonObject | undefined {
  if (isCreationTemplate(root)) return root;
  const wrapped = field(root, "repositoryCreationTemplate");
  return wrapped?.value.type === "JSONObjectExpression" && isCreationTemplate(wrapped.value) ? wrapped.value : undefined;
}

export function readRepositoryCreationTemplate(node: JsonObject, values: ValueReader = plainJsonValues): RepositoryCreationTemplate {
  const appliedForProperty = field(node, "appliedFor");
  const applied = appliedForProperty?.value;
  const appliedFor: StringValue[] = [];
  const read = (e: JsonExpression) => {
    const v = values.string(e);
    if (v) appliedFor.push(v.unknown ? { value: v.value, node: e, unknown: true } : { value: v.value, node: e });
  };
  if (applied?.type === "JSONArrayExpression") {
    for (const e of applied.elements) if (e) read(e);
  } else if (applied && values.isExpression(applied)) read(applied);
  const encryptionConfiguration = field(node, "encryptionConfiguration");
  const encryption = encryptionConfiguration?.value.type === "JSONObjectExpression" ? encryptionConfiguration.value : undefined;
  const customRoleArnProperty = field(node, "customRoleArn");
  const repositoryPolicyProperty = field(node, "repositoryPolicy");
  return {
    node,
    prefix: str(node, "prefix", values),
    appliedForProperty,
    appliedFor,
    repositoryPolicy: str(node, "repositoryPolicy", values),
    repositoryPolicyProperty,
    resourceTags: field(node, "resourceTags"),
    encryptionType: encryption ? str(encryption, "encryptionType", values) : undefined,
    encryptionConfiguration,
    customRoleArn: str(node, "customRoleArn", values),
    customRoleArnProperty,
  };
}

export function propertyNames(node: JsonObject): string[] {
  return node.properties.map((p: JsonProperty) => propertyName(p));
}
