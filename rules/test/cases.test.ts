import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as jsoncParser from "jsonc-eslint-parser";
import { ESLint as ESLint10, RuleTester as RuleTester10 } from "eslint";
import { ESLint as ESLint9, RuleTester as RuleTester9 } from "eslint9";
import { lint } from "@ecrlint/cli";
import {
  documentText,
  fixUntilStable,
  formatMessage,
  loadPolicyFile,
  loadTerraformParser,
  mergeOptions,
  readEcrFile,
  RULE_PREFIX,
  registryForFile,
  toHostReport,
  toLintMessage,
  trustFromConfig,
  type AnyRule,
  type LintMessage,
} from "@ecrlint/core";
import plugin from "@ecrlint/eslint-plugin";
import { ruleList } from "../index.js";
import { loadRuleCases, readRuleCases, ruleFolder, rulesDir, settingsForCase, type ExpectedError, type LoadedRuleCase, type RuleCase } from "./rule-cases.js";

/**
 * Every case of every rule's cases.json: a single-file rule through core and through real ESLint 9 and 10, a
 * cross-file rule through the runner's project pipeline and through ESLint 9 and 10 (which read the case's other files
 * from disk). Expected errors pin messageId, data and full location.
 */

type Reported = LintMessage & { data?: Record<string, string | number> };

/**
 * Core alone: the rule's single-file check on each document of the case's file (a host such as a CloudFormation
 * template holds several) that is of a kind the rule reads, with the data it reported.
 */
function lintCase(rule: AnyRule, c: LoadedRuleCase<RuleCase>, text = c.code): Reported[] {
  const config = { config: c.ecrlintSettings, filePath: undefined, baseDir: rulesDir };
  const registry = registryForFile(c.filePath, config);
  const reading = readEcrFile(text, { filePath: c.filePath, registry });
  if (reading.status !== "ours") throw new Error(`${c.case.file} is not read as a policy file (${reading.status})`);
  const reported: Reported[] = [];
  // A file of a kind the rule does not read is a valid case: the rule must leave it alone.
  for (const file of reading.documents.filter((d) => rule.kinds.includes(d.kind))) {
    rule.check!({
      file,
      text,
      getText: (range) => documentText(file, text, range),
      filePath: c.filePath,
      registry,
      trust: trustFromConfig(config),
      options: mergeOptions(rule.defaultOptions, c.case.options?.[0]),
      report: (d) => reported.push({ ...toLintMessage(RULE_PREFIX + rule.id, rule, 2, toHostReport(file, d), text), ...(d.data ? { data: d.data } : {}) }),
    });
  }
  return reported.sort((a, b) => a.line - b.line || a.column - b.column);
}

const located = ({ messageId, data, line, column, endLine, endColumn }: ExpectedError | Reported) => ({ messageId, data, line, column, endLine, endColumn });

function checkInCore(rule: AnyRule): void {
  const cases = loadRuleCases(rule.id);
  // Core reads a Terraform case synchronously, once the HCL grammar (WebAssembly) has loaded.
  beforeAll(() => loadTerraformParser());
  for (const c of cases.valid) {
    it(`core, valid: ${c.case.name}`, () => {
      expect(lintCase(rule, c)).toEqual([]);
    });
  }
  for (const c of cases.invalid) {
    it(`core, invalid: ${c.case.name}`, () => {
      const reported = lintCase(rule, c);
      expect(reported.map(located)).toEqual(c.case.errors.map(located));
      for (const [i, e] of c.case.errors.entries()) {
        const got = reported[i]!.suggestions ?? [];
        expect(got.map((s) => ({ messageId: s.messageId, data: s.data }))).toEqual((e.suggestions ?? []).map((s) => ({ messageId: s.messageId, data: s.data })));
        for (const [j, s] of (e.suggestions ?? []).entries()) {
          const fix = got[j]!.fix;
          const applied = c.code.slice(0, fix.range[0]) + fix.text + c.code.slice(fix.range[1]);
          expect(applied).toBe(readFileSync(join(ruleFolder(rule.id), s.output), "utf8"));
        }
      }
      expect(fixUntilStable(c.code, (text) => lintCase(rule, c, text)).output).toBe(c.output ?? c.code);
    });
  }
}

