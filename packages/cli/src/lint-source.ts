import {
  applyFixesOnce,
  parseEcrFile,
  RULE_PREFIX,
  runRules,
  type DeclaredKind,
  type FileKind,
  type HostType,
  type KindDecision,
  type LintMessage,
  type ReadOptions,
  type RegistryContext,
  type RuleSetting,
  type TerraformDataUse,
  type TrustContext,
} from "@ecrlint/core";
import { applyDirectives, NO_DIRECTIVES, parseDirectives, type ParsedDirectives, type UnusedDirectiveSeverity } from "./directives.js";
import { readInlineConfig } from "./inline-config.js";
import { isDirectiveRuleDefined, type ResolvedRules } from "./rules-config.js";

/** Everything the runner keeps about one file's text; plain data, so it can be cached by content hash. */
export type SourceOutcome =
  | { status: "not-ours"; decision?: KindDecision }
  | { status: "fatal"; message: LintMessage }
  | {
      status: "ours";
      /** What the file is, and why (a policy by its name, a CloudFormation template by its content…). */
      decision: KindDecision;
      /** Findings of the single-file rules on every document of the file, before directives. */
      messages: LintMessage[];
      directives: ParsedDirectives;
      /** Each document of the file, with what each cross-file rule collected from it, by rule id. */
      documents: DocumentOutcome[];
      /** The file's own `/* eslint *\/` rule settings (ids without prefix), laid over its config's. */
      inline: Record<string, RuleSetting>;
      /** The concrete accounts and Regions the text's ECR ARNs name, for a file whose registry is not fully known. */
      arns?: { accounts: string[]; regions: string[] };
    };

export interface DocumentOutcome {
  kind: FileKind;
  host: HostType;
  /** Where the document sits in the file (`policyText`, `Resources.Repo.Properties.RepositoryPolicyText`); "" for the whole file. */
  path: string;
  facts: Record<string, unknown>;
}

export interface SourceContext {
  filePath: string;
  registry: RegistryContext;
  trust: TrustContext;
  rules: ResolvedRules;
  /** The kind the config's `kinds` declares for the file, and the config that does. */
  declared?: { kind: DeclaredKind; declaredBy: string; also?: { kind: "registry-policy" | "repository-policy"; declaredBy: string }[] } | undefined;
  /** For a Terraform file: the resources of other files of its module that read a policy document it defines. */
  terraformUses?: readonly TerraformDataUse[];
  /** The file is a template that a Terraform resource reads with `templatefile()` (see `ReadOptions.terraformTemplate`). */
  terraformTemplate?: boolean;
  /** The rules with a file's inline settings laid over the config's. */
  rulesWith(inline: Record<string, RuleSetting>): ResolvedRules;
  /** `false` for `--no-inline-config`: directives and `/* eslint *\/` comments are not read at all. */
  inlineConfig: boolean;
  unusedDirectives: UnusedDirectiveSeverity;
}

/**
 * How a file is read in a run: its registry, the kind the config or a Terraform `file()` reference declares, and the
 * documents other files of its Terraform module read. `--print-config` reads a file with the same options.
 */
export function readOptionsOf(context: SourceContext): ReadOptions {
  return {
    filePath: context.filePath,
    registry: context.registry,
    ...declaredOptions(context.declared),
    ...(context.terraformUses ? { terraformUses: context.terraformUses } : {}),
    ...(context.terraformTemplate ? { terraformTemplate: true } : {}),
  };
}

/** The read options of a declared kind, and of the other kinds the file is deployed as. */
function declaredOptions(declared: SourceContext["declared"]): Pick<ReadOptions, "declaredKind" | "declaredBy" | "alsoDeclared"> {
  if (!declared) return {};
  return { declaredKind: declared.kind, declaredBy: declared.declaredBy, ...(declared.also?.length ? { alsoDeclared: declared.also } : {}) };
}

