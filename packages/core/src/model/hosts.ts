import type { AST } from "jsonc-eslint-parser";
import { propertyName, rootExpression, type JsonExpression, type JsonObject, type JsonProgram, type JsonProperty } from "../parse.js";
import { parseEmbeddedJson, walkNodes } from "../embedded-json.js";
import { terraformValues, type TerraformBlock } from "../terraform.js";
import { matchesReference, policyDocumentName, type TerraformDataUse } from "../terraform-module.js";
import { dataDocumentRoot, synthetic } from "./terraform-policy-document.js";
import { setParents } from "../yaml.js";
import type { JsonNode } from "../parse.js";
import { cloudFormationValues } from "../cloudformation.js";
import type { RegistryContext } from "../config/registry.js";
import { readPolicyDocument, type PolicyDocument } from "./policy.js";
import {
  creationTemplateNode,
  field,
  isCreationTemplate,
  pullThroughCacheNodes,
  readPullThroughCacheRule,
  readReplicationConfiguration,
  readRepositoryCreationTemplate,
  replicationRoot,
} from "./other-kinds.js";
import { foreignHost, isUnknownValue, markEncodedJson, markUnknown, plainJsonValues, type ValueReader } from "./values.js";
import { policyNameVerdict, type DeclaredKind, type KindDecision } from "./kinds.js";
import type { DocumentHost, PolicyFile } from "./policy-file.js";

type PolicyKind = "registry-policy" | "repository-policy";

/** Builds a policy document of a given kind from an already read model. */
export function policyDocumentOf(ast: JsonProgram, root: JsonObject, policy: PolicyDocument, kind: PolicyKind, host: DocumentHost, decision: KindDecision): PolicyFile {
  return { kind, ast, root, policy, host, decision };
}

/**
 * A stand-in for a policy whose text is not JSON (`"policyText": "{\"Version\": "`), or for a file named as a policy
 * that holds none (`[]`): an empty document located at the host string or value, whose one model problem (`unparsable-text`) sits where the parser stopped. valid-policy reports
 * it, in the runner and in ESLint alike, and no other rule finds anything in it.
 */
export function unreadablePolicy(ast: JsonProgram, literal: JsonExpression, kind: PolicyKind, host: DocumentHost, decision: KindDecision, message: string, at: { range: [number, number]; loc: AST.SourceLocation }): PolicyFile {
  const node = { type: "JSONObjectExpression", properties: [], range: literal.range, loc: literal.loc, parent: literal.parent } as unknown as JsonObject;
  const policy = readPolicyDocument(node);
  const marker = { type: "JSONLiteral", value: null, raw: "", range: at.range, loc: at.loc, parent: literal } as unknown as JsonExpression;
  policy.problems.push({ code: "unparsable-text", message, node: marker });
  return { kind, ast, root: node, policy, host, decision };
}

const notAPolicy = (label: string) => `${label} must hold a policy: a JSON object with a "Statement".`;

/**
 * The policy of a host property: a JSON object (read in place, with the host's values), a value the host encodes
 * as JSON text (`jsonencode({…})`, `Fn::ToJsonString`: read in place), or a JSON string (parsed and moved onto host
 * coordinates). A host expression (`{"Fn::If": …}`) gives no document: its policy is unknown.
 */
function policyAt(ast: JsonProgram, property: JsonProperty, kind: PolicyKind, host: DocumentHost, decision: KindDecision, values: ValueReader): PolicyFile | undefined {
  const value = property.value;
  const label = `"${propertyName(property)}"`;
  const encoded = values.encoded?.(value);
  if (encoded) {
    // jsonencode({…}), Fn::ToJsonString: the string is the JSON text of the value written there.
    if (encoded.type === "JSONObjectExpression" && !values.isExpression(encoded)) return policyDocumentOf(ast, encoded, readPolicyDocument(encoded, values), kind, host, decision);
    if (values.isExpression(encoded) || isUnknownValue(encoded)) return undefined;
    return unreadablePolicy(ast, value, kind, host, decision, notAPolicy(label), encoded);
  }
  if (value.type === "JSONObjectExpression") {
    // A policy written as JSON text under CloudFormation's Fn::Sub is read as the text the stack fills in; a ${…}
    // outside the JSON's strings (`"Principal": ${Principals}`) leaves it unparsable, and so unknown.
    const template = values.template?.(value);
    if (template) return template.literal.type === "JSONLiteral" ? policyInString(ast, label, template.literal, kind, host, decision, template.values) : undefined;
    if (values.isExpression(value)) return undefined;
    return policyDocumentOf(ast, value, readPolicyDocument(value, values), kind, host, decision);
  }
  if (value.type !== "JSONLiteral" || typeof value.value !== "string") return undefined;
  return policyInString(ast, label, value, kind, host, decision);
}

