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
}

export type RuleConfigName = "recommended" | "strict";

export interface RuleMeta {
  type: "problem" | "suggestion" | "layout";
  docs: {
    description: string;
    /** The lowest shared config that turns the rule on (`strict` includes `recommended`). */
    config: RuleConfigName;
    /** The REFERENCE section the rule relies on, for its doc. */
    reference: string;
  };
  messages: Record<string, string>;
  /** JSON Schema of the options list, as ESLint takes it. */
  schema: unknown[];
  fixable?: "code";
  hasSuggestions?: boolean;
}

export interface RuleContext<Options> {
  file: PolicyFile;
  /** The file's text, for fixes that keep its formatting. */
  text: string;
  filePath: string;
  registry: RegistryContext;
  /** `trustedAccounts` / `trustedOrgs` from the config (empty when not configured). */
  trust: TrustContext;
  options: Options;
  report(descriptor: ReportDescriptor): void;
}

/** A rule written once against the policy model and run by every front end (ESLint plugin, runner). */
export interface EcrRule<Options = Record<string, never>> {
  id: string;
  meta: RuleMeta;
  /** The file kinds the rule reads; other files never reach it. */
  kinds: readonly FileKind[];
  defaultOptions: Options;
  check(context: RuleContext<Options>): void;
}

export function defineRule<Options>(rule: EcrRule<Options>): EcrRule<Options> {
  return rule;
}

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
