import { lstat, realpath, stat } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { globby, isDynamicPattern, isGitIgnored } from "globby";
import picomatch from "picomatch";
import { usageError } from "./errors.js";

/** Never linted, whatever the config says: dependencies and git internals. */
export const ALWAYS_IGNORED = ["**/node_modules/**", "**/.git/**"];

export const DEFAULT_FILES = ["**/*.json", "**/*.jsonc", "**/*.json5"];

export interface DiscoveryInput {
  /** Root of the run; nothing outside it is read. */
  root: string;
  patterns: string[];
  /** Globs of the files to lint in directories (config `files`), relative to `base`. */
  files: string[];
  /** Globs never linted (config `ignores`), relative to `base`. */
  ignores: string[];
  base: string;
  /** `false` for `--no-ignore`. */
  useIgnores: boolean;
}

export interface Discovery {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** Files named on the command line that an ignore pattern hides (ESLint warns about them). */
  ignoredExplicit: string[];
  /** Files named on the command line that resolve outside the root. */
  outsideRoot: string[];
}

export function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

type Target = { type: "file"; path: string } | { type: "directory"; path: string } | { type: "glob"; pattern: string };

async function classify(root: string, pattern: string): Promise<Target> {
  const abs = resolve(root, pattern);
  try {
    const info = await stat(abs);
    if (info.isDirectory()) return { type: "directory", path: abs };
    return { type: "file", path: abs };
  } catch {
    if (isDynamicPattern(pattern)) return { type: "glob", pattern };
    try {
      // A dangling or looping symlink exists but cannot be read: a read error names it, not "no files".
      await lstat(abs);
      return { type: "file", path: abs };
    } catch {
      throw usageError(`No files matching the pattern "${pattern}" were found.`);
    }
  }
}

/**
 * Finds the files to lint. Directory walks respect `.gitignore`, skip node_modules and .git, and never follow a
 * symlink (so nothing outside the root is reached and link cycles cost nothing); a file named explicitly is
 * followed only when its real path stays inside the root.
 */
export async function discoverFiles(input: DiscoveryInput): Promise<Discovery> {
  const { root, base } = input;
  const patterns = input.patterns.length ? input.patterns : ["."];
  const targets = await Promise.all(patterns.map((p) => classify(root, p)));
  const ignoreMatch = input.useIgnores && input.ignores.length ? picomatch(input.ignores, { dot: true }) : undefined;
  const alwaysMatch = picomatch(ALWAYS_IGNORED, { dot: true });
  const configIgnored = (abs: string) => ignoreMatch !== undefined && ignoreMatch(toPosix(relative(base, abs)));
  const found = new Set<string>();
  const ignoredExplicit: string[] = [];
  const outsideRoot: string[] = [];
  const positionFree = input.files.every((f) => f.startsWith("**/"));
  const filesMatch = picomatch(input.files, { dot: true });

  const walk = async (cwd: string, globs: string[]) =>
    globby(globs, {
      cwd,
      absolute: true,
      dot: true,
      onlyFiles: true,
      followSymbolicLinks: false,
      gitignore: input.useIgnores,
      ignore: cwd === base && input.useIgnores ? [...ALWAYS_IGNORED, ...input.ignores] : ALWAYS_IGNORED,
    });

  let gitIgnored: ((path: string) => boolean) | undefined;
  for (const target of targets) {
    if (target.type === "file") {
      let real: string;
      try {
        real = await realpath(target.path);
      } catch {
        real = target.path;
      }
      if (!isInside(root, real)) {
        outsideRoot.push(target.path);
        continue;
      }
      if (alwaysMatch(toPosix(relative(root, target.path)))) {
        ignoredExplicit.push(target.path);
        continue;
      }
      if (input.useIgnores) {
        gitIgnored ??= await isGitIgnored({ cwd: root });
        if (configIgnored(target.path) || gitIgnored(target.path)) {
          ignoredExplicit.push(target.path);
          continue;
        }
      }
      found.add(target.path);
    } else if (target.type === "directory") {
      if (!isInside(root, target.path)) {
        outsideRoot.push(target.path);
        continue;
      }
      const cwd = positionFree ? target.path : base;
      for (const file of await walk(cwd, input.files)) {
        if (cwd !== target.path && !isInside(target.path, file)) continue;
        if (!positionFree && !filesMatch(toPosix(relative(base, file)))) continue;
        if (!configIgnored(file)) found.add(file);
      }
    } else {
      for (const file of await walk(root, [target.pattern])) if (!configIgnored(file)) found.add(file);
    }
  }
  return { files: [...found].sort(), ignoredExplicit, outsideRoot };
}
