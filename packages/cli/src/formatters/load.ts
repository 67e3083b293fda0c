import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { EcrlintError } from "../errors.js";
import type { LintResult } from "../types.js";
import { eslintRulesMeta, type Formatter, type FormatterContext } from "./shared.js";

export const FORMAT_NAMES = ["stylish", "json", "json-with-metadata", "sarif", "github", "junit"] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Each built-in format's module, imported only when a run asks for that format. */
const BUILT_IN: Record<FormatName, () => Promise<Formatter>> = {
  stylish: async () => (await import("./stylish.js")).stylish,
  json: async () => (await import("./json.js")).json,
  "json-with-metadata": async () => (await import("./json.js")).jsonWithMetadata,
  sarif: async () => (await import("./sarif.js")).sarif,
  github: async () => (await import("./github.js")).github,
  junit: async () => (await import("./junit.js")).junit,
};

/** A formatter as ESLint calls one: results and `{ cwd, rulesMeta, maxWarningsExceeded? }`; it may return a promise. */
export type ModuleFormatter = (results: LintResult[], context: FormatterContext) => string | Promise<string>;

/**
 * A built-in format by name, or, as ESLint's `--format` takes it, a formatter module: a path (relative to the
 * working directory) or a package name, whose default export gets the results and ESLint's context
 * (`cwd`, `rulesMeta` of the rules that reported, `maxWarningsExceeded`), so ESLint formatters work unchanged.
 */
export async function loadFormatter(format: string, cwd: string): Promise<ModuleFormatter> {
  if ((FORMAT_NAMES as readonly string[]).includes(format)) return BUILT_IN[format as FormatName]();
  const looksLikePath = format.includes("/") || format.includes("\\") || format.startsWith(".") || isAbsolute(format);
  let specifier = looksLikePath ? pathToFileURL(resolve(cwd, format)).href : format;
  let loaded: unknown;
  try {
    if (!looksLikePath) {
      const { createRequire } = await import("node:module");
      specifier = pathToFileURL(createRequire(resolve(cwd, "noop.js")).resolve(format)).href;
    }
    loaded = await import(specifier);
  } catch (error) {
    const known = FORMAT_NAMES.join(", ");
    throw new EcrlintError("usage", `--format: cannot load the formatter "${format}" (${(error as Error).message.split("\n")[0]}); built-in formats: ${known}`);
  }
  const candidate = (loaded as { default?: unknown }).default ?? loaded;
  const fn = typeof candidate === "function" ? candidate : (candidate as { default?: unknown })?.default;
  if (typeof fn !== "function") throw new EcrlintError("usage", `--format: "${format}" does not export a formatter function`);
  return async (results, context) => String(await (fn as ModuleFormatter)(results, { ...context, rulesMeta: eslintRulesMeta(results, context) } as never));
}