const testers = [
  ["10", RuleTester10],
  ["9", RuleTester9 as unknown as typeof RuleTester10],
] as const;

const engines = [
  ["10", ESLint10],
  ["9", ESLint9 as unknown as typeof ESLint10],
] as const;

for (const [, RuleTester] of testers) {
  const Tester = RuleTester as typeof RuleTester10 & { describe: unknown; it: unknown; afterAll: unknown };
  Tester.describe = describe;
  Tester.it = it;
  Tester.afterAll = afterAll;
}

/**
 * The parser the plugin's configs give a case's file by its extension (jsonc-eslint-parser behind the plugin's
 * guards for `.json`, the YAML and Terraform parsers for templates), as users run it.
 */
function parserFor(filePath: string): unknown {
  const configs = plugin.configs.recommended as { files?: string[]; languageOptions?: { parser?: unknown } }[];
  const parser = configs.find((c) => c.files?.some((glob) => glob.startsWith("**/*") && filePath.endsWith(glob.slice("**/*".length))))?.languageOptions?.parser;
  if (!parser) throw new Error(`the plugin's recommended config has no parser for ${filePath}`);
  return parser;
}

const jsonParser = parserFor("policy.json");

/** Real ESLint 9 and 10 with the plugin's rule: messageId, data, full location, fixes, suggestions. */
function checkInEslint(rule: AnyRule): void {
  const cases = loadRuleCases(rule.id);
  const base = (c: LoadedRuleCase<RuleCase>) => ({
    name: c.case.name,
    code: c.code,
    filename: c.filePath,
    settings: { ecrlint: c.ecrlintSettings },
    languageOptions: { parser: parserFor(c.filePath) },
    ...(c.case.options ? { options: c.case.options } : {}),
  });
  for (const [version, RuleTester] of testers) {
    describe(`ESLint ${version}`, () => {
      new RuleTester({ languageOptions: { parser: jsonParser } } as never).run(rule.id, plugin.rules[rule.id] as never, {
        valid: cases.valid.map(base),
        invalid: cases.invalid.map((c) => ({
          ...base(c),
          output: c.output ?? null,
          errors: c.case.errors.map((e) => ({
            ...located(e),
            ...(e.suggestions
              ? {
                  suggestions: e.suggestions.map((s) => ({
                    messageId: s.messageId,
                    ...(s.data ? { data: s.data } : {}),
                    output: readFileSync(join(ruleFolder(rule.id), s.output), "utf8"),
                  })),
                }
              : {}),
          })),
        })),
      } as never);
    });
  }
}

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The runner over a cross-file case: its files, each in its registry, with only this rule on. */
async function lintProjectCase(rule: AnyRule, c: RuleCase) {
  const folder = ruleFolder(rule.id);
  const dir = mkdtempSync(join(tmpdir(), "ecrlint-case-"));
  temps.push(dir);
  const registries = (c.files ?? []).flatMap((f) => (f.registry ? [{ files: [join(folder, f.path).split(sep).join("/")], ...f.registry }] : []));
  const configFile = join(dir, ".ecrlintrc.json");
  writeFileSync(configFile, JSON.stringify({ ...c.settings, registries }));
  const off = Object.fromEntries(ruleList.map((r) => [r.id, "off" as const]));
  const report = await lint({ cwd: folder, configFile, patterns: (c.files ?? []).map((f) => f.path), rules: { ...off, [rule.id]: c.options ? ["error", ...c.options] : "error" } });
  return report.results.flatMap((r) => r.messages.map((m) => finding(relative(folder, r.filePath).split(sep).join("/"), m)));
}

