import { dirname } from "node:path";
import {
  ConfigLocator,
  configFromSettings,
  declaredKindForFile,
  formatConfigError,
  foreignHost,
  readTerraform,
  readAnyAst,
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
  /**
   * The documents of the file, each linted as the kind it is: one for a policy file, several for a host (a
   * CloudFormation template, CLI output); none for a file that is not ours (package.json, an identity policy).
   */
  documents: PolicyFile[];
  registry: RegistryContext;
  trust: TrustContext;
  /** A config problem, reported once per file instead of crashing ESLint. */
  configError: string | undefined;
}

const byAst = new WeakMap<object, FileContext>();
const locator = new ConfigLocator();
const settingsCache = new Map<string, ConfigResult>();

interface MinimalContext {
  filename: string;
  cwd: string;
  settings: Record<string, unknown>;
  sourceCode: { ast: unknown; text: string };
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
      const reading = readAnyAst(ast, { filePath: context.filename });
      if (reading.status === "ours") result = { ...NOTHING, documents: reading.documents, configError: formatConfigError(config.error) };
    } else {
      const registry = registryForFile(context.filename, config.loaded);
      const declared = declaredKindForFile(context.filename, config.loaded);
      // Terraform's data sources resolve to the registry while the file is read, so it is read again with it.
      const read = foreignHost(ast)?.syntax === "hcl" ? (_: unknown, o: Parameters<typeof readTerraform>[1]) => readTerraform(context.sourceCode.text, o) : readAnyAst;
      const reading = read(ast, { filePath: context.filename, registry, ...(declared ? { declaredKind: declared.kind, declaredBy: declared.declaredBy } : {}) });
      if (reading.status === "ours") result = { documents: reading.documents, registry, trust: trustFromConfig(config.loaded), configError: undefined };
    }
  }
  byAst.set(ast, result);
  return result;
}

