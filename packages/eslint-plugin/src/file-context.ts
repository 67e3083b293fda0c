import { dirname } from "node:path";
import { terraformDataUses, terraformDeclaredKind } from "./terraform-references.js";
import {
  basePathOf,
  hiddenField,
  isPersonalFolder,
  ProjectRoots,
  setHiddenField,
  ConfigLocator,
  configFromSettings,
  declaredKindForFile,
  formatConfigError,
  foreignHost,
  mightBeEcrFile,
  plainlyForeignFile,
  parseJsonText,
  parseYamlText,
  readAnyAst,
  readTerraform,
  registryForFile,
  trustFromConfig,
  type ConfigResult,
  type JsonProgram,
  type PolicyFile,
  type RegistryContext,
  type TrustContext,
  type DeclaredKind,
} from "@ecrlint/core";
import { eslintBasePath } from "./eslint-base-path.js";

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
  /** The kind the config declares for the file (and the other kinds it is deployed as), to read it again after a fix. */
  read?: { declaredKind: DeclaredKind; declaredBy: string; alsoDeclared?: { kind: "registry-policy" | "repository-policy"; declaredBy: string }[]; terraformTemplate?: boolean };
  /**
   * Whether ESLint's locations for this file count columns from 1: `@eslint/json`'s language does, the JavaScript
   * language that `jsonc-eslint-parser` plugs into counts from 0.
   */
  columnsFromOne: boolean;
  /**
   * Under `@eslint/json`: the language read the file but the rules' parse of it (jsonc-eslint-parser's, as the
   * runner's) failed, on a text that might be ours (a repeated `__proto__` key). Said, never skipped in silence.
   */
  unread?: { message: string; line: number; column: number };
}

/**
 * On the tree ESLint gives the rules: the file's context, read once for all of them. A hidden field rather than a
 * WeakMap entry, whose value (the documents, so the tree) V8's young-generation collector would keep alive.
 */
const FILE_CONTEXT = Symbol("ecrlint file context");
const locator = new ConfigLocator();
const settingsCache = new Map<string, ConfigResult>();

export interface MinimalContext {
  filename: string;
  cwd: string;
  settings: Record<string, unknown>;
  /** ESLint 9's context has it; ESLint 10 removed it. */
  getCwd?: unknown;
  sourceCode: { ast: unknown; text: string; parserServices?: unknown };
}

/**
 * The ESLint languages and parsers whose files the rules read: `jsonc-eslint-parser`'s AST (and the plugin's
 * Terraform parser's, which has its shape), `yaml-eslint-parser`'s, or `@eslint/json`'s (a `Document`).
 */
export function sourceKind(sourceCode: MinimalContext["sourceCode"]): "jsonc" | "yaml" | "json-language" | undefined {
  const services = sourceCode.parserServices as { isJSON?: boolean; isYAML?: boolean; isTerraform?: boolean } | undefined;
  if (services?.isJSON || services?.isTerraform) return "jsonc";
  if (services?.isYAML) return "yaml";
  if ((sourceCode.ast as { type?: string } | undefined)?.type === "Document") return "json-language";
  return undefined;
}

/** The ecrlint config for a file: `settings.ecrlint` when set, else the ecrlint config file found above it. */
export function configFor(context: Pick<MinimalContext, "cwd" | "settings" | "getCwd">, filename: string): ConfigResult {
  const settings = context.settings["ecrlint"];
  if (settings === undefined) return locator.forDirectory(dirname(filename));
  // settings.ecrlint globs are relative to where ESLint resolves the config's own `files`.
  const baseDir = eslintBasePath(filename, context.cwd, typeof context.getCwd === "function");
  const key = `${baseDir}\0${JSON.stringify(settings)}`;
  let result = settingsCache.get(key);
  if (!result) {
    result = configFromSettings(settings, baseDir);
    settingsCache.set(key, result);
  }
  return result;
}

/** The projects of each base path ESLint's working directory (or a file outside it) gives, each folder's found once. */
const projectRootsByCwd = new Map<string, ProjectRoots>();

function projectRootsFrom(cwd: string): ProjectRoots {
  let roots = projectRootsByCwd.get(cwd);
  if (!roots) {
    // A broken config is reported on the files it governs; here it only stops marking a base path.
    const nearest = locator.forDirectory(cwd);
    roots = new ProjectRoots(locator, basePathOf(cwd, locator, { nearest: nearest.ok ? nearest.loaded : undefined }).base);
    projectRootsByCwd.set(cwd, roots);
  }
  return roots;
}

/**
 * Where the project around a file starts, as the runner started in `cwd` (ESLint's working directory) finds it
 * (core's `basePathOf` and `ProjectRoots`): the folder of the outermost ecrlint config that governs the file inside
 * the base path, else the base path, which is the outermost config's folder that governs `cwd` inside its git
 * repository, else the nearest config's, else the repository's root, else `cwd`. So `cd infra/source && eslint .` in
 * a monorepo reads the policies of infra/destination as the runner does. A file outside that base path (which the
 * runner would not lint) is given the project of a run started in its own folder. Undefined when the project would
 * be the home folder or a file system's root (ESLint started there outside any project): the plugin never reads
 * everything below them, and such a file is checked on its own.
 */
export function projectRoot(filename: string, cwd: string): string | undefined {
  return projectOf(filename, cwd)?.root;
}

