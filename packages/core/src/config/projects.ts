import { homedir } from "node:os";
import { dirname, relative, resolve } from "node:path";
import { leavesFolder } from "../relative-path.js";
import { configDirectory, repositoryRootOf, type ConfigLocator, type LoadedConfig } from "./load-config.js";

/**
 * Where a linter's files begin and which of them the cross-file rules join, for both front ends (the runner's
 * `Configs`, the ESLint plugin's project snapshots), so that `ecrlint` and `eslint` started in the same folder read the
 * same projects.
 */

/**
 * Whether a folder is the home folder or a file system's root: never a base path or a project unless a run starts
 * there, since a config or a dotfiles repository there is personal and reading everything below it would be slow
 * (and would load every config module found there).
 */
export function isPersonalFolder(dir: string): boolean {
  return dir === resolve(homedir()) || dirname(dir) === dir;
}

/** Whether `path` is `dir` or inside it. */
function holds(dir: string, path: string): boolean {
  return !leavesFolder(relative(dir, path));
}

export interface BasePath {
  /** The folder the run's files are judged from (ESLint's `basePath`). */
  base: string;
  /** The folder of the outermost config that governs the working directory inside its repository, when one does. */
  outermost: string | undefined;
}

/**
 * The base path of a run started in `cwd` (an absolute, resolved folder), as ESLint's `basePath`: the folder of the
 * outermost config that governs `cwd` inside its git repository, else the folder of the nearest config (`nearest`,
 * the config `cwd` itself is governed by) when it holds `cwd` inside that repository, else the repository's root,
 * else `cwd`. With an explicit config file (`configFile`, absolute), that file's folder when it holds `cwd` inside
 * the repository, else `cwd`. The home folder and a file system's root are never the base path unless `cwd` is.
 */
export function basePathOf(cwd: string, locator: ConfigLocator, found: { nearest: LoadedConfig | undefined } | { configFile: string }): BasePath {
  const repository = repositoryRootOf(cwd);
  // A config's folder is a base only when it holds the working directory, inside its repository.
  const holding = (dir: string | undefined) => (dir !== undefined && holds(dir, cwd) && (repository === undefined || holds(repository, dir)) ? dir : undefined);
  const first = (candidates: readonly (string | undefined)[]) => candidates.find((dir) => dir !== undefined && (dir === cwd || !isPersonalFolder(dir))) ?? cwd;
  // The config may be anyone's (a shared one, a test's): what it governs is what the run names from here.
  if ("configFile" in found) return { base: first([holding(configDirectory(found.configFile))]), outermost: undefined };
  const nearest = found.nearest;
  const outermost = repository ? locator.outermostConfigDir(cwd, repository) : undefined;
  return { base: first([outermost, holding(nearest?.filePath ? nearest.baseDir : undefined), repository]), outermost };
}

/**
 * The projects of a base path, each found once per folder. A project is what a cross-file rule joins: the folder of
 * the outermost config that governs a folder inside the base path (a monorepo's root config, or a nested config
 * whose folders no config above governs: an example, a fixture), else the base path. A second git repository
 * checked out inside is a project of its own, with or without a config: no config of the outer repository governs
 * its files, so its policies are never joined with the outer ones.
 */
export class ProjectRoots {
  private readonly byFolder = new Map<string, string>();
  /** For each folder, the top of the repository it is in when that repository is nested in the base path's, else the base path. */
  private readonly topByFolder = new Map<string, string>();

  constructor(
    private readonly locator: ConfigLocator,
    /** An absolute, resolved folder: the base path (`basePathOf`). */
    readonly base: string,
  ) {}

  /** Whether a path is the base path or inside it: a folder outside it has no project of this base. */
  holds(path: string): boolean {
    return holds(this.base, path);
  }

  /** The project root of a folder inside the base path (an absolute, resolved path). */
  of(dir: string): string {
    let root = this.byFolder.get(dir);
    if (root === undefined) {
      const top = this.topOf(dir);
      root = this.locator.outermostConfigDir(dir, top) ?? top;
      this.byFolder.set(dir, root);
    }
    return root;
  }

  private topOf(dir: string): string {
    if (dir === this.base || !this.holds(dir)) return this.base;
    let top = this.topByFolder.get(dir);
    if (top === undefined) {
      top = this.locator.holdsRepository(dir) ? dir : this.topOf(dirname(dir));
      this.topByFolder.set(dir, top);
    }
    return top;
  }
}

/**
 * Whether a folder is the top of a project the cross-file rules may read in full: a config file's folder, or a
 * folder inside a git repository, but never the home folder or a file system's root. Any other folder (/tmp, a
 * downloads folder) marks no project: a file there is compared with the other files named only. `configOf` gives
 * the config that governs the folder.
 */
export function marksProject(dir: string, configOf: (dir: string) => LoadedConfig | undefined): boolean {
  if (isPersonalFolder(dir)) return false;
  if (repositoryRootOf(dir) !== undefined) return true;
  const loaded = configOf(dir);
  return loaded?.filePath !== undefined && loaded.baseDir === dir;
}
