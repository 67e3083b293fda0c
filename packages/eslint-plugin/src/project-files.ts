import { readdirSync, readFileSync, statSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import { loadPolicyFile, registryForFile, type AnyRule, type FileKind, type PolicyFile, type ProjectFile, type ProjectReport, type RegistryContext } from "@ecrlint/core";
import { configFor, projectRoot, type MinimalContext } from "./file-context.js";

/**
 * Cross-file rules in ESLint, which hands a rule one file at a time: the other files of the project are read from
 * disk, as eslint-plugin-import reads the modules a file imports. What a file yields is cached for the process by
 * path, size and modification time, and the list of files is walked again at most every few seconds, so a run over
 * a whole repository reads each file once, and an editor session sees edits on disk.
 */

const LISTING_TTL_MS = 3000;
const POLICY_EXTENSION = /\.json[c5]?$/u;

interface DiskFile {
  mtimeMs: number;
  size: number;
  kind: FileKind | undefined;
  /** What each cross-file rule collected, by rule id. */
  facts: Map<string, unknown>;
  file: PolicyFile | undefined;
}

const listings = new Map<string, { at: number; paths: string[] }>();
const diskFiles = new Map<string, DiskFile>();

/** The policy-like files under `root`, never entering node_modules, .git or a symlink (so never leaving the root). */
function listFiles(root: string): string[] {
  const cached = listings.get(root);
  if (cached && Date.now() - cached.at < LISTING_TTL_MS) return cached.paths;
  const paths: string[] = [];
  const visit = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name === "node_modules" || entry.name === ".git" || entry.isSymbolicLink()) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && POLICY_EXTENSION.test(entry.name)) paths.push(path);
    }
  };
  visit(root);
  listings.set(root, { at: Date.now(), paths });
  return paths;
}

function readDiskFile(path: string): DiskFile | undefined {
  let info: { mtimeMs: number; size: number };
  try {
    info = statSync(path);
  } catch {
    return undefined;
  }
  const cached = diskFiles.get(path);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const loaded = loadPolicyFile(text, path);
  const file = loaded.status === "ours" ? loaded.file : undefined;
  const entry: DiskFile = { mtimeMs: info.mtimeMs, size: info.size, kind: file?.kind, facts: new Map(), file };
  diskFiles.set(path, entry);
  return entry;
}

function factsOf(entry: DiskFile, rule: AnyRule): unknown {
  if (!entry.file && !entry.facts.has(rule.id)) return undefined;
  if (!entry.facts.has(rule.id)) entry.facts.set(rule.id, rule.kinds.includes(entry.kind!) ? rule.project!.collect(entry.file!) : undefined);
  return entry.facts.get(rule.id);
}

function registryOf(context: Pick<MinimalContext, "cwd" | "settings">, path: string): RegistryContext {
  const config = configFor(context, path);
  return registryForFile(path, config.ok ? config.loaded : undefined);
}

export interface CurrentFile {
  filePath: string;
  file: PolicyFile;
  registry: RegistryContext;
  options: unknown;
}

/**
 * Runs a cross-file rule's project check over the current file (its text as ESLint has it, which may be unsaved)
 * and the policy files of its project (under the outermost ecrlint config's folder inside the working directory, as
 * the runner reads it), and returns what it reports on the current file.
 */
export function checkProject(rule: AnyRule, current: CurrentFile, context: Pick<MinimalContext, "cwd" | "settings">): ProjectReport[] {
  const posix = (path: string) => relative(context.cwd, path).split(sep).join("/");
  const files: ProjectFile<unknown, unknown>[] = [];
  const own = rule.project!.collect(current.file);
  if (own === undefined) return [];
  files.push({ filePath: current.filePath, relativePath: posix(current.filePath), kind: current.file.kind, registry: current.registry, facts: own, options: current.options });
  for (const path of listFiles(projectRoot(current.filePath, context.cwd))) {
    if (path === current.filePath) continue;
    const entry = readDiskFile(path);
    if (!entry?.kind || !rule.kinds.includes(entry.kind)) continue;
    const facts = factsOf(entry, rule);
    if (facts === undefined) continue;
    files.push({ filePath: path, relativePath: posix(path), kind: entry.kind, registry: registryOf(context, path), facts, options: current.options });
  }
  const reports: ProjectReport[] = [];
  rule.project!.check({ files, report: (d) => d.filePath === current.filePath && reports.push(d), tie: () => undefined });
  return reports;
}
