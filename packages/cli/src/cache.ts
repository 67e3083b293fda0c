import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { lstatSync } from "node:fs";
import { join, normalize, resolve, sep } from "node:path";
import { writeFileAtomic } from "./fs-utils.js";
import type { SourceOutcome } from "./lint-source.js";

interface CacheEntry {
  /** Hash of the file's text. */
  content: string;
  /** Hash of everything else the outcome depends on: rule settings, registry, trust. */
  settings: string;
  outcome: SourceOutcome;
}

interface CacheFile {
  version: string;
  entries: Record<string, CacheEntry>;
}

export function hashText(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

/** ESLint's `.eslintcache`, ours: in the working directory, never a `node_modules/.cache` wherever the run starts. */
export function defaultCacheLocation(cwd: string): string {
  return join(cwd, ".ecrlintcache");
}

/**
 * ESLint's reading of `--cache-location`: relative to the working directory; an existing folder, or a path ending
 * in a separator, holds a file named after the working directory (`.cache_<hash>`); anything else is the file.
 */
export function cacheFileFor(location: string, cwd: string): string {
  const normalized = normalize(location);
  const resolved = resolve(cwd, normalized);
  const asFolder = () => join(resolved, `.cache_${hashText(cwd).slice(0, 12)}`);
  if (normalized.endsWith(sep)) return asFolder();
  try {
    if (lstatSync(resolved).isDirectory()) return asFolder();
  } catch {
    // Not there yet: a file.
  }
  return resolved;
}

/**
 * Outcomes of unchanged files, keyed by path and checked by content hash. A different ecrlint version drops the
 * whole cache; a changed config changes an entry's settings hash and so invalidates it.
 */
export class ResultCache {
  private entries: Record<string, CacheEntry> = {};
  private dirty = false;

  private constructor(
    private readonly location: string,
    private readonly version: string,
  ) {}

  static async open(location: string, version: string): Promise<ResultCache> {
    const cache = new ResultCache(location, version);
    try {
      const raw = JSON.parse(await readFile(location, "utf8")) as CacheFile;
      if (raw.version === version && raw.entries && typeof raw.entries === "object") cache.entries = raw.entries;
    } catch {
      // A missing or corrupt cache is an empty one.
    }
    return cache;
  }

  get(filePath: string, content: string, settings: string): SourceOutcome | undefined {
    const entry = this.entries[filePath];
    return entry && entry.content === content && entry.settings === settings ? entry.outcome : undefined;
  }

  set(filePath: string, content: string, settings: string, outcome: SourceOutcome): void {
    this.entries[filePath] = { content, settings, outcome };
    this.dirty = true;
  }

  /** Keeps only the files of this run, so deleted files do not accumulate. */
  retain(filePaths: Iterable<string>): void {
    const keep = new Set(filePaths);
    for (const key of Object.keys(this.entries)) {
      if (!keep.has(key)) {
        delete this.entries[key];
        this.dirty = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const data: CacheFile = { version: this.version, entries: this.entries };
    await writeFileAtomic(this.location, JSON.stringify(data));
  }
}
