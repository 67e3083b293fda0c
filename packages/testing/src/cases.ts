import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import picomatch from "picomatch";
import { ConfigLocator, keyPathOf, parseJsonText, parseStrictJson, readTextFile, rootExpression } from "@ecrlint/core";
import { checkRegistry, RequestValueError, type ContextValue, type EvaluationRequest } from "@ecrlint/core/evaluator";
import { checkExpectation, evaluatePolicy, type Expectation, type PolicyEvaluation } from "./check.js";
import { PolicyLoadError, type RegistryOption } from "./policy.js";

export interface PolicyCase {
  name: string;
  principal?: string;
  action: string;
  resource?: string;
  context?: Record<string, ContextValue>;
  anyContext?: boolean;
  /** Accept a resource outside the policy's registry (see `TestRequest.crossRegistry`). */
  crossRegistry?: boolean;
  expect: Expectation;
}

/** The content of a `*.cases.json` file. */
export interface CasesFile {
  policy: string | Record<string, unknown>;
  registry?: RegistryOption;
  cases: PolicyCase[];
}

export interface CasesFileError {
  file: string;
  /** `cases[2].expect`; empty for the whole file. */
  keyPath: string;
  message: string;
}

export interface CaseResult {
  name: string;
  expect: Expectation;
  pass: boolean;
  decision: PolicyEvaluation["decision"];
  /** 1-based line and column of the case in its file. */
  line?: number;
  column?: number;
  message: string;
  counterexample?: EvaluationRequest;
  witness?: EvaluationRequest;
  /** Context keys that no ECR request carries and the policy does not use, with a did-you-mean. */
  warnings?: string[];
}

export interface CasesFileResult {
  file: string;
  policyName?: string;
  cases: CaseResult[];
  /** Set when the file is invalid: it then runs no case. */
  error?: CasesFileError;
}

export interface CasesRun {
  files: CasesFileResult[];
  passed: number;
  failed: number;
  /** Files that could not be run. */
  invalid: number;
}

const require = createRequire(import.meta.url);
let validator: ReturnType<Ajv["compile"]> | undefined;

function schemaValidator() {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(require("../schema/cases.json") as object);
  return validator;
}

function describeError(error: ErrorObject): { keyPath: string; message: string } {
  const at = (extra?: string) => keyPathOf(error.instancePath, extra);
  switch (error.keyword) {
    case "additionalProperties":
      return { keyPath: at((error.params as { additionalProperty: string }).additionalProperty), message: "unknown key" };
    case "required":
      return { keyPath: at((error.params as { missingProperty: string }).missingProperty), message: "is required" };
    case "enum":
      return { keyPath: at(), message: `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}` };
    case "oneOf": {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return { keyPath: at(), message: error.instancePath.startsWith("/policy") ? "must be a path to a policy file or a policy object" : `must be a string or a list of strings${description ? ` (${description})` : ""}` };
    }
    case "pattern":
      return { keyPath: at(), message: error.instancePath.endsWith("/action") ? 'must be an action such as "ecr:ReplicateImage"' : error.instancePath.endsWith("/account") ? "must be a 12-digit account id" : `must match ${(error.params as { pattern: string }).pattern}` };
    default:
      return { keyPath: at(), message: error.message ?? "is invalid" };
  }
}