/** `projectRoot`, with the base path's projects it was found among (to tell the folders of other projects inside it). */
export function projectOf(filename: string, cwd: string): { root: string; roots: ProjectRoots } | undefined {
  const dir = dirname(filename);
  let roots = projectRootsFrom(cwd);
  if (!roots.holds(dir)) roots = projectRootsFrom(dir);
  const root = roots.of(dir);
  return isPersonalFolder(root) ? undefined : { root, roots };
}

/** The project around a file when no working directory is given (an ESLint parser has none): as from the process's. */
export function projectRootWithoutCwd(filename: string): string | undefined {
  return projectRoot(filename, process.cwd());
}

/**
 * The AST the rules read: ESLint's own for `jsonc-eslint-parser` and Terraform, a parse of the same text for
 * `@eslint/json` and for YAML (with the runner's YAML reader, so that both front ends read a template alike).
 */
function policyAst(context: MinimalContext): { ast: JsonProgram } | { ast: undefined; unread?: FileContext["unread"] } {
  const ast = context.sourceCode.ast as JsonProgram;
  const kind = sourceKind(context.sourceCode);
  if (kind !== "json-language" && kind !== "yaml") return { ast };
  const text = context.sourceCode.text;
  if (kind === "yaml" && !mightBeEcrFile(text, context.filename)) return { ast: undefined };
  const parsed = kind === "yaml" ? parseYamlText(text) : parseJsonText(text);
  if (parsed.ok) return { ast: parsed.ast };
  return { ast: undefined, ...(mightBeEcrFile(text, context.filename) ? { unread: parsed.error } : {}) };
}

const NOTHING: Omit<FileContext, "columnsFromOne"> = Object.freeze({ documents: [], registry: { source: "unknown" }, trust: { accounts: [], orgs: [] }, configError: undefined }) as Omit<FileContext, "columnsFromOne">;

/**
 * Reads the file into its documents once, as the runner does: the config comes first, since it may declare the
 * file's kind (`kinds`) and gives the registry that CloudFormation's `AWS::Region` and `AWS::AccountId` resolve to.
 */
export function fileContext(context: MinimalContext): FileContext {
  const key = context.sourceCode.ast as object;
  const cached = hiddenField<FileContext>(key, FILE_CONTEXT);
  if (cached) return cached;
  const { ast, ...read } = policyAst(context);
  const columnsFromOne = sourceKind(context.sourceCode) === "json-language";
  let result: FileContext = { ...NOTHING, documents: [], columnsFromOne, ...("unread" in read && read.unread ? { unread: read.unread } : {}) };
  if (ast?.type === "Program" && Array.isArray(ast.body) && ast.body[0]?.type === "JSONExpressionStatement") {
    const config = configFor(context, context.filename);
    if (!config.ok) {
      // A broken config is reported once, on a file that would be ours without it.
      const reading = readAnyAst(ast, { filePath: context.filename });
      if (reading.status === "ours") result = { ...result, documents: reading.documents, configError: formatConfigError(config.error) };
    } else {
      const registry = registryForFile(context.filename, config.loaded);
      // The config's kinds first; then a policy file that Terraform reads with file() is the kind of that resource,
      // as in the runner (the .tf files around it are read once per process). Only text that might be ours is looked up.
      const configured = declaredKindForFile(context.filename, config.loaded);
      const text = context.sourceCode.text;
      const referenced = configured || foreignHost(ast) || !mightBeEcrFile(text) ? undefined : terraformDeclaredKind(context.filename, projectRoot(context.filename, context.cwd), context.cwd);
      const declared: { kind: DeclaredKind; declaredBy: string; also?: NonNullable<FileContext["read"]>["alsoDeclared"] } | undefined = configured ?? referenced;
      // Terraform's data sources resolve to the registry while the file is read, so it is read again with it.
      const read = foreignHost(ast)?.syntax === "hcl" ? (_: unknown, o: Parameters<typeof readTerraform>[1]) => readTerraform(context.sourceCode.text, o) : readAnyAst;
      // A Terraform file also holds the policy documents that resources in the other files of its module read.
      const terraformUses = /\.tf(?:\.json)?$/i.test(context.filename) && text.includes("aws_iam_policy_document") ? terraformDataUses(context.filename) : [];
      const terraformTemplate = !configured && referenced?.template === true;
      const declaredRead: FileContext["read"] = declared
        ? { declaredKind: declared.kind, declaredBy: declared.declaredBy, ...(declared.also ? { alsoDeclared: declared.also } : {}), ...(terraformTemplate ? { terraformTemplate } : {}) }
        : undefined;
      // A bucket, key or role policy is dropped before its model is built, by the runner's own test on the text.
      const foreign = !declaredRead && terraformUses.length === 0 && plainlyForeignFile(text, { filePath: context.filename });
      const reading = foreign ? { status: "not-ours" as const } : read(ast, { filePath: context.filename, registry, ...declaredRead, ...(terraformUses.length ? { terraformUses } : {}) });
      if (reading.status === "ours") {
        result = { documents: reading.documents, registry, trust: trustFromConfig(config.loaded), configError: undefined, columnsFromOne };
        if (declaredRead) result.read = declaredRead;
      }
    }
  }
  setHiddenField(key, FILE_CONTEXT, result);
  return result;
}

