import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { defaultLoadersSync } from "cosmiconfig";
import { findDuplicateKey, parseJsonText, parseStrictJson, propertyName, staticValue, type JsonNode, type JsonProgram, type JsonSyntax } from "../parse.js";
import { readTextFile } from "../text-file.js";
import { yaml } from "../yaml.js";
import type { ConfigError } from "./validate.js";

/**
 * How config files become values. Every loader reads only a regular file of config size, keeps a syntax error's
 * reason and position, and turns whatever a config module throws (a string, null, an object whose toString
 * throws) into one line; none of them lets an exception of its own escape.
 */

/** A config is a few kilobytes; anything this large is not one (and is not read). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A config file that exists but cannot be turned into a value: the reason, and where when it is a syntax error. */
export class ConfigReadError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/**
 * Words for whatever a config module threw. Modules may throw anything (`throw "no"`, `throw null`, an object
 * whose `toString` throws); describing it must not throw in turn.
 */
export function describeThrown(value: unknown): string {
  try {
    if (value instanceof Error) {
      const message = typeof value.message === "string" ? value.message.split("\n")[0]! : "";
      return message || value.name || "an error without a message";
    }
    if (typeof value === "string") return `it threw ${JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value)}, not an Error`;
    if (value === null || value === undefined || typeof value !== "object") return `it threw ${String(value)}, not an Error`;
    return "it threw an object that is not an Error";
  } catch {
    return "it threw a value that cannot be printed";
  }
}

export function readConfigText(filePath: string): string {
  const read = readTextFile(filePath, { maxBytes: MAX_CONFIG_BYTES });
  if (!read.ok) throw new ConfigReadError(read.reason);
  return read.text;
}

const MODULE_KEY = "ecrlint";

/** A key written twice would silently lose its first value: it is the config's error, at the second one. */
function rejectDuplicateKeys(source: string | JsonProgram, syntax: JsonSyntax = "JSONC", packageJson = false): void {
  const parsed = typeof source === "string" ? parseJsonText(source, syntax) : { ok: true as const, ast: source };
  if (!parsed.ok) return;
  let root: JsonNode = parsed.ast;
  if (packageJson) {
    // The rest of package.json is other tools' business: only the "ecrlint" key and what it holds are ours.
    const top = parsed.ast.body[0]?.expression;
    const own = top?.type === "JSONObjectExpression" ? top.properties.filter((p) => propertyName(p) === MODULE_KEY) : [];
    if (own.length === 0) return;
    root = own.length > 1 ? { ...top!, properties: own } as JsonNode : own[0]!.value;
  }
  const duplicate = findDuplicateKey(root);
  if (!duplicate) return;
  const { key, first, second } = duplicate;
  throw new ConfigReadError(`duplicate key ${JSON.stringify(key)} (first at line ${first.line}, column ${first.column}): keep one`, second.line, second.column);
}

/** Strict JSON, as `.ecrlintrc.json` and package.json are; a syntax error keeps its reason and position. */
function loadJson(filePath: string): unknown {
  const text = readConfigText(filePath);
  if (text.trim() === "") return undefined;
  const parsed = parseStrictJson(text);
  if (parsed.ok) {
    rejectDuplicateKeys(text, "JSON", basename(filePath) === "package.json");
    return parsed.value;
  }
  // A broken package.json that says nothing of ecrlint is some other tool's problem, not a config of ours.
  if (basename(filePath) === "package.json" && !text.includes('"ecrlint"')) return {};
  throw new ConfigReadError(`invalid JSON: ${parsed.error.message}`, parsed.error.line, parsed.error.column);
}

/** JSON with comments and trailing commas (the names `ecrlint init` writes); a syntax error keeps its position. */
function loadJsonc(filePath: string): unknown {
  const text = readConfigText(filePath);
  if (text.trim() === "") return undefined;
  const parsed = parseJsonText(text, "JSONC");
  if (!parsed.ok) throw new ConfigReadError(`invalid JSON: ${parsed.error.message.replace(/^Parsing error: /, "")}`, parsed.error.line, parsed.error.column);
  rejectDuplicateKeys(parsed.ast);
  return staticValue(parsed.ast);
}

function loadYaml(filePath: string): unknown {
  const text = readConfigText(filePath);
  if (text.trim() === "") return undefined;
  try {
    return defaultLoadersSync[".yaml"](filePath, text);
  } catch (error) {
    const e = error as { reason?: unknown; mark?: { line?: number; column?: number } | null };
    if (typeof e?.reason === "string") {
      const at = e.mark && e.mark.line !== undefined ? { line: e.mark.line + 1, column: (e.mark.column ?? 0) + 1 } : secondDocument(text);
      throw new ConfigReadError(`invalid YAML: ${e.reason}`, at?.line, at?.column);
    }
    throw new ConfigReadError(describeThrown(error));
  }
}

