import { dirname, relative, resolve } from "node:path";
import { ConfigIgnores } from "./config-ignores.js";
import { ConfigLocator, FolderListing, inPackageJson, KeptTexts, placedConfigError, seenByConfigSearch, type ConfigResult, type FolderSnapshot, type LoadedConfig, type RuleSetting } from "@ecrlint/core";
import { toPosix } from "./discover.js";
import { configError, EcrlintError } from "./errors.js";
import { resolveRules, validateRuleSettings, type ResolvedRules } from "./rules-config.js";
import type { LintOptions } from "./types.js";

function unwrap(result: ConfigResult): LoadedConfig | undefined {
  if (!result.ok) throw configError(result.error);
  return result.loaded;
}

/** Per-run view of the configs: each one found, validated and resolved once. */
export class Configs {
  private readonly locator: ConfigLocator;
  private readonly resolved = new Map<LoadedConfig | undefined, ResolvedRules>();
  private readonly ignoreMatchers = new Map<LoadedConfig, ConfigIgnores>();
  /** Each folder's project root, found once per folder (a warm run asks for every file). */
  private readonly projectRoots = new Map<string, string>();
  readonly root: LoadedConfig | undefined;

  /**
   * `listing`: the folders of the run, each read once, shared with discovery and the Terraform search (a worker
   * thread's starts from what the main thread listed).
   */
  constructor(
    readonly cwd: string,
    private readonly options: LintOptions,
    readonly listing = new FolderListing(),
    /** The package.json files the config search has read, until the run reads them to lint them. */
    readonly texts = new KeptTexts(),
  ) {
    this.locator = new ConfigLocator(undefined, listing, this.texts);
    this.root = options.configFile ? this.explicit(resolve(cwd, options.configFile)) : this.checked(unwrap(this.locator.forDirectory(cwd)));
    const overrideError = validateRuleSettings(options.rules, undefined);
    if (overrideError) throw new EcrlintError("usage", `rules option: ${overrideError.keyPath}: ${overrideError.message}`);
  }

  private explicit(path: string): LoadedConfig | undefined {
    const result = this.locator.load(path);
    if (!result.ok && /ENOENT/.test(result.error.message)) throw new EcrlintError("config", `${path}: config file not found`, path);
    return this.checked(unwrap(result));
  }

  private checked(loaded: LoadedConfig | undefined): LoadedConfig | undefined {
    const error = validateRuleSettings(loaded?.config.rules, loaded?.filePath);
    if (error) throw configError(inPackageJson(placedConfigError(error)));
    return loaded;
  }

  /**
   * The folders listed so far, with only the entries the config search reads: what a worker thread's `Configs`
   * starts from, so that it lists none of them again.
   */
  workerFolders(): FolderSnapshot {
    return this.listing.snapshot(seenByConfigSearch);
  }

  /** The config that governs a file: `--config` for all, else the nearest one. */
  forFile(filePath: string): LoadedConfig | undefined {
    if (this.options.configFile) return this.root;
    const loaded = unwrap(this.locator.forDirectory(dirname(filePath)));
    if (loaded !== this.root && !this.resolved.has(loaded)) this.checked(loaded);
    return loaded;
  }

  /** The rules for a file governed by `loaded`, with the file's own inline settings laid over them. */
  /** Where the project around a file starts: the outermost config's folder inside the run's root, else the root. */
  projectRoot(filePath: string): string {
    if (this.options.configFile) return this.cwd;
    const dir = dirname(filePath);
    let root = this.projectRoots.get(dir);
    if (root === undefined) {
      root = this.locator.outermostConfigDir(dir, this.cwd) ?? this.cwd;
      this.projectRoots.set(dir, root);
    }
    return root;
  }

  rules(loaded: LoadedConfig | undefined, inline?: Record<string, RuleSetting>): ResolvedRules {
    if (inline && Object.keys(inline).length > 0) return resolveRules(loaded?.config.rules, this.options.rules, this.options.quiet ?? false, inline);
    let rules = this.resolved.get(loaded);
    if (!rules) {
      rules = resolveRules(loaded?.config.rules, this.options.rules, this.options.quiet ?? false);
      this.resolved.set(loaded, rules);
    }
    return rules;
  }

  /** Whether a nested config's own `ignores` hide a file, or a folder with `folder` (the root config's were applied while discovering). */
  ignores(loaded: LoadedConfig | undefined, filePath: string, folder = false): boolean {
    if (!loaded || loaded === this.root || !loaded.config.ignores?.length) return false;
    let ignores = this.ignoreMatchers.get(loaded);
    if (!ignores) {
      ignores = new ConfigIgnores(loaded.config.ignores);
      this.ignoreMatchers.set(loaded, ignores);
    }
    const path = toPosix(relative(loaded.baseDir, filePath));
    return folder ? ignores.folderOrAbove(path) : ignores.file(path);
  }
}
