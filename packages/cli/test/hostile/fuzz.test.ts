import fc from "fast-check";
import plugin from "@ecrlint/eslint-plugin";
import json from "@eslint/json";
import { applyFixesOnce, fixUntilStable, loadPolicyFile, runRules, type LintMessage, type RegistryContext } from "@ecrlint/core";
import {
  compilePolicy,
  DEFAULT_ANALYSIS_STEPS,
  DEFAULT_DIFF_STEPS,
  diffAccess,
  evaluateRequest,
  queryPolicy,
  RequestValueError,
  searchOutsiderAccess,
  WorkBudget,
  type CompiledPolicy,
} from "@ecrlint/core/evaluator";
import { ruleList } from "@ecrlint/rules";
import { evaluatePolicy, formatExplanation } from "@ecrlint/testing";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { describeRules, FORMAT_NAMES, formatResults, type LintResult } from "../../src/index.js";
import { policyText, request, type FuzzRequest } from "./arbitraries.js";

/**
 * Seeded fuzzing over hostile policies: `__proto__`, `constructor` and `prototype` in every position, extreme dates
 * and numbers, wildcard-heavy values. Every rule, query and formatter must answer without an exception, every
 * analysis within its step budget (steps, never time), `--fix` must settle, and the three ways in (JSON text, a
 * `JSON.parse` value, the parsed model) must reach the same decisions.
 * `FUZZ_RUNS=100000 FUZZ_SEED=… npx vitest run test/hostile/fuzz.test.ts` runs longer; `npm test` runs a few hundred.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 16);
const MAX_REPEAT = Number(process.env.FUZZ_MAX_REPEAT ?? 24);
/** One input in this many also goes through ESLint's Linter (slower than the rest together). */
const ESLINT_EVERY = 10;

const REGISTRIES: RegistryContext[] = [
  { source: "unknown" },
  { source: "config", account: "444455556666", region: "us-west-2", partition: "aws", replicationSources: ["111122223333"], pullThroughCachePrefixes: ["ecr-public"] },
];
const TRUST = { accounts: ["111122223333"], orgs: ["o-a1b2c3d4e5"] };
const ALL_RULES = ruleList.map((rule) => ({ rule, severity: 2 as const, options: undefined }));

interface Failure {
  stage: string;
  message: string;
  text: string;
}

function toRequest(r: FuzzRequest) {
  return { principal: r.principal, action: r.action, resource: r.resource, context: Object.fromEntries(r.context) };
}

function lintResult(filePath: string, messages: LintMessage[], text: string): LintResult {
  const errorCount = messages.filter((m) => m.severity === 2).length;
  return {
    filePath,
    messages,
    suppressedMessages: [],
    errorCount,
    fatalErrorCount: messages.filter((m) => m.fatal).length,
    warningCount: messages.length - errorCount,
    fixableErrorCount: messages.filter((m) => m.fix).length,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
    source: text,
  };
}

