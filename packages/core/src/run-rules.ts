import { foreignHost } from "./model/values.js";
import { documentText, hostEdit, parseEcrFile, type PolicyFile, type ReadOptions } from "./model/policy-file.js";
import type { RegistryContext, TrustContext } from "./config/registry.js";
import { formatMessage, spanOf, type EcrRule, type RelatedLocation, type ReportDescriptor, type RuleContext, type TextEdit } from "./rule.js";

export type Severity = 1 | 2;

/** One finding, in ESLint's message shape (1-based line and column, end exclusive). */
export interface LintMessage {
  ruleId: string | null;
  severity: Severity;
  message: string;
  messageId?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  fatal?: boolean;
  fix?: { range: [number, number]; text: string };
  suggestions?: { desc: string; messageId: string; data?: Record<string, string | number>; fix: { range: [number, number]; text: string } }[];
  /** Other places that take part in the finding; a place without `filePath` is in the message's own file. */
  relatedLocations?: RelatedLocation[];
  /**
   * How many more places take part in the finding than `relatedLocations` lists: a cross-file finding names at most
   * {@link MAX_RELATED_LOCATIONS} of the files it joins (thousands of replication configurations may point at one policy).
   */
  relatedLocationsOmitted?: number;
}

/**
 * The most places a cross-file rule adds to one finding; the rest are counted in `relatedLocationsOmitted`. Each place
 * of a finding is one more file saying the same thing: past a few dozen a reader or a code-scanning UI gains nothing
 * (GitHub code scanning itself keeps only the first 1,000 of a SARIF result's related locations), while a list for
 * every pair of files grows with the square of the project.
 */
export const MAX_RELATED_LOCATIONS = 20;

export interface ConfiguredRule {
  rule: EcrRule<any>;
  severity: Severity;
  /** The options the user gave (merged over the rule's defaults). */
  options: unknown;
}

export const RULE_PREFIX = "@ecrlint/";

/** Merges user options over the defaults one level deep, as typescript-eslint's RuleCreator does. */
export function mergeOptions<T>(defaults: T, user: unknown): T {
  if (user === undefined || user === null || typeof user !== "object" || Array.isArray(user)) return defaults;
  if (typeof defaults !== "object" || defaults === null) return user as T;
  return { ...(defaults as object), ...(user as object) } as T;
}

/**
 * Several edits of one fix become one replacement of the span they cover, as ESLint's fixer merges them.
 */
export function mergeEdits(text: string, edits: TextEdit[]): { range: [number, number]; text: string } | undefined {
  if (edits.length === 0) return undefined;
  const sorted = [...edits].sort((a, b) => a.range[0] - b.range[0]);
  const start = sorted[0]!.range[0];
  const end = Math.max(...sorted.map((e) => e.range[1]));
  let out = "";
  let pos = start;
  for (const e of sorted) {
    if (e.range[0] < pos) return undefined; // overlapping edits: no fix rather than a wrong one
    out += text.slice(pos, e.range[0]) + e.text;
    pos = e.range[1];
  }
  out += text.slice(pos, end);
  return { range: [start, end], text: out };
}

function hostEdits(file: PolicyFile, edits: TextEdit[]): TextEdit[] | undefined {
  const out: TextEdit[] = [];
  for (const edit of edits) {
    const mapped = hostEdit(file, edit);
    if (!mapped) return undefined;
    out.push(mapped);
  }
  return out;
}

/**
 * A rule's report as a report on the host file. Rules write edits in their document's own syntax; for a document
 * written in a JSON string (`policyText`) each edit is escaped for that string. A fix that cannot be made safely
 * (an edit across the string's bounds, or one that would leave the policy unreadable as JSON) is dropped and the
 * finding stays; so is such a suggestion. Both front ends report through this.
 */
export function toHostReport(file: PolicyFile, d: ReportDescriptor): ReportDescriptor {
  if ((!file.host.embedding && !foreignHost(file.ast)) || (!d.fix && !d.suggest)) return d;
  const { fix, suggest, ...rest } = d;
  const out: ReportDescriptor = { ...rest };
  const edits = fix ? hostEdits(file, fix) : undefined;
  if (edits) out.fix = edits;
  const suggestions = (suggest ?? []).flatMap((s) => {
    const mapped = hostEdits(file, s.edits);
    return mapped ? [{ ...s, edits: mapped }] : [];
  });
  if (suggestions.length) out.suggest = suggestions;
  return out;
}

export function toLintMessage(ruleId: string, rule: EcrRule<any>, severity: Severity, d: ReportDescriptor, text: string): LintMessage {
  const loc = d.loc ?? d.node.loc;
  const message: LintMessage = {
    ruleId,
    severity,
    message: formatMessage(rule.meta.messages[d.messageId] ?? d.messageId, d.data),
    messageId: d.messageId,
    line: loc.start.line,
    column: loc.start.column + 1,
    endLine: loc.end.line,
    endColumn: loc.end.column + 1,
  };
  if (d.related?.length) message.relatedLocations = d.related.map((r) => ({ ...spanOf(r.node), message: r.message }));
  const fix = d.fix ? mergeEdits(text, d.fix) : undefined;
  if (fix && rule.meta.fixable) message.fix = fix;
  if (d.suggest && rule.meta.hasSuggestions) {
    const suggestions = d.suggest.flatMap((s) => {
      const f = mergeEdits(text, s.edits);
      // ESLint 10 keeps a suggestion's data in its output; so does the runner, field for field.
      return f ? [{ desc: formatMessage(rule.meta.messages[s.messageId] ?? s.messageId, s.data), messageId: s.messageId, ...(s.data ? { data: s.data } : {}), fix: f }] : [];
    });
    if (suggestions.length) message.suggestions = suggestions;
  }
  return message;
}

