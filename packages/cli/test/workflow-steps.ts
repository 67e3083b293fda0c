import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Runs the steps of a GitHub Actions job or composite action the way the runner does, as far as these recipes need:
 * `${{ }}` expressions (contexts `github`, `inputs`, `steps`; `always()`, `cancelled()`, `success()`, `failure()`,
 * `hashFiles()`; `==`, `!=`, `&&`, `||`, `!`), `if`, `env`, `working-directory`, step outputs through
 * `$GITHUB_OUTPUT`, the job summary through `$GITHUB_STEP_SUMMARY`, and `run` scripts in bash with `-eo pipefail`. Steps that `uses:` an action are recorded, not run.
 */
export interface Step {
  name?: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
  "working-directory"?: string;
}

export interface StepRun {
  step: Step;
  ran: boolean;
  code?: number;
  output?: string;
  /** What the step appended to `$GITHUB_STEP_SUMMARY`. */
  summary?: string;
  /** A `uses:` step's `with`, its expressions expanded. */
  with?: Record<string, string>;
}

export interface JobContext {
  cwd: string;
  github: Record<string, string>;
  inputs?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

function lookup(context: Record<string, unknown>, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], context);
}

/** Evaluates an expression by translating it to JavaScript; string literals stay, context paths become lookups. */
export function evaluate(expression: string, context: Record<string, unknown>, cwd: string, failed: boolean): unknown {
  const inner = expression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  // Comparisons stay loose (==, !=) as GitHub's are; the values here are strings.
  const js = inner.replace(/'[^']*'|\b(?:github|inputs|steps|env)(?:\.[\w-]+)+/g, (token) => (token.startsWith("'") ? token : `get(${JSON.stringify(token)})`));
  const fn = new Function("get", "always", "cancelled", "success", "failure", "hashFiles", `return (${js});`) as (...args: unknown[]) => unknown;
  return fn(
    (path: string) => lookup(context, path) ?? "",
    () => true,
    () => false,
    () => !failed,
    () => failed,
    (pattern: string) => (pattern && existsSync(resolve(cwd, pattern)) ? "hash" : ""),
  );
}

function expand(text: string, context: Record<string, unknown>, cwd: string, failed: boolean): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => String(evaluate(expression, context, cwd, failed) ?? ""));
}

export function runSteps(steps: Step[], job: JobContext): StepRun[] {
  const context: Record<string, unknown> = { github: job.github, inputs: job.inputs ?? {}, steps: {} };
  let failed = false;
  const runs: StepRun[] = [];
  const outputs = mkdtempSync(join(tmpdir(), "ecrlint-steps-"));
  for (const step of steps) {
    const condition = step.if ?? "success()";
    if (!evaluate(condition, context, job.cwd, failed)) {
      runs.push({ step, ran: false });
      continue;
    }
    if (step.uses) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), context, job.cwd, failed)]));
      runs.push({ step, ran: true, with: inputs });
      continue;
    }
    const cwd = resolve(job.cwd, expand(step["working-directory"] ?? ".", context, job.cwd, failed));
    const outputFile = join(outputs, `output-${runs.length}`);
    writeFileSync(outputFile, "");
    const summaryFile = join(outputs, `summary-${runs.length}`);
    writeFileSync(summaryFile, "");
    const env: NodeJS.ProcessEnv = { ...(job.env ?? process.env), GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, GITHUB_EVENT_NAME: job.github.event_name ?? "" };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = expand(String(value), context, job.cwd, failed);
    const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step.run ?? "", context, job.cwd, failed)], { cwd, env, encoding: "utf8" });
    const stepOutputs = Object.fromEntries(
      readFileSync(outputFile, "utf8")
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    if (step.id) (context.steps as Record<string, unknown>)[step.id] = { outputs: stepOutputs, outcome: result.status === 0 ? "success" : "failure" };
    if (result.status !== 0) failed = true;
    const summary = readFileSync(summaryFile, "utf8");
    runs.push({ step, ran: true, code: result.status ?? -1, output: result.stdout + result.stderr, ...(summary ? { summary } : {}) });
  }
  rmSync(outputs, { recursive: true, force: true });
  return runs;
}

/** The code blocks of a Markdown file, with their language. */
export function codeBlocks(markdown: string): { lang: string; text: string }[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}
