import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { createRequire } from "node:module";
import { defaultLoadersSync, type CosmiconfigResult } from "cosmiconfig";
import picomatch from "picomatch";
import { validateConfig, validateSettings, type ConfigError } from "./validate.js";
import { CONFIG_FILE_NAMES, readConfigFolder } from "./file-names.js";
import { diskFolders, type FolderReader } from "../folder-listing.js";
import type { KeptTexts } from "../kept-texts.js";
import { ConfigReadError, describeLoadError, describeThrown, LOADERS, MAX_CONFIG_BYTES, plainData, readConfigText } from "./loaders.js";
import { configKeyPosition } from "./key-position.js";
import { registryFromEntry, registryFromPath, type RegistryContext, type RegistryEntry, type TrustContext } from "./registry.js";
import type { DeclaredKind } from "../model/kinds.js";

interface Explorer {
  load(filePath: string): CosmiconfigResult;
  search(directory?: string): CosmiconfigResult;
}

/**
 * cosmiconfig's explorer, without the "meta config" that `cosmiconfigSync()` reads first: before any config of ours,
 * it parses package.json, package.yaml and `.config/config.*` in the process's working directory with its own
 * loaders, so a trailing comma in package.json became "JSON Error in …" with no reason or position, and a
 * `.config/config.js` written for some other tool was executed. ecrlint lists its own search places and loaders, so
 * the meta config has nothing to say to it.
 */
const { ExplorerSync } = createRequire(import.meta.url)("cosmiconfig/dist/ExplorerSync.js") as {
  ExplorerSync: new (options: Record<string, unknown>) => Explorer;
};

export type RuleSeverity = "off" | "warn" | "error" | 0 | 1 | 2;
export type RuleSetting = RuleSeverity | [RuleSeverity, ...unknown[]];

/** An entry of the config's `kinds`: the kind of the files its globs match. */
export interface KindEntry {
  files: string[];
  kind: DeclaredKind;
}

/** The config file's content after validation. */
export interface EcrlintConfig {
  files?: string[];
  ignores?: string[];
  registries?: RegistryEntry[];
  kinds?: KindEntry[];
  trustedAccounts?: string[];
  trustedOrgs?: string[];
  rules?: Record<string, RuleSetting>;
  diff?: { failOn?: DiffFailOn[] };
}

/** What `ecrlint diff --fail-on` and the config's `diff.failOn` gate on. */
export type DiffFailOn = "new-public" | "new-external" | "lost-replication" | "any-gain";

export interface LoadedConfig {
  config: EcrlintConfig;
  /** Absolute path of the file it came from; undefined for ESLint settings. */
  filePath: string | undefined;
  /** Globs in the config are relative to this directory. */
  baseDir: string;
}

export type ConfigResult = { ok: true; loaded: LoadedConfig | undefined } | { ok: false; error: ConfigError };

export const CONFIG_MODULE_NAME = "ecrlint";

export { MAX_CONFIG_BYTES } from "./loaders.js";

function checked(raw: unknown, filePath: string | undefined, baseDir: string, validate = validateConfig): ConfigResult {
  let data: unknown;
  try {
    data = plainData(raw);
  } catch (error) {
    return { ok: false, error: { filePath, keyPath: "", message: `the config must be plain data (objects, lists, strings, numbers): ${describeThrown(error)}` } };
  }
  const errors = validate(data, filePath);
  if (errors.length > 0) return { ok: false, error: inPackageJson(placedConfigError(errors[0]!)) };
  return { ok: true, loaded: { config: data as EcrlintConfig, filePath, baseDir } };
}

/** A JSON or YAML config's error with the line and column of the key or value at fault (see configKeyPosition). */
export function placedConfigError(error: ConfigError): ConfigError {
  if (error.filePath === undefined || error.keySegments === undefined || error.line !== undefined) return error;
  let text: string;
  try {
    text = readConfigText(error.filePath);
  } catch {
    return error;
  }
  const at = configKeyPosition(error.filePath, text, error.keySegments, error.pointsAt);
  return at ? { ...error, ...at } : error;
}

/** In package.json the config is the value of its "ecrlint" key: a key path starts there (`ecrlint.rules`, `ecrlint`). */
export function inPackageJson(error: ConfigError): ConfigError {
  if (error.filePath === undefined || basename(error.filePath) !== "package.json") return error;
  const keyPath = error.keyPath ? `${CONFIG_MODULE_NAME}${error.keyPath.startsWith("[") ? "" : "."}${error.keyPath}` : CONFIG_MODULE_NAME;
  return { ...error, keyPath };
}

