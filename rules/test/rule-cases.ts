import { readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { RegistryEntry } from "@ecrlint/core";

/**
 * Each rule keeps its doc and its cases in `rules/<id>/`: `cases.json` names real files under `rules/<id>/cases/`
 * with the findings expected of them. A single-file case names one `file`; a cross-file case lists its `files`,
 * each with the registry it is deployed to, and each expected error names the `file` it is on. The case tests and
 * the docs read them through this module, so a case is written once. Paths are relative to the rule's folder.
 */
export type CaseRegistry = Omit<RegistryEntry, "files">;

export interface ExpectedSuggestion {
  messageId: string;
  data?: Record<string, string | number>;
  /** File holding the text after the suggestion is applied. */
  output: string;
}

export interface ExpectedError {
  /** The file the finding is on (cross-file cases only). */
  file?: string;
  messageId: string;
  data?: Record<string, string | number>;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  suggestions?: ExpectedSuggestion[];
}

export interface CaseFile {
  path: string;
  registry?: CaseRegistry;
}

export interface RuleCase {
  name: string;
  /** The policy file of a single-file case. */
  file?: string;
  /** The files of a cross-file case: a small repository. */
  files?: CaseFile[];
  /** The registry a single-file case's file is deployed to (wrapped into `settings.ecrlint.registries`). */
  registry?: CaseRegistry;
  /** A whole ecrlint settings object, when `registry` is not enough (trusted accounts...). */
  settings?: Record<string, unknown>;
  options?: unknown[];
  /** Shown in the rule's README (default: true for the first two valid and first two invalid cases). */
  doc?: boolean;
}

export interface InvalidRuleCase extends RuleCase {
  errors: ExpectedError[];
  /** File holding the text after all fixes; absent when the rule offers no fix here. */
  output?: string;
}

export interface RuleCases {
  valid: RuleCase[];
  invalid: InvalidRuleCase[];
}

/** A single-file case, read. */
export interface LoadedRuleCase<C extends RuleCase> {
  ruleId: string;
  case: C;
  /** Absolute path of the policy file. */
  filePath: string;
  code: string;
  /** The ecrlint settings this case runs with. */
  ecrlintSettings: Record<string, unknown>;
  /** Expected text after fixes (invalid cases with `output`). */
  output?: string;
}

/** `rules/`, the package these tests belong to. */
export const rulesDir = resolve(import.meta.dirname, "..");

export function ruleFolder(ruleId: string): string {
  return join(rulesDir, ruleId);
}

export function readRuleCases(ruleId: string): RuleCases {
  return JSON.parse(readFileSync(join(ruleFolder(ruleId), "cases.json"), "utf8")) as RuleCases;
}

export function settingsForCase(c: RuleCase): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...(c.settings ?? {}) };
  // An absolute glob, so the case means the same whatever directory ESLint or the runner starts in.
  if (c.registry) settings.registries = [{ files: [`${rulesDir.split(sep).join("/")}/**`], ...c.registry }];
  return settings;
}

/** The single-file cases of a rule, with their text, settings and expected outputs. */
export function loadRuleCases(ruleId: string): { valid: LoadedRuleCase<RuleCase>[]; invalid: LoadedRuleCase<InvalidRuleCase>[] } {
  const folder = ruleFolder(ruleId);
  const cases = readRuleCases(ruleId);
  const load = <C extends RuleCase>(c: C): LoadedRuleCase<C> => {
    if (!c.file) throw new Error(`rules/${ruleId}/cases.json: case "${c.name}" names no "file"`);
    const filePath = join(folder, c.file);
    const loaded: LoadedRuleCase<C> = { ruleId, case: c, filePath, code: readFileSync(filePath, "utf8"), ecrlintSettings: settingsForCase(c) };
    const output = (c as Partial<InvalidRuleCase>).output;
    if (output) loaded.output = readFileSync(join(folder, output), "utf8");
    return loaded;
  };
  return { valid: cases.valid.map(load), invalid: cases.invalid.map(load) };
}
