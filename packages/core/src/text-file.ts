import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

export type TextEncodingName = "utf8" | "utf16le" | "utf16be";

export type TextFileResult =
  | {
      ok: true;
      /** The text, without its byte order mark. */
      text: string;
      /** The file started with a byte order mark (written back with one). */
      bom: boolean;
      encoding: TextEncodingName;
      bytes: number;
      /** With `truncate`, the file was longer than `maxBytes` and this is its beginning. */
      truncated?: boolean;
    }
  | {
      ok: false;
      /** An errno code (`ENOENT`, `EACCES`…), `ENOTREG` for a FIFO, device or directory, `EFBIG` for a file over the limit. */
      code: string;
      /** Says what is wrong in a few words, without the path: `not a regular file (a FIFO)`. */
      reason: string;
      /** For `EFBIG`: the size (or, for a file that grew while read, the bytes read so far). */
      bytes?: number;
    };

export interface ReadTextFileOptions {
  /** Files over this many bytes are not read (default 5 MB). */
  maxBytes?: number;
  /** Read the first `maxBytes` of a longer file instead of refusing it (enough to tell what a file is). */
  truncate?: boolean;
  /**
   * The path was just listed as a regular file (its folder's entries say so, without following a link): it is opened
   * without a `stat` first. The `fstat` of what was opened still checks it, as for any path.
   */
  listedAsFile?: boolean;
}

export const DEFAULT_MAX_TEXT_BYTES = 5 * 1024 * 1024;

/** The part of a `Stats` that tells what a path is, written out so that the public types need no Node types. */
export interface FileKindStats {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}

/** What a path that is not a regular file is, for messages: `a FIFO`, `a directory`, `a character device`. */
export function fileKind(stats: FileKindStats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isFIFO()) return "a FIFO";
  if (stats.isCharacterDevice()) return "a character device";
  if (stats.isBlockDevice()) return "a block device";
  if (stats.isSocket()) return "a socket";
  return "not a file";
}

function megabytes(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: "no such file",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many levels of symbolic links",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "a directory",
  ENAMETOOLONG: "the name is too long",
};

/**
 * What ENOENT means for a path that a folder's listing gave with U+FFFD in it: the name is not valid UTF-8. Node
 * takes names as strings, puts U+FFFD where a byte does not decode, and no file has the name it then asks for, so
 * "no such file" would send the user looking for a file that is there.
 */
const UNDECODABLE_NAME = "its name is not valid UTF-8, so Node cannot open it (the bytes that do not decode show as \uFFFD): rename it";

function errnoWords(code: string, path: string | undefined): string | undefined {
  return code === "ENOENT" && path?.includes("\uFFFD") ? UNDECODABLE_NAME : ERRNO_WORDS[code];
}

/**
 * A failed file system call in words, with its code: `permission denied (EACCES)`; a code without words is itself,
 * an error without a code its message. `words` adds or overrides the words for one use (a write's ENOENT is a
 * missing folder). `path`, the path the call was given, tells a name that is not valid UTF-8 (see
 * {@link UNDECODABLE_NAME}).
 */
export function describeErrno(error: unknown, words: Readonly<Record<string, string>> = {}, path?: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code) return error instanceof Error ? error.message : String(error);
  const said = words[code] ?? errnoWords(code, path);
  return said ? `${said} (${code})` : code;
}

function failed(error: unknown, path: string): TextFileResult {
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? "EIO";
  return { ok: false, code, reason: errnoWords(code, path) ?? code };
}

function notRegular(stats: Stats): TextFileResult {
  return { ok: false, code: "ENOTREG", reason: `not a regular file (${fileKind(stats)})` };
}

function tooLarge(bytes: number, maxBytes: number, exact: boolean): TextFileResult {
  return { ok: false, code: "EFBIG", reason: `${exact ? "" : "over "}${megabytes(bytes)}, over the ${megabytes(maxBytes)} limit`, bytes };
}

/**
 * UTF-8 with or without BOM, UTF-16 LE or BE with a BOM (Windows PowerShell 5 writes UTF-16 LE by default). Takes
 * any `Uint8Array` (a Node `Buffer` is one), so the public types need no `@types/node`.
 */
export function decodeText(bytes: Uint8Array): { text: string; bom: boolean; encoding: TextEncodingName } {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) {
    return { text: buffer.subarray(2, buffer.length - (buffer.length % 2)).toString("utf16le"), bom: true, encoding: "utf16le" };
  }
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2, buffer.length - (buffer.length % 2)));
    swapped.swap16();
    return { text: swapped.toString("utf16le"), bom: true, encoding: "utf16be" };
  }
  if (buffer.length >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
    return { text: buffer.subarray(3).toString("utf8"), bom: true, encoding: "utf8" };
  }
  return { text: buffer.toString("utf8"), bom: false, encoding: "utf8" };
}

/** The bytes of a text in an encoding, with the BOM when it had one: what `--fix` writes back (a Node `Buffer`). */
export function encodeText(text: string, encoding: TextEncodingName, bom: boolean): Uint8Array {
  const withBom = (bom ? "\uFEFF" : "") + text;
  if (encoding === "utf8") return Buffer.from(withBom, "utf8");
  const out = Buffer.from(withBom, "utf16le");
  if (encoding === "utf16be") out.swap16();
  return out;
}

