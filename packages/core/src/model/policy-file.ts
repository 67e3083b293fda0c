import { parseJsonText, rootExpression, type JsonProgram, type ParseProblem } from "../parse.js";
import { readPolicyDocument, type PolicyDocument, findProperty, stringOf } from "./policy.js";
import {
  pullThroughCacheNodes,
  readPullThroughCacheRule,
  readReplicationConfiguration,
  replicationRoot,
  type PullThroughCacheRule,
  type ReplicationConfiguration,
  type RepositoryCreationTemplate,
} from "./other-kinds.js";
import { propertyName, staticValue, type JsonExpression, type JsonObject, type JsonProperty } from "../parse.js";
import { levenshtein } from "../did-you-mean.js";
import type { StringEmbedding } from "../embedded-json.js";
import { followsPolicyNameConvention, policyFileKindFromName, policyNameVerdict, type DeclaredKind, type KindDecision } from "./kinds.js";
import { terraformDocuments } from "./hosts.js";
import type { TerraformDataUse } from "../terraform-module.js";
import { cloudFormationDocuments, cliDocuments, creationTemplateDocuments, declaredDocuments, policyDocumentOf, unreadablePolicy } from "./hosts.js";
import type { RegistryContext } from "../config/registry.js";
import type { TextEdit } from "../rule.js";
import { foreignHost, type ForeignHost } from "./values.js";
import { isYamlFile, parseYamlText } from "../yaml.js";
import { isTerraformFile, isTerraformJsonFile, markTemplateStrings, parseTerraformText, terraformBlocksOf, terraformJsonBlocks, terraformValues } from "../terraform.js";

export type { FileKind } from "./kinds.js";
// Kept here too for the modules that imported it from this one.
export { isRepositoryPolicyFileName } from "./kinds.js";

/**
 * The format of the file a document was read from. `file`: the document is the whole file. `aws-cli`: the JSON of
 * the ECR API and CLI (get-registry-policy output with its `policyText`, creation templates with their
 * `repositoryPolicy`, describe outputs). `cloudformation`: a CloudFormation template (`cdk.out/*.template.json`
 * included). YAML templates and Terraform are hosts of the same kind: they give JSON-shaped nodes with host
 * locations and a value reader, and the rules do not change.
 */
export type HostType = "file" | "aws-cli" | "cloudformation" | "terraform";

/** Where a document sits in its host file. */
export interface DocumentHost {
  type: HostType;
  /** The property path of the document in its host (`Resources.Repo.Properties.RepositoryPolicyText`); "" for the whole file. */
  path: string;
  /** Set when the document is written as a JSON string of the host: its nodes were moved to host coordinates. */
  embedding?: StringEmbedding;
}

export interface PolicyFileBase {
  /**
   * The tree the document's nodes belong to: the host file's, or, for a document written in a JSON string, its own
   * tree moved onto host coordinates (so `range` and `loc` are always places in the host file).
   */
  ast: JsonProgram;
  root: JsonExpression;
  host: DocumentHost;
  /** How the document's kind was decided. */
  decision: KindDecision;
}

/**
 * One document of a file: what every rule runs on, as the kind it is. A plain policy file is one document; a host
 * (a CloudFormation template, CLI output, a creation template with its `repositoryPolicy`) yields several.
 */
export type PolicyFile =
  | (PolicyFileBase & { kind: "registry-policy" | "repository-policy"; policy: PolicyDocument })
  | (PolicyFileBase & { kind: "replication-configuration"; replication: ReplicationConfiguration })
  | (PolicyFileBase & { kind: "pull-through-cache-rules"; pullThroughCacheRules: PullThroughCacheRule[] })
  | (PolicyFileBase & { kind: "repository-creation-template"; template: RepositoryCreationTemplate });

/** A document of a host file (the same type as {@link PolicyFile}, by the name the host readers use). */
export type EcrDocument = PolicyFile;

