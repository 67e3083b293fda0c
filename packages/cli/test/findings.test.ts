import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { describeRules, lint } from "../src/index.js";
import { repoDir, runBin } from "./helpers.js";

/**
 * What the runner and the ESLint plugin find over fixtures/ and examples/, recorded in each tree's expected.json
 * (keys `ecrlint`, `ecrlintStrict`, `eslint`). A refactoring that changes no behaviour leaves them equal.
 * `ECRLINT_UPDATE_EXPECTED=1` rewrites those keys from the current output, for a change that means to alter them.
 */
type Findings = Record<string, unknown[]>;

/** Each example is a project of its own (its own config, its own registries), so each is linted from its own folder. */
const trees = [
  { name: "fixtures", dir: join(repoDir, "fixtures"), projects: ["."], eslintConfig: "plugin" as const },
  { name: "examples", dir: join(repoDir, "examples"), projects: ["iac", "platform-infra", "with-mistakes"], eslintConfig: "own" as const },
];

const posix = (root: string, filePath: string) => relative(root, filePath).split(sep).join("/");

/**
 * Policy-like files only, without the expected files themselves. The hostile corpus is linted with the rest (nothing
 * in it may stop a run over the tree) but recorded in its own entries' expected.json (see test/hostile).
 */
const recorded = (path: string) => /\.(?:json[c5]?|ya?ml|template|tf|tpl|tftpl)$/.test(path) && !path.endsWith("expected.json") && !path.startsWith("hostile/");

/** One finding per entry; suppressed findings follow the file's reported ones and carry their `suppressions`. */
function byFile(root: string, results: { filePath: string; messages: unknown[]; suppressedMessages: unknown[] }[]): Findings {
  const out: Findings = {};
  for (const r of [...results].sort((a, b) => (a.filePath < b.filePath ? -1 : 1))) {
    const path = posix(root, r.filePath);
    if (!recorded(path)) continue;
    out[path] = [...r.messages, ...r.suppressedMessages].map((m) => {
      // ESLint 9 and 10 add the deprecated `nodeType`; it says nothing about the finding.
      const { nodeType: _nodeType, ...rest } = m as Record<string, unknown>;
      // Related places in other files name them by absolute path, as results do; recorded relative to the tree.
      const related = rest.relatedLocations as { filePath?: string }[] | undefined;
      if (related) rest.relatedLocations = related.map((place) => (place.filePath ? { ...place, filePath: posix(root, place.filePath) } : place));
      return rest;
    });
  }
  return out;
}

/** The built `ecrlint` binary with its defaults, as a user runs it in the project. */
async function runnerFindings(root: string, project: string): Promise<Findings> {
  const run = await runBin(["--format", "json"], { cwd: join(root, project) });
  expect(run.stderr).toBe("");
  return byFile(root, JSON.parse(run.stdout) as { filePath: string; messages: unknown[]; suppressedMessages: unknown[] }[]);
}

/** The runner with every rule on, single-file and cross-file. */
async function strictRunnerFindings(root: string, project: string): Promise<Findings> {
  const rules = Object.fromEntries(Object.keys(describeRules()).map((id) => [id.slice("@ecrlint/".length), "error" as const]));
  return byFile(root, (await lint({ cwd: join(root, project), rules })).results);
}

/** ESLint 10 with the plugin: the plugin's recommended config over fixtures/, each example's own eslint.config.js. */
async function eslintFindings(root: string, project: string, config: "plugin" | "own"): Promise<Findings> {
  const cwd = join(root, project);
  const eslint =
    config === "plugin"
      ? new ESLint({ cwd, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] })
      : new ESLint({ cwd });
  return byFile(root, await eslint.lintFiles(["."]));
}

/** The findings of every project of a tree, in one object keyed by path from the tree's root. */
async function overProjects(projects: string[], find: (project: string) => Promise<Findings>): Promise<Findings> {
  const out: Findings = {};
  for (const project of projects) Object.assign(out, await find(project));
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The expected files' style: objects and lists spread over lines down to each file's findings, one finding a line. */
function format(value: unknown, depth = 0): string {
  const inline = (v: unknown): string => {
    if (Array.isArray(v)) return v.length ? `[${v.map(inline).join(", ")}]` : "[]";
    if (v && typeof v === "object") {
      const entries = Object.entries(v);
      return entries.length ? `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${inline(x)}`).join(", ")} }` : "{}";
    }
    return JSON.stringify(v);
  };
  const pad = "  ".repeat(depth + 1);
  const close = "  ".repeat(depth);
  if (Array.isArray(value)) return value.length ? `[\n${value.map((v) => pad + inline(v)).join(",\n")}\n${close}]` : "[]";
  if (value && typeof value === "object" && depth < 2) {
    const entries = Object.entries(value);
    return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${format(v, depth + 1)}`).join(",\n")}\n${close}}`;
  }
  return inline(value);
}

for (const tree of trees) {
  describe(`findings over ${tree.name}/`, () => {
    const file = join(tree.dir, "expected.json");
    const expected = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const actual: Record<string, Findings> = {};

    it("the runner reports what expected.json records, by default and with every rule on", async () => {
      actual.ecrlint = await overProjects(tree.projects, (p) => runnerFindings(tree.dir, p));
      actual.ecrlintStrict = await overProjects(tree.projects, (p) => strictRunnerFindings(tree.dir, p));
      if (process.env.ECRLINT_UPDATE_EXPECTED) return;
      expect(actual.ecrlint).toEqual(expected.ecrlint);
      expect(actual.ecrlintStrict).toEqual(expected.ecrlintStrict);
    });

    it("ESLint with the plugin reports what expected.json records", async () => {
      actual.eslint = await overProjects(tree.projects, (p) => eslintFindings(tree.dir, p, tree.eslintConfig));
      if (process.env.ECRLINT_UPDATE_EXPECTED) {
        writeFileSync(file, `${format({ ...expected, ...actual })}\n`);
        return;
      }
      expect(actual.eslint).toEqual(expected.eslint);
    });
  });
}
