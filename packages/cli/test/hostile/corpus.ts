import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { repoDir, tempDir } from "../helpers.js";

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
  | { chmod: string; mode: string }
  | { mkdir: string }
  | { utf16: string }
  | { repeat: string; marker: string; text: string; times: number };

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
  explain?: CommandExpectation;
  test?: CommandExpectation;
  /** Files that must not exist after every command has run (proof that something was not executed). */
  absent?: string[];
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

/** A temporary copy of the entry's files, with its setup applied. */
export function materialize(entry: CorpusEntry): string {
  const dir = tempDir(`ecrlint-hostile-${entry.id}-`);
  cpSync(join(corpusDir, entry.id), dir, { recursive: true, filter: (src) => relative(join(corpusDir, entry.id), src) !== "expected.json" });
  renameInert(dir);
  for (const step of entry.setup ?? []) {
    if ("fifo" in step) execFileSync("mkfifo", [join(dir, step.fifo)]);
    else if ("symlink" in step) symlinkSync(step.to, join(dir, step.symlink));
    else if ("chmod" in step) chmodSync(join(dir, step.chmod), Number.parseInt(step.mode, 8));
    else if ("mkdir" in step) mkdirSync(join(dir, step.mkdir), { recursive: true });
    else if ("utf16" in step) {
      const path = join(dir, step.utf16);
      writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(readFileSync(path, "utf8"), "utf16le")]));
    } else {
      const path = join(dir, step.repeat);
      writeFileSync(path, readFileSync(path, "utf8").split(step.marker).join(step.text.repeat(step.times)));
    }
  }
  return dir;
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
    out[relative(root, r.filePath).split(sep).join("/")] = r.messages.map(finding);
  }
  return out;
}

export function entryCwd(entry: CorpusEntry, dir: string): string {
  return entry.cwd ? join(dir, entry.cwd) : dir;
}