/**
 * The policy a host string holds. `substituted` reads the strings of a template the host fills in (`Fn::Sub`):
 * its `${…}` resolve, or are unknown.
 */
function policyInString(ast: JsonProgram, label: string, value: AST.JSONLiteral, kind: PolicyKind, host: DocumentHost, decision: KindDecision, substituted?: ValueReader): PolicyFile | undefined {
  const foreign = foreignHost(ast);
  // A Terraform string with interpolations (`"arn:aws:iam::${var.account}:root"` in a heredoc, or in a `.tf.json`
  // string) is still read as JSON: only what the interpolations compute is unknown. If the JSON only parses once
  // they are known (`"Principal": ${jsonencode(…)}`), the policy is unknown and not judged.
  const interpolated = foreign?.syntax === "hcl" && (foreign.unknownRanges ?? []).some(([s, e]) => value.range[0] < e && s < value.range[1]);
  if (isUnknownValue(value) && !interpolated && !substituted) return undefined;
  const parsed = parseEmbeddedJson(value);
  if (interpolated && !parsed?.ok) return undefined;
  if (substituted && !parsed?.ok && /\$\{(?!!)/.test(value.value as string)) return undefined;
  if (parsed?.ok && foreign?.unknownRanges?.length) {
    // Characters an interpolation computes are unknown in the document too.
    for (const node of walkNodes(parsed.ast)) {
      if (node.type !== "JSONLiteral" || typeof node.value !== "string") continue;
      if (foreign.unknownRanges.some(([s, e]) => node.range[0] < e && s < node.range[1])) markUnknown(node);
    }
  }
  // A YAML or HCL string whose characters cannot be placed (a folded scalar, escapes) is not judged.
  if (!parsed && foreignHost(ast)) return undefined;
  if (!parsed) return unreadablePolicy(ast, value, kind, host, decision, `${label} cannot be read as a JSON string.`, value);
  const embedded: DocumentHost = { ...host, embedding: parsed.embedding };
  if (!parsed.ok) {
    const reason = parsed.error.message.replace(/^Parsing error: /, "");
    return unreadablePolicy(ast, value, kind, embedded, decision, `${label} is not valid JSON: ${reason}`, parsed.error);
  }
  const root = rootExpression(parsed.ast);
  if (root?.type !== "JSONObjectExpression") {
    return unreadablePolicy(ast, value, kind, embedded, decision, notAPolicy(label), value);
  }
  // Interpolated strings were marked unknown above; Terraform's reader says so of every marked node.
  return policyDocumentOf(parsed.ast, root, readPolicyDocument(root, substituted ?? (interpolated ? terraformValues : undefined)), kind, embedded, decision);
}

/** A creation template and the repository policy it carries (`repositoryPolicy`), linted as a repository policy. */
export function creationTemplateDocuments(ast: JsonProgram, root: JsonObject): PolicyFile[] | undefined {
  const node = creationTemplateNode(root);
  if (!node) return undefined;
  const host: DocumentHost = { type: node === root ? "file" : "aws-cli", path: node === root ? "" : "repositoryCreationTemplate" };
  return templateDocuments(ast, node, host, plainJsonValues, { kind: "repository-creation-template", reason: "content", why: "it has a prefix and appliedFor" });
}

function templateDocuments(ast: JsonProgram, node: JsonObject, host: DocumentHost, values: ValueReader, decision: KindDecision): PolicyFile[] {
  const template = readRepositoryCreationTemplate(node, values);
  const documents: PolicyFile[] = [{ kind: "repository-creation-template", ast, root: node, host, decision, template }];
  if (template.repositoryPolicyProperty) {
    const path = join(host.path, propertyName(template.repositoryPolicyProperty));
    const policyDecision: KindDecision = { kind: "repository-policy", reason: "content", why: `the ${path || "repositoryPolicy"} of a repository creation template` };
    const policy = policyAt(ast, template.repositoryPolicyProperty, "repository-policy", { type: host.type, path }, policyDecision, values);
    if (policy) documents.push(policy);
  }
  return documents;
}

const join = (path: string, key: string | number) => (typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * get-registry-policy and get-repository-policy output (`registryId`, `policyText`, and `repositoryName` for a
 * repository), and the put/set input of the same shape (`--cli-input-json`). The `policyText` is a registry policy
 * unless the config declares otherwise, the document names a `repositoryName` (a repository policy, whatever the
 * file name), or the file name declares a repository policy.
 */
function policyTextDocuments(ast: JsonProgram, root: JsonObject, filePath: string | undefined, declared?: KindDecision): { documents: PolicyFile[]; decision: KindDecision } | undefined {
  const policyText = field(root, "policyText");
  if (!policyText) return undefined;
  const value = policyText.value;
  if (value.type !== "JSONObjectExpression" && !(value.type === "JSONLiteral" && typeof value.value === "string")) return undefined;
  let decision: KindDecision;
  const byName = policyNameVerdict(filePath);
  // A repositoryName says what the policy is whatever the file is called (a get-repository-policy output saved as
  // registry-policy.json is still a repository's policy); without one, an unambiguous name decides, then the default.
  if (declared) decision = declared;
  else if (field(root, "repositoryName")) decision = { kind: "repository-policy", reason: "content", why: "get-repository-policy output: a policyText with its repositoryName" };
  else if (byName && "kind" in byName) decision = { kind: byName.kind, reason: "name", why: byName.why };
  else decision = { kind: "registry-policy", reason: "content", why: `${byName ? `${byName.ambiguous}: ` : ""}get-registry-policy output: a policyText without a repositoryName` };
  const document = policyAt(ast, policyText, decision.kind as PolicyKind, { type: "aws-cli", path: propertyName(policyText) }, decision, plainJsonValues);
  return { documents: document ? [document] : [], decision };
}

/**
 * ECR CLI and API JSON that wraps documents: a `policyText` (see {@link policyTextDocuments}) and
 * describe-repository-creation-templates output (`repositoryCreationTemplates`, each template with its policy).
 */
export function cliDocuments(ast: JsonProgram, root: JsonObject, filePath: string | undefined): { documents: PolicyFile[]; decision: KindDecision } | undefined {
  const withPolicy = policyTextDocuments(ast, root, filePath);
  if (withPolicy) return withPolicy;
  const list = field(root, "repositoryCreationTemplates");
  if (list?.value.type === "JSONArrayExpression") {
    const documents: PolicyFile[] = [];
    list.value.elements.forEach((element, i) => {
      if (element?.type !== "JSONObjectExpression" || !isCreationTemplate(element)) return;
      const decision: KindDecision = { kind: "repository-creation-template", reason: "content", why: "an entry of describe-repository-creation-templates output" };
      documents.push(...templateDocuments(ast, element, { type: "aws-cli", path: join(propertyName(list), i) }, plainJsonValues, decision));
    });
    return { documents, decision: { kind: "aws-cli-output", reason: "content", why: "describe-repository-creation-templates output" } };
  }
  return undefined;
}

/** The resource types ecrlint reads, with the property that holds each document. */
const ECR_TYPES = ["AWS::ECR::RegistryPolicy", "AWS::ECR::Repository", "AWS::ECR::ReplicationConfiguration", "AWS::ECR::PullThroughCacheRule", "AWS::ECR::RepositoryCreationTemplate"];

/**
 * A CloudFormation template (JSON; `cdk synth` writes these to `cdk.out/*.template.json`): one document per ECR
 * resource. `AWS::ECR::RegistryPolicy` `PolicyText` is a registry policy, `AWS::ECR::Repository`
 * `RepositoryPolicyText` a repository policy (each an object or a JSON string), `AWS::ECR::ReplicationConfiguration`
 * `ReplicationConfiguration` a replication configuration, `AWS::ECR::PullThroughCacheRule` a pull-through-cache rule,
 * `AWS::ECR::RepositoryCreationTemplate` a creation template (with its `RepositoryPolicy`). Values go through
 * {@link cloudFormationValues}. Undefined when the file is not a template; a template with no ECR resource is not ours.
 */
export function cloudFormationDocuments(ast: JsonProgram, root: JsonObject, registry: RegistryContext | undefined): { documents: PolicyFile[]; decision: KindDecision } | undefined {
  const resources = field(root, "Resources");
  if (resources?.value.type !== "JSONObjectExpression") return undefined;
  const values = cloudFormationValues(registry);
  const documents: PolicyFile[] = [];
  let count = 0;
  for (const resource of resources.value.properties) {
    if (resource.value.type !== "JSONObjectExpression") continue;
    const typeProperty = field(resource.value, "Type");
    const type = typeProperty?.value.type === "JSONLiteral" ? typeProperty.value.value : undefined;
    if (typeof type !== "string" || !ECR_TYPES.includes(type)) continue;
    count++;
    const properties = field(resource.value, "Properties");
    if (properties?.value.type !== "JSONObjectExpression") continue;
    const props = properties.value;
    const id = propertyName(resource);
    const base = `Resources.${id}.Properties`;
    const decision = (kind: KindDecision["kind"], what: string): KindDecision => ({ kind, reason: "content", why: `${what} of ${type} "${id}"` });
    switch (type) {
      case "AWS::ECR::RegistryPolicy":
      case "AWS::ECR::Repository": {
        const name = type === "AWS::ECR::RegistryPolicy" ? "PolicyText" : "RepositoryPolicyText";
        const kind: PolicyKind = type === "AWS::ECR::RegistryPolicy" ? "registry-policy" : "repository-policy";
        const property = field(props, name);
        if (!property) break;
        const document = policyAt(ast, property, kind, { type: "cloudformation", path: `${base}.${name}` }, decision(kind, `the ${name}`), values);
        if (document) documents.push(document);
        break;
      }
      case "AWS::ECR::ReplicationConfiguration": {
        const property = field(props, "ReplicationConfiguration");
        if (property?.value.type !== "JSONObjectExpression" || values.isExpression(property.value)) break;
        const node = property.value;
        documents.push({
          kind: "replication-configuration",
          ast,
          root: node,
          host: { type: "cloudformation", path: `${base}.ReplicationConfiguration` },
          decision: decision("replication-configuration", "the ReplicationConfiguration"),
          replication: readReplicationConfiguration(node, values),
        });
        break;
      }
      case "AWS::ECR::PullThroughCacheRule":
        documents.push({
          kind: "pull-through-cache-rules",
          ast,
          root: props,
          host: { type: "cloudformation", path: base },
          decision: decision("pull-through-cache-rules", "the Properties"),
          pullThroughCacheRules: [readPullThroughCacheRule(props, values)],
        });
        break;
      case "AWS::ECR::RepositoryCreationTemplate":
        documents.push(...templateDocuments(ast, props, { type: "cloudformation", path: base }, values, decision("repository-creation-template", "the Properties")));
        break;
    }
  }
  return {
    documents,
    decision: { kind: "cloudformation-template", reason: "content", why: `a CloudFormation template with ${count} AWS::ECR resource${count === 1 ? "" : "s"}` },
  };
}

/** A file whose kind the config declares: read as that kind, whatever its content suggests. */
export function declaredDocuments(ast: JsonProgram, root: JsonExpression, kind: Exclude<DeclaredKind, "identity-policy">, decision: KindDecision, values: ValueReader = plainJsonValues): PolicyFile[] {
  const host: DocumentHost = { type: "file", path: "" };
  if (kind === "pull-through-cache-rules") {
    const nodes = pullThroughCacheNodes(root) ?? (root.type === "JSONObjectExpression" ? [root] : []);
    return nodes.length ? [{ kind, ast, root, host, decision, pullThroughCacheRules: nodes.map((n) => readPullThroughCacheRule(n)) }] : [];
  }
  if (root.type !== "JSONObjectExpression") return [];
  switch (kind) {
    case "registry-policy":
    case "repository-policy": {
      const cli = policyTextDocuments(ast, root, undefined, decision);
      if (cli) return cli.documents;
      return [policyDocumentOf(ast, root, readPolicyDocument(root, values), kind, host, decision)];
    }
    case "replication-configuration":
      return [{ kind, ast, root, host, decision, replication: readReplicationConfiguration(replicationRoot(root) ?? root) }];
    case "repository-creation-template":
      return templateDocuments(ast, creationTemplateNode(root) ?? root, host, plainJsonValues, decision);
  }
}

/**
 * A copy of a Terraform object with its keys renamed to the API's (`registry_id` → `registryId`), at the same places.
 * An argument set to `null` is left out: Terraform reads it as not set.
 */
function renamed(node: JsonExpression | undefined, names: Record<string, string>, nested: Record<string, (item: JsonObject) => JsonObject> = {}): JsonObject | undefined {
  if (node?.type !== "JSONObjectExpression") return undefined;
  const properties = node.properties.flatMap((p) => {
    const name = propertyName(p);
    const to = names[name];
    if (!to || (p.value.type === "JSONLiteral" && p.value.value === null)) return [];
    const key = { ...p.key, value: to } as JsonProperty["key"];
    let value: JsonExpression = p.value;
    const inner = nested[name];
    if (inner && value.type === "JSONArrayExpression") {
      value = { ...value, elements: value.elements.map((e) => (e?.type === "JSONObjectExpression" ? inner(e) : e)) } as JsonExpression;
    }
    return [{ ...p, key, value } as JsonProperty];
  });
  return { ...node, properties } as JsonObject;
}

const TERRAFORM_POLICIES: Record<string, PolicyKind> = { aws_ecr_registry_policy: "registry-policy", aws_ecr_repository_policy: "repository-policy" };

/**
 * The documents of a Terraform module file: `aws_ecr_registry_policy` and `aws_ecr_repository_policy` (`policy`:
 * `jsonencode({…})`, a heredoc or a quoted JSON string), `aws_ecr_replication_configuration`,
 * `aws_ecr_pull_through_cache_rule` and `aws_ecr_repository_creation_template` (with its `repository_policy`),
 * each read with the API's names at the places Terraform writes them. A policy given by a reference or a function
 * other than `jsonencode` gives no document: its value is unknown, except a `data "aws_iam_policy_document"` block
 * of the module. `jsonencode({…})` and a block's `.json` are strings whose value is read as the policy in place. Such a block is linted where it is written: in this file for a resource of this file, and for each
 * of `uses` (resources of the module's other files, see `terraformModuleFacts`) whose block this file defines, as
 * that resource's kind. Resources (of this file or others) reading one block as one kind give one document, not one each.
 */
export function terraformDocuments(ast: JsonProgram, blocks: TerraformBlock[], uses: readonly TerraformDataUse[] = []): { documents: PolicyFile[]; decision: KindDecision } {
  const documents: PolicyFile[] = [];
  // The data blocks read as a document so far, by kind and name: resources reading one block as one kind (in this
  // file or in others of the module) give one document, so each finding in it is reported once, not once per reader.
  const read = new Set<string>();
  let count = 0;
  for (const block of blocks) {
    if (block.kind !== "resource") continue;
    count++;
    const base = `resource.${block.type}.${block.name}`;
    const host = (path: string): DocumentHost => ({ type: "terraform", path: path ? `${base}.${path}` : base });
    const decision = (kind: KindDecision["kind"], what: string): KindDecision => ({ kind, reason: "content", why: `${what} of ${block.type} "${block.name}"` });
    const field = (name: string) => block.body.properties.find((p) => propertyName(p) === name);
    const policyKind = TERRAFORM_POLICIES[block.type];
    if (policyKind) {
      const data = referencedDataBlock(field("policy"), blocks);
      if (data) {
        if (read.has(`${policyKind}\0${data.name}`)) continue;
        read.add(`${policyKind}\0${data.name}`);
      }
      const property = policyDocumentReference(field("policy"), blocks, data) ?? field("policy");
      const document = property && policyAt(ast, property, policyKind, host("policy"), decision(policyKind, "the policy"), terraformValues);
      if (document) documents.push(document);
      continue;
    }
    switch (block.type) {
      case "aws_ecr_replication_configuration": {
        const configuration = field("replication_configuration")?.value;
        const first = configuration?.type === "JSONArrayExpression" ? configuration.elements[0] : undefined;
        const node = renamed(first ?? undefined, { rule: "rules" }, {
          rule: (rule) =>
            renamed(rule, { destination: "destinations", repository_filter: "repositoryFilters" }, {
              destination: (d) => renamed(d, { region: "region", registry_id: "registryId" })!,
              repository_filter: (f) => renamed(f, { filter: "filter", filter_type: "filterType" })!,
            })!,
        });
        if (!node) break;
        documents.push({ kind: "replication-configuration", ast, root: node, host: host("replication_configuration"), decision: decision("replication-configuration", "the replication_configuration"), replication: readReplicationConfiguration(node, terraformValues) });
        break;
      }
      case "aws_ecr_pull_through_cache_rule": {
        const node = renamed(block.body, { ecr_repository_prefix: "ecrRepositoryPrefix", upstream_registry_url: "upstreamRegistryUrl" })!;
        documents.push({ kind: "pull-through-cache-rules", ast, root: node, host: host(""), decision: decision("pull-through-cache-rules", "the arguments"), pullThroughCacheRules: [readPullThroughCacheRule(node, terraformValues)] });
        break;
      }
      case "aws_ecr_repository_creation_template": {
        const withPolicy = { ...block.body, properties: block.body.properties.map((p) => (propertyName(p) === "repository_policy" ? (policyDocumentReference(p, blocks) ?? p) : p)) } as JsonObject;
        const node = renamed(withPolicy, { prefix: "prefix", applied_for: "appliedFor", repository_policy: "repositoryPolicy", custom_role_arn: "customRoleArn", resource_tags: "resourceTags", description: "description" })!;
        documents.push(...templateDocuments(ast, node, host(""), terraformValues, decision("repository-creation-template", "the arguments")));
        break;
      }
    }
  }
  let used = 0;
  for (const use of uses) {
    const data = blocks.find((b) => matchesReference(b, use.data, use.instance));
    if (!data || read.has(`${use.kind}\0${data.name}`)) continue;
    read.add(`${use.kind}\0${data.name}`);
    const root = dataDocumentRoot(data, blocks, data.body.parent as JsonNode | undefined);
    if (!root) continue;
    used++;
    const where = `data.aws_iam_policy_document.${data.name}`;
    const key = synthetic<JsonExpression>({ type: "JSONLiteral", value: use.argument, raw: JSON.stringify(use.argument) }, data.body as never);
    const property = synthetic<JsonProperty>({ type: "JSONProperty", key, value: root, kind: "init", computed: false, method: false, shorthand: false, parent: data.body.parent }, data.body as never);
    const decision: KindDecision = { kind: use.kind, reason: "content", why: `the ${use.argument} of ${use.resource.replace(".", ' "')}" in ${use.file}` };
    const document = policyAt(ast, property, use.kind, { type: "terraform", path: where }, decision, terraformValues);
    if (document) documents.push(document);
  }
  const why = count > 0 || used === 0 ? `a Terraform file with ${count} aws_ecr resource${count === 1 ? "" : "s"}` : `a Terraform file with ${used} policy document${used === 1 ? "" : "s"} that aws_ecr resources of its module read`;
  return { documents, decision: { kind: "terraform-module", reason: "content", why } };
}


/** The `data "aws_iam_policy_document"` block of this file that a property's value names (see below), if any. */
function referencedDataBlock(property: JsonProperty | undefined, blocks: readonly TerraformBlock[]): TerraformBlock | undefined {
  const value = property?.value;
  if (value?.type !== "JSONLiteral") return undefined;
  const reference = policyDocumentName(value.value);
  return reference ? blocks.find((b) => matchesReference(b, reference.name, reference.instance)) : undefined;
}

/**
 * `policy = data.aws_iam_policy_document.<name>.json` (or `.minified_json`, or `<name>[0].json` of a block with
 * `count`/`for_each`) with the block in the same file: the policy that block builds (see {@link dataDocumentRoot}).
 * Undefined for any other value.
 */
function policyDocumentReference(property: JsonProperty | undefined, blocks: TerraformBlock[], data = referencedDataBlock(property, blocks)): JsonProperty | undefined {
  const root = data ? dataDocumentRoot(data, blocks, property!.parent as JsonNode) : undefined;
  if (!root) return undefined;
  // `.json` is the document's JSON text: a string, as the argument wants.
  markEncodedJson(root);
  return { ...property, value: root } as JsonProperty;
}

