import { hash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, lstatSync, openSync, readSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from "node:fs";
import { basename, dirname, join, normalize, resolve, sep } from "node:path";
import { EcrlintError } from "./errors.js";
import { makeDirectories } from "./fs-utils.js";
import { CACHE_FILE_START, describeErrno, fileKind, type LintMessage, type ProjectRelation } from "@ecrlint/core";
import type { SourceOutcome } from "./lint-source.js";

/** What the cache knows of a file besides its outcome: enough to tell, from a `stat` alone, that it has not changed. */
interface EntryMeta {
  path: string;
  /** `size:mtimeMs:ctimeMs:ino` when the file was read. */
  stamp: string;
  /** Hash of the file's text. */
  content: string;
  /** Hash of everything else the outcome depends on: rule settings, registry, trust. */
  settings: string;
  /** Hash of the version, the path, both hashes and the outcome's text: an entry edited or damaged since is discarded. */
  check: string;
}

/** An entry of the cache file on disk: its meta, and where its outcome's JSON text lies (read only when asked for). */
interface StoredEntry {
  meta: EntryMeta;
  /** Byte offset and length of the whole line, and of what follows the meta: the outcome, a tab, the facts. */
  line: [number, number];
  body: [number, number];
}

/**
 * Each line: the meta, a tab, the outcome without its documents' facts, a tab, the facts (JSON text escapes a tab,
 * so the first two tabs of a line are the separators). The facts are apart so that a warm run whose projects are
 * unchanged never parses them: what the cross-file rules need of a cached file is then only the facts' hash.
 */
const FORMAT = "ecrlint-cache/3";
const CHUNK = 1 << 20;

export function hashText(text: string): string {
  return hash("sha1", text);
}

/** The part of a file's `stat` that changes whenever its content may have. */
export function fileStamp(info: Pick<Stats, "size" | "mtimeMs" | "ctimeMs" | "ino">): string {
  return `${info.size}:${info.mtimeMs}:${info.ctimeMs}:${info.ino}`;
}

/**
 * ESLint's `.eslintcache`, ours: in the working directory, never a `node_modules/.cache` wherever the run starts.
 * Read as `--cache-location .ecrlintcache` is, as ESLint reads its default: a folder of that name holds the file.
 */
export function defaultCacheLocation(cwd: string): string {
  return cacheFileFor(".ecrlintcache", cwd);
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
    // Followed through a symlink: a link to a folder is a folder, not a file to replace.
    if (statSync(resolved).isDirectory()) return asFolder();
  } catch {
    // Not there yet: a file.
  }
  return resolved;
}

/**
 * How a cache file ecrlint wrote before the format had a name begins (one JSON object): `{"version":"cli@…`. With
 * core's `CACHE_FILE_START` (`{"format":"ecrlint-cache/…`), the only beginnings of a file the cache replaces: a
 * `.vscode/launch.json` (`{"version": "0.2.0", …`) or a formatter's `{"format": "yaml"}` is someone else's.
 */
const OLD_CACHE_START = '{"version":"cli@';
const CACHE_START_BYTES = 64;

/**
 * The file the cache is read from and written to, checked before anything opens it: the target of a symlink (the
 * rename that saves the cache then replaces the target, never the link); a missing file; or a regular file that is
 * empty or a cache. A device, FIFO, socket or folder is refused (opening a FIFO blocks, replacing `/dev/null` breaks
 * the machine), and so is a file holding anything else: the cache never replaces a file that is not its own.
 * @throws EcrlintError (`io`, exit 2) naming the path and what it is.
 */
