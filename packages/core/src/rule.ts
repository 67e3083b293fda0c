import type { JsonNode, SourceLocation } from "./parse.js";
import type { FileKind, PolicyFile } from "./model/policy-file.js";
import type { RegistryContext, TrustContext } from "./config/registry.js";

/** A text replacement, in character offsets of the file's text (what ESLint's fixer produces). */
export interface TextEdit {
  range: [number, number];
  text: string;
}

export interface SuggestionDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  edits: TextEdit[];
}

export interface ReportDescriptor {
  messageId: string;
  data?: Record<string, string | number>;
  /** The offending node; its location is reported unless `loc` narrows it. */
  node: JsonNode;
  /** A narrower place inside the node (one ARN segment, say). */
  loc?: SourceLocation;
  fix?: TextEdit[];
  suggest?: SuggestionDescriptor[];
  /** Other places of the same file that take part in the finding (the Deny statement that cancels a grant). */
  related?: { node: JsonNode; message: string }[];
}

export type RuleConfigName = "recommended" | "strict";

/**
 * IAM Access Analyzer's finding types (ERROR, SECURITY_WARNING, WARNING, SUGGESTION). A rule takes the type of the
 * checks it covers, and the type sets the level the shared configs give it (`configSeverity`).
 */
export type FindingType = "error" | "security-warning" | "warning" | "suggestion";

/** A passage of the AWS documentation a rule relies on. */
export interface DocSource {
  title: string;
  url: string;
}

/** An IAM Access Analyzer policy check, by its title in the check reference (`Missing ARN field`). */
export interface AccessAnalyzerCheck {
  type: FindingType;
  check: string;
}

export interface RuleMeta {
  type: "problem" | "suggestion" | "layout";
  docs: {
    description: string;
    /** The lowest shared config that turns the rule on (`strict` includes `recommended`). */
    config: RuleConfigName;
    /** What Access Analyzer would call the rule's findings; sets the rule's level in the shared configs. */
    findingType: FindingType;
    /** The Access Analyzer checks the rule covers; empty for what Access Analyzer does not know (the registry, ECR's own rules). */
    accessAnalyzer: AccessAnalyzerCheck[];
    /** The passages of the IAM and ECR documentation the rule relies on, for its doc. */
    sources: DocSource[];
  };
  messages: Record<string, string>;
  /** JSON Schema of the options list, as ESLint takes it. */
  schema: unknown[];
  fixable?: "code";
  hasSuggestions?: boolean;
}

export interface RuleContext<Options> {
  /**
   * The document the rule looks at: a whole policy file, or one document of a host file (the policy inside
   * get-registry-policy output, a CloudFormation resource…). Its nodes are always in the host file's coordinates,
   * so reports and edits use them as they are; the front ends escape edits that land inside a JSON string.
   */
  file: PolicyFile;
  /** The host file's text. To build a fix from the document's own text, use {@link RuleContext.getText}. */
  text: string;
  /**
   * The document's own text for a range of its nodes (unescaped when the document is written in a JSON string of
   * its host): what a fix copies, such as the separator of a list or the quote of a string.
   */
  getText(range: readonly [number, number]): string;
  filePath: string;
  registry: RegistryContext;
  /** `trustedAccounts` / `trustedOrgs` from the config (empty when not configured). */
  trust: TrustContext;
  options: Options;
  report(descriptor: ReportDescriptor): void;
}

/** A place in a file, in ESLint's convention (1-based line and column, end exclusive). */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/**
 * Another place that takes part in a finding: the Deny statement that cancels a grant, the destination's policy a
 * replication configuration depends on. One cause is reported once, at one place, and names these (SARIF's
 * `relatedLocations`; the message text says the same for ESLint, which has no such field).
 */
export interface RelatedLocation extends Span {
  /** Absolute path of the file, when it is not the finding's own. */
  filePath?: string;
  /** What this place is to the finding ("the Deny statement that cancels the grant"). */
  message: string;
}

export function spanOf(node: { loc: SourceLocation }): Span {
  return { line: node.loc.start.line, column: node.loc.start.column + 1, endLine: node.loc.end.line, endColumn: node.loc.end.column + 1 };
}

/** One file as a cross-file rule sees it: what the rule collected from it, and where it is deployed. */
export interface ProjectFile<Facts, Options> {
  /** Absolute path. */
  filePath: string;
  /** Path relative to the run's root, for messages that name another file. */
  relativePath: string;
  kind: FileKind;
  registry: RegistryContext;
  facts: Facts;
  /** The rule's options for this file (from the config that governs it), merged over the defaults. */
  options: Options;
}

export interface ProjectReport {
  filePath: string;
  messageId: string;
  data?: Record<string, string | number>;
  loc: Span;
  /** Places in this or other files that take part in the finding (`filePath` absolute, as the project's files give it). */
  related?: RelatedLocation[];
}