// "ecr:" catches a policy whose Statement key is misspelled (`Statment`) but whose actions or ARNs are ECR's.
const MARKERS = ["Statement", "ecrRepositoryPrefix", "EcrRepositoryPrefix", "destinations", "Destinations", "appliedFor", "AppliedFor", "ecr:", "AWS::ECR::", "policyText"];
/**
 * Whether a text holds any of the markers: one scan of the text, where a search per marker scans most files (those
 * that hold none) ten times over.
 */
const ANY_MARKER = new RegExp(MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"));

/**
 * How a cache file the runner writes (`--cache`) begins: the first of its JSON lines names the format
 * (`{"format":"ecrlint-cache/3",…`). Never a policy; and a file that begins otherwise is never taken for a cache.
 */
export const CACHE_FILE_START = '{"format":"ecrlint-cache/';

/**
 * Cheap test on the raw text, so that the thousands of package.json and tsconfig.json files in a monorepo are
 * skipped before any AST is built. A false positive only costs a parse; a false negative would hide a policy.
 *
 * It is also the one answer to "is a file that does not parse (or is binary) ours to report?", shared by the runner
 * and the ESLint plugin's parsers: true for a file named by a policy convention (`registry-policy.json`,
 * `app.repo-policy.jsonc`: see kinds.ts), for YAML with an `AWS::ECR::` type, for Terraform (`.tf`, `.tf.json`) with an
 * `aws_ecr_` resource, and for other text with a marker of our files (`Statement`, `ecr:`…); a malformed
 * `tsconfig.json` or a binary `.json` is someone else's file and gets no finding.
 */
export function mightBeEcrFile(text: string, filePath?: string): boolean {
  // The runner's cache (`--cache-location ecrcache.json`) holds policies' text in JSON lines: it is never a policy.
  if (text.startsWith(CACHE_FILE_START)) return false;
  // YAML and Terraform are ours only when they declare an ECR resource: one marker each.
  if (filePath !== undefined) {
    if (/\.tf(?:\.json)?$/i.test(filePath)) return text.includes("aws_ecr_");
    if (isYamlFile(filePath, text)) return text.includes("AWS::ECR::");
    if (followsPolicyNameConvention(filePath)) return true;
  }
  if (ANY_MARKER.test(text)) return true;
  // An empty `registry-policy.json` is a policy that was never written (a failed export, a truncated save): parsed,
  // it is ESLint's parsing error rather than a file passed over, so the run does not pass without checking it.
  return filePath !== undefined && text.trim() === "" && policyNameVerdict(filePath) !== undefined;
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

/** The statement keys of the grammar that are neither Principal nor NotPrincipal (nor two edits from them). */
const OTHER_STATEMENT_KEYS = new Set(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]);

/** A statement key that is, or may be meant as, Principal or NotPrincipal: one or two edits from either, in any case. */
function principalLikeKey(name: string): boolean {
  // Nearly every key is one of the grammar's: no edit distance to measure for those.
  if (OTHER_STATEMENT_KEYS.has(name)) return false;
  const lower = name.toLowerCase();
  return levenshtein(lower, "principal", 2) <= 2 || levenshtein(lower, "notprincipal", 2) <= 2;
}

/**
 * An IAM identity policy (attached to a user or a role) names no principal: it is not a registry or repository
 * policy, whatever its actions, and is left alone like package.json (never reported, never fixed).
 *
 * It is recognised only when it really looks like one, since skipping a resource policy hides every defect in it:
 * every statement has a Resource or NotResource (an identity policy always does), and no statement has a key that
 * is, or is one or two edits from, `Principal` or `NotPrincipal` in any case (`principal`, `Principals`,
 * `NotPrincipals`): such a policy is a resource policy with a misspelled key, which valid-policy reports.
 */
export function isIdentityPolicy(policy: PolicyDocument): boolean {
  if (policy.statements.length === 0) return false;
  return policy.statements.every(
    (s) =>
      s.principal === undefined &&
      s.notPrincipal === undefined &&
      (s.resource !== undefined || s.notResource !== undefined) &&
      !s.node.properties.some((p) => principalLikeKey(propertyName(p))),
  );
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

/** The root keys of a policy document: a root with no other key is no host file and no other kind of ours. */
const POLICY_DOCUMENT_KEYS = new Set(["Version", "Id", "Statement"]);

/** Deeper values are left to the parser, which refuses text nested past its limit (see `nestingTooDeep`). */
const PLAIN_DEPTH_LIMIT = 64;

function withinDepth(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return true;
  if (depth >= PLAIN_DEPTH_LIMIT) return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (!withinDepth(item, depth + 1)) return false;
  return true;
}

/** The strings of a statement element as the model reads them: a string, or the strings of a list. */
function plainStrings(value: unknown): unknown[] {
  return typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
}

/**
 * True when the text is a plain JSON policy document that is not about ECR (an S3 bucket policy, a KMS key policy, a
 * role's trust or identity policy for other services): {@link readAst} would find it not ours, and this says so from
 * JSON.parse's value, without a syntax tree or a policy model. It is {@link ecrPolicy}'s test (no Action or NotAction
 * `ecr:…` or `*`, no Resource or NotResource with `:ecr:`, some statement with an action) on the same values:
 * JSON.parse keeps the last of duplicate keys, as the model does, and the text it reads is strict JSON, whose tree
 * holds the same strings. Only a root with no key but Version, Id and Statement is judged, so that no host and no
 * other kind of ours can be in it; anything else (not JSON, JSON5, a possible ECR policy) is left to the parser and
 * readAst.
 */
export function plainlyForeignPolicy(text: string): boolean {
  // Most files that get here are ECR policies, or our other kinds without a Statement: no JSON.parse wasted on them.
  if (text.includes("ecr:") || !text.includes("Statement")) return false;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof root !== "object" || root === null || Array.isArray(root) || !Object.hasOwn(root, "Statement")) return false;
  for (const key of Object.keys(root)) if (!POLICY_DOCUMENT_KEYS.has(key)) return false;
  if (!withinDepth(root, 1)) return false;
  const value = (root as { Statement: unknown }).Statement;
  let readable = false;
  for (const statement of Array.isArray(value) ? value : [value]) {
    if (typeof statement !== "object" || statement === null || Array.isArray(statement)) continue;
    const s = statement as Record<string, unknown>;
    for (const action of [...plainStrings(s.Action), ...plainStrings(s.NotAction)]) {
      if (typeof action !== "string") continue;
      if (/^ecr:|^\*$/i.test(action)) return false;
      readable = true;
    }
    for (const resource of [...plainStrings(s.Resource), ...plainStrings(s.NotResource)]) if (typeof resource === "string" && resource.includes(":ecr:")) return false;
  }
  // A policy without a readable action is ours, too broken to tell (see ecrPolicy).
  return readable;
}

/** Some Resource or NotResource is another service's ARN (`arn:aws:s3:::assets/*`): the policy is about that service. */
function namesOtherServicesResources(policy: PolicyDocument): boolean {
  return policy.statements.some((s) => [s.resource, s.notResource].some((el) => el?.values.some((v) => /^arn:[^:]*:(?!ecr:)[^:]*:/i.test(v.value))));
}

/** No statement has an Action: whatever the policy names, it names only in NotAction. */
function namesOnlyNotActions(policy: PolicyDocument): boolean {
  return policy.statements.every((s) => (s.action?.values.length ?? 0) === 0);
}

/**
 * A policy document is ours when it is about ECR, or is too broken to tell (a Statement that is a number). A policy
 * whose statements only say which actions they leave out (NotAction `s3:*`) applies to every other action of the
 * service it is attached to, so its text cannot say which service that is unless a Resource is another service's
 * ARN: a file named as a registry or repository policy is then ours, as its name says, and its Allow of `ecr:*` to
 * everyone is not passed over in silence.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
 */
function ecrPolicy(root: JsonObject, filePath: string | undefined): PolicyDocument | undefined {
  if (!findProperty(root, "Statement")) return misspelledStatementProperty(root) ? readPolicyDocument(root) : undefined;
  const policy = readPolicyDocument(root);
  if (mentionsEcr(policy) || hasNoReadableActions(policy)) return policy;
  if (namesOnlyNotActions(policy) && policyFileKindFromName(filePath) && !namesOtherServicesResources(policy)) return policy;
  return undefined;
}

/** Registry or repository policy from the content alone: a repository policy has no Resource (ECR rejects one). */
export function policyKindFromContent(policy: PolicyDocument): { kind: "registry-policy" | "repository-policy"; why: string } {
  const hasResource = policy.statements.some((s) => s.resource !== undefined || s.notResource !== undefined);
  if (hasResource) return { kind: "registry-policy", why: "its statements have a Resource, which a repository policy cannot have" };
  if (policy.statements.length > 0) return { kind: "repository-policy", why: "no statement has a Resource, as in a repository policy" };
  if (policy.version?.value === "2008-10-17") return { kind: "repository-policy", why: 'it has no statements and Version "2008-10-17", as repository policies often do' };
  return { kind: "registry-policy", why: "it has no readable statements; read as a registry policy" };
}

/** Config, then the file-name conventions, then the content: how a policy file's kind is decided. */
export function decidePolicyKind(policy: PolicyDocument, filePath: string | undefined): KindDecision & { kind: "registry-policy" | "repository-policy" } {
  const byName = policyNameVerdict(filePath);
  if (byName && "kind" in byName) return { kind: byName.kind, reason: "name", why: byName.why };
  const { kind, why } = policyKindFromContent(policy);
  return { kind, reason: "content", why: byName ? `${byName.ambiguous}: ${why}` : why };
}

export interface ReadOptions {
  /** The file's path: its name may declare the kind, and it is used in messages. */
  filePath?: string;
  /** The kind the config's `kinds` declares for the file, if any. */
  declaredKind?: DeclaredKind;
  /** The config file that declared it, for the explanation. */
  declaredBy?: string;
  /**
   * Other kinds the file is deployed as, with what declares each: a file that a Terraform registry policy and a
   * repository policy both read with `file()` is linted as both, one document each.
   */
  alsoDeclared?: readonly { kind: "registry-policy" | "repository-policy"; declaredBy: string }[];
  /**
   * The registry the file is deployed to: CloudFormation's `AWS::Region`, `AWS::AccountId` and `AWS::Partition`
   * resolve to it. Unknown when left out (such references are then unknown values).
   */
  registry?: RegistryContext;
  /**
   * For a Terraform file: the resources of the module's other files that read a `data "aws_iam_policy_document"`
   * block, as `terraformModuleFacts` gives them. The blocks this file defines are linted here as those resources'
   * kinds, also in a file that names no `aws_ecr_` resource itself.
   */
  terraformUses?: readonly TerraformDataUse[];
  /**
   * The file is a template that a Terraform resource reads with `templatefile()`: the `${…}` and `%{…}` in its
   * strings are unknown values (`$${` and `%%{` the literal `${` and `%{`), as in a heredoc, and text that is JSON only
   * once they are known is not judged. A file read with `file()` is not a template: Terraform reads it as written.
   * https://developer.hashicorp.com/terraform/language/functions/templatefile
   */
  terraformTemplate?: boolean;
}

/** What a file is: its documents, or why it is not ours. */
export type FileReading =
  | { status: "ours"; ast: JsonProgram; decision: KindDecision; documents: PolicyFile[] }
  | { status: "not-ours"; decision?: KindDecision }
  | { status: "parse-error"; error: ParseProblem };

const NOT_OURS: FileReading = Object.freeze({ status: "not-ours" }) as FileReading;

function ours(ast: JsonProgram, documents: PolicyFile[], decision?: KindDecision): FileReading {
  if (documents.length === 0) return decision ? { status: "not-ours", decision } : NOT_OURS;
  return { status: "ours", ast, decision: decision ?? documents[0]!.decision, documents };
}

const wholeFile = (): DocumentHost => ({ type: "file", path: "" });

/**
 * Reads a parsed file into its documents. The kind of each is decided here alone, once, for every front end:
 *
 * 1. the config's `kinds` (`identity-policy` skips the file);
 * 2. hosts, by content: a CloudFormation template (`Resources` with `AWS::ECR::*` types), ECR CLI/API JSON
 *    (`policyText`, `repositoryCreationTemplates`, a creation template's `repositoryPolicy`);
 * 3. a policy document: an IAM identity policy (see {@link isIdentityPolicy}: no statement has a Principal,
 *    NotPrincipal or a key one or two edits from them, and every statement has a Resource) is skipped; then
 *    registry or repository policy by the file-name conventions, then by content;
 * 4. replication configurations, pull-through-cache rules and creation templates by their keys.
 */
export function readAst(ast: JsonProgram, options: ReadOptions = {}): FileReading {
  const root = rootExpression(ast);
  if (!root) return NOT_OURS;
  const { declaredKind } = options;
  if (declaredKind === "identity-policy") {
    return { status: "not-ours", decision: { kind: "identity-policy", reason: "config", why: `the "kinds" of ${options.declaredBy ?? "the config"} declare it an identity policy` } };
  }
  if (declaredKind) {
    const declared = (kind: Exclude<DeclaredKind, "identity-policy">, by: string | undefined): KindDecision => ({ kind, reason: "config", why: `the "kinds" of ${by ?? "the config"} declare it a ${kind}` });
    const decision = declared(declaredKind, options.declaredBy);
    if (options.terraformTemplate) markTemplateStrings(ast);
    const values = options.terraformTemplate ? terraformValues : undefined;
    const documents = declaredDocuments(ast, root, declaredKind, decision, values);
    for (const also of options.alsoDeclared ?? []) documents.push(...declaredDocuments(ast, root, also.kind, declared(also.kind, also.declaredBy), values));
    return ours(ast, documents, decision);
  }
  const ptc = pullThroughCacheNodes(root);
  if (ptc) {
    const decision: KindDecision = { kind: "pull-through-cache-rules", reason: "content", why: "it has ecrRepositoryPrefix and an upstream registry" };
    return ours(ast, [{ kind: "pull-through-cache-rules", ast, root, host: wholeFile(), decision, pullThroughCacheRules: ptc.map((n) => readPullThroughCacheRule(n)) }]);
  }
  if (root.type !== "JSONObjectExpression") return namedWithoutPolicy(ast, root, options.filePath) ?? NOT_OURS;

  const template = cloudFormationDocuments(ast, root, options.registry);
  if (template) return ours(ast, template.documents, template.decision);
  const cli = cliDocuments(ast, root, options.filePath);
  if (cli) return ours(ast, cli.documents, cli.decision);

  const policy = ecrPolicy(root, options.filePath);
  if (policy) {
    if (isIdentityPolicy(policy)) {
      return {
        status: "not-ours",
        decision: { kind: "identity-policy", reason: "content", why: "no statement has a Principal or NotPrincipal (nor a key like them), and every statement has a Resource: an IAM identity policy, which ecrlint leaves alone" },
      };
    }
    const decision = decidePolicyKind(policy, options.filePath);
    return ours(ast, [policyDocumentOf(ast, root, policy, decision.kind, wholeFile(), decision)]);
  }
  const replication = replicationRoot(root);
  if (replication) {
    const decision: KindDecision = { kind: "replication-configuration", reason: "content", why: "it has replication rules with destinations" };
    return ours(ast, [{ kind: "replication-configuration", ast, root, host: wholeFile(), decision, replication: readReplicationConfiguration(replication) }]);
  }
  const templates = creationTemplateDocuments(ast, root);
  if (templates) return ours(ast, templates);
  // A policy about another service keeps its name's promise of a policy: it is left alone like any other.
  return (findProperty(root, "Statement") ? undefined : namedWithoutPolicy(ast, root, options.filePath)) ?? NOT_OURS;
}

/**
 * A file named as a registry or repository policy that holds none (`[]`, `{}`, `null`, `{"Version": …}` alone, a
 * list of policies): ours, as its name says, with the one problem valid-policy reports at its value, so that the
 * run does not pass without checking it. A name that follows both conventions says nothing, and neither does a
 * file whose content is another kind of ours.
 */
function namedWithoutPolicy(ast: JsonProgram, root: JsonExpression, filePath: string | undefined): FileReading | undefined {
  const kind = policyFileKindFromName(filePath);
  const byName = policyNameVerdict(filePath);
  if (!kind || !byName || !("kind" in byName)) return undefined;
  const decision: KindDecision = { kind, reason: "name", why: byName.why };
  // A Statement key misspelled (`Statment`, `statement`): valid-policy names it with a did-you-mean.
  if (root.type === "JSONObjectExpression" && root.properties.some((p) => levenshtein(propertyName(p).toLowerCase(), "statement", 2) <= 2)) {
    return ours(ast, [policyDocumentOf(ast, root, readPolicyDocument(root), kind, wholeFile(), decision)], decision);
  }
  const message = `The file is named as a ${kind.replace("-", " ")} but holds no policy: a policy file holds one JSON object with a "Statement".`;
  return ours(ast, [unreadablePolicy(ast, root, kind, wholeFile(), decision, message, root)], decision);
}

/**
 * True when {@link parseEcrFile} would find the text not ours because it is a plain JSON policy document about
 * something else (see {@link plainlyForeignPolicy}): a bucket, key or role policy, dropped before any tree is built.
 * A file whose kind is declared (config `kinds`, a Terraform `file()`), a template, YAML, Terraform or a file named
 * as a registry or repository policy is never judged here.
 */
export function plainlyForeignFile(text: string, options: Pick<ReadOptions, "filePath" | "declaredKind" | "terraformTemplate">): boolean {
  if (options.declaredKind || options.terraformTemplate || isYamlFile(options.filePath, text) || isTerraformFile(options.filePath) || isTerraformJsonFile(options.filePath)) return false;
  // A file named as a registry or repository policy may be ours whatever its actions (see ecrPolicy): few are.
  if (policyNameVerdict(options.filePath) !== undefined) return false;
  return plainlyForeignPolicy(text);
}

/**
 * Reads a file's text into its documents. Text that cannot be ours is skipped before parsing; text that cannot be
 * parsed is an error only when it might be ours.
 */
export function readEcrFile(text: string, options: ReadOptions = {}): FileReading {
  return mightBeEcrFile(text, options.filePath) || options.terraformUses?.length ? parseEcrFile(text, options) : NOT_OURS;
}

/** {@link readEcrFile} for text that already passed {@link mightBeEcrFile}, so the marker test runs once per file. */
export function parseEcrFile(text: string, options: ReadOptions = {}): FileReading {
  if (isYamlFile(options.filePath, text)) return readYamlTemplate(text, options);
  if (isTerraformFile(options.filePath)) return readTerraform(text, options);
  if (plainlyForeignFile(text, options)) return NOT_OURS;
  // Every extension is read as leniently as ESLint reads it with the plugin's configs (jsonc-eslint-parser without a
  // `jsonSyntax`): a trailing comma in a `.jsonc` file is not a parse error in one front end and fine in the other.
  const parsed = parseJsonText(text);
  // A template that is JSON only once its interpolations are known (`"Principal": ${jsonencode(p)}`) is unknown.
  if (!parsed.ok) return options.terraformTemplate && /[$%]\{/.test(text) ? NOT_OURS : { status: "parse-error", error: parsed.error };
  if (isTerraformJsonFile(options.filePath)) return readTerraformJsonAst(parsed.ast, options);
  return readAst(parsed.ast, options);
}

/**
 * A YAML file is ours only as a CloudFormation template (by content: `Resources` with `AWS::ECR::*` types); other
 * YAML (workflows, Kubernetes manifests, compose files) is left alone, and so is YAML that does not parse unless it
 * names an ECR resource type.
 */
export function readYamlTemplate(text: string, options: ReadOptions = {}): FileReading {
  const parsed = parseYamlText(text);
  if (!parsed.ok) return text.includes("AWS::ECR::") ? { status: "parse-error", error: parsed.error } : NOT_OURS;
  return readYamlAst(parsed.ast, options);
}

/** A Terraform `.tf` file: its `aws_ecr_*` resources (the HCL parser must be loaded: `loadTerraformParser`). */
export function readTerraform(text: string, options: ReadOptions = {}): FileReading {
  const parsed = parseTerraformText(text, options.registry);
  if (!parsed.ok) return { status: "parse-error", error: parsed.error };
  return readTerraformAst(parsed.ast, options);
}

/** {@link readTerraform} for a tree already read (the ESLint front end). */
export function readTerraformAst(ast: JsonProgram, options: ReadOptions = {}): FileReading {
  const blocks = terraformBlocksOf(ast);
  if (!blocks) return NOT_OURS;
  const { documents, decision } = terraformDocuments(ast, blocks, options.terraformUses);
  return ours(ast, documents, decision);
}

/** A `.tf.json` file read by the JSON parser: its `aws_ecr_*` resources, as for a `.tf` file. */
export function readTerraformJsonAst(ast: JsonProgram, options: ReadOptions = {}): FileReading {
  const { documents, decision } = terraformDocuments(ast, terraformJsonBlocks(ast, options.registry), options.terraformUses);
  return ours(ast, documents, decision);
}

/** Reads a tree of any host syntax: JSON, a YAML template or a Terraform file. */
export function readAnyAst(ast: JsonProgram, options: ReadOptions = {}): FileReading {
  if (isTerraformJsonFile(options.filePath)) return readTerraformJsonAst(ast, options);
  const syntax = foreignHost(ast)?.syntax;
  if (syntax === "yaml") return readYamlAst(ast, options);
  if (syntax === "hcl") return readTerraformAst(ast, options);
  return readAst(ast, options);
}

/** {@link readYamlTemplate} for a tree already read (the ESLint front end). */
export function readYamlAst(ast: JsonProgram, options: ReadOptions = {}): FileReading {
  const root = rootExpression(ast);
  if (root?.type !== "JSONObjectExpression") return NOT_OURS;
  const template = cloudFormationDocuments(ast, root, options.registry);
  if (!template) return NOT_OURS;
  return ours(ast, template.documents, { ...template.decision, why: template.decision.why.replace("CloudFormation template", "CloudFormation YAML template") });
}

/** The first document of a parsed file, or undefined when the file is not ours (see {@link readAst}). */
export function classifyAst(ast: JsonProgram, filePath?: string): PolicyFile | undefined {
  const reading = readAst(ast, filePath === undefined ? {} : { filePath });
  return reading.status === "ours" ? reading.documents[0] : undefined;
}

export type LoadResult =
  | { status: "ours"; file: PolicyFile }
  | { status: "not-ours" }
  | { status: "parse-error"; error: ParseProblem };

/** Reads a file's first document (for one-policy APIs such as `expectAllowed`; see {@link readEcrFile}). */
export function loadPolicyFile(text: string, filePath?: string, options: Omit<ReadOptions, "filePath"> = {}): LoadResult {
  return firstDocument(readEcrFile(text, { ...options, ...(filePath === undefined ? {} : { filePath }) }));
}

/** {@link loadPolicyFile} for text that already passed {@link mightBeEcrFile}, so the marker test runs once per file. */
export function parsePolicyFile(text: string, filePath?: string, options: Omit<ReadOptions, "filePath"> = {}): LoadResult {
  return firstDocument(parseEcrFile(text, { ...options, ...(filePath === undefined ? {} : { filePath }) }));
}

function firstDocument(reading: FileReading): LoadResult {
  if (reading.status === "ours") return { status: "ours", file: reading.documents[0]! };
  if (reading.status === "parse-error") return reading;
  return { status: "not-ours" };
}

export { stringOf };

/**
 * A rule's edit as an edit of the host file. For a document written in a JSON string the replacement text is
 * escaped for that string, and an edit that would leave the string unreadable as JSON is dropped (undefined); for
 * any other document the edit is the host's own.
 */
export function hostEdit(document: PolicyFile, edit: TextEdit): TextEdit | undefined {
  const embedding = document.host.embedding;
  const foreign = foreignHost(document.ast);
  if (foreign) return foreignEdit(foreign, edit);
  if (!embedding) return edit;
  const [start, end] = embedding.literal.range;
  if (edit.range[0] <= start || edit.range[1] >= end) return undefined;
  return embedding.hostEdit(edit);
}

/**
 * The document's own text for a range of its nodes: what a rule slices to build a fix (a separator, a quote). For a
 * document written in a JSON string, the unescaped inner text; otherwise the host text itself.
 */
export function documentText(document: PolicyFile, hostText: string, range: readonly [number, number]): string {
  const embedding = document.host.embedding;
  if (!embedding) return hostText.slice(range[0], range[1]);
  return embedding.innerText(range) ?? hostText.slice(range[0], range[1]);
}

/** YAML 1.2 core-schema scalars that are not strings: a plain scalar must never become one of these by an edit. */
const YAML_NON_STRINGS = /^(?:true|false|null|~|[-+]?(?:\.?[0-9].*|\.inf|\.nan))$/i;

/**
 * An edit of a YAML or HCL host, offered only when it provably means in the host what the rule meant: it replaces
 * characters of one verbatim string scalar (plain or quoted without escapes, on one line), or the whole scalar by
 * a JSON string, and the new value can be written in that scalar's style as it is (a plain YAML scalar that starts
 * with a letter and stays a string; quoted text with no quote, backslash, `${` or `%{`). Anything else (removing
 * a property, an edit across nodes, a string in a block scalar or heredoc) gets no fix: the finding stays.
 */
export function foreignEdit(host: ForeignHost, edit: TextEdit): TextEdit | undefined {
  for (const s of host.strings) {
    let value: string | undefined;
    let inside = false;
    if (edit.range[0] === s.outer[0] && edit.range[1] === s.outer[1]) {
      try {
        const parsed: unknown = JSON.parse(edit.text);
        if (typeof parsed === "string") value = parsed;
      } catch {
        value = undefined;
      }
    } else if (s.start <= edit.range[0] && edit.range[1] <= s.end) {
      value = s.value.slice(0, edit.range[0] - s.start) + edit.text + s.value.slice(edit.range[1] - s.start);
      inside = true;
    }
    if (value === undefined || !/^[\x20-\x7e]*$/.test(value)) continue;
    switch (s.style) {
      case "yaml-plain":
        if (!/^[A-Za-z][A-Za-z0-9/._:*?@+=-]*$/.test(value) || value.endsWith(":") || YAML_NON_STRINGS.test(value)) return undefined;
        break;
      case "yaml-double":
        if (/["\\]/.test(value)) return undefined;
        break;
      case "yaml-single":
        if (value.includes("'")) return undefined;
        break;
      case "hcl-quoted":
        if (/["\\]|[$%]\{/.test(value)) return undefined;
        break;
    }
    return inside ? { range: [edit.range[0], edit.range[1]], text: edit.text } : { range: [s.start, s.end], text: value };
  }
  return undefined;
}
