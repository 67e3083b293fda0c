import { RULE_PREFIX, type JsonProgram, type LintMessage } from "@ecrlint/core";

/**
 * `eslint-disable` comments, honoured exactly as ESLint honours them, so that a finding silenced for ESLint stays
 * silenced in CI. The algorithm follows ESLint's `apply-disable-directives`: block directives are applied first,
 * then line directives (each `disable-line` / `disable-next-line` becomes a disable/enable pair), and unused
 * directives are reported as warnings with a removal fix, ESLint's default `reportUnusedDisableDirectives: "warn"`.
 * Only what names our rules is judged: another plugin's rule ids (`jsonc/key-name-casing`) are left to ESLint, and a
 * directive naming no rule silences our findings but is never called unused, since another plugin's findings may
 * use it. A fix never removes anything but our own rule ids.
 * Everything here is plain data, so parsed directives can be kept in the cache with a file's findings.
 */

type DirectiveType = "disable" | "enable" | "disable-line" | "disable-next-line";

interface Position {
  line: number;
  column: number;
}

/** The comment a directive came from. */
export interface DirectiveComment {
  value: string;
  ruleIds: string[];
  range: [number, number];
  /** 0-based columns, as the parser gives them. */
  loc: { start: Position; end: Position };
}

export interface Directive extends Position {
  type: DirectiveType;
  ruleId: string | null;
  justification: string;
  /** Index into `ParsedDirectives.comments`. */
  comment: number;
}

export interface ParsedDirectives {
  comments: DirectiveComment[];
  directives: Directive[];
  /** Problems with the directives themselves (an unknown rule, a multi-line `eslint-disable-line`). */
  problems: LintMessage[];
}

const LABEL = /^([a-z]+(?:-[a-z]+)*)(?:\s|$)/u;
const DIRECTIVE_LABEL = /^(eslint(?:-env|-enable|-disable(?:(?:-next)?-line)?)?|exported|globals?)(?:\s|$)/u;
const LINE_COMMENT_LABEL = /^eslint-disable-(?:next-)?line$/u;

function parseDirective(text: string): { label: string; value: string; justification: string } | undefined {
  const dash = /\s-{2,}\s/u.exec(text);
  const directivePart = dash ? text.slice(0, dash.index).trim() : text.trim();
  const justification = dash ? text.slice(dash.index + dash[0].length).trim() : "";
  const match = LABEL.exec(directivePart);
  if (!match) return undefined;
  const label = match[1]!;
  return { label, value: directivePart.slice(match.index + label.length).trim(), justification };
}

