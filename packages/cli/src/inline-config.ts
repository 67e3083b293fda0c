import { createRequire } from "node:module";
import type { ConfigCommentParser } from "@eslint/plugin-kit";
import { closest, RULE_PREFIX, type JsonProgram, type LintMessage, type RuleSetting } from "@ecrlint/core";
import { EcrlintError } from "./errors.js";
import { knownRules, severityOf, validateRuleSettings } from "./rules-config.js";

let parser: ConfigCommentParser | undefined;

/** ESLint's comment parser, loaded the first time a file has a block comment: most policy files have none. */
function commentParser(): ConfigCommentParser {
  if (!parser) {
    const kit = createRequire(import.meta.url)("@eslint/plugin-kit") as typeof import("@eslint/plugin-kit");
    parser = new kit.ConfigCommentParser();
  }
  return parser;
}

/** Rule settings from a file's `/* eslint … *\/` comments (ids without the prefix), and the problems they have. */
export interface InlineConfig {
  rules: Record<string, RuleSetting>;
  problems: LintMessage[];
}

type Loc = { start: { line: number; column: number }; end: { line: number; column: number } };

function problem(loc: Loc, ruleId: string | null, message: string): LintMessage {
  return { ruleId, message, line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1, severity: 2 };
}

const VALID_SEVERITIES = new Set<unknown>(["off", "warn", "error", 0, 1, 2]);

/**
 * Reads `/* eslint @ecrlint/no-duplicate-sid: "off" *\/` comments as ESLint does (block comments only, the same
 * JSON-like syntax), keeping the settings of our rules; other plugins' rule ids are ESLint's to judge. A setting
 * that names an unknown rule of ours, repeats one, or is invalid is reported where ESLint reports it, and ignored.
 */
export function readInlineConfig(ast: JsonProgram): InlineConfig {
  const out: InlineConfig = { rules: {}, problems: [] };
  for (const comment of ast.comments ?? []) {
    if (comment.type !== "Block" || !comment.loc) continue;
    const parser = commentParser();
    const directive = parser.parseDirective(comment.value);
    if (!directive || directive.label !== "eslint") continue;
    const loc = comment.loc as Loc;
    const parsed = parser.parseJSONLikeConfig(directive.value);
    if (!parsed.ok) {
      out.problems.push({ ...problem(loc, null, parsed.error.message), fatal: true });
      continue;
    }
    for (const [fullId, value] of Object.entries(parsed.config as Record<string, unknown>)) {
      if (!fullId.startsWith(RULE_PREFIX)) continue;
      const id = fullId.slice(RULE_PREFIX.length);
      if (!knownRules().has(id)) {
        out.problems.push(problem(loc, fullId, `Definition for rule '${fullId}' was not found.`));
        continue;
      }
      if (id in out.rules) {
        out.problems.push(problem(loc, null, `Rule "${fullId}" is already configured by another configuration comment in the preceding code. This configuration is ignored.`));
        continue;
      }
      const setting = (Array.isArray(value) ? value : [value]) as [RuleSetting, ...unknown[]];
      if (!VALID_SEVERITIES.has(setting[0])) {
        const message = `Expected severity of "off", 0, "warn", 1, "error", or 2. You passed "${JSON.stringify(setting[0])}".`;
        out.problems.push(problem(loc, fullId, `Inline configuration for rule "${fullId}" is invalid:\n\t${message}\n`));
        continue;
      }
      const normalized = (setting.length === 1 ? setting[0] : setting) as RuleSetting;
      const error = validateRuleSettings({ [id]: normalized }, undefined);
      if (error) {
        out.problems.push(problem(loc, fullId, `Inline configuration for rule "${fullId}" is invalid:\n\t${error.keyPath}: ${error.message}\n`));
        continue;
      }
      out.rules[id] = normalized;
    }
  }
  return out;
}

/** A `--rule` value written as a JSON object (`'{"no-duplicate-sid": "warn"}'`), read as JSON; undefined otherwise. */
function jsonObjectOption(text: string): { ok: true; config: Record<string, unknown> } | undefined {
  if (!text.trim().startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? { ok: true, config: value as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}

/** One `--rule` value, as ESLint's CLI reads it (`'@ecrlint/no-duplicate-sid: off'`), into settings by id without prefix. */
export function parseRuleOption(text: string): Record<string, RuleSetting> {
  const parsed = jsonObjectOption(text) ?? commentParser().parseJSONLikeConfig(text);
  if (!parsed.ok) {
    // `a: warn, b: eror` fails as JSON at its first bare word, a valid one: name the value that is no severity.
    for (const [, id, value] of text.matchAll(/(?:^|,)\s*([^\s:,{}"]+)\s*:\s*([^\s,{}[\]"]+)\s*(?=,|$)/g)) {
      if (!VALID_SEVERITIES.has(value!) && !VALID_SEVERITIES.has(Number(value))) throw new EcrlintError("usage", `--rule: ${id}: expected a severity of "off", 0, "warn", 1, "error", or 2, got "${value}"`);
    }
    throw new EcrlintError("usage", `--rule: ${parsed.error.message}`);
  }
  const out: Record<string, RuleSetting> = {};
  for (const [id, value] of Object.entries(parsed.config as Record<string, unknown>)) {
    const setting = value as RuleSetting;
    if (severityOf(setting) === 0 && !VALID_SEVERITIES.has(Array.isArray(setting) ? setting[0] : setting)) {
      throw new EcrlintError("usage", `--rule: ${id}: expected a severity of "off", 0, "warn", 1, "error", or 2`);
    }
    const ours = ourRuleId(id);
    if (ours !== undefined) out[ours] = setting;
  }
  // Said as the option the user wrote, not as the `rules` of the API it becomes.
  const error = validateRuleSettings(out, undefined);
  if (error) throw new EcrlintError("usage", `--rule: ${error.keyPath.replace(/^rules\./, RULE_PREFIX)}: ${error.message}`);
  return out;
}

/**
 * The ecrlint rule a `--rule` id names, or undefined when it is not ours: `@ecrlint/<id>`, or a bare id that is an
 * ecrlint rule or close to one (a misspelling, then reported with a did-you-mean). ESLint's core rules (`semi`) and
 * other plugins' (`jsonc/indent`) are ESLint's business, as for ESLint running rules on files they do not apply to,
 * so one `--rule` list serves both commands.
 */
function ourRuleId(id: string): string | undefined {
  if (id.startsWith(RULE_PREFIX)) return id.slice(RULE_PREFIX.length);
  if (id.includes("/")) return undefined;
  const known = knownRules();
  return known.has(id) || closest(id, known.keys(), 4) !== undefined ? id : undefined;
}
