import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, rename, stat, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { describeErrno } from "@ecrlint/core";

/**
 * Creates a directory and its missing parents one level at a time. Node's `mkdir(…, { recursive: true })` spins
 * forever under /proc (`--output-file /proc/nope/x`); this makes at most one attempt per path segment.
 */
export async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if ((await stat(d)).isDirectory()) break;
      throw Object.assign(new Error(`${d} is not a directory`), { code: "ENOTDIR" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      await mkdir(d);
    } catch (error) {
      // Another process made it meanwhile (two tasks of one `turbo run` writing reports into one new folder).
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !(await stat(d)).isDirectory()) throw error;
    }
  }
}

/**
 * Writes a file where it is, as ESLint's `--fix` does: through a symlink to its target, into the same inode, so
 * the owner, the mode and every hard link stay as they were; a file the user may not write fails with EACCES
 * instead of being replaced. Only a regular file (or a new one) is written, unless `devices` allows a character
 * device or a FIFO: a report may go to `/dev/stdout`, `/dev/null` or a named pipe, as ESLint's `--output-file`
 * allows; a fix never does.
 */
export async function writeFileInPlace(path: string, content: string | Uint8Array, { devices = false }: { devices?: boolean } = {}): Promise<void> {
  try {
    const info = await stat(path);
    if (devices && (info.isCharacterDevice() || info.isFIFO())) {
      await writeContent(path, content);
      return;
    }
    if (!info.isFile()) throw Object.assign(new Error(`${path} is not a regular file`), { code: "ENOTREG" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await makeDirectories(dirname(path));
  }
  await writeContent(path, content);
}

/** Characters of a text encoded and written at a time. */
const TEXT_SLICE = 1 << 20;

/**
 * `writeFile`, but a long text is encoded and written a slice at a time: a 35 MB report is not also held as a
 * 35 MB buffer. A slice never ends between the two halves of a surrogate pair, which would not be UTF-8.
 */
async function writeContent(path: string, content: string | Uint8Array): Promise<void> {
  if (typeof content !== "string" || content.length <= TEXT_SLICE) return writeFile(path, content);
  const handle = await open(path, "w");
  try {
    for (let start = 0; start < content.length; ) {
      let end = Math.min(content.length, start + TEXT_SLICE);
      const last = content.charCodeAt(end - 1);
      if (end < content.length && last >= 0xd800 && last <= 0xdbff) end--;
      // After the first slice, each write goes on from where the last one ended.
      await handle.writeFile(content.slice(start, end), "utf8");
      start = end;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes through a temporary file in the same directory and a rename, so a crash or a full disk never leaves a
 * half-written file behind; the file keeps its permissions. For the runner's own files (the cache), never for
 * the user's: a rename replaces a symlink and breaks hard links.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await makeDirectories(dir);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let mode: number | undefined;
  try {
    mode = (await stat(path)).mode & 0o7777;
  } catch {
    mode = undefined;
  }
  try {
    await writeFile(temp, content, "utf8");
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Words for a failed write: `permission denied (EACCES)`. */
export function describeWriteError(error: unknown): string {
  return describeErrno(error, WRITE_WORDS);
}

/** Where a write's words differ from a read's (core's `describeErrno`), or a read has none. */
const WRITE_WORDS: Record<string, string> = {
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  ENOENT: "no such directory",
  EISDIR: "it is a directory",
  ENOTREG: "not a regular file",
};
