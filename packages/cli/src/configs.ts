import { dirname, relative, resolve } from "node:path";
import { ConfigIgnores } from "./config-ignores.js";
import { basePathOf, ConfigLocator, FolderListing, inPackageJson, KeptTexts, marksProject, placedConfigError, ProjectRoots, seenByConfigSearch, type ConfigResult, type FolderSnapshot, type LoadedConfig, type RuleSetting } from "@ecrlint/core";
import picomatch from "picomatch";
import { DEFAULT_FILES, isInside, toPosix } from "./discover.js";
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
  private readonly projectRoots: ProjectRoots;
  /**
   * The config whose `files` and `ignores` decide what the run walks and what it skips: `--config`, else the one at
   * the base path (the outermost config that governs the working directory), else the nearest one (the user's
   * global config, or none). A config nested below it adds its own `ignores` (see `ignores`).
   */
  readonly root: LoadedConfig | undefined;
  /**
   * The run's base path (ESLint's `basePath`): named files and folders inside it are linted wherever the run starts
   * from; outside it they get "File ignored because outside of base path". It is the folder of the outermost config
   * that governs the working directory, inside its git repository (never above it, where no config is searched),
   * or, outside git, the folder of the nearest config; with `--config`, that file's folder when it holds the working
   * directory, else the working directory (as in ESLint). Without a config, the repository's root: a repository is
   * one project, whatever folder of it the run starts from. Outside git and without a config, the working
   * directory, as in ESLint. Never the home folder or a file system's root unless the run starts there
   * (core's `basePathOf`, which the ESLint plugin's projects start from too).
   */
  readonly base: string;

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
    if (options.configFile) {
      const path = resolve(cwd, options.configFile);
      this.root = this.explicit(path);
      // Else the working directory, as ESLint's base path with --config.
      this.base = basePathOf(cwd, this.locator, { configFile: path }).base;
    } else {
      const nearest = this.checked(unwrap(this.locator.forDirectory(cwd)));
      const { base, outermost } = basePathOf(cwd, this.locator, { nearest });
      this.base = base;
      this.root = this.base === nearest?.baseDir || this.base !== outermost ? nearest : this.checked(unwrap(this.locator.forDirectory(this.base)));
    }
    this.projectRoots = new ProjectRoots(this.locator, this.base);
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

  /** Where the project around a file starts (core's `ProjectRoots`): with `--config`, the base path. */
  projectRoot(filePath: string): string {
    if (this.options.configFile) return this.base;
    return this.projectRoots.of(dirname(filePath));
  }

  /**
   * Whether a folder is the top of a project the run may read for the cross-file rules (core's `marksProject`): a
   * config file's folder, or a folder inside a git repository, never the home folder or a file system's root.
   */
  marksProject(dir: string): boolean {
    return marksProject(dir, (folder) => (this.options.configFile ? this.root : unwrap(this.locator.forDirectory(folder))));
  }

  /** Whether the root config's `files` globs (the defaults without one) match a path, as discovery matches a named file. */
  filesMatch(filePath: string): boolean {
    const files = this.root?.config.files?.length ? this.root.config.files : DEFAULT_FILES;
    return picomatch(files, { dot: true })(toPosix(relative(this.root?.baseDir ?? this.base, filePath)));
  }

  /** The root config's `ignores` and git's rules, as a file named on the command line is tested against them (`isIgnoredPath`). */
  rootIgnores(useIgnores: boolean) {
    return { root: this.base, ignores: this.root?.config.ignores ?? [], base: this.root?.baseDir ?? this.base, useIgnores };
  }

  /** The rules for a file governed by `loaded`, with the file's own inline settings laid over them. */
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