/** Where a YAML text's second document starts (a config is one document): 1-based line and column. */
function secondDocument(text: string): { line: number; column: number } | undefined {
  const lib = yaml();
  const lineCounter = new lib.LineCounter();
  const second = lib.parseAllDocuments(text, { lineCounter })[1] as { range?: [number, number, number] } | undefined;
  if (!second?.range) return undefined;
  const { line, col } = lineCounter.linePos(second.range[0]);
  return { line, column: col };
}

type ImportReply = { ok: true; value: unknown } | { ok: false; message: string; syntax?: boolean };

/**
 * Runs in a worker: imports the config module, and posts back its export as plain data (structured clone) or words
 * for what it threw. `describeThrown` is spliced in from this file, so there is one way of describing a throw. With
 * `import()` alone (no `require`): a worker takes the process's Node options, and under `node --input-type=module`
 * its code is a module.
 */
const IMPORT_WORKER = `
const describeThrown = ${describeThrown.toString()};
import("node:worker_threads").then(({ workerData }) => {
  const { url, shared, port } = workerData;
  let replied = false;
  const reply = (message) => {
    if (replied) return;
    replied = true;
    try {
      port.postMessage(message);
    } catch (error) {
      port.postMessage({ ok: false, message: "the config must be plain data (objects, lists, strings, numbers): " + describeThrown(error) });
    }
    Atomics.store(shared, 0, 1);
    Atomics.notify(shared, 0);
  };
  process.on("exit", () => reply({ ok: false, message: "it did not finish loading (a top-level await that never settles, or process.exit)" }));
  return import(url).then(
    (mod) => reply({ ok: true, value: mod && typeof mod === "object" && "default" in mod ? mod.default : mod }),
    (error) => reply({ ok: false, message: describeThrown(error), syntax: error instanceof SyntaxError }),
  );
});
`;

/**
 * Where a module's syntax error is. `import()` rejects with the reason alone; `node --check` (which parses and runs
 * nothing) prints "[stdin]:<line>", the line, and a caret under the column. A `.js` file may be either kind of
 * module: the parse whose reason is the one `import()` gave is the one that failed.
 */
function syntaxErrorPosition(filePath: string, reason: string): { line: number; column: number } | undefined {
  // Under Electron (an editor's ESLint) the executable is the editor, not Node.
  if (process.versions.electron) return undefined;
  let text: string;
  try {
    text = readConfigText(filePath);
  } catch {
    return undefined;
  }
  const kinds = filePath.endsWith(".cjs") ? ["commonjs"] : filePath.endsWith(".mjs") ? ["module"] : ["module", "commonjs"];
  for (const kind of kinds) {
    const check = spawnSync(process.execPath, [`--input-type=${kind}`, "--check"], { input: text, encoding: "utf8", timeout: 10_000 });
    const lines = (check.stderr ?? "").split("\n");
    const head = /^\[stdin\]:(\d+)$/u.exec(lines[0] ?? "");
    if (!head || !lines.some((l) => l.endsWith(reason))) continue;
    const caret = /^\s*\^/u.test(lines[2] ?? "") ? lines[2]!.indexOf("^") + 1 : 1;
    return { line: Number(head[1]), column: caret };
  }
  return undefined;
}

/** A config module that neither loads nor fails in this long has hung (an endless loop at its top level). */
const MODULE_LOAD_LIMIT_MS = 60_000;

/**
 * ESLint rules run synchronously, so configs load synchronously too. A config module is imported in a worker that
 * the caller waits for: \`require\` of an ES module that throws a string or null makes Node print a source excerpt on
 * stderr (once per process) before the error reaches any catch; \`import()\` does not, and also allows top-level
 * await. What comes back is plain data, as every config must be.
 */
function loadModuleSync(filePath: string): unknown {
  const shared = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(IMPORT_WORKER, {
    eval: true,
    workerData: { url: pathToFileURL(filePath).href, shared, port: port2 },
    transferList: [port2],
  });
  // What went wrong in the worker comes back as its reply (or the timeout's words), never as an uncaught error here.
  worker.on("error", () => undefined);
  try {
    if (Atomics.wait(shared, 0, 0, MODULE_LOAD_LIMIT_MS) === "timed-out") {
      throw new ConfigReadError(`it did not finish loading in ${MODULE_LOAD_LIMIT_MS / 1000} s`);
    }
    const reply = receiveMessageOnPort(port1)?.message as ImportReply | undefined;
    if (!reply) throw new ConfigReadError("it did not finish loading");
    if (!reply.ok) {
      const at = reply.syntax ? syntaxErrorPosition(filePath, reply.message) : undefined;
      throw new ConfigReadError(reply.message, at?.line, at?.column);
    }
    // `export default undefined` (or no default export at all) would make cosmiconfig pass over the file in silence.
    if (reply.value === undefined) throw new ConfigReadError("its default export is undefined: export the config object (export default { … })");
    return reply.value;
  } finally {
    port1.close();
    void worker.terminate();
  }
}

