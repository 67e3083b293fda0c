import { dirname } from "node:path";
import {
  ConfigLocator,
  configFromSettings,
  declaredKindForFile,
  formatConfigError,
  readAst,
  registryForFile,
  trustFromConfig,
  type ConfigResult,
  type JsonProgram,
  type PolicyFile,
  type RegistryContext,
  type TrustContext,
  type DeclaredKind,
} from "@ecrlint/core";

/** What every rule needs for one file; computed once per file however many rules run on it. */
export interface FileContext {
  /**
   * The documents of the file, each linted as the kind it is: one for a policy file, several for a host (a
   * CloudFormation template, CLI output); none for a file that is not ours (package.json, an identity policy).
   */
  documents: PolicyFile[];
  registry: RegistryContext;
  trust: TrustContext;
  /** A config problem, reported once per file instead of crashing ESLint. */
  configError: string | undefined;
  /** The kind the config declares for the file, to read it again after a fix. */
  read?: { declaredKind: DeclaredKind; declaredBy: string };
}

const byAst = new WeakMap<object, FileContext>();
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

const NOTHING: FileContext = Object.freeze({ documents: [], registry: { source: "unknown" }, trust: { accounts: [], orgs: [] }, configError: undefined }) as FileContext;

/**
 * Reads the file into its documents once, as the runner does: the config comes first, since it may declare the
 * file's kind (`kinds`) and gives the registry that CloudFormation's `AWS::Region` and `AWS::AccountId` resolve to.
 */
export function fileContext(context: MinimalContext): FileContext {
  const ast = context.sourceCode.ast as JsonProgram;
  const cached = byAst.get(ast);
  if (cached) return cached;
  let result = NOTHING;
  if (ast.type === "Program" && Array.isArray(ast.body) && ast.body[0]?.type === "JSONExpressionStatement") {
    const config = configFor(context);
    if (!config.ok) {
      // A broken config is reported once, on a file that would be ours without it.
      const reading = readAst(ast, { filePath: context.filename });
      if (reading.status === "ours") result = { ...NOTHING, documents: reading.documents, configError: formatConfigError(config.error) };
    } else {
      const registry = registryForFile(context.filename, config.loaded);
      const declared = declaredKindForFile(context.filename, config.loaded);
      const reading = readAst(ast, { filePath: context.filename, registry, ...(declared ? { declaredKind: declared.kind, declaredBy: declared.declaredBy } : {}) });
      if (reading.status === "ours") {
        result = { documents: reading.documents, registry, trust: trustFromConfig(config.loaded), configError: undefined };
        if (declared) result.read = { declaredKind: declared.kind, declaredBy: declared.declaredBy };
      }
    }
  }
  byAst.set(ast, result);
  return result;
}

