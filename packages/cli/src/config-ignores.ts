import picomatch from "picomatch";

/**
 * A config's `ignores` as ESLint reads them (`@eslint/config-array`): patterns in order, relative to the config's
 * folder. Until a pattern ignores a path only plain patterns are asked, after it only `!patterns`, which un-ignore;
 * a file in an ignored folder stays ignored whatever comes after (ESLint never looks inside the folder); and a
 * folder is tested with its trailing slash, where minimatch (behind ESLint) lets `scratch` match `scratch/` too.
 */
export class ConfigIgnores {
  private readonly patterns: { negated: boolean; match: (path: string) => boolean }[];

  constructor(patterns: readonly string[]) {
    this.patterns = patterns.map((pattern) => {
      const negated = pattern.startsWith("!");
      return { negated, match: picomatch(negated ? pattern.slice(1) : pattern, { dot: true }) };
    });
  }

  /** Whether the patterns ignore a folder by itself: `path` is `/`-separated, relative to the config's folder. */
  folder(path: string): boolean {
    return this.verdict(`${path}/`, path);
  }

  /** Whether the patterns ignore a folder or one of the folders it is in, below the config's folder. */
  folderOrAbove(path: string): boolean {
    if (path === "" || path === ".." || path.startsWith("../")) return false;
    for (let slash = path.indexOf("/"); slash !== -1; slash = path.indexOf("/", slash + 1)) {
      if (this.folder(path.slice(0, slash))) return true;
    }
    return this.folder(path);
  }

  /** Whether the patterns ignore a file by itself, its folders aside (the walk has left out ignored folders). */
  fileItself(path: string): boolean {
    return this.verdict(path, undefined);
  }

  /** Whether the patterns ignore a file or one of the folders it is in, below the config's folder. */
  file(path: string): boolean {
    const slash = path.lastIndexOf("/");
    return (slash > 0 && this.folderOrAbove(path.slice(0, slash))) || this.fileItself(path);
  }

  private verdict(path: string, bare: string | undefined): boolean {
    let ignored = false;
    for (const { negated, match } of this.patterns) {
      if (negated !== ignored) continue;
      if (match(path) || (bare !== undefined && match(bare))) ignored = !negated;
    }
    return ignored;
  }
}