describe("fuzz: hostile policies through every rule, query and formatter", () => {
  // The timeout only keeps a long FUZZ_RUNS from being cut off; nothing here is timed.
  it(`${RUNS} seeded inputs: no exception, and the text, JSON.parse and model paths agree`, { timeout: Math.max(60_000, RUNS * 300) }, () => {
    const failures: Failure[] = [];
    const stats = { inputs: 0, ours: 0, parseErrors: 0, compared: 0, maxSteps: 0, maxDiffSteps: 0, tooComplex: 0 };
    const withinBudget = (steps: number | undefined, limit: number) => {
      if (limit === DEFAULT_DIFF_STEPS) stats.maxDiffSteps = Math.max(stats.maxDiffSteps, steps ?? 0);
      else stats.maxSteps = Math.max(stats.maxSteps, steps ?? 0);
      expect(steps ?? 0, "steps spent").toBeLessThanOrEqual(limit + 1);
    };
    const linter = new Linter({ configType: "flat", cwd: "/repo" });
    const eslintConfig = [...plugin.configs.strict] as Linter.Config[];
    const jsonLanguageConfig = [{ files: ["**/*.json"], language: "json/json", plugins: { json } }, ...plugin.configs["strict-json-language"]] as Linter.Config[];
    const rulesMeta = describeRules();

    const attempt = (stage: string, text: string, run: () => void) => {
      try {
        run();
      } catch (error) {
        failures.push({ stage, message: error instanceof Error ? error.message : String(error), text });
      }
    };

    fc.assert(
      fc.property(policyText(MAX_REPEAT), fc.array(request(MAX_REPEAT), { minLength: 1, maxLength: 3 }), fc.nat(), (text, requests, pick) => {
        stats.inputs++;
        const filePath = "/repo/infra/registry-policy.json";
        const loaded = loadPolicyFile(text, filePath);
        if (loaded.status === "parse-error") stats.parseErrors++;
        if (loaded.status !== "ours") return;
        stats.ours++;
        const registry = REGISTRIES[pick % REGISTRIES.length]!;

        let messages: LintMessage[] = [];
        attempt("rules", text, () => {
          messages = runRules({ file: loaded.file, text, filePath, registry, trust: TRUST, rules: ALL_RULES });
          // runRules turns a rule's exception into a fatal message; here that is a failure.
          for (const m of messages) if (m.fatal) throw new Error(m.message);
        });
        attempt("cross-file rules", text, () => {
          for (const rule of ruleList) {
            if (!rule.project || !rule.kinds.includes(loaded.file.kind)) continue;
            const facts = rule.project.collect(loaded.file);
            if (facts === undefined) continue;
            const file = { filePath, relativePath: "infra/registry-policy.json", kind: loaded.file.kind, registry, facts, options: rule.defaultOptions };
            rule.project.check({ files: [file], report: () => undefined, tie: () => undefined, relate: () => undefined });
          }
        });
        attempt("formatters", text, () => {
          for (const name of FORMAT_NAMES) formatResults(name, [lintResult(filePath, messages, text)], { cwd: "/repo", rootDir: "/repo", rulesMeta, color: pick % 2 === 0 });
        });
        if (stats.inputs % ESLINT_EVERY === 0) {
          attempt("eslint", text, () => {
            const messages = linter.verify(text, eslintConfig, filePath);
            expect(messages.filter((m) => m.ruleId === null && !m.fatal)).toEqual([]);
            const underJsonLanguage = linter.verify(text, jsonLanguageConfig, filePath);
            expect(underJsonLanguage.filter((m) => m.ruleId === null && !m.fatal)).toEqual([]);
          });
        }
        attempt("fix", text, () => {
          const lintText = (t: string) => {
            const reread = loadPolicyFile(t, filePath);
            return reread.status === "ours" ? runRules({ file: reread.file, text: t, filePath, registry, trust: TRUST, rules: ALL_RULES }) : [];
          };
          const fixed = fixUntilStable(text, lintText);
          expect(fixed.passes, "fix passes").toBeLessThan(10);
          expect(applyFixesOnce(fixed.output, fixed.messages).fixed, "a fix left after settling").toBe(false);
        });

        if (!("policy" in loaded.file)) return;
        const model = loaded.file.policy;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return; // Not JSON (a repeated key that JSON.parse takes but our parser rejects is handled by the parser).
        }
        const compiled: CompiledPolicy[] = [];
        attempt("compile", text, () => {
          compiled.push(compilePolicy(text, { registry }), compilePolicy(value, { registry }), compilePolicy(model, { registry }));
        });
        if (compiled.length !== 3) return;
        attempt("outsiders", text, () => {
          const budget = new WorkBudget(DEFAULT_ANALYSIS_STEPS);
          const search = searchOutsiderAccess(compiled[2]!, { trustedAccounts: TRUST.accounts, budget });
          withinBudget(budget.steps, DEFAULT_ANALYSIS_STEPS);
          if (search.tooComplex.length) stats.tooComplex++;
        });
        attempt("diff", text, () => {
          // Against no statement at all, both ways: every Allow is a gain one way and a loss the other.
          const empty = { Version: "2012-10-17", Statement: [] };
          for (const [before, after] of [[empty, value], [value, empty]]) {
            const budget = new WorkBudget(DEFAULT_DIFF_STEPS);
            diffAccess(before, after, registry.source === "config" ? { registry, budget } : { budget });
            withinBudget(budget.steps, DEFAULT_DIFF_STEPS);
          }
        });
        for (const r of requests) {
          const req = toRequest(r);
          attempt("evaluate", text, () => {
            const decisions = compiled.map((c) => evaluateRequest(c, req).decision);
            expect(new Set(decisions).size, `decisions of text, JSON.parse and model for ${JSON.stringify(req)}`).toBe(1);
            stats.compared++;
          });
          attempt("query", text, () => {
            const results = compiled.map((c) => queryPolicy(c, { action: req.action, context: req.context, anyContext: pick % 3 === 0 }));
            expect(new Set(results.map((q) => `${q.status}:${q.allowed !== undefined}`)).size).toBe(1);
            for (const q of results) withinBudget(q.steps, DEFAULT_ANALYSIS_STEPS);
          });
        }
        attempt("explain", text, () => {
          const r = requests[0]!;
          let evaluation: ReturnType<typeof evaluatePolicy>;
          try {
            evaluation = evaluatePolicy(value as object, r.action, { principal: r.principal, context: Object.fromEntries(r.context) });
          } catch (error) {
            // A context value its key's type cannot read (a Date key holding "ecr:*Image") is refused, naming the key:
            // a defined outcome (explain exits 2 with that line), not a crash.
            if (error instanceof RequestValueError && error.key.startsWith("context.")) return;
            throw error;
          }
          formatExplanation(evaluation);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );

    const summary = `fuzz: ${stats.inputs} inputs (${stats.ours} read as ours, ${stats.parseErrors} parsing errors), ${stats.compared} decisions compared, ${failures.length} failures, at most ${stats.maxSteps} steps in one analysis (budget ${DEFAULT_ANALYSIS_STEPS}) and ${stats.maxDiffSteps} in one diff (budget ${DEFAULT_DIFF_STEPS}), ${stats.tooComplex} too complex`;
    if (process.env.FUZZ_RUNS) {
      console.info(summary);
      const kinds = new Map<string, number>();
      for (const f of failures) kinds.set(`${f.stage}: ${f.message.split("\n")[0]}`, (kinds.get(`${f.stage}: ${f.message.split("\n")[0]}`) ?? 0) + 1);
      for (const [kind, n] of [...kinds].sort((a, b) => b[1] - a[1])) console.info(`  ${n} × ${kind}`);
    }
    expect(failures.slice(0, 5), summary).toEqual([]);
    expect(stats.ours).toBeGreaterThan(RUNS / 3);
  });
});