/**
 * Places a cross-file rule adds to a finding another rule reports (the replication configuration that depends on a
 * grant require-replicate-image reports missing), so that one cause stays one finding that names all its places.
 * The finding is found by rule, messageId and start; when there is none (the rule is off) nothing happens.
 */
export interface ProjectRelation {
  filePath: string;
  /** The id of the rule whose finding this is, without the plugin prefix. */
  ruleId: string;
  messageId: string;
  line: number;
  column: number;
  related: RelatedLocation[];
  /** How many more places of this relation were left out of `related` (see `MAX_RELATED_LOCATIONS`). */
  omitted?: number;
}

export interface ProjectContext<Facts, Options> {
  files: ProjectFile<Facts, Options>[];
  report(descriptor: ProjectReport): void;
  /** Adds related places to another rule's finding. ESLint keeps no related places, so there it does nothing. */
  relate(relation: ProjectRelation): void;
  /**
   * Declares that the findings of `from` depend on `to` (a replication configuration on the registry policy of its
   * destination). `--changed-since` re-checks both ends of every tie.
   */
  tie(from: string, to: string): void;
}

/**
 * The project-level part of a rule that needs several files at once. Work is split in two so the per-file part can
 * be cached by content: `collect` reads one file into plain JSON facts (no AST, no registry), `check` joins the
 * facts of every file.
 */
export interface ProjectHook<Facts, Options> {
  collect(file: PolicyFile): Facts | undefined;
  check(project: ProjectContext<Facts, Options>): void;
}

/**
 * A rule written once against the policy model and run by every front end (ESLint plugin, runner). `check` looks
 * at one file; a cross-file rule has a `project` hook instead, which only the standalone runner calls (ESLint sees
 * one file at a time). Config validation, SARIF and docs read the same `meta` for both.
 */
export interface EcrRule<Options = Record<string, never>, Facts = unknown> {
  id: string;
  meta: RuleMeta;
  /** The file kinds the rule reads; other files never reach it. */
  kinds: readonly FileKind[];
  defaultOptions: Options;
  check?(context: RuleContext<Options>): void;
  project?: ProjectHook<Facts, Options>;
}

/** Any rule, whatever its options and facts: what rule lists hold. */
export type AnyRule = EcrRule<any, any>;

export function defineRule<Options, Facts = unknown>(rule: EcrRule<Options, Facts>): EcrRule<Options, Facts> {
  return rule;
}

/** The level a shared config gives a rule: errors and security warnings fail a run, warnings and suggestions warn. */
export function configSeverity(meta: RuleMeta): "error" | "warn" {
  return meta.docs.findingType === "error" || meta.docs.findingType === "security-warning" ? "error" : "warn";
}

/** Where Access Analyzer's policy checks are described. */
export const ACCESS_ANALYZER_CHECKS_URL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";

/** ESLint's message interpolation (`{{ name }}`), so every front end prints the same text. */
export function formatMessage(template: string, data: Record<string, string | number> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{([^{}]+?)\}\}/gu, (whole, name: string) => {
    const key = name.trim();
    return key in data ? String(data[key]) : whole;
  });
}

/** Where each rule's documentation lives: its folder's README, for every front end (ESLint docs.url, SARIF helpUri). */
export function ruleDocsUrl(ruleId: string): string {
  return `https://github.com/ecrlint/ecrlint/blob/main/rules/${ruleId}/README.md`;
}

/** The message a front end reports when a file's ecrlint config is broken. */
export const CONFIG_ERROR_MESSAGE_ID = "ecrlintConfigError";

/** The message the ESLint plugin reports on a file that might be ours but that the rules cannot read (too large, say). */
export const NOT_LINTED_MESSAGE_ID = "ecrlintNotLinted";

/** The rule under which every front end reports what keeps a file from being checked: a broken config, a size over the limit. */
export const FILE_PROBLEM_RULE = "valid-policy";

/**
 * A rule's meta as ESLint holds it (before `docs.url` is added): what the plugin registers and what the runner's
 * `json-with-metadata` format prints, key for key.
 */
export function eslintRuleMeta(rule: EcrRule<any, any>) {
  return {
    type: rule.meta.type,
    docs: { description: rule.meta.docs.description, config: rule.meta.docs.config, recommended: rule.meta.docs.config === "recommended" },
    messages: {
      ...rule.meta.messages,
      [CONFIG_ERROR_MESSAGE_ID]: "ecrlint config error: {{message}}",
      [NOT_LINTED_MESSAGE_ID]: "File not linted: {{reason}}.",
    },
    schema: rule.meta.schema,
    ...(rule.meta.fixable ? { fixable: rule.meta.fixable } : {}),
    ...(rule.meta.hasSuggestions ? { hasSuggestions: true } : {}),
  };
}