/** What a rule's check needs besides `report` and `getText`, and how its file is read again after a fix. */
export type CheckInput<Options = unknown> = Omit<RuleContext<Options>, "report" | "getText"> & {
  /** How the file was read (the kind its config declares); the file path and registry are added. */
  read?: Omit<ReadOptions, "filePath" | "registry">;
};

function signatures(reports: ReportDescriptor[]): string {
  return reports
    .map((d) => `${d.messageId}\u0000${JSON.stringify(d.data ?? {})}`)
    .sort()
    .join("\u0001");
}

/**
 * Runs a rule's single-file check on one document and returns its reports on the host file, keeping a fix only
 * when applying it changes what the rule reports on the document. A fix that leaves the same reports behind (with
 * repeated keys, say, the rule and the fix could read different duplicates) would otherwise be applied on every
 * pass, forever. Costs one parse and one check per fix offered. `getText` is the document's (see
 * {@link RuleContext.getText}); a caller that runs several rules on one document passes one for all of them.
 */
export function checkWithEffectiveFixes<Options>(rule: EcrRule<Options, unknown>, input: CheckInput<Options>, getText = textOf(input.file, input.text)): ReportDescriptor[] {
  const { file, text, filePath, registry, trust, options, read } = input;
  const reports = checkOnce(rule, file, text, filePath, registry, trust, options, getText);
  if (!rule.meta.fixable || !reports.some((d) => d.fix)) return reports;
  const before = signatures(reports);
  return reports.map((d) => {
    const edit = d.fix ? mergeEdits(text, d.fix) : undefined;
    if (!edit) return d;
    const fixedText = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
    const reading = parseEcrFile(fixedText, { ...read, filePath, registry });
    const again = reading.status === "ours" ? reading.documents.find((doc) => doc.host.path === file.host.path && doc.kind === file.kind) : undefined;
    // A fix after which the document is gone or another kind changes everything; the rules' tests keep that rare.
    if (!again || signatures(checkOnce(rule, again, fixedText, filePath, registry, trust, options, textOf(again, fixedText))) !== before) return d;
    const { fix: _unproductive, ...rest } = d;
    return rest;
  });
}

/** `getText` for a document: one closure per document, shared by every rule that runs on it. */
function textOf(file: PolicyFile, text: string): (range: readonly [number, number]) => string {
  return (range) => documentText(file, text, range);
}

/**
 * One run of a rule's check, its reports moved onto the host file. The context is written out field by field
 * rather than spread from the caller's: every rule on every document makes one, and one shape keeps that cheap.
 */
function checkOnce<Options>(
  rule: EcrRule<Options, unknown>,
  file: PolicyFile,
  text: string,
  filePath: string,
  registry: RegistryContext,
  trust: TrustContext,
  options: Options,
  getText: (range: readonly [number, number]) => string,
): ReportDescriptor[] {
  const reports: ReportDescriptor[] = [];
  rule.check!({ file, text, getText, filePath, registry, trust, options, report: (d) => reports.push(toHostReport(file, d)) });
  return reports;
}

export interface RunRulesInput {
  /** One document of the file (run once per document of a host file). */
  file: PolicyFile;
  /** The host file's text. */
  text: string;
  filePath: string;
  registry: RegistryContext;
  trust: TrustContext;
  rules: ConfiguredRule[];
  /** How the file was read (the kind its config declares), to read it again after a fix. */
  read?: Omit<ReadOptions, "filePath" | "registry">;
}

/** Each configured rule's options merged over its defaults, once for every document it runs on. */
const mergedOptions = new WeakMap<ConfiguredRule, unknown>();

function optionsOf(configured: ConfiguredRule): unknown {
  if (mergedOptions.has(configured)) return mergedOptions.get(configured);
  const options = mergeOptions(configured.rule.defaultOptions, configured.options);
  mergedOptions.set(configured, options);
  return options;
}

/** Runs the single-file part of each configured rule that reads this kind of file; a rule that throws becomes one fatal message, not a crash. */
export function runRules(input: RunRulesInput): LintMessage[] {
  const messages: LintMessage[] = [];
  const { file, text, filePath, registry, trust, read } = input;
  const getText = textOf(file, text);
  for (const configured of input.rules) {
    const { rule, severity } = configured;
    if (!rule.check || !rule.kinds.includes(file.kind)) continue;
    try {
      const reports = checkWithEffectiveFixes(rule, { file, text, filePath, registry, trust, options: optionsOf(configured), read }, getText);
      if (reports.length === 0) continue;
      const ruleId = RULE_PREFIX + rule.id;
      for (const d of reports) messages.push(toLintMessage(ruleId, rule, severity, d, text));
    } catch (error) {
      const ruleId = RULE_PREFIX + rule.id;
      messages.push({
        ruleId,
        severity: 2,
        fatal: true,
        message: `Rule ${ruleId} failed on this file: ${error instanceof Error ? error.message : String(error)}`,
        line: 1,
        column: 1,
      });
    }
  }
  return messages.sort((a, b) => a.line - b.line || a.column - b.column);
}