function parseRuleList(value: string): string[] {
  const ids: string[] = [];
  for (const part of value.split(",")) {
    const id = part.trim().replace(/^(?<quote>['"]?)(?<ruleId>.*)\k<quote>$/su, "$<ruleId>");
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** An error covering a whole directive comment, as ESLint reports a malformed one. */
function problemAt(loc: { start: { line: number; column: number }; end: { line: number; column: number } }, ruleId: string | null, message: string): LintMessage {
  return { ruleId, message, line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1, severity: 2 };
}

/**
 * Reads the directives of a parsed file. `isRuleDefined` plays the part of ESLint's rule map: a directive naming
 * an undefined rule is an error, as in ESLint.
 */
export function parseDirectives(ast: JsonProgram, isRuleDefined: (ruleId: string) => boolean): ParsedDirectives {
  const parsed: ParsedDirectives = { comments: [], directives: [], problems: [] };
  for (const comment of ast.comments ?? []) {
    const directive = parseDirective(comment.value);
    if (!directive || !DIRECTIVE_LABEL.test(directive.label)) continue;
    const { label } = directive;
    if (comment.type === "Line" && !LINE_COMMENT_LABEL.test(label)) continue;
    if (!comment.loc || !comment.range) continue;
    const loc = { start: { ...comment.loc.start }, end: { ...comment.loc.end } };
    if (label === "eslint-disable-line" && loc.start.line !== loc.end.line) {
      parsed.problems.push(problemAt(loc, null, `${label} comment should not span multiple lines.`));
      continue;
    }
    if (label !== "eslint-disable" && label !== "eslint-enable" && label !== "eslint-disable-line" && label !== "eslint-disable-next-line") {
      continue;
    }
    const type = label.slice("eslint-".length) as DirectiveType;
    const ruleIds = parseRuleList(directive.value);
    const index = parsed.comments.length;
    parsed.comments.push({ value: directive.value, ruleIds, range: [comment.range[0], comment.range[1]], loc });
    for (const ruleId of ruleIds.length ? ruleIds : [null]) {
      if (ruleId !== null && !ruleId.startsWith(RULE_PREFIX)) continue;
      if (ruleId !== null && !isRuleDefined(ruleId)) {
        parsed.problems.push(problemAt(loc, ruleId, `Definition for rule '${ruleId}' was not found.`));
        continue;
      }
      const at = type === "disable-next-line" ? loc.end : loc.start;
      parsed.directives.push({ type, ruleId, justification: directive.justification, comment: index, line: at.line, column: at.column + 1 });
    }
  }
  return parsed;
}

interface Applied extends Position {
  type: "disable" | "enable";
  ruleId: string | null;
  source: Directive;
}

const byLocation = (a: Position, b: Position) => a.line - b.line || a.column - b.column;

type Problem = LintMessage & { suppressions?: { kind: "directive"; justification: string }[] };

function escapeRegExp(text: string): string {
  return text.replace(/[|\\{}()[\]^$+*?.]/g, "\\$&").replace(/-/g, "\\x2d");
}

interface Removal {
  description: string;
  fix: { range: [number, number]; text: string };
  source: Directive;
}

function removals(unused: Applied[], parsed: ParsedDirectives, text: string): Removal[] {
  const groups = new Map<number, Applied[]>();
  for (const d of unused) {
    const list = groups.get(d.source.comment);
    if (list) list.push(d);
    else groups.set(d.source.comment, [d]);
  }
  const out: Removal[] = [];
  for (const [index, group] of groups) {
    const comment = parsed.comments[index]!;
    const remaining = new Set(comment.ruleIds);
    for (const d of group) remaining.delete(d.ruleId!);
    if (remaining.size === 0) {
      const ids = group.filter((d) => d.ruleId).map((d) => `'${d.ruleId}'`);
      out.push({
        description: ids.length <= 2 ? ids.join(" or ") : `${ids.slice(0, -1).join(", ")}, or ${ids.at(-1)}`,
        fix: { range: comment.range, text: " " },
        source: group[0]!.source,
      });
      continue;
    }
    // Only some rules of the list are unused: remove just those names, keeping the list's own spacing.
    const listText = comment.value.trim();
    const listStart = text.indexOf(listText, comment.range[0]);
    for (const d of group) {
      const match = new RegExp(`(?:^|\\s*,\\s*)(?<quote>['"]?)${escapeRegExp(d.ruleId!)}\\k<quote>(?:\\s*,\\s*|$)`, "u").exec(listText)!;
      const start = listStart + match.index;
      const first = match[0].indexOf(",");
      const last = match[0].lastIndexOf(",");
      const range: [number, number] = first !== last ? [start + first, start + last] : [start, start + match[0].length];
      out.push({ description: `'${d.ruleId}'`, fix: { range, text: "" }, source: d.source });
    }
  }
  return out;
}

function usedEnables(directives: Applied[]): Set<Applied> {
  const enabled = new Map<string | null, Applied>();
  const used = new Set<Applied>();
  for (let i = directives.length - 1; i >= 0; i--) {
    const d = directives[i]!;
    if (d.type === "disable") {
      if (enabled.size === 0) continue;
      if (d.ruleId === null) {
        for (const e of enabled.values()) used.add(e);
        enabled.clear();
      } else {
        const e = enabled.get(d.ruleId) ?? enabled.get(null);
        if (e) used.add(e);
      }
    } else if (d.ruleId === null) {
      enabled.clear();
      enabled.set(null, d);
    } else {
      enabled.set(d.ruleId, d);
    }
  }
  return used;
}

function applyGroup(problems: Problem[], directives: Applied[], parsed: ParsedDirectives, text: string): { problems: Problem[]; unused: LintMessage[] } {
  if (directives.length === 0) return { problems, unused: [] };
  const usedDisables = new Set<Applied>();
  for (const problem of problems) {
    let active: Applied[] = [];
    for (const d of directives) {
      if (byLocation(d, problem) > 0) break;
      if (d.ruleId !== null && d.ruleId !== problem.ruleId) continue;
      if (d.type === "disable") active.push(d);
      else active = [];
    }
    if (active.length === 0) continue;
    const suppressions = active.map((d) => ({ kind: "directive" as const, justification: d.source.justification }));
    if (problem.suppressions) problem.suppressions = problem.suppressions.concat(suppressions);
    else {
      problem.suppressions = suppressions;
      usedDisables.add(active.at(-1)!);
    }
  }
  // A directive naming no rule may be used by another plugin's findings, which the runner never sees.
  const unusedDisables = directives.filter((d) => d.type === "disable" && d.ruleId !== null && !usedDisables.has(d));
  const enables = new Set(directives.filter((d) => d.source.type === "enable" && d.ruleId !== null));
  if (enables.size > 0) for (const d of usedEnables(directives)) enables.delete(d);
  const unused = [...removals(unusedDisables, parsed, text), ...removals([...enables], parsed, text)].map(({ description, fix, source }) => {
    const comment = parsed.comments[source.comment]!;
    const message =
      source.type === "enable"
        ? description
          ? `Unused eslint-enable directive (no matching eslint-disable directives were found for ${description}).`
          : "Unused eslint-enable directive (no matching eslint-disable directives were found)."
        : description
          ? `Unused eslint-disable directive (no problems were reported from ${description}).`
          : "Unused eslint-disable directive (no problems were reported).";
    const nextLine = source.type === "disable-next-line";
    return {
      ruleId: null,
      message,
      line: nextLine ? comment.loc.start.line : source.line,
      column: nextLine ? comment.loc.start.column + 1 : source.column,
      severity: 1 as const,
      fix,
    };
  });
  return { problems, unused };
}

/** ESLint's `reportUnusedDisableDirectives`: how unused directives are reported (default `warn`). */
export type UnusedDirectiveSeverity = "off" | "warn" | "error";

/** Nothing to apply: what a file has with `--no-inline-config`. */
export const NO_DIRECTIVES: ParsedDirectives = Object.freeze({ comments: [], directives: [], problems: [] }) as unknown as ParsedDirectives;

export interface DirectiveOutcome {
  messages: LintMessage[];
  suppressed: (LintMessage & { suppressions: { kind: "directive"; justification: string }[] })[];
}

/**
 * Splits findings into reported and suppressed ones and adds the unused-directive warnings.
 * `problems` must be sorted by location; `text` is the file's text without BOM.
 */
export function applyDirectives(parsed: ParsedDirectives, problems: LintMessage[], text: string, reportUnused: UnusedDirectiveSeverity): DirectiveOutcome {
  const all: Problem[] = [...parsed.problems, ...problems].map((p) => ({ ...p })).sort(byLocation);
  const block: Applied[] = parsed.directives
    .filter((d) => d.type === "disable" || d.type === "enable")
    .map((d) => ({ type: d.type as "disable" | "enable", ruleId: d.ruleId, line: d.line, column: d.column, source: d }))
    .sort(byLocation);
  const line: Applied[] = parsed.directives
    .flatMap((d): Applied[] => {
      if (d.type === "disable" || d.type === "enable") return [];
      const first = d.type === "disable-line" ? d.line : d.line + 1;
      return [
        { type: "disable", ruleId: d.ruleId, line: first, column: 1, source: d },
        { type: "enable", ruleId: d.ruleId, line: first + 1, column: 0, source: d },
      ];
    })
    .sort(byLocation);
  const blockResult = applyGroup(all, block, parsed, text);
  const lineResult = applyGroup(blockResult.problems, line, parsed, text);
  const messages: LintMessage[] = [];
  const suppressed: DirectiveOutcome["suppressed"] = [];
  for (const p of lineResult.problems) {
    if (p.suppressions) suppressed.push(p as DirectiveOutcome["suppressed"][number]);
    else messages.push(p);
  }
  if (reportUnused !== "off") {
    const severity = reportUnused === "error" ? 2 : 1;
    for (const m of [...blockResult.unused, ...lineResult.unused]) messages.push({ ...m, severity });
  }
  messages.sort(byLocation);
  return { messages, suppressed };
}
