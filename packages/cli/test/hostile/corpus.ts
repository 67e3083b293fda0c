import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, cpSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { expect } from "vitest";
import { lint } from "../../src/index.js";
import { readCacheFile, repoDir, tempDir, writeCacheFile } from "../helpers.js";

/**
 * The hostile corpus: `fixtures/hostile/<id>/` holds the files of one kind of hostile input and, in `expected.json`,
 * what each front end must do with it. Files ending in `.inert` (configs, which would act on any run over
 * fixtures/) lose the suffix in the temporary copy a test runs in; `setup` makes what git cannot hold.
 */
export const corpusDir = join(repoDir, "fixtures", "hostile");

/** A finding as `line:column severity rule/messageId`, or `line:column severity fatal: message` for a parsing error. */
export type Finding = string;

export interface CommandExpectation {
  /** Arguments after the command (`test`, `explain`) or, for `lint`, the patterns and flags. */
  args: string[];
  exit: number;
  /** Lines the output must contain (`{dir}` is the temporary copy). */
  stdout?: string[];
  /** The whole of stderr: one line (`{dir}` is the temporary copy); absent means empty. */
  stderr?: string;
}

export interface LintExpectation extends CommandExpectation {
  /** Findings by file (relative to the copy); files not listed have none or are not ours. */
  findings?: Record<string, Finding[]>;
}

export type SetupStep =
  | { fifo: string }
  | { symlink: string; to: string }
  | { hardlink: string; to: string }
  | { chmod: string; mode: string }
  | { chown: string; uid: number }
  | { mkdir: string }
  | { utf16: string; bom?: boolean }
  | { repeat: string; marker: string; text: string; times: number }
  | { cache: "hide-findings" | "wrong-shape" | "not-json" };

/** What a file must be after the commands ran (`--fix` entries). */
export interface FileAfter {
  /** Text it must contain (read as UTF-8, or UTF-16 when it starts with a UTF-16 BOM). */
  contains?: string[];
  /** Still a symlink, to this target. */
  symlink?: string;
  /** Same inode as this other path (a hard link kept). */
  sameFileAs?: string;
  mode?: string;
  uid?: number;
  /** The first bytes, in hex (`fffe` for UTF-16 LE with a BOM). */
  startsWith?: string;
}

export interface CorpusEntry {
  id: string;
  class: number;
  title: string;
  setup?: SetupStep[];
  /** The working directory of every command, relative to the copy (default: the copy). */
  cwd?: string;
  lint?: LintExpectation;
  /** ESLint with the recommended config over the same files: `"as lint"`, or its own findings. */
  eslint?: "as lint" | { findings: Record<string, Finding[]> };
  /**
   * ESLint with `@eslint/json`'s language (`recommended-json-language`), when it differs from `eslint`: that language
   * parses strict JSON itself, and its parse errors are its own.
   */
  eslintJsonLanguage?: { findings: Record<string, Finding[]> };
  explain?: CommandExpectation;
  test?: CommandExpectation;
  /** Files that must not exist after every command has run (proof that something was not executed). */
  absent?: string[];
  /** Files as they must be after `lint` ran (through the API and through the binary). */
  after?: Record<string, FileAfter>;
  /** Run the binary as this user id (for permissions, which root ignores); the in-process checks are then skipped. */
  uid?: number;
  /** Only the binary runs `lint` (flags such as `--output-file` have no `lint()` option). */
  cliOnly?: boolean;
  /** ESLint's patterns, when they must differ from `lint.args` (ESLint waits forever on a FIFO it is given). */
  eslintArgs?: string[];
  /** ESLint runs in a child process with this heap limit (MB): memory stays bounded or the process dies. */
  eslintHeapMB?: number;
}

export function loadCorpus(): CorpusEntry[] {
  return readdirSync(corpusDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => ({ id: d.name, ...(JSON.parse(readFileSync(join(corpusDir, d.name, "expected.json"), "utf8")) as Omit<CorpusEntry, "id">) }))
    .sort((a, b) => a.class - b.class || (a.id < b.id ? -1 : 1));
}

function renameInert(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) renameInert(path);
    else if (entry.name.endsWith(".inert")) renameSync(path, path.slice(0, -".inert".length));
  }
}

function decode(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  return bytes.toString("utf8");
}

/**
 * Primes the cache with a real run, then damages it: every entry hides its findings, or has the wrong shape, or the
 * file is cut inside its first line (still an ecrlint cache by its first bytes, no longer JSON).
 */
