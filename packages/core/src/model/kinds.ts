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

/**
 * What the config's `kinds` key may declare: one of the file kinds, or `identity-policy` for IAM identity policies
 * (attached to users and roles) that ecrlint must leave alone whatever they contain.
 */
export type DeclaredKind = FileKind | "identity-policy";

export const DECLARABLE_KINDS: readonly DeclaredKind[] = [...FILE_KINDS, "identity-policy"];

/** Where a kind came from, in the order it is decided: the config, the file's name, or what the file contains. */
export type KindReason = "config" | "name" | "content";

/**
 * How a file or a document was recognised, so that `--print-config FILE` can say it: the kind, the reason, and one
 * sentence for a person (`the file name "repo-policy.json" follows the repository-policy convention`).
 */
export interface KindDecision {
  /** A document kind, `identity-policy` (skipped), or the host of embedded documents. */
  kind: DeclaredKind | "cloudformation-template" | "aws-cli-output" | "terraform-module";
  reason: KindReason;
  why: string;
}

/**
 * File-name conventions for registry and repository policies, checked on the file's base name without its
 * extension, between separators (start or end of name, `.`, `-`, `_`, or any other non-alphanumeric character):
 *
 * | kind | names |
 * | --- | --- |
 * | repository-policy | `repository-policy`, `repository_policy`, `repositorypolicy`, `RepositoryPolicy`, `repo-policy`, `repo_policy`, `repopolicy`, and names that contain them: `api.repository-policy.json`, `repo-policy.prod.json` |
 * | registry-policy | `registry-policy`, `registry_policy`, `registrypolicy`, `RegistryPolicy`, and names that contain them: `prod.registry-policy.json` |
 *
 * A name that follows both conventions (`registry-policy-for-repo-policy.json`) settles nothing: the content decides,
 * and the decision says the name was ambiguous. A name only settles registry against repository policy (and that the file is ours: a policy file named this way
 * is read even if no statement has a Principal, so that the missing Principal is reported); what the file is at all
 * (a policy, a replication configuration…) is read from its content.
 */
export const POLICY_NAME_CONVENTIONS: readonly { kind: "registry-policy" | "repository-policy"; pattern: RegExp }[] = [
  { kind: "repository-policy", pattern: /(?:^|[^a-z0-9])(?:repository|repo)[-_]?policy(?:$|[^a-z0-9])/i },
  { kind: "registry-policy", pattern: /(?:^|[^a-z0-9])registry[-_]?policy(?:$|[^a-z0-9])/i },
];

/** The file's base name without its last extension (`app.repository-policy.json` → `app.repository-policy`). */
export function fileStem(filePath: string): string {
  const base = baseName(filePath);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The last segment of a path, after its last `/` or `\\`: asked of every file a run reads, without splitting the path. */
function baseName(filePath: string): string {
  return filePath.slice(Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\")) + 1);
}

/** Every policy kind whose convention a file name follows (see {@link POLICY_NAME_CONVENTIONS}). */
function namedPolicyKinds(filePath: string): ("registry-policy" | "repository-policy")[] {
  const stem = fileStem(filePath);
  return POLICY_NAME_CONVENTIONS.filter((c) => c.pattern.test(stem)).map((c) => c.kind);
}

/**
 * Whether a file name follows a policy naming convention at all, ambiguously included: such a file is ours by its
 * name, so that a malformed or empty `registry-policy.json` is reported rather than skipped as someone else's JSON.
 */
export function followsPolicyNameConvention(filePath: string): boolean {
  const stem = fileStem(filePath);
  return POLICY_NAME_CONVENTIONS.some((c) => c.pattern.test(stem));
}

/**
 * The policy kind a file name declares by convention, if any (see {@link POLICY_NAME_CONVENTIONS}). A name that
 * follows both conventions (`registry-policy-for-repo-policy.json`, `repo-policy.registry-policy.json`) declares
 * nothing: the content decides, and the decision says the name was ambiguous ({@link policyNameVerdict}).
 */
export function policyKindFromName(filePath: string): "registry-policy" | "repository-policy" | undefined {
  const kinds = namedPolicyKinds(filePath);
  return kinds.length === 1 ? kinds[0] : undefined;
}

/**
 * The policy kind of a file whose name ends with a convention (`registry-policy.json`, `app.repo-policy.jsonc`,
 * `RegistryPolicy.json`): such a file promises a policy, whatever it holds. A name that only contains one
 * (`registry-policy.cases.json`, `repo-policy.lifecycle.json`) names something about a policy, not the policy.
 */
export function policyFileKindFromName(filePath: string | undefined): "registry-policy" | "repository-policy" | undefined {
  if (filePath === undefined) return undefined;
  const kind = policyKindFromName(filePath);
  return kind && /(?:registry|repository|repo)[-_]?policy$/i.test(fileStem(filePath)) ? kind : undefined;
}

/**
 * What a file name says of a policy's kind, for a {@link KindDecision}: the kind and why, or that the name follows
 * both conventions (a sentence to put before the content's reason), or nothing.
 */
export function policyNameVerdict(filePath: string | undefined): { kind: "registry-policy" | "repository-policy"; why: string } | { ambiguous: string } | undefined {
  if (filePath === undefined) return undefined;
  const base = baseName(filePath);
  const kinds = namedPolicyKinds(filePath);
  if (kinds.length === 1) return { kind: kinds[0]!, why: `the file name "${base}" follows the ${kinds[0]} naming convention` };
  if (kinds.length > 1) return { ambiguous: `the file name "${base}" is ambiguous (it follows both the ${kinds.join(" and the ")} naming conventions), so the content decides` };
  return undefined;
}

/**
 * A JSON file (`.json`, `.jsonc`, `.json5`) named as a repository policy: `repository-policy.json`,
 * `app.repository-policy.jsonc`, `repo_policy.json`… The name is the only way to tell a repository policy that
 * (wrongly) has a Resource from a registry policy.
 */
export function isRepositoryPolicyFileName(filePath: string): boolean {
  return /\.json[c5]?$/i.test(filePath) && policyKindFromName(filePath) === "repository-policy";
}
