import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { RegistryEntry } from "./config/registry.js";

/**
 * Each rule keeps its doc and its cases in `rules/<id>/`: `cases.json` names real policy files under
 * `rules/<id>/cases/` with the findings expected of them. Rule tests, the ESLint tests and the docs all read
 * them through this module, so a case is written once.
 */
export interface ExpectedSuggestion {
  messageId: string;
  data?: Record<string, string | number>;
  /** File holding the text after the suggestion is applied. */
  output: string;
}

export interface ExpectedError {
  messageId: string;
  data?: Record<string, string | number>;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  suggestions?: ExpectedSuggestion[];
}

export interface RuleCase {
  name: string;
  /** Path of the policy file, relative to the rule's folder. */
  file: string;
  /** The registry the file is deployed to (wrapped into `settings.ecrlint.registries`). */
  registry?: Omit<RegistryEntry, "files">;
  /** A whole ecrlint settings object, when `registry` is not enough (trusted accounts...). */
  settings?: Record<string, unknown>;
  options?: unknown[];
  /** Shown in the rule's README (default: true for the first valid and first invalid case). */
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

/** `rules/` at the repository root, found from this module's location (src or dist). */
export function rulesDirectory(from = import.meta.dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "rules");
    if (existsSync(join(candidate)) && existsSync(join(dir, "turbo.json"))) return candidate;
    dir = resolve(dir, "..");
  }
  throw new Error("rules/ directory not found above " + from);
}

export function ruleFolders(rulesDir = rulesDirectory()): string[] {
  return readdirSync(rulesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

export function settingsForCase(c: RuleCase, rulesDir = rulesDirectory()): Record<string, unknown> {
  const settings: Record<string, unknown> = { ...(c.settings ?? {}) };
  // An absolute glob, so the case means the same whatever directory ESLint or the runner starts in.
  if (c.registry) settings.registries = [{ files: [`${rulesDir.split(sep).join("/")}/**`], ...c.registry }];
  return settings;
}

export function loadRuleCases(ruleId: string, rulesDir = rulesDirectory()): {
  valid: LoadedRuleCase<RuleCase>[];
  invalid: LoadedRuleCase<InvalidRuleCase>[];
} {
  const folder = join(rulesDir, ruleId);
  const cases = JSON.parse(readFileSync(join(folder, "cases.json"), "utf8")) as RuleCases;
  const load = <C extends RuleCase>(c: C): LoadedRuleCase<C> => {
    const filePath = join(folder, c.file);
    const loaded: LoadedRuleCase<C> = {
      ruleId,
      case: c,
      filePath,
      code: readFileSync(filePath, "utf8"),
      ecrlintSettings: settingsForCase(c, rulesDir),
    };
    const output = (c as Partial<InvalidRuleCase>).output;
    if (output) loaded.output = readFileSync(join(folder, output), "utf8");
    return loaded;
  };
  return { valid: cases.valid.map(load), invalid: cases.invalid.map(load) };
}