export function cacheTarget(location: string): string {
  const refuse = (why: string) => new EcrlintError("io", `cannot use ${location} as the cache file: ${why}`, location);
  let target: string;
  try {
    target = realpathSync(location);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw refuse(describeErrno(error));
    let link = false;
    try {
      link = lstatSync(location).isSymbolicLink();
    } catch {
      // Nothing there: the cache file is created.
    }
    if (link) throw refuse("a broken symbolic link");
    return location;
  }
  const stats = statSync(target);
  if (!stats.isFile()) throw refuse(`not a regular file (${fileKind(stats)})`);
  if (stats.size > 0) {
    const head = Buffer.alloc(CACHE_START_BYTES);
    let read: number;
    try {
      const fd = openSync(target, "r");
      try {
        read = readSync(fd, head, 0, head.length, 0);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw refuse(describeErrno(error));
    }
    const start = head.toString("utf8", 0, read);
    if (!start.startsWith(CACHE_FILE_START) && !start.startsWith(OLD_CACHE_START)) throw refuse("the file exists and is not an ecrlint cache");
  }
  return target;
}

/**
 * The check of an entry: of the outcome and facts as written, and as read back (the text that is then parsed, so
 * bytes that do not decode to what was written fail it).
 */
function entryCheck(version: string, meta: Omit<EntryMeta, "check" | "stamp">, body: string): string {
  return hashText(`${version}\u0000${meta.path}\u0000${meta.content}\u0000${meta.settings}\u0000${body}`);
}

/**
 * The facts of an outcome's documents as the cache stores them, one object per document: the cross-file rules'
 * input from that file, hashed as this text whether the file was linted now or its outcome came from the cache.
 */
export function factsText(outcome: SourceOutcome): string {
  return outcome.status === "ours" ? JSON.stringify(outcome.documents.map((d) => d.facts)) : "null";
}

/** Facts text in which no document yielded any: `[]`, `[{}]`, `[{},{}]`… */
const NO_FACTS = /^\[(?:\{\}(?:,\{\})*)?\]$/;

/**
 * A cached file's facts, left in the cache file: their hash, whether there are any, and a way to read them when
 * the cross-file rules must run again.
 * @throws EcrlintError (`io`) from `load` when the cache file no longer holds the bytes it held when the run began.
 */
export interface StoredFacts {
  hash: string;
  any: boolean;
  load(): Record<string, unknown>[];
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
  if (!Array.isArray(v.documents) || !v.documents.every((d) => isObject(d) && typeof d.kind === "string")) return false;
  const arns = v.arns;
  if (arns !== undefined && !(isObject(arns) && [arns.accounts, arns.regions].every((list) => Array.isArray(list) && list.every((x) => typeof x === "string")))) return false;
  const d = v.directives;
  return isObject(d) && Array.isArray(d.comments) && Array.isArray(d.directives) && Array.isArray(d.problems) && d.problems.every(isMessage);
}

/** The cross-file rules' findings on one file, and the related places they add to its other findings (see project.ts). */
export interface FileFindings {
  messages: LintMessage[];
  relations: ProjectRelation[];
}

/** The settings of an entry that says "not ours by the marker test", and its outcome. */
const NOT_OURS_BY_MARKER = "marker";
const NOT_OURS: SourceOutcome = { status: "not-ours" };
const NOT_OURS_TEXT = `${JSON.stringify(NOT_OURS)}\tnull`;

/** How much of the cache file one read brings in. */
const WINDOW_BYTES = 256 * 1024;

/** Cross-file results are stored under a key no file's absolute path can be. */
const PROJECT_KEY = "\u0000project\u0000";

function isFileFindings(v: unknown): v is FileFindings {
  return isObject(v) && Array.isArray(v.messages) && v.messages.every(isMessage) && Array.isArray(v.relations) && v.relations.every((x) => isObject(x) && Array.isArray(x.related));
}

/** A project's entry: the files that have an entry of findings under it. */
function isProjectFiles(v: unknown): v is { files: string[] } {
  return isObject(v) && Array.isArray(v.files) && v.files.every((f) => typeof f === "string");
}

const projectFileKey = (root: string, filePath: string) => `${PROJECT_KEY}${root}\u0000${filePath}`;

function isMeta(v: unknown): v is EntryMeta {
  return isObject(v) && ["path", "stamp", "content", "settings", "check"].every((k) => typeof v[k] === "string");
}

/**
 * Where each entry of the cache file lies, by key: three numbers an entry, not its meta, so that what a run holds of
 * a cache of 50,000 files is a few MB. An entry's meta is read back from the file when asked for (a run asks in
 * about the order the entries were written: the reads are served by one window of the file, see `readText`).
 */
class StoredIndex {
  private readonly at = new Map<string, number>();
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  /** Where the tab after the meta is, from the start of the line. */
  private readonly tabs: number[] = [];
  private last: { key: string; entry: StoredEntry } | undefined;

  constructor(private readonly bytes: (range: [number, number]) => Buffer) {}

  add(key: string, start: number, length: number, tab: number): void {
    // A key written twice (a damaged or concatenated file): the last line is the entry, as it was for a Map.
    const i = this.at.get(key) ?? this.starts.length;
    if (i === this.starts.length) this.at.set(key, i);
    this.starts[i] = start;
    this.lengths[i] = length;
    this.tabs[i] = tab;
  }

  get(key: string): StoredEntry | undefined {
    if (this.last?.key === key) return this.last.entry;
    const i = this.at.get(key);
    if (i === undefined) return undefined;
    const start = this.starts[i]!;
    const length = this.lengths[i]!;
    const tab = this.tabs[i]!;
    let meta: unknown;
    try {
      meta = JSON.parse(this.bytes([start, tab]).toString("utf8"));
    } catch {
      meta = undefined;
    }
    if (!isMeta(meta) || meta.path !== key) {
      this.delete(key);
      return undefined;
    }
    const entry: StoredEntry = { meta, line: [start, length], body: [start + tab + 1, length - tab - 2] };
    this.last = { key, entry };
    return entry;
  }

  delete(key: string): void {
    this.at.delete(key);
    if (this.last?.key === key) this.last = undefined;
  }

  get size(): number {
    return this.at.size;
  }

  clear(): void {
    this.at.clear();
    this.last = undefined;
  }
}

/** Calls `line(start, end)` with the byte range of every line of an open file, reading it a chunk at a time. */
function eachLine(fd: number, line: (buffer: Buffer, start: number, end: number, offset: number) => boolean): void {
  let buffer = Buffer.alloc(CHUNK);
  let filled = 0;
  let base = 0;
  for (;;) {
    if (filled === buffer.length) {
      const bigger = Buffer.alloc(buffer.length * 2);
      buffer.copy(bigger, 0, 0, filled);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, filled, buffer.length - filled, base + filled);
    const end = filled + read;
    let start = 0;
    for (let nl = buffer.indexOf(10, start); nl !== -1 && nl < end; nl = buffer.indexOf(10, start)) {
      if (!line(buffer, start, nl, base)) return;
      start = nl + 1;
    }
    if (read === 0) return;
    buffer.copy(buffer, 0, start, end);
    base += start;
    filled = end - start;
  }
}

/**
 * Outcomes of unchanged files, keyed by path. The cache file is a header line and one line per file: the entry's
 * meta as JSON, a tab, the outcome as JSON. Opening it reads the metas only; an outcome is read from the file when
 * its file is unchanged and parsed then, so a warm run holds the index, not every result. New entries go straight
 * to a temporary file, and the kept ones are copied over at the end, so the cache is never held whole in memory.
 *
 * A file whose `stat` stamp (size, times, inode) is the one recorded is not even read: its content hash is the
 * recorded one. A different ecrlint version drops the whole cache; a changed config changes an entry's settings
 * hash and so invalidates it. The README promises that a corrupt cache is an empty one: an entry of the wrong
 * shape, or whose check does not match, is dropped and the file linted again.
 */
export class ResultCache {
  private readonly stored = new StoredIndex((range) => this.readText(range));
  private fd: number | undefined;
  /** Paths whose stored entry goes into the new file, and paths whose new entry already has. */
  private readonly kept = new Set<string>();
  private readonly written = new Set<string>();
  private temp: { path: string; fd: number } | undefined;
  private writable = true;
  /** Why the cache stopped being written (the first write that failed), for {@link save}'s answer. */
  private failure: unknown;
  private window: { start: number; bytes: Buffer } | undefined;
  private windowBuffer: Buffer | undefined;

  private constructor(
    private readonly location: string,
    private readonly version: string,
  ) {}

  /** @throws EcrlintError when the location is not a place for a cache (see {@link cacheTarget}). */
  static async open(location: string, version: string): Promise<ResultCache> {
    const cache = new ResultCache(cacheTarget(location), version);
    await makeDirectories(dirname(cache.location)).catch(() => undefined);
    try {
      cache.fd = openSync(cache.location, "r");
      cache.index();
    } catch {
      // A missing or corrupt cache is an empty one.
      cache.stored.clear();
    }
    return cache;
  }

  private index(): void {
    let header = true;
    eachLine(this.fd!, (buffer, start, end, base) => {
      if (header) {
        header = false;
        const head = JSON.parse(buffer.toString("utf8", start, end)) as unknown;
        return isObject(head) && head.format === FORMAT && head.version === this.version;
      }
      const tab = buffer.indexOf(9, start);
      if (tab === -1 || tab > end) return true;
      try {
        const meta = JSON.parse(buffer.toString("utf8", start, tab)) as unknown;
        if (isMeta(meta)) this.stored.add(meta.path, base + start, end + 1 - start, tab - start);
      } catch {
        // A damaged line is no entry.
      }
      return true;
    });
  }

  /**
   * Bytes of the cache file, read through a window of {@link WINDOW_BYTES}: a run asks for the entries in about the
   * order they were written, so one read serves a few hundred of them. The bytes are the window's: use them at once.
   */
  private readText([offset, length]: [number, number]): Buffer {
    const window = this.window;
    if (window && offset >= window.start && offset + length <= window.start + window.bytes.length) {
      return window.bytes.subarray(offset - window.start, offset - window.start + length);
    }
    if (!this.windowBuffer || this.windowBuffer.length < length) this.windowBuffer = Buffer.allocUnsafe(Math.max(length, WINDOW_BYTES));
    const read = readSync(this.fd!, this.windowBuffer, 0, this.windowBuffer.length, offset);
    this.window = { start: offset, bytes: this.windowBuffer.subarray(0, read) };
    return this.window.bytes.subarray(0, length);
  }

  /** The content hash recorded for a file whose stamp has not changed since, else undefined. */
  unchanged(filePath: string, stamp: string): string | undefined {
    const entry = this.stored.get(filePath);
    return entry && entry.meta.stamp === stamp ? entry.meta.content : undefined;
  }

  /**
   * Whether the file, with this content, was found not ours by the marker test (no config can make it ours). Such an
   * entry's outcome is always the same text, so its check is verified without reading it: a warm run over a
   * monorepo, most of whose JSON is not ours, reads only the index for those files.
   */
  notOurs(filePath: string, content: string): boolean {
    const entry = this.stored.get(filePath);
    if (!entry || entry.meta.content !== content || entry.meta.settings !== NOT_OURS_BY_MARKER) return false;
    if (entry.body[1] === Buffer.byteLength(NOT_OURS_TEXT) && entry.meta.check === entryCheck(this.version, entry.meta, NOT_OURS_TEXT)) {
      this.kept.add(filePath);
      return true;
    }
    this.stored.delete(filePath);
    return false;
  }

  /** Records that the file, with this content, is not ours by the marker test. */
  setNotOurs(filePath: string, stamp: string, content: string): void {
    this.write(filePath, stamp, content, NOT_OURS_BY_MARKER, NOT_OURS_TEXT);
  }

  /**
   * A file's outcome, with each document's facts empty: they stay in the cache file, and `facts` reads them (see
   * {@link StoredFacts}). Undefined when the entry is missing, stale, damaged or of another shape.
   */
  get(filePath: string, content: string, settings: string): { outcome: SourceOutcome; facts: StoredFacts } | undefined {
    const read = this.read(filePath, content, settings, isOutcome);
    if (!read) return undefined;
    const { value: outcome, facts: at, factsText } = read;
    if (outcome.status === "ours") for (const d of outcome.documents) d.facts = {};
    // Only the hash is kept: the text is read again if the project must be joined again.
    const factsHash = hashText(factsText);
    const any = outcome.status === "ours" && !NO_FACTS.test(factsText);
    const load = () => {
      const again = this.fd === undefined ? undefined : this.readText(at).toString("utf8");
      let facts: unknown;
      try {
        facts = again !== undefined && hashText(again) === factsHash ? JSON.parse(again) : undefined;
      } catch {
        facts = undefined;
      }
      const documents = outcome.status === "ours" ? outcome.documents.length : 0;
      if (!Array.isArray(facts) || facts.length !== documents || !facts.every(isObject)) {
        throw new EcrlintError("io", `the cache file ${this.location} changed while the run read it; run again`, this.location);
      }
      return facts;
    };
    return { outcome, facts: { hash: factsHash, any, load } };
  }

  /** Records that a file whose entry was just read (see {@link get}) has a new stamp: a checkout touched it. */
  restamp(filePath: string, stamp: string): void {
    const entry = this.stored.get(filePath);
    if (!entry || !this.writable || this.written.has(filePath)) return;
    this.kept.delete(filePath);
    try {
      const meta = Buffer.from(`${JSON.stringify({ ...entry.meta, stamp })}\t`);
      this.append(Buffer.concat([meta, this.readText(entry.body), Buffer.from("\n")]));
      this.written.add(filePath);
    } catch (error) {
      this.stopWriting(error);
    }
  }

  set(filePath: string, stamp: string, content: string, settings: string, outcome: SourceOutcome): void {
    const stored = outcome.status === "ours" ? { ...outcome, documents: outcome.documents.map(({ facts: _facts, ...d }) => d) } : outcome;
    this.write(filePath, stamp, content, settings, `${JSON.stringify(stored)}\t${factsText(outcome)}`);
  }

  /**
   * What the cross-file rules found in the project rooted at `root` the last time their input was `input` (a hash
   * of every fact, registry and setting they read): a warm run whose files are all unchanged does not join them
   * again. Each file's findings are a line of their own, checked now and parsed only when `findings` asks for them,
   * so a run never holds the whole project's as one value.
   * @throws EcrlintError (`io`) from `findings` when the cache file no longer holds the bytes it held when checked.
   */
  getProject(root: string, input: string): ((filePath: string) => FileFindings | undefined) | undefined {
    const head = this.read(PROJECT_KEY + root, input, "", isProjectFiles);
    if (!head) return undefined;
    const lines = new Map<string, { at: [number, number]; check: string }>();
    for (const filePath of head.value.files) {
      const key = projectFileKey(root, filePath);
      const entry = this.stored.get(key);
      if (!entry || entry.meta.content !== input || entry.meta.settings !== "" || entry.meta.check !== entryCheck(this.version, entry.meta, this.readText(entry.body).toString("utf8"))) {
        // One file's findings missing or damaged: the project is joined again.
        this.kept.delete(PROJECT_KEY + root);
        this.stored.delete(PROJECT_KEY + root);
        return undefined;
      }
      lines.set(filePath, { at: entry.body, check: entry.meta.check });
    }
    for (const filePath of lines.keys()) this.kept.add(projectFileKey(root, filePath));
    return (filePath) => {
      const line = lines.get(filePath);
      if (!line) return undefined;
      let value: unknown;
      try {
        const text = this.readText(line.at).toString("utf8");
        const meta = { path: projectFileKey(root, filePath), content: input, settings: "" };
        const tab = text.indexOf("\t");
        value = tab !== -1 && entryCheck(this.version, meta, text) === line.check ? JSON.parse(text.slice(0, tab)) : undefined;
      } catch {
        value = undefined;
      }
      if (!isFileFindings(value)) throw new EcrlintError("io", `the cache file ${this.location} changed while the run read it; run again`, this.location);
      return value;
    };
  }

  /** Records a project's findings (see {@link getProject}): one line for the project, one per file with findings. */
  setProject(root: string, input: string, findings: ReadonlyMap<string, FileFindings>): void {
    this.write(PROJECT_KEY + root, "", input, "", `${JSON.stringify({ files: [...findings.keys()] })}\tnull`);
    for (const [filePath, found] of findings) this.write(projectFileKey(root, filePath), "", input, "", `${JSON.stringify(found)}\tnull`);
  }

  /** A stored entry's outcome, checked and parsed, and its facts' text and place in the file; the facts are not parsed. */
  private read<T>(key: string, content: string, settings: string, valid: (v: unknown) => v is T): { value: T; facts: [number, number]; factsText: string } | undefined {
    const entry = this.stored.get(key);
    if (!entry || entry.meta.content !== content || entry.meta.settings !== settings) return undefined;
    try {
      const bytes = this.readText(entry.body);
      // A tab is one byte in UTF-8, never part of another character's: the first tab of the bytes and of the text.
      const byteTab = bytes.indexOf(9);
      const text = bytes.toString("utf8");
      const tab = text.indexOf("\t");
      if (tab !== -1 && entry.meta.check === entryCheck(this.version, entry.meta, text)) {
        const value = JSON.parse(text.slice(0, tab)) as unknown;
        if (valid(value)) {
          this.kept.add(key);
          return { value, facts: [entry.body[0] + byteTab + 1, entry.body[1] - byteTab - 1], factsText: text.slice(tab + 1) };
        }
      }
    } catch {
      // Unreadable: linted again.
    }
    this.stored.delete(key);
    return undefined;
  }

  /** Appends an entry; `body` is the outcome's JSON, a tab and the facts' JSON. */
  private write(filePath: string, stamp: string, content: string, settings: string, body: string): void {
    this.kept.delete(filePath);
    if (!this.writable || this.written.has(filePath)) return;
    const meta: EntryMeta = { path: filePath, stamp, content, settings, check: "" };
    meta.check = entryCheck(this.version, meta, body);
    try {
      this.append(`${JSON.stringify(meta)}\t${body}\n`);
      this.written.add(filePath);
    } catch (error) {
      this.stopWriting(error);
    }
  }

  private stopWriting(error: unknown): void {
    this.writable = false;
    this.failure ??= error;
  }

  private append(text: string | Buffer): void {
    if (!this.temp) {
      const path = join(dirname(this.location), `.${basename(this.location)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
      this.temp = { path, fd: openSync(path, "wx", 0o666) };
      writeSync(this.temp.fd, `${JSON.stringify({ format: FORMAT, version: this.version })}\n`);
    }
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    for (let done = 0; done < bytes.length; ) done += writeSync(this.temp.fd, bytes, done, bytes.length - done);
  }

  /**
   * Writes the cache of this run: the files it read, no others, so deleted files do not accumulate. Nothing is
   * written when every file was found unchanged. A failure leaves the previous cache as it was, and is the answer:
   * why the cache was not saved (`permission denied (EACCES)`), for a notice; undefined when saved or unchanged.
   */
  save(): string | undefined {
    try {
      const unchanged = this.written.size === 0 && this.kept.size === this.stored.size && this.fd !== undefined;
      if (!unchanged && this.writable) {
        for (const path of this.kept) if (!this.written.has(path)) this.append(this.readText(this.stored.get(path)!.line));
        if (!this.temp) this.append("");
        let mode: number | undefined;
        try {
          mode = statSync(this.location).mode & 0o7777;
        } catch {
          mode = undefined;
        }
        closeSync(this.temp!.fd);
        if (mode !== undefined) chmodSync(this.temp!.path, mode);
        renameSync(this.temp!.path, this.location);
        this.temp = undefined;
      }
    } catch (error) {
      // The cache is an optimisation: a run never fails for it, and says why the next run will be cold.
      this.stopWriting(error);
    } finally {
      this.close();
    }
    return this.failure === undefined ? undefined : `the cache was not saved to ${this.location}: ${describeErrno(this.failure)}`;
  }

  /** Leaves the cache file as it was (a run that failed). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.temp) {
      closeSync(this.temp.fd);
      try {
        unlinkSync(this.temp.path);
      } catch {
        // Already gone.
      }
      this.temp = undefined;
    }
  }
}
