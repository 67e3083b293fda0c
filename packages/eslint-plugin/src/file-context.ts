import { dirname } from "node:path";
import {
  ConfigLocator,
  classifyAst,
  configFromSettings,
  formatConfigError,
  registryForFile,
  trustFromConfig,
  type ConfigResult,
  type JsonProgram,
  type PolicyFile,
  type RegistryContext,
  type TrustContext,
} from "@ecrlint/core";

/** What every rule needs for one file; computed once per file however many rules run on it. */
export interface FileContext {
  file: PolicyFile | undefined;
  registry: RegistryContext;
  trust: TrustContext;
  /** A config problem, reported once per file instead of crashing ESLint. */
  configError: string | undefined;
}

const byAst = new WeakMap<object, FileContext>();
const reportedConfigError = new WeakSet<object>();
const locator = new ConfigLocator();
const settingsCache = new Map<string, ConfigResult>();

interface MinimalContext {
  filename: string;
  cwd: string;
  settings: Record<string, unknown>;
  sourceCode: { ast: unknown };
}

function configFor(context: MinimalContext): ConfigResult {
  const settings = context.settings["ecrlint"];
  if (settings === undefined) return locator.forDirectory(dirname(context.filename));
  const key = `${context.cwd}\0${JSON.stringify(settings)}`;
  let result = settingsCache.get(key);
  if (!result) {
    result = configFromSettings(settings, context.cwd);
    settingsCache.set(key, result);
  }
  return result;
}

export function fileContext(context: MinimalContext): FileContext {
  const ast = context.sourceCode.ast as JsonProgram;
  const cached = byAst.get(ast);
  if (cached) return cached;
  const file = ast.type === "Program" && Array.isArray(ast.body) && ast.body[0]?.type === "JSONExpressionStatement" ? classifyAst(ast, context.filename) : undefined;
  let result: FileContext;
  if (!file) {
    result = { file: undefined, registry: { source: "unknown" }, trust: { accounts: [], orgs: [] }, configError: undefined };
  } else {
    const config = configFor(context);
    if (!config.ok) {
      result = { file, registry: { source: "unknown" }, trust: { accounts: [], orgs: [] }, configError: formatConfigError(config.error) };
    } else {
      result = { file, registry: registryForFile(context.filename, config.loaded), trust: trustFromConfig(config.loaded), configError: undefined };
    }
  }
  byAst.set(ast, result);
  return result;
}

/** True for the first rule that asks, so a config error shows once per file. */
export function claimConfigErrorReport(ast: object): boolean {
  if (reportedConfigError.has(ast)) return false;
  reportedConfigError.add(ast);
  return true;
}