/** Only a regular file of config size is handed to a loader: a FIFO or /dev/zero named as a config is its error. */
function checkConfigFile(filePath: string): void {
  const stats = statSync(filePath);
  if (!stats.isFile()) throw new ConfigReadError("not a regular file");
  if (stats.size > MAX_CONFIG_BYTES) throw new ConfigReadError(`${stats.size} bytes is over the ${MAX_CONFIG_BYTES}-byte limit for a config file`);
}

/**
 * The nearest folder holding `.git` (a directory, or a file in worktrees and submodules): config search stops there,
 * so a config above the repository (in a shared parent folder, in /tmp) is never loaded, let alone executed.
 */
export function repositoryRootOf(directory: string): string | undefined {
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Finds and validates the config that governs files in a directory. Results are cached per directory,
 * so linting thousands of files searches the file system once per folder.
 */
export class ConfigLocator {
  private readonly explorer: Explorer;
  private readonly top: string;
  private readonly byDirectory = new Map<string, ConfigResult>();
  private readonly byFile = new Map<string, ConfigResult>();
  /** {@link outermostConfigDir}'s answers, by top folder and by the nearest config's search result. */
  private readonly outermost = new Map<string, Map<ConfigResult, string | null>>();

  /**
   * `folders`: where folders are listed from (a run's listing, shared with its other searches), else the disk.
   * `texts`: where the package.json files read for an "ecrlint" key are kept for a run that reads them again.
   */
  constructor(
    private readonly stopDir?: string,
    private readonly folders: FolderReader = diskFolders,
    private readonly texts?: KeptTexts,
  ) {
    // cosmiconfig loads what the search finds, and finds the global config (~/.config/ecrlint) past the top.
    this.explorer = new ExplorerSync({
      moduleName: CONFIG_MODULE_NAME,
      searchPlaces: [...CONFIG_FILE_NAMES],
      ignoreEmptySearchPlaces: true,
      cache: true,
      transform: (result: CosmiconfigResult) => result,
      loaders: { ...defaultLoadersSync, ...LOADERS },
      metaConfigFilePath: null,
      mergeImportArrays: true,
      mergeSearchPlaces: true,
      searchStrategy: "global",
      ...(stopDir ? { stopDir } : {}),
    });
    // cosmiconfig's global search stops at the home directory when no stop directory is given.
    this.top = resolve(stopDir ?? homedir());
  }

  /** The config found from `directory` upwards. */
  forDirectory(directory: string): ConfigResult {
    // A resolved path (what callers pass) is its own key: no resolve() for each file of a run.
    return this.byDirectory.get(directory) ?? this.search(resolve(directory));
  }

  /**
   * A folder's own config, else its parent's: one listing per folder (see readConfigFolder). A file named like a
   * config that ecrlint does not read, or a second config, is an error. The search stops at the repository root:
   * nothing above a repository is its config (an `ecrlint.config.mjs` in a shared parent folder would run).
   */
  private search(dir: string): ConfigResult {
    const cached = this.byDirectory.get(dir);
    if (cached) return cached;
    let result: ConfigResult | undefined;
    const folder = readConfigFolder(dir, this.folders, this.texts);
    if (folder.problem) result = { ok: false, error: folder.problem };
    for (const name of folder.configs) {
      result ??= this.loadFound(join(dir, name), dir);
    }
    if (!result) {
      const parent = dirname(dir);
      if (this.holdsRepository(dir)) result = { ok: true, loaded: undefined };
      else if (dir === this.top || parent === dir) result = this.globalConfig(dir);
      else result = this.search(parent);
    }
    this.byDirectory.set(dir, result);
    return result;
  }

  /** Whether `dir/.git` exists: told by the folder's listing when the search reads a run's, without a `stat`. */
  holdsRepository(dir: string): boolean {
    const probe = () => existsSync(join(dir, ".git"));
    if (this.folders === diskFolders) return probe();
    let git;
    try {
      git = this.folders.entries(dir).find((e) => e.name === ".git");
    } catch {
      return probe();
    }
    // A link named .git exists only when its target does.
    return git === undefined ? false : git.isSymbolicLink() ? probe() : true;
  }

  /** A config file found by the search; undefined when it is empty, so the search goes on (as cosmiconfig's does). */
  private loadFound(filePath: string, dir: string): ConfigResult | undefined {
    try {
      checkConfigFile(filePath);
      const found = this.explorer.load(filePath);
      return found && !found.isEmpty ? checked(found.config, filePath, dir) : undefined;
    } catch (error) {
      return { ok: false, error: describeLoadError(filePath, error) };
    }
  }

  /** At the top of the search: the global config, if the user keeps one. */
  private globalConfig(dir: string): ConfigResult {
    try {
      const found = this.explorer.search(dir);
      return found && !found.isEmpty ? checked(found.config, found.filepath, configDirectory(found.filepath)) : { ok: true, loaded: undefined };
    } catch (error) {
      const { filepath, code } = (error ?? {}) as { filepath?: string; code?: string };
      // A home folder the user may not read (a run as another user that kept HOME) has no config for them.
      if (!filepath && (code === "EACCES" || code === "EPERM" || code === "ENOTDIR")) return { ok: true, loaded: undefined };
      return { ok: false, error: describeLoadError(filepath, error) };
    }
  }

  /**
   * The folder of the outermost config file that governs `directory` from within `top` (a monorepo's root config,
   * not a nested one), or undefined when none does: the extent of the project that cross-file rules read around a
   * file, so a tree with its own config (an example, a fixture) is a project of its own. Asked for every folder of
   * a run, it follows the chain of configs once per nearest config: every folder that config governs has the same
   * answer.
   */
  outermostConfigDir(directory: string, top: string): string | undefined {
    const topDir = absolute(top);
    const dir = absolute(directory);
    const under = topDir.endsWith(sep) ? topDir : topDir + sep;
    if (dir !== topDir && !dir.startsWith(under)) return undefined;
    // A search's answer is one object for every folder it governs (a folder without a config takes its parent's).
    const nearest = this.forDirectory(dir);
    let byNearest = this.outermost.get(topDir);
    if (!byNearest) this.outermost.set(topDir, (byNearest = new Map()));
    let found = byNearest.get(nearest);
    if (found === undefined) {
      found = this.outermostFrom(nearest, topDir, under, dir) ?? null;
      byNearest.set(nearest, found);
    }
    return found ?? undefined;
  }

  /**
   * The chain of configs from a folder's nearest one upwards, while inside `topDir`: the last one's folder. The
   * user's global config (`~/.config/ecrlint/…`, found past the top of the search) governs no folder of its own: a
   * chain that reaches it ends before it.
   */
  private outermostFrom(nearest: ConfigResult, topDir: string, under: string, dir: string): string | undefined {
    // Resolved paths: inside `top` is a prefix test.
    const inside = (dir: string) => dir === topDir || dir.startsWith(under);
    const holds = (base: string) => dir === base || dir.startsWith(base.endsWith(sep) ? base : base + sep);
    let found: string | undefined;
    for (let result = nearest; ; ) {
      const loaded = result.ok ? result.loaded : undefined;
      if (!loaded?.filePath || !inside(loaded.baseDir) || !holds(loaded.baseDir)) break;
      found = loaded.baseDir;
      if (loaded.baseDir === topDir) break;
      const parent = dirname(loaded.baseDir);
      if (!inside(parent)) break;
      result = this.forDirectory(parent);
    }
    return found;
  }

  /** An explicit `--config` file. */
  load(filePath: string): ConfigResult {
    const abs = resolve(filePath);
    const cached = this.byFile.get(abs);
    if (cached) return cached;
    let result: ConfigResult;
    try {
      checkConfigFile(abs);
      const found = this.explorer.load(abs);
      result = found ? checked(found.config ?? {}, abs, configDirectory(abs)) : { ok: true, loaded: undefined };
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
      result = { ok: false, error: describeLoadError(abs, missing ? new ConfigReadError("ENOENT: no such file") : error) };
    }
    this.byFile.set(abs, result);
    return result;
  }
}

/** The folder a config file governs: `.config/ecrlintrc.json` speaks for the folder that holds `.config`. */
export function configDirectory(filePath: string): string {
  const dir = dirname(filePath);
  return dir.endsWith(`${sep}.config`) ? dirname(dir) : dir;
}

/** ESLint `settings.ecrlint` has the config's shape; its globs are relative to the working directory. */
export function configFromSettings(settings: unknown, cwd: string): ConfigResult {
  return checked(settings, undefined, cwd, validateSettings);
}

const matcherCache = new WeakMap<{ files: string[] }, { relative: (path: string) => boolean; absolute: (path: string) => boolean; hasAbsolute: boolean }>();

/**
 * `infra/prod/**`: everything under a folder named literally (no `.`, `..` or empty segment, no character picomatch
 * reads as a pattern). Most `registries` and `kinds` entries say so.
 */
const UNDER_FOLDER = /^[\w.-]+(?:\/[\w.-]+)*\/\*\*$/;
const folderOf = (glob: string): string | undefined => {
  if (!UNDER_FOLDER.test(glob)) return undefined;
  const folder = glob.slice(0, -"/**".length);
  return folder.split("/").some((segment) => segment === "." || segment === "..") ? undefined : folder;
};

/**
 * A test of relative paths for `globs`. A folder's `**` glob is a prefix test: on a path without `.` or `..` segments
 * (one relative to the config's folder, inside it) picomatch answers whether the path is the folder or under it. A
 * run asks once per file and entry.
 */
function relativeMatcher(globs: readonly string[]): (path: string) => boolean {
  const folders: string[] = [];
  const others: string[] = [];
  for (const glob of globs) {
    const folder = folderOf(glob);
    if (folder === undefined) others.push(glob);
    else folders.push(folder);
  }
  const rest = others.length ? picomatch(others, { dot: true }) : undefined;
  return (path) => folders.some((f) => path.startsWith(f) && (path.length === f.length || path.charCodeAt(f.length) === 47)) || (rest !== undefined && rest(path));
}

/** Globs are relative to the config's directory; an absolute glob (`/srv/infra/**`) matches the absolute path. */
function entryMatches(entry: { files: string[] }, relativePath: string, absolutePath: string): boolean {
  let match = matcherCache.get(entry);
  if (!match) {
    const absolute = entry.files.filter((g) => isAbsolute(g));
    const relative = entry.files.filter((g) => !isAbsolute(g));
    match = {
      relative: relative.length ? relativeMatcher(relative) : () => false,
      absolute: absolute.length ? picomatch(absolute.map((g) => g.split(sep).join("/")), { dot: true }) : () => false,
      hasAbsolute: absolute.length > 0,
    };
    matcherCache.set(entry, match);
  }
  if (!relativePath.startsWith("../") && match.relative(relativePath)) return true;
  return match.hasAbsolute && match.absolute(absolutePath.split(sep).join("/"));
}

/**
 * A file's absolute, normalised path: the path itself when it is one already (what a run passes for each of its
 * files), without path.resolve asking for the working directory and normalising it again.
 */
function absolute(path: string): string {
  return sep === "/" && path.startsWith("/") && !NOT_NORMAL.test(path) ? path : resolve(path);
}
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|\/$/;

/**
 * `path` relative to `base` with `/` separators: a slice for a path inside `base` (every file a config governs),
 * path.relative for any other.
 */
function relativeInside(base: string, path: string): string {
  const under = base.endsWith(sep) ? base : base + sep;
  const rel = path.startsWith(under) ? path.slice(under.length) : relative(base, path);
  return sep === "/" ? rel : rel.split(sep).join("/");
}

/**
 * The registry of a config entry, one object per entry: every file the entry's globs match gets the same one (as
 * the files of a folder share the registry their path names), so a run does not build one per file, nor its
 * callers write each out again. Callers never change a registry they are given.
 */
const registryOfEntry = new WeakMap<RegistryEntry, RegistryContext>();
function entryRegistry(entry: RegistryEntry, loaded: LoadedConfig): RegistryContext {
  const source = loaded.filePath ? "config" : "settings";
  let registry = registryOfEntry.get(entry);
  if (registry === undefined || registry.source !== source || registry.configFile !== loaded.filePath) {
    registry = registryFromEntry(entry, source, loaded.filePath);
    registryOfEntry.set(entry, registry);
  }
  return registry;
}

/** The registry a file is deployed to: the first config entry whose globs match, else its path, else unknown. */
export function registryForFile(filePath: string, loaded: LoadedConfig | undefined): RegistryContext {
  const abs = absolute(filePath);
  const base = loaded?.baseDir;
  const rel = base ? relativeInside(base, abs) : undefined;
  if (loaded?.config.registries) {
    for (const entry of loaded.config.registries) {
      if (entryMatches(entry, rel!, abs)) return entryRegistry(entry, loaded);
    }
  }
  // The folders below the config's name the registry (registryFromPath reads either separator).
  return registryFromPath(rel !== undefined && abs.startsWith(base!) ? rel : abs);
}

/** The kind the config declares for a file: the first `kinds` entry whose globs match, with the config that says it. */
export function declaredKindForFile(filePath: string, loaded: LoadedConfig | undefined): { kind: DeclaredKind; declaredBy: string } | undefined {
  if (!loaded?.config.kinds?.length) return undefined;
  const abs = absolute(filePath);
  const rel = relative(loaded.baseDir, abs).split(sep).join("/");
  for (const entry of loaded.config.kinds) {
    if (entryMatches(entry, rel, abs)) return { kind: entry.kind, declaredBy: loaded.filePath ?? "ecrlint settings" };
  }
  return undefined;
}

export function trustFromConfig(loaded: LoadedConfig | undefined): TrustContext {
  return { accounts: loaded?.config.trustedAccounts ?? [], orgs: loaded?.config.trustedOrgs ?? [] };
}
