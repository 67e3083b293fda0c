import { existsSync } from "node:fs";
import { join } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import json from "@eslint/json";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { lint, projectRules, type LintOptions } from "../../src/index.js";
import { runBin, runNode } from "../helpers.js";
import { entryCwd, expectFilesAfter, findingsByFile, loadCorpus, materialize, withDir, type CommandExpectation, type CorpusEntry, type Finding } from "./corpus.js";

/**
 * Every entry of fixtures/hostile/ through every front end: the runner's API, the `ecrlint` binary, ESLint with the
 * plugin, `ecrlint explain` and `ecrlint test`. Each has a defined outcome: findings, or one line naming the file,
 * and an exit code. Nothing crashes, hangs or is skipped in silence.
 */
const corpus = loadCorpus();
const crossFileRules = new Set(projectRules.map((r) => r.id));

function lintOptions(args: string[], cwd: string): LintOptions {
  const options: LintOptions = { cwd, patterns: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--config" || arg === "-c") options.configFile = args[++i]!;
    else if (arg === "--fix") options.fix = true;
    else if (arg === "--cache") options.cache = true;
    else if (arg.startsWith("-")) throw new Error(`the corpus harness does not map ${arg} to a lint() option`);
    else options.patterns!.push(arg);
  }
  return options;
}

function expectOutput(run: { code: number | null; stdout: string; stderr: string }, expected: CommandExpectation, dir: string): void {
  expect({ exit: run.code, stderr: run.stderr.trimEnd() }).toEqual({ exit: expected.exit, stderr: withDir(expected.stderr ?? "", dir) });
  for (const line of expected.stdout ?? []) expect(run.stdout).toContain(withDir(line, dir));
}

/** ESLint with the plugin's recommended config in a child process whose heap is capped: JSON results on stdout. */
function runEslintBounded(cwd: string, patterns: string[], heapMB: number) {
  return runNode([`--max-old-space-size=${heapMB}`, join(import.meta.dirname, "eslint-bounded.mjs"), ...patterns], { cwd });
}

function eslintPatterns(entry: CorpusEntry): string[] {
  const patterns = entry.eslintArgs ?? (entry.lint?.args ?? []).filter((a) => !a.startsWith("-"));
  return patterns.length ? patterns : ["."];
}

function eslintExpectation(entry: CorpusEntry): Record<string, Finding[]> {
  if (entry.eslint !== "as lint") return entry.eslint!.findings;
  const out: Record<string, Finding[]> = {};
  for (const [file, findings] of Object.entries(entry.lint?.findings ?? {})) {
    const mine = findings.filter((f) => !crossFileRules.has(/ ([a-z-]+)\//.exec(f)?.[1] ?? ""));
    if (mine.length) out[file] = mine;
  }
  return out;
}

for (const entry of corpus) {
  describe(`${entry.id} (class ${entry.class}): ${entry.title}`, () => {
    const { lint: lintExpected, explain, test } = entry;

    const asUser = entry.uid !== undefined ? { uid: entry.uid, gid: entry.uid } : {};
    if (lintExpected) {
      it.skipIf(entry.uid !== undefined || entry.cliOnly === true)("the runner's lint() API", async () => {
        const dir = await materialize(entry);
        const cwd = entryCwd(entry, dir);
        const run = lint(lintOptions(lintExpected.args, cwd));
        if (lintExpected.exit === 2) {
          await expect(run).rejects.toThrow(withDir(lintExpected.stderr!, dir).replace(/^ecrlint: /, ""));
          return;
        }
        const report = await run;
        expect(findingsByFile(cwd, report.results)).toEqual(lintExpected.findings ?? {});
        expect(report.errored ? 1 : 0).toBe(lintExpected.exit);
        expectFilesAfter(entry, dir);
      });

      it("the ecrlint binary", async () => {
        const dir = await materialize(entry);
        const cwd = entryCwd(entry, dir);
        const run = await runBin(["--format", "json", ...lintExpected.args], { cwd, ...asUser });
        expectOutput(run, lintExpected, dir);
        if (run.code !== 2) expect(findingsByFile(cwd, JSON.parse(run.stdout) as never)).toEqual(lintExpected.findings ?? {});
        expectFilesAfter(entry, dir);
        for (const path of entry.absent ?? []) expect(existsSync(join(dir, path)), path).toBe(false);
      });
    }

    if (entry.eslint && entry.eslintHeapMB !== undefined) {
      it(`ESLint with the plugin in ${entry.eslintHeapMB} MB of heap: memory stays bounded`, async () => {
        const dir = await materialize(entry);
        const cwd = entryCwd(entry, dir);
        const run = await runEslintBounded(cwd, eslintPatterns(entry), entry.eslintHeapMB!);
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
        expect(findingsByFile(cwd, JSON.parse(run.stdout) as never)).toEqual(eslintExpectation(entry));
      });
    } else if (entry.eslint) {
      it.skipIf(entry.uid !== undefined)("ESLint with the plugin: no rule crash, the same findings", async () => {
        const dir = await materialize(entry);
        const cwd = entryCwd(entry, dir);
        const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
        const results = await eslint.lintFiles(eslintPatterns(entry));
        expect(findingsByFile(cwd, results)).toEqual(eslintExpectation(entry));
        for (const path of entry.absent ?? []) expect(existsSync(join(dir, path)), path).toBe(false);
      });

      it.skipIf(entry.uid !== undefined)("ESLint with @eslint/json's language: no rule crash, the same findings", async () => {
        const dir = await materialize(entry);
        const cwd = entryCwd(entry, dir);
        const overrideConfig = [{ files: ["**/*.json"], language: "json/json", plugins: { json } }, ...plugin.configs["recommended-json-language"]] as Linter.Config[];
        const results = await new ESLint({ cwd, overrideConfigFile: true, overrideConfig }).lintFiles(eslintPatterns(entry));
        expect(findingsByFile(cwd, results)).toEqual(entry.eslintJsonLanguage?.findings ?? eslintExpectation(entry));
      });
    }

    if (explain) {
      it("ecrlint explain", async () => {
        const dir = await materialize(entry);
        expectOutput(await runBin(["explain", ...explain.args], { cwd: entryCwd(entry, dir), ...asUser }), explain, dir);
      });
    }

    if (test) {
      it("ecrlint test", async () => {
        const dir = await materialize(entry);
        expectOutput(await runBin(["test", ...test.args], { cwd: entryCwd(entry, dir), ...asUser }), test, dir);
      });
    }
  });
}

describe("the corpus", () => {
  it("covers the classes of issue 16 that it is meant to, each entry with a defined outcome", () => {
    for (const entry of corpus) expect(entry.lint ?? entry.explain ?? entry.test, entry.id).toBeDefined();
    expect(new Set(corpus.map((e) => e.class))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]));
  });
});
