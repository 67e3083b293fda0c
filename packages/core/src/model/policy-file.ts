import { parseJsonText, rootExpression, type JsonProgram, type ParseProblem } from "../parse.js";
import { readPolicyDocument, type PolicyDocument, findProperty, stringOf } from "./policy.js";
import {
  creationTemplateNode,
  pullThroughCacheNodes,
  readPullThroughCacheRule,
  readReplicationConfiguration,
  readRepositoryCreationTemplate,
  replicationRoot,
  type PullThroughCacheRule,
  type ReplicationConfiguration,
  type RepositoryCreationTemplate,
} from "./other-kinds.js";
import { propertyName, staticValue, type JsonExpression, type JsonObject, type JsonProperty } from "../parse.js";
import { levenshtein } from "../did-you-mean.js";

/** REFERENCE §1: the kinds of file a monorepo keeps next to its infrastructure code. */
export type FileKind =
  | "registry-policy"
  | "repository-policy"
  | "replication-configuration"
  | "pull-through-cache-rules"
  | "repository-creation-template";

export const FILE_KINDS: readonly FileKind[] = [
  "registry-policy",
  "repository-policy",
  "replication-configuration",
  "pull-through-cache-rules",
  "repository-creation-template",
];

export interface PolicyFileBase {
  ast: JsonProgram;
  root: JsonExpression;
}

export type PolicyFile =
  | (PolicyFileBase & { kind: "registry-policy" | "repository-policy"; policy: PolicyDocument })
  | (PolicyFileBase & { kind: "replication-configuration"; replication: ReplicationConfiguration })
  | (PolicyFileBase & { kind: "pull-through-cache-rules"; pullThroughCacheRules: PullThroughCacheRule[] })
  | (PolicyFileBase & { kind: "repository-creation-template"; template: RepositoryCreationTemplate });

// "ecr:" catches a policy whose Statement key is misspelled (`Statment`) but whose actions or ARNs are ECR's.
const MARKERS = ["Statement", "ecrRepositoryPrefix", "destinations", "appliedFor", "ecr:"];

/**
 * Cheap test on the raw text, so that the thousands of package.json and tsconfig.json files in a monorepo are
 * skipped before any AST is built. A false positive only costs a parse; a false negative would hide a policy.
 */
export function mightBeEcrFile(text: string): boolean {
  for (const marker of MARKERS) if (text.includes(marker)) return true;
  return false;
}

function mentionsEcr(policy: PolicyDocument): boolean {
  for (const s of policy.statements) {
    for (const el of [s.action, s.notAction]) {
      for (const v of el?.values ?? []) if (/^ecr:|^\*$/i.test(v.value)) return true;
    }
    for (const el of [s.resource, s.notResource]) {
      for (const v of el?.values ?? []) if (v.value.includes(":ecr:")) return true;
    }
  }
  return false;
}

function hasNoReadableActions(policy: PolicyDocument): boolean {
  return policy.statements.every((s) => (s.action?.values.length ?? 0) + (s.notAction?.values.length ?? 0) === 0);
}

/**
 * A root key one or two edits from "Statement" (`Statment`, `statement`) whose value names ECR actions or ARNs.
 * AWS rejects such a policy; reading it as ours (with no statements) lets valid-policy point at the typo instead
 * of the file being skipped as foreign JSON.
 */
export function misspelledStatementProperty(root: JsonObject): JsonProperty | undefined {
  return root.properties.find((p) => {
    const name = propertyName(p);
    if (name === "Statement" || levenshtein(name.toLowerCase(), "statement", 2) > 2) return false;
    return /"ecr:|:ecr:/i.test(JSON.stringify(staticValue(p.value)) ?? "");
  });
}

/** A policy document is ours when it is about ECR, or is too broken to tell (a Statement that is a number). */
function classifyPolicy(root: JsonObject): PolicyDocument | undefined {
  if (!findProperty(root, "Statement")) return misspelledStatementProperty(root) ? readPolicyDocument(root) : undefined;
  const policy = readPolicyDocument(root);
  if (!mentionsEcr(policy) && !hasNoReadableActions(policy)) return undefined;
  return policy;
}

/**
 * `repository-policy.json`, `app.repository-policy.jsonc`, `repository_policy.json`…: the name is the only way to
 * tell a repository policy that (wrongly) has a Resource from a registry policy.
 */
export function isRepositoryPolicyFileName(filePath: string): boolean {
  const base = filePath.split(/[\\/]/).pop() ?? "";
  return /(?:^|[^a-z0-9])repository[-_.]?policy(?:[^a-z0-9][^\\/]*)?\.json[c5]?$/i.test(base);
}

function policyKind(policy: PolicyDocument, filePath: string | undefined): "registry-policy" | "repository-policy" {
  if (filePath !== undefined && isRepositoryPolicyFileName(filePath)) return "repository-policy";
  const hasResource = policy.statements.some((s) => s.resource !== undefined || s.notResource !== undefined);
  if (hasResource) return "registry-policy";
  // A repository policy has no Resource (ECR rejects one) and often the old 2008-10-17 Version.
  return policy.statements.length > 0 || policy.version?.value === "2008-10-17" ? "repository-policy" : "registry-policy";
}

/**
 * Builds the model of a parsed file, or undefined when the file is JSON that is not ours. Every front end passes
 * the file's path, so the kind (and so which rules run) is decided here alone.
 */
export function classifyAst(ast: JsonProgram, filePath?: string): PolicyFile | undefined {
  const root = rootExpression(ast);
  if (!root) return undefined;
  const ptc = pullThroughCacheNodes(root);
  if (ptc) return { kind: "pull-through-cache-rules", ast, root, pullThroughCacheRules: ptc.map(readPullThroughCacheRule) };
  if (root.type !== "JSONObjectExpression") return undefined;
  const policy = classifyPolicy(root);
  if (policy) return { kind: policyKind(policy, filePath), ast, root, policy };
  const replication = replicationRoot(root);
  if (replication) return { kind: "replication-configuration", ast, root, replication: readReplicationConfiguration(replication) };
  const template = creationTemplateNode(root);
  if (template) return { kind: "repository-creation-template", ast, root, template: readRepositoryCreationTemplate(template) };
  return undefined;
}

export type LoadResult =
  | { status: "ours"; file: PolicyFile }
  | { status: "not-ours" }
  | { status: "parse-error"; error: ParseProblem };

/**
 * Reads a file's text into the model. Text that cannot be ours is skipped before parsing;
 * text that cannot be parsed is an error only when it might be ours.
 */
export function loadPolicyFile(text: string, filePath?: string): LoadResult {
  if (!mightBeEcrFile(text)) return { status: "not-ours" };
  return parsePolicyFile(text, filePath);
}

/** {@link loadPolicyFile} for text that already passed {@link mightBeEcrFile}, so the marker test runs once per file. */
export function parsePolicyFile(text: string, filePath?: string): LoadResult {
  // Every extension is read as leniently as ESLint reads it with the plugin's configs (jsonc-eslint-parser without a
  // `jsonSyntax`): a trailing comma in a `.jsonc` file is not a parse error in one front end and fine in the other.
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { status: "parse-error", error: parsed.error };
  const file = classifyAst(parsed.ast, filePath);
  return file ? { status: "ours", file } : { status: "not-ours" };
}

export { stringOf };
