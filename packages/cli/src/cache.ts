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
  /** Hash of the rest of the entry, with the version and path: an entry edited or damaged since is discarded. */
  check: string;
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

function entryCheck(version: string, filePath: string, content: string, settings: string, outcome: unknown): string {
  return hashText(`${version}\u0000${filePath}\u0000${content}\u0000${settings}\u0000${JSON.stringify(outcome)}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isMessage(v: unknown): boolean {
  return isObject(v) && typeof v.message === "string" && typeof v.line === "number" && typeof v.column === "number" && (v.severity === 1 || v.severity === 2);
}

/** The shape the runner reads from an outcome; anything else would crash it later, so it is not an outcome. */
function isOutcome(v: unknown): v is SourceOutcome {
  if (!isObject(v)) return false;
  if (v.status === "not-ours") return true;
  if (v.status === "fatal") return isMessage(v.message);
  if (v.status !== "ours" || !isObject(v.decision) || !Array.isArray(v.messages) || !v.messages.every(isMessage)) return false;
  if (!Array.isArray(v.documents) || !v.documents.every((d) => isObject(d) && typeof d.kind === "string" && isObject(d.facts))) return false;
  const d = v.directives;
  return isObject(d) && Array.isArray(d.comments) && Array.isArray(d.directives) && Array.isArray(d.problems) && d.problems.every(isMessage);
}

/**
 * Outcomes of unchanged files, keyed by path and checked by content hash. A different ecrlint version drops the
 * whole cache; a changed config changes an entry's settings hash and so invalidates it. The README promises that a
 * corrupt cache is an empty one: an entry of the wrong shape, or whose check does not match, is dropped and the
 * file linted again.
 */
export class ResultCache {
  private entries = new Map<string, CacheEntry>();
  private dirty = false;

  private constructor(
    private readonly location: string,
    private readonly version: string,
  ) {}

  static async open(location: string, version: string): Promise<ResultCache> {
    const cache = new ResultCache(location, version);
    try {
      const raw = JSON.parse(await readFile(location, "utf8")) as unknown;
      if (isObject(raw) && raw.version === version && isObject(raw.entries)) cache.entries = new Map(Object.entries(raw.entries as Record<string, CacheEntry>));
    } catch {
      // A missing or corrupt cache is an empty one.
    }
    return cache;
  }

  get(filePath: string, content: string, settings: string): SourceOutcome | undefined {
    const entry: unknown = this.entries.get(filePath);
    if (!isObject(entry) || entry.content !== content || entry.settings !== settings) return undefined;
    if (entry.check !== entryCheck(this.version, filePath, content, settings, entry.outcome) || !isOutcome(entry.outcome)) {
      this.entries.delete(filePath);
      this.dirty = true;
      return undefined;
    }
    return entry.outcome;
  }

  set(filePath: string, content: string, settings: string, outcome: SourceOutcome): void {
    this.entries.set(filePath, { content, settings, outcome, check: entryCheck(this.version, filePath, content, settings, outcome) });
    this.dirty = true;
  }

  /** Keeps only the files of this run, so deleted files do not accumulate. */
  retain(filePaths: Iterable<string>): void {
    const keep = new Set(filePaths);
    for (const key of this.entries.keys()) {
      if (!keep.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
  }

  async save(): Promise<void> {
    if (!this.dirty) return;
    const data: CacheFile = { version: this.version, entries: Object.fromEntries(this.entries) };
    await writeFileAtomic(this.location, JSON.stringify(data));
  }
}
