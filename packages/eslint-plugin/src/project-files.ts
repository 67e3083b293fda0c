import { readdirSync, statSync, type Dirent } from "node:fs";
import { join, relative, sep } from "node:path";
import { declaredKindForFile, POLICY_FILE_EXTENSIONS, readEcrFile, readTextFile, registryForFile, terraformReferencesOnDisk, type AnyRule, type PolicyFile, type ProjectFile, type ProjectReport, type RegistryContext, type TerraformDataUse, type TerraformFileReference } from "@ecrlint/core";
import { configFor, projectRoot, type MinimalContext } from "./file-context.js";
import { MAX_PARSED_CHARACTERS } from "./parser.js";

/**
 * Cross-file rules in ESLint, which hands a rule one file at a time: the other files of the project are read from
 * disk, as eslint-plugin-import reads the modules a file imports. What a file yields is cached for the process by
 * path, size and modification time, and the list of files is walked again at most every few seconds, so a run over
 * a whole repository reads each file once, and an editor session sees edits on disk.
 */

const LISTING_TTL_MS = 3000;
// The runner's default files: JSON, CloudFormation YAML and Terraform (`.tf`, `.tf.json`).
const POLICY_EXTENSION = new RegExp(`\\.(?:${POLICY_FILE_EXTENSIONS.join("|")})$`, "iu");

interface DiskFile {
  mtimeMs: number;
  size: number;
  /** What the file was read with besides its text: the kind Terraform reads it as, the module's uses of its documents. */
  readWith: string;
  registry: RegistryContext;
  /** The file's documents (none when it is not ours), and what each cross-file rule collected from each, by rule id. */
  documents: { file: PolicyFile; facts: Map<string, unknown> }[];
}

/** A project's files, and how its Terraform modules read them (the runner's `terraformReferences`). */
interface Listing {
  at: number;
  paths: string[];
  referenced: Map<string, TerraformFileReference>;
  dataUses: Map<string, TerraformDataUse[]>;
}

const listings = new Map<string, Listing>();
const diskFiles = new Map<string, DiskFile>();

/**
 * The policy-like files under `root`, never entering node_modules, .git or a symlink (so never leaving the root),
 * and the files under it that their Terraform reads with `file()`, as the runner adds them to a run.
 */
function listFiles(root: string, cwd: string): Listing {
  const key = `${cwd}\0${root}`;
  const cached = listings.get(key);
  if (cached && Date.now() - cached.at < LISTING_TTL_MS) return cached;
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
  const { referenced, dataUses } = terraformReferencesOnDisk(paths, cwd);
  const listed = new Set(paths);
  for (const path of referenced.keys()) if (!listed.has(path) && !relative(root, path).startsWith("..")) paths.push(path);
  const listing = { at: Date.now(), paths, referenced, dataUses };
  listings.set(key, listing);
  return listing;
}

function readDiskFile(path: string, listing: Listing, context: Pick<MinimalContext, "cwd" | "settings" | "getCwd">): DiskFile | undefined {
  let info: { mtimeMs: number; size: number };
  try {
    info = statSync(path);
  } catch {
    return undefined;
  }
  const reference = listing.referenced.get(path);
  const terraformUses = listing.dataUses.get(path);
  const readWith = JSON.stringify([reference ?? null, terraformUses ?? null]);
  const cached = diskFiles.get(path);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size && cached.readWith === readWith) return cached;
  // Only a regular file, its size checked first, as the runner reads it: a 50 MB data file in the project is not
  // parsed for every policy file ESLint lints, and a FIFO put there since the listing does not hang the run.
  const read = readTextFile(path, { maxBytes: MAX_PARSED_CHARACTERS });
  if (!read.ok) return undefined;
  const text = read.text;
  // Read as the runner reads it: the registry and a kind the config declares come first, then the kind of the
  // Terraform resource that reads the file with file(); a templatefile() target with interpolations is not read.
  const config = configFor(context, path);
  const loaded = config.ok ? config.loaded : undefined;
  const registry = registryForFile(path, loaded);
  const declared = declaredKindForFile(path, loaded) ?? (reference ? { kind: reference.kind, declaredBy: reference.from } : undefined);
  const template = reference?.template === true && /[$%]\{/u.test(text);
  const reading = template
    ? undefined
    : readEcrFile(text, { filePath: path, registry, ...(declared ? { declaredKind: declared.kind, declaredBy: declared.declaredBy } : {}), ...(terraformUses?.length ? { terraformUses } : {}) });
  const documents = reading?.status === "ours" ? reading.documents.map((file) => ({ file, facts: new Map<string, unknown>() })) : [];
  const entry: DiskFile = { mtimeMs: info.mtimeMs, size: info.size, readWith, registry, documents };
  diskFiles.set(path, entry);
  return entry;
}

function factsOf(document: DiskFile["documents"][number], rule: AnyRule): unknown {
  if (!document.facts.has(rule.id)) document.facts.set(rule.id, rule.kinds.includes(document.file.kind) ? rule.project!.collect(document.file) : undefined);
  return document.facts.get(rule.id);
}

export interface CurrentFile {
  filePath: string;
  /** The documents of the file that the rule reads. */
  documents: PolicyFile[];
  registry: RegistryContext;
  options: unknown;
}

/**
 * Runs a cross-file rule's project check over the current file (its text as ESLint has it, which may be unsaved)
 * and the policy files of its project (under the outermost ecrlint config's folder inside the working directory, as
 * the runner reads it), and returns what it reports on the current file.
 */
export function checkProject(rule: AnyRule, current: CurrentFile, context: Pick<MinimalContext, "cwd" | "settings" | "getCwd">): ProjectReport[] {
  const posix = (path: string) => relative(context.cwd, path).split(sep).join("/");
  const files: ProjectFile<unknown, unknown>[] = [];
  // A file takes part once per document the rule collected from (a template may hold a policy and a rule).
  for (const file of current.documents) {
    const facts = rule.project!.collect(file);
    if (facts !== undefined) files.push({ filePath: current.filePath, relativePath: posix(current.filePath), kind: file.kind, registry: current.registry, facts, options: current.options });
  }
  if (files.length === 0) return [];
  const listing = listFiles(projectRoot(current.filePath, context.cwd), context.cwd);
  for (const path of listing.paths) {
    if (path === current.filePath) continue;
    const entry = readDiskFile(path, listing, context);
    for (const document of entry?.documents ?? []) {
      const facts = factsOf(document, rule);
      if (facts === undefined) continue;
      files.push({ filePath: path, relativePath: posix(path), kind: document.file.kind, registry: entry!.registry, facts, options: current.options });
    }
  }
  const reports: ProjectReport[] = [];
  rule.project!.check({ files, report: (d) => d.filePath === current.filePath && reports.push(d), tie: () => undefined, relate: () => undefined });
  return reports;
}