/** What a cross-file case compares: the file, the message (the runner's carry no data) and the full location. */
function finding(file: string | undefined, m: Pick<LintMessage, "messageId" | "message" | "line" | "column" | "endLine" | "endColumn">) {
  const { messageId, message, line, column, endLine, endColumn } = m;
  return { file, messageId, message, line, column, endLine, endColumn };
}

function checkInRunner(rule: AnyRule): void {
  const cases = readRuleCases(rule.id);
  for (const c of cases.valid) {
    it(`runner, valid: ${c.name}`, async () => {
      expect(await lintProjectCase(rule, c)).toEqual([]);
    });
  }
  for (const c of cases.invalid) {
    it(`runner, invalid: ${c.name}`, async () => {
      // The message made from the expected data, as ESLint's RuleTester checks data.
      const expected = c.errors.map((e) => finding(e.file, { ...e, message: formatMessage(rule.meta.messages[e.messageId] ?? e.messageId, e.data) }));
      expect(await lintProjectCase(rule, c)).toEqual(expected);
    });
  }
}

/**
 * ESLint over a cross-file case: the case's files alone in a folder (the plugin reads the other files under the
 * working directory from disk), each in its registry, with only this rule on. Same findings as the runner.
 */
async function eslintProjectCase(Engine: typeof ESLint10, rule: AnyRule, c: RuleCase) {
  const folder = ruleFolder(rule.id);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-eslint-case-")));
  temps.push(dir);
  for (const f of c.files ?? []) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    copyFileSync(join(folder, f.path), join(dir, f.path));
  }
  const registries = (c.files ?? []).flatMap((f) => (f.registry ? [{ files: [join(dir, f.path).split(sep).join("/")], ...f.registry }] : []));
  const config = {
    files: ["**/*.json", "**/*.jsonc", "**/*.json5"],
    plugins: { "@ecrlint": plugin },
    languageOptions: { parser: jsonParser },
    settings: { ecrlint: { ...c.settings, registries } },
    rules: { [RULE_PREFIX + rule.id]: ["error", ...(c.options ?? [])] },
  };
  const eslint = new Engine({ cwd: dir, overrideConfigFile: true, overrideConfig: [config] as never });
  const results = await eslint.lintFiles((c.files ?? []).map((f) => f.path));
  return results
    .sort((a, b) => (a.filePath < b.filePath ? -1 : 1))
    .flatMap((r) => r.messages.map((m) => finding(relative(dir, r.filePath).split(sep).join("/"), m as LintMessage)));
}

function checkProjectInEslint(rule: AnyRule): void {
  const cases = readRuleCases(rule.id);
  for (const [version, Engine] of engines) {
    for (const c of cases.valid) {
      it(`ESLint ${version}, valid: ${c.name}`, async () => {
        expect(await eslintProjectCase(Engine, rule, c)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`ESLint ${version}, invalid: ${c.name}`, async () => {
        expect(await eslintProjectCase(Engine, rule, c)).toEqual(await lintProjectCase(rule, c));
      });
    }
  }
}

for (const rule of ruleList) {
  describe(rule.id, () => {
    const cases = readRuleCases(rule.id);
    it("has valid and invalid cases, of the rule's kind of case", () => {
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
      for (const c of [...cases.valid, ...cases.invalid]) {
        // A single-file case names its file; a cross-file case lists its files and says which file each error is on.
        expect({ name: c.name, single: c.file !== undefined }).toEqual({ name: c.name, single: rule.project === undefined });
        expect({ name: c.name, multiple: c.files !== undefined }).toEqual({ name: c.name, multiple: rule.project !== undefined });
      }
      for (const c of cases.invalid) for (const e of c.errors) expect({ name: c.name, file: e.file !== undefined }).toEqual({ name: c.name, file: rule.project !== undefined });
    });
    if (rule.check) {
      checkInCore(rule);
      checkInEslint(rule);
    }
    if (rule.project) {
      checkInRunner(rule);
      checkProjectInEslint(rule);
    }
  });
}
