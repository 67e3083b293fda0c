import type { TextFileResult } from "./text-file.js";

/**
 * Texts that one search of a run has read and a later step will read again: the config search reads each
 * package.json for an "ecrlint" key, and the runner then reads the same file to lint it (a monorepo has one per
 * package, 1,288 on a tree of 10,000 files). The first reader keeps what it read, the second takes it (once), and
 * the file is opened once. At most `maxChars` of text are kept at a time: past that, files are read again.
 */
export class KeptTexts {
  private readonly texts = new Map<string, Extract<TextFileResult, { ok: true }>>();
  private chars = 0;

  constructor(private readonly maxChars = 8 * 1024 * 1024) {}

  /** Keeps a whole file's text read by `path` (a failed or truncated read is not kept: the next reader reads again). */
  keep(path: string, read: TextFileResult): void {
    if (!read.ok || read.truncated || this.texts.has(path) || this.chars + read.text.length > this.maxChars) return;
    this.texts.set(path, read);
    this.chars += read.text.length;
  }

  /** The text kept for `path`, given up by the keeper: a second take reads the file again. */
  take(path: string): TextFileResult | undefined {
    const read = this.texts.get(path);
    if (read === undefined) return undefined;
    this.texts.delete(path);
    this.chars -= read.text.length;
    return read;
  }
}