const READ_BUFFER_BYTES = 64 * 1024;
let scratch: Buffer | undefined;

/**
 * Reads a text file that a user or a repository named, for any front end. Only regular files are read (a FIFO would
 * block forever, `/dev/zero` never ends), the size is checked before reading and again while reading (files under
 * `/proc` report size 0), and the result is data: it never throws.
 */
export function readTextFile(path: string, options: ReadTextFileOptions = {}): TextFileResult {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_TEXT_BYTES;
  if (!options.listedAsFile) {
    let stats: Stats;
    try {
      // Decide on the path before opening it: opening some devices has effects of its own (a named one may be any).
      stats = statSync(path);
    } catch (error) {
      return failed(error, path);
    }
    if (!stats.isFile()) return notRegular(stats);
    if (stats.size > maxBytes && !options.truncate) return tooLarge(stats.size, maxBytes, true);
  }
  let fd: number;
  try {
    // Non-blocking, in case the path was swapped for a FIFO since: opening then returns at once.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return failed(error, path);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) return notRegular(opened);
    if (opened.size > maxBytes && !options.truncate) return tooLarge(opened.size, maxBytes, true);
    // Read into one buffer kept for every file: a new 64 KB buffer per file of a 10,000-file tree is 640 MB of
    // memory outside the heap that the garbage collector has to be pushed to give back. Only a file larger than it
    // is copied out, a buffer-full at a time; the text is decoded from it before the next file is read.
    const buffer = (scratch ??= Buffer.allocUnsafe(READ_BUFFER_BYTES));
    const full: Buffer[] = [];
    let filled = 0;
    let total = 0;
    // Never more than one byte past the limit, whatever the size said.
    while (total <= maxBytes) {
      if (filled === buffer.length) {
        full.push(Buffer.from(buffer));
        filled = 0;
      }
      const asked = Math.min(buffer.length - filled, maxBytes + 1 - total);
      const n = readSync(fd, buffer, filled, asked, null);
      if (n === 0) break;
      filled += n;
      total += n;
      // A regular file that gave fewer bytes than asked, as many as its size, is at its end: no read to be told so.
      // Files under /proc say size 0 and are read until a read gives nothing.
      if (n < asked && total === opened.size) break;
    }
    const bytes = full.length === 0 ? buffer.subarray(0, filled) : Buffer.concat([...full, buffer.subarray(0, filled)], total);
    if (total > maxBytes) {
      if (!options.truncate) return tooLarge(total, maxBytes, false);
      return { ok: true, ...decodeText(bytes.subarray(0, maxBytes)), bytes: maxBytes, truncated: true };
    }
    return { ok: true, ...decodeText(bytes), bytes: total };
  } catch (error) {
    return failed(error, path);
  } finally {
    try {
      closeSync(fd);
    } catch {
      // Nothing was written; a failed close loses nothing.
    }
  }
}

/**
 * What NUL bytes in a text decoded as UTF-8 say of it: UTF-16 without a byte order mark has one between every two
 * characters of ASCII (after each in little-endian order, before each in big-endian); a text padded with NULs (a disk
 * image, a preallocated file) has them only at its end; a zeroed file holds nothing else. `undefined` for a text
 * without NUL bytes. Both front ends describe such a file from this, so they say the same thing of it.
 */
export type NulBytesLayout = { kind: "only-nul" } | { kind: "trailing"; count: number } | { kind: "utf16"; order: "little-endian" | "big-endian" } | { kind: "scattered" };

export function nulBytesLayout(text: string): NulBytesLayout | undefined {
  if (!text.includes("\u0000")) return undefined;
  const padded = text.replace(/\u0000+$/, "");
  if (padded.trim() === "") return { kind: "only-nul" };
  if (!padded.includes("\u0000")) return { kind: "trailing", count: text.length - padded.length };
  const atParity = [0, 0];
  let nuls = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 0) {
      nuls++;
      atParity[i % 2]!++;
    }
  }
  const order = atParity[1]! >= 0.9 * nuls ? "little-endian" : atParity[0]! >= 0.9 * nuls ? "big-endian" : undefined;
  return order && nuls >= 0.4 * text.length ? { kind: "utf16", order } : { kind: "scattered" };
}

/**
 * What a text of a layout is, said of the file without its subject (`ends in 3 NUL bytes after its text; remove
 * them`), for the layouts that need no front end's advice; undefined for UTF-16 and scattered NULs, whose remedy
 * depends on what reads the file (ESLint reads UTF-8 only).
 */
export function nulBytesFinding(layout: NulBytesLayout): string | undefined {
  if (layout.kind === "only-nul") return "holds nothing but NUL bytes (a file zeroed by a crash?)";
  if (layout.kind === "trailing") return `ends in ${layout.count} NUL byte${layout.count === 1 ? "" : "s"} after its text; remove them`;
  return undefined;
}
