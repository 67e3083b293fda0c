import { existsSync } from "node:fs";
import { join } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { lint, projectRules, type LintOptions } from "../../src/index.js";
import { runBin } from "../helpers.js";
import { entryCwd, findingsByFile, loadCorpus, materialize, withDir, type CommandExpectation, type CorpusEntry, type Finding } from "./corpus.js";

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
    else if (arg.startsWith("-")) throw new Error(`the corpus harness does not map ${arg} to a lint() option`);
    else options.patterns!.push(arg);
  }
  return options;
}

function expectOutput(run: { code: number | null; stdout: string; stderr: string }, expected: CommandExpectation, dir: string): void {
  expect({ exit: run.code, stderr: run.stderr.trimEnd() }).toEqual({ exit: expected.exit, stderr: withDir(expected.stderr ?? "", dir) });
  for (const line of expected.stdout ?? []) expect(run.stdout).toContain(withDir(line, dir));
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

    if (lintExpected) {
      it("the runner's lint() API", async () => {
        const dir = materialize(entry);
        const cwd = entryCwd(entry, dir);
        const run = lint(lintOptions(lintExpected.args, cwd));
        if (lintExpected.exit === 2) {
          await expect(run).rejects.toThrow(withDir(lintExpected.stderr!, dir).replace(/^ecrlint: /, ""));
          return;
        }
        const report = await run;
        expect(findingsByFile(cwd, report.results)).toEqual(lintExpected.findings ?? {});
        expect(report.errored ? 1 : 0).toBe(lintExpected.exit);
      });

      it("the ecrlint binary", async () => {
        const dir = materialize(entry);
        const cwd = entryCwd(entry, dir);
        const run = await runBin(["--format", "json", ...lintExpected.args], { cwd });
        expectOutput(run, lintExpected, dir);
        if (run.code !== 2) expect(findingsByFile(cwd, JSON.parse(run.stdout) as never)).toEqual(lintExpected.findings ?? {});
        for (const path of entry.absent ?? []) expect(existsSync(join(dir, path)), path).toBe(false);
      });
    }

    if (entry.eslint) {
      it("ESLint with the plugin: no rule crash, the same findings", async () => {
        const dir = materialize(entry);
        const cwd = entryCwd(entry, dir);
        const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
        const patterns = (lintExpected?.args ?? []).filter((a) => !a.startsWith("-"));
        const results = await eslint.lintFiles(patterns.length ? patterns : ["."]);
        expect(findingsByFile(cwd, results)).toEqual(eslintExpectation(entry));
        for (const path of entry.absent ?? []) expect(existsSync(join(dir, path)), path).toBe(false);
      });
    }

    if (explain) {
      it("ecrlint explain", async () => {
        const dir = materialize(entry);
        expectOutput(await runBin(["explain", ...explain.args], { cwd: entryCwd(entry, dir) }), explain, dir);
      });
    }

    if (test) {
      it("ecrlint test", async () => {
        const dir = materialize(entry);
        expectOutput(await runBin(["test", ...test.args], { cwd: entryCwd(entry, dir) }), test, dir);
      });
    }
  });
}

describe("the corpus", () => {
  it("covers the classes of issue 16 that it is meant to, each entry with a defined outcome", () => {
    for (const entry of corpus) expect(entry.lint ?? entry.explain ?? entry.test, entry.id).toBeDefined();
    expect(new Set(corpus.map((e) => e.class))).toEqual(new Set([1, 6, 7, 10]));
  });
});