async function damageCache(dir: string, how: "hide-findings" | "wrong-shape" | "not-json"): Promise<void> {
  const cacheFile = join(dir, ".ecrlintcache");
  await lint({ cwd: dir, cache: true });
  if (how === "not-json") return writeFileSync(cacheFile, readFileSync(cacheFile, "utf8").slice(0, 40));
  const cache = readCacheFile(cacheFile);
  for (const entry of Object.values(cache.entries)) {
    if (how === "hide-findings") entry.outcome.messages = [];
    else entry.outcome = { status: "ours", kind: 7, messages: { line: "x" } };
  }
  writeCacheFile(cacheFile, cache);
}

/** A temporary copy of the entry's files, with its setup applied. */
export async function materialize(entry: CorpusEntry): Promise<string> {
  const dir = tempDir(`ecrlint-hostile-${entry.id}-`);
  cpSync(join(corpusDir, entry.id), dir, { recursive: true, filter: (src) => relative(join(corpusDir, entry.id), src) !== "expected.json" });
  renameInert(dir);
  for (const step of entry.setup ?? []) {
    if ("fifo" in step) execFileSync("mkfifo", [join(dir, step.fifo)]);
    else if ("symlink" in step) symlinkSync(step.to, join(dir, step.symlink));
    else if ("hardlink" in step) linkSync(join(dir, step.to), join(dir, step.hardlink));
    else if ("chmod" in step) chmodSync(join(dir, step.chmod), Number.parseInt(step.mode, 8));
    else if ("chown" in step) chownSync(join(dir, step.chown), step.uid, step.uid);
    else if ("mkdir" in step) mkdirSync(join(dir, step.mkdir), { recursive: true });
    else if ("utf16" in step) {
      const path = join(dir, step.utf16);
      writeFileSync(path, Buffer.concat([Buffer.from(step.bom === false ? [] : [0xff, 0xfe]), Buffer.from(readFileSync(path, "utf8"), "utf16le")]));
    } else if ("cache" in step) await damageCache(dir, step.cache);
    else {
      const path = join(dir, step.repeat);
      writeFileSync(path, readFileSync(path, "utf8").split(step.marker).join(step.text.repeat(step.times)));
    }
  }
  return dir;
}

/** Checks the files an entry lists in `after`. */
export function expectFilesAfter(entry: CorpusEntry, dir: string): void {
  for (const [path, after] of Object.entries(entry.after ?? {})) {
    const full = join(dir, path);
    if (after.symlink !== undefined) {
      expect(lstatSync(full).isSymbolicLink(), `${path} is still a symlink`).toBe(true);
      expect(readlinkSync(full)).toBe(after.symlink);
    }
    const info = statSync(full);
    if (after.sameFileAs !== undefined) expect(info.ino, `${path} is still the same file as ${after.sameFileAs}`).toBe(statSync(join(dir, after.sameFileAs)).ino);
    if (after.mode !== undefined) expect((info.mode & 0o7777).toString(8), `${path} mode`).toBe(after.mode);
    if (after.uid !== undefined) expect(info.uid, `${path} owner`).toBe(after.uid);
    const bytes = readFileSync(full);
    if (after.startsWith !== undefined) expect(bytes.subarray(0, after.startsWith.length / 2).toString("hex"), `${path} first bytes`).toBe(after.startsWith);
    for (const text of after.contains ?? []) expect(decode(bytes), path).toContain(text);
  }
}

export function withDir(text: string, dir: string): string {
  return text.split("{dir}").join(dir);
}

interface AnyMessage {
  ruleId: string | null;
  severity: number;
  message: string;
  messageId?: string;
  line?: number;
  column?: number;
  fatal?: boolean;
}

export function finding(m: AnyMessage): Finding {
  const severity = m.severity === 2 ? "error" : "warn";
  const where = m.line === undefined ? "" : `${m.line}:${m.column} `;
  if (!m.ruleId) return `${where}${severity} ${m.fatal ? "fatal" : "note"}: ${m.message}`;
  return `${where}${severity} ${m.ruleId.replace(/^@ecrlint\//, "")}/${m.messageId ?? "?"}`;
}

/** Findings by file relative to `root`, without files that have none. */
export function findingsByFile(root: string, results: { filePath: string; messages: AnyMessage[] }[]): Record<string, Finding[]> {
  const out: Record<string, Finding[]> = {};
  for (const r of [...results].sort((a, b) => (a.filePath < b.filePath ? -1 : 1))) {
    if (r.messages.length === 0) continue;
    const rel = relative(root, r.filePath).split(sep).join("/");
    out[rel.startsWith("..") ? r.filePath : rel] = r.messages.map(finding);
  }
  return out;
}

export function entryCwd(entry: CorpusEntry, dir: string): string {
  return entry.cwd ? join(dir, entry.cwd) : dir;
}