/** Checks a cases file's content against the shipped schema; problems name the key path. */
export function validateCasesFile(raw: unknown, file: string): CasesFileError[] {
  const validate = schemaValidator();
  if (validate(raw)) return [];
  // A oneOf failure also reports each branch's complaint; the oneOf message alone says it better.
  const errors = (validate.errors ?? []).filter((e) => !e.schemaPath.includes("/oneOf/"));
  const seen = new Set<string>();
  const out: CasesFileError[] = [];
  for (const e of errors) {
    const d = describeError(e);
    const id = `${d.keyPath}\u0000${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ file, ...d });
  }
  return out;
}

function caseLines(text: string): ({ line: number; column: number } | undefined)[] {
  const parsed = parseJsonText(text);
  if (!parsed.ok) return [];
  const root = rootExpression(parsed.ast);
  if (root?.type !== "JSONObjectExpression") return [];
  const cases = root.properties.find((p) => (p.key.type === "JSONLiteral" ? p.key.value : p.key.type === "JSONIdentifier" ? p.key.name : "") === "cases");
  if (cases?.value.type !== "JSONArrayExpression") return [];
  return cases.value.elements.map((e) => (e ? { line: e.loc.start.line, column: e.loc.start.column + 1 } : undefined));
}

export interface RunOptions {
  /** Reports name files relative to this directory (default: the working directory). */
  cwd?: string;
  locator?: ConfigLocator;
}

/** Runs every case of one cases file. */
export function runCasesFile(filePath: string, options: RunOptions = {}): CasesFileResult {
  const cwd = resolve(options.cwd ?? process.cwd());
  const abs = resolve(cwd, filePath);
  const file = relative(cwd, abs) || abs;
  const invalid = (keyPath: string, message: string): CasesFileResult => ({ file, cases: [], error: { file, keyPath, message } });
  // Only a regular file is read, its size checked first; UTF-16 with a BOM is read as PowerShell writes it.
  const read = readTextFile(abs);
  if (!read.ok) return invalid("", `cannot read the file: ${read.reason}`);
  const { text } = read;
  // Objects without a prototype: "__proto__" in a case or an inline policy is a key like any other.
  const parsed = parseStrictJson(text);
  if (!parsed.ok) return invalid("", `not valid JSON: ${parsed.error.message} (line ${parsed.error.line}, column ${parsed.error.column})`);
  const raw = parsed.value;
  const errors = validateCasesFile(raw, file);
  if (errors.length) return { file, cases: [], error: errors[0]! };
  const content = raw as CasesFile;
  // A Region or account that is not the policy's would make every deny case pass: the file is invalid.
  const registryError = checkRegistry(content.registry).find((p) => p.severity === "error");
  if (registryError) return invalid(registryError.key, registryError.message.replace(/^registry\.\w+: /, ""));
  const lines = caseLines(text);
  const locator = options.locator ?? new ConfigLocator();
  const loadOptions = { baseDir: dirname(abs), locator, ...(content.registry ? { registry: content.registry } : {}) };
  let policyName: string | undefined;
  const results: CaseResult[] = [];
  for (const [i, c] of content.cases.entries()) {
    let evaluation: PolicyEvaluation;
    try {
      const { name: _name, action: _action, expect: _expect, ...request } = c;
      evaluation = evaluatePolicy(content.policy, c.action, request, loadOptions);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // A misspelled action, resource or principal would make the case pass vacuously: the file is invalid.
      if (error instanceof RequestValueError) return invalid(`cases[${i}].${error.key}`, `case "${c.name}": ${message}`);
      // The policy (or the config that governs it) makes the whole file unusable; anything else is this case's.
      if (error instanceof PolicyLoadError) return invalid(error.part === "policy" ? "policy" : "", message);
      return invalid(`cases[${i}]`, `cannot evaluate this case: ${message}`);
    }
    policyName ??= evaluation.policyName === "inline policy" ? `${file} (inline policy)` : relative(cwd, resolve(evaluation.policyName));
    const outcome = checkExpectation(evaluation, c.expect);
    const result: CaseResult = { name: c.name, expect: c.expect, pass: outcome.pass, decision: evaluation.decision, message: outcome.message };
    const at = lines[i];
    if (at) Object.assign(result, at);
    if (outcome.counterexample) result.counterexample = outcome.counterexample;
    if (evaluation.warnings) result.warnings = evaluation.warnings;
    if (evaluation.query?.allowed && c.expect === "allow") result.witness = evaluation.query.allowed.request;
    results.push(result);
  }
  const out: CasesFileResult = { file, cases: results };
  if (policyName) out.policyName = policyName;
  return out;
}

const SKIPPED_DIRECTORIES = new Set(["node_modules", ".git", "dist", "coverage", ".turbo"]);

/** Files under `cwd` matching the glob patterns (a pattern naming an existing file is taken as is), sorted. */
export function findCasesFiles(patterns: readonly string[], directory = process.cwd()): string[] {
  const cwd = resolve(directory);
  const found = new Set<string>();
  const globs: string[] = [];
  for (const p of patterns) {
    const abs = isAbsolute(p) ? p : resolve(cwd, p);
    const named = !picomatch.scan(p).isGlob && existsSync(abs) ? statSync(abs) : undefined;
    // A named path that is not a directory is run as is: a FIFO or a device is then that file's error, not "no match".
    if (named && !named.isDirectory()) found.add(abs);
    else if (named?.isDirectory()) globs.push(`${relative(cwd, abs).split(sep).join("/") || "."}/**/*.cases.json`.replace(/^\.\//, ""));
    else globs.push(p.split(sep).join("/"));
  }
  if (globs.length) {
    const match = picomatch(globs, { dot: false });
    const walk = (dir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith(".")) walk(full);
        } else if (entry.isFile() && match(relative(cwd, full).split(sep).join("/"))) found.add(full);
      }
    };
    walk(cwd);
  }
  return [...found].sort();
}

/** Finds and runs every cases file matching the patterns (default `**\/*.cases.json`). */
export function runCases(patterns: readonly string[] = ["**/*.cases.json"], options: RunOptions = {}): CasesRun {
  const cwd = resolve(options.cwd ?? process.cwd());
  const locator = options.locator ?? new ConfigLocator();
  const files = findCasesFiles(patterns.length ? patterns : ["**/*.cases.json"], cwd).map((f) => runCasesFile(f, { cwd, locator }));
  let passed = 0;
  let failed = 0;
  let invalid = 0;
  for (const f of files) {
    if (f.error) invalid++;
    for (const c of f.cases) c.pass ? passed++ : failed++;
  }
  return { files, passed, failed, invalid };
}