/**
 * Lints a file's text (without BOM) with the single-file rules and collects the cross-file facts. The text has
 * passed the marker test already (see read-file.ts), so it goes straight to the parser.
 */
export function lintSource(text: string, context: SourceContext): SourceOutcome {
  const reading = parseEcrFile(text, readOptionsOf(context));
  if (reading.status === "not-ours") return reading.decision ? { status: "not-ours", decision: reading.decision } : { status: "not-ours" };
  if (reading.status === "parse-error") {
    const { message, line, column } = reading.error;
    return { status: "fatal", message: { ruleId: null, fatal: true, severity: 2, message, line, column } };
  }
  const inline = context.inlineConfig ? readInlineConfig(reading.ast) : { rules: {}, problems: [] };
  const rules = Object.keys(inline.rules).length > 0 ? context.rulesWith(inline.rules) : context.rules;
  // Every rule runs on each document of the file as the kind it is; the findings are all the file's.
  const read =
    context.declared || context.terraformUses
      ? { ...declaredOptions(context.declared), ...(context.terraformUses ? { terraformUses: context.terraformUses } : {}), ...(context.terraformTemplate ? { terraformTemplate: true } : {}) }
      : undefined;
  const messages: LintMessage[] = [];
  const documents: DocumentOutcome[] = [];
  for (const file of reading.documents) {
    messages.push(...runRules({ file, text, filePath: context.filePath, registry: context.registry, trust: context.trust, rules: rules.single, ...(read ? { read } : {}) }));
    const facts: Record<string, unknown> = {};
    for (const [id, { rule }] of rules.project) {
      if (!rule.project || !rule.kinds.includes(file.kind)) continue;
      const collected = rule.project.collect(file);
      if (collected !== undefined) facts[id] = collected;
    }
    documents.push({ kind: file.kind, host: file.host.type, path: file.host.path, facts });
  }
  messages.sort((a, b) => a.line - b.line || a.column - b.column);
  const directives = context.inlineConfig ? parseDirectives(reading.ast, isDirectiveRuleDefined) : NO_DIRECTIVES;
  if (inline.problems.length > 0) directives.problems.push(...inline.problems);
  return { status: "ours", decision: reading.decision, messages, directives, documents, inline: inline.rules };
}

const MAX_FIX_PASSES = 10;

export interface FixOutcome {
  text: string;
  /** The outcome for the final text. */
  outcome: SourceOutcome;
}

/**
 * Applies fixes in passes until nothing changes (at most 10, stopping on a circular fix), as `eslint --fix` does.
 * Unused-directive removals are applied like ESLint's, except for directives that may silence a cross-file
 * finding: those findings are only known once every file is read, so such a directive is never judged unused here.
 */
export function fixSource(text: string, first: SourceOutcome, context: SourceContext, errorsOnly: boolean): FixOutcome {
  let current = text;
  let outcome = first;
  let twoBack: string | undefined;
  const projectIds = new Set([...context.rules.project.keys()].map((id) => RULE_PREFIX + id));
  for (let pass = 0; pass < MAX_FIX_PASSES && outcome.status === "ours"; pass++) {
    const { messages } = applyDirectives(outcome.directives, outcome.messages, current, context.unusedDirectives);
    const fixable = messages.filter((m) => {
      if (!m.fix || (errorsOnly && m.severity !== 2)) return false;
      if (m.ruleId !== null || projectIds.size === 0) return true;
      const comment = outcome.status === "ours" ? outcome.directives.comments.find((c) => c.range[0] <= m.fix!.range[0] && m.fix!.range[1] <= c.range[1]) : undefined;
      return comment !== undefined && comment.ruleIds.length > 0 && !comment.ruleIds.some((id) => projectIds.has(id));
    });
    const applied = applyFixesOnce(current, fixable);
    if (!applied.fixed || applied.output === twoBack) break;
    twoBack = current;
    current = applied.output;
    outcome = lintSource(current, context);
  }
  return { text: current, outcome };
}