interface TypeScriptDiagnostic {
  messageText: string | { messageText: string };
  start?: number;
}

/**
 * TypeScript's transpiler turns a syntax error into some output anyway (`export default {;` became `{}`): its
 * syntactic diagnostics are checked first, and the first one is the config's error, with its position.
 */
function checkTypeScriptSyntax(filePath: string, content: string): void {
  let ts: { transpileModule(text: string, options: object): { diagnostics?: TypeScriptDiagnostic[] } };
  try {
    ts = createRequire(import.meta.url)("typescript") as typeof ts;
  } catch {
    return; // cosmiconfig's loader says that TypeScript is needed
  }
  const first = ts.transpileModule(content, { fileName: filePath, reportDiagnostics: true }).diagnostics?.[0];
  if (!first) return;
  const message = typeof first.messageText === "string" ? first.messageText : first.messageText.messageText;
  const { line, column } = lineColumn(content, first.start ?? 0);
  throw new ConfigReadError(`invalid TypeScript: ${message}`, line, column);
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/u);
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function loadTypeScript(filePath: string, content: string): unknown {
  checkTypeScriptSyntax(filePath, content);
  let value: unknown;
  try {
    value = defaultLoadersSync[".ts"](filePath, content);
  } catch (error) {
    throw new ConfigReadError(describeThrown(error));
  }
  if (value === undefined) throw new ConfigReadError("its default export is undefined: export the config object (export default { … })");
  return value;
}

const isObject = (value: unknown): value is object => typeof value === "object" && value !== null;

/**
 * cosmiconfig follows `$import` by reading the named files itself; each must be a regular file of config size
 * first, or `{"$import": "/dev/zero"}` would never finish.
 */
function guarded(loader: (filePath: string, content: string) => unknown) {
  return (filePath: string, content: string): unknown => {
    const value = loader(filePath, content);
    // cosmiconfig takes null for "no config here" and would go on searching past the file in silence.
    if (value === null) throw new ConfigReadError("the config is null: it must be an object");
    if (basename(filePath) === "package.json" && isObject(value) && Object.hasOwn(value, "ecrlint") && (value as { ecrlint: unknown }).ecrlint === null) {
      throw new ConfigReadError('the "ecrlint" key is null: it must be an object');
    }
    if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, "$import")) return value;
    const imports = (value as { $import: unknown }).$import;
    for (const target of Array.isArray(imports) ? imports : [imports]) {
      if (typeof target !== "string") continue;
      let stats;
      try {
        stats = statSync(resolve(dirname(filePath), target));
      } catch {
        continue; // cosmiconfig names the missing file itself
      }
      if (!stats.isFile()) throw new ConfigReadError(`$import ${JSON.stringify(target)} is not a regular file`);
      if (stats.size > MAX_CONFIG_BYTES) throw new ConfigReadError(`$import ${JSON.stringify(target)} is over the ${MAX_CONFIG_BYTES}-byte limit for a config file`);
    }
    return value;
  };
}

export const LOADERS = {
  ".json": guarded(loadJson),
  ".jsonc": guarded(loadJsonc),
  ".yaml": guarded(loadYaml),
  ".yml": guarded(loadYaml),
  noExt: guarded(loadYaml),
  ".js": guarded(loadModuleSync),
  ".mjs": guarded(loadModuleSync),
  ".cjs": guarded(loadModuleSync),
  ".ts": guarded(loadTypeScript),
};

export function describeLoadError(filePath: string | undefined, error: unknown): ConfigError {
  const out: ConfigError = { filePath, keyPath: "", message: `cannot read config: ${describeThrown(error)}` };
  if (error instanceof ConfigReadError && error.line !== undefined) {
    out.line = error.line;
    out.column = error.column ?? 1;
  }
  return out;
}

/**
 * What a config module exports is turned into plain data before anything reads it: getters run once, here, and a
 * getter that throws, a function or a proxy is this config's error instead of a crash in whatever reads it later.
 */
export function plainData(raw: unknown): unknown {
  return structuredClone(raw);
}

