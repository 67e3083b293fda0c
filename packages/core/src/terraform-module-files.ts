import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { diskFolders, type FolderReader } from "./folder-listing.js";
import { isTerraformFile, type TerraformFileReference } from "./terraform.js";
import { mayReadPolicyFiles, readTerraformText, referenceOfReaders, terraformFileReaders, terraformFilesUnder } from "./terraform-file-readers.js";
import { terraformModuleFacts, type TerraformDataUse, type TerraformModuleFacts } from "./terraform-module.js";

/** The `.tf` and `.tf.json` files of a folder, sorted: one Terraform module. None when the folder cannot be read. */
export function terraformModuleFiles(dir: string, folders: FolderReader = diskFolders): string[] {
  try {
    return folders
      .entries(dir)
      .filter((e) => e.isFile() && /\.tf(?:\.json)?$/i.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

/**
 * The module facts of a file on disk (see `terraformModuleFacts`): only a regular file within the size limit that
 * names `aws_ecr_` can read a policy document for an ECR resource; any other gives none. Never throws.
 */
export function terraformModuleFactsOnDisk(file: string): TerraformModuleFacts {
  const text = readTerraformText(file);
  return text?.includes("aws_ecr_") ? terraformModuleFacts(text, file) : { uses: [], documents: [] };
}

/**
 * The resources of the other files of `filePath`'s folder (its Terraform module) that read a
 * `data "aws_iam_policy_document"` block by name, read from disk: what `ReadOptions.terraformUses` takes for a file
 * read on its own (the ESLint plugin, `@ecrlint/testing`). A caller that reads many files passes cached readers.
 */
export function terraformUsesOnDisk(filePath: string, factsOf: (file: string) => TerraformModuleFacts = terraformModuleFactsOnDisk, filesIn: (dir: string) => string[] = terraformModuleFiles): TerraformDataUse[] {
  return filesIn(dirname(filePath)).flatMap((file) => (file === filePath ? [] : factsOf(file).uses));
}

/** How a set of Terraform modules reads files other than the one a resource is written in. */
export interface TerraformReferences {
  /**
   * Policy files read with `file()`/`templatefile()` by a `.tf` file of the given files or of their projects
   * (absolute path) → the kind it is linted as and the resource that reads it (see `referenceOfReaders`).
   */
  referenced: Map<string, TerraformFileReference>;
  /**
   * The policy files that the given `.tf` files themselves read. The runner does not lint them for that alone: as in
   * ESLint, a file is linted when a pattern names it or a named folder holds it (`ecrlint m1/use.tf` reports use.tf).
   */
  readByRun: Set<string>;
  /**
   * A `.tf`/`.tf.json` file (absolute path) → the resources of other files of its module that read a
   * `data "aws_iam_policy_document"` block it defines: the block is linted in this file as those resources' kinds.
   */
  dataUses: Map<string, TerraformDataUse[]>;
  /** Each file and each file it reads or is read by, tied both ways: `--changed-since` re-checks the pair. */
  ties: Map<string, Set<string>>;
}

/** What `terraformReferencesOnDisk` reads: the projects (`roots`) whose `.tf` files give a file its kind, and a text cache. */
export interface TerraformReading {
  /** Folders whose every `.tf` file is read for the files it reads (the projects of the run's files). */
  roots?: readonly string[];
  /** The text of a file (undefined when it cannot be read): share one between calls to read each file once. */
  textOf?: (file: string) => string | undefined;
  /** Where folders are listed from: a run's listing, so that no folder is read twice (else the disk). */
  listing?: FolderReader;
  /**
   * The `.tf` files under a root when the caller knows them without a walk (`terraformFilesFromIndex`: git's index
   * and the folders around the named files); undefined for a root it does not know, which is walked
   * (`terraformFilesUnder`).
   */
  terraformFiles?: (root: string) => readonly string[] | undefined;
}

const MODULE_FILE = /\.tf(?:\.json)?$/i;

/** A text reader that reads each file once, safely (regular files only, none over the size limit). */
export function terraformTextCache(): (file: string) => string | undefined {
  const texts = new Map<string, string | undefined>();
  return (file) => {
    if (!texts.has(file)) texts.set(file, readTerraformText(file));
    return texts.get(file);
  };
}

/** By reading: asking whether to load the parser and then reading walks the projects' folders once. */
const hostsByReading = new WeakMap<TerraformReading, { files: readonly string[]; hosts: Set<string> }>();

function hostsOf(files: readonly string[], reading: TerraformReading): Set<string> {
  const kept = hostsByReading.get(reading);
  if (kept && kept.files === files) return kept.hosts;
  const hosts = new Set([...files.filter((f) => isTerraformFile(f)), ...(reading.roots ?? []).flatMap((root) => reading.terraformFiles?.(root) ?? terraformFilesUnder(root, reading.listing))]);
  hostsByReading.set(reading, { files, hosts });
  return hosts;
}

function moduleTexts(dir: string, textOf: (file: string) => string | undefined, folders: FolderReader | undefined): Map<string, string> {
  const texts = new Map<string, string>();
  for (const file of terraformModuleFiles(dir, folders)) {
    const text = textOf(file);
    if (text !== undefined) texts.set(file, text);
  }
  return texts;
}

const readsDocuments = (texts: Map<string, string>) => [...texts.values()].some((t) => t.includes("aws_ecr_") && t.includes("data.aws_iam_policy_document."));

/**
 * Whether `terraformReferencesOnDisk` would parse any HCL for these files: by the cheap text tests alone, so a caller
 * loads the grammar only when it is needed (a run whose `.tf` files read no policy file never loads it).
 */
export function terraformReferencesNeedParser(files: readonly string[], reading: TerraformReading = {}): boolean {
  const textOf = reading.textOf ?? terraformTextCache();
  if ([...hostsOf(files, reading)].some((f) => mayReadPolicyFiles(textOf(f) ?? ""))) return true;
  return [...new Set(files.filter((f) => MODULE_FILE.test(f)).map((f) => dirname(f)))].some((dir) => readsDocuments(moduleTexts(dir, textOf, reading.listing)));
}

/**
 * Reads the Terraform modules of `files` (absolute paths; safely: regular files only, none over the size limit):
 * the policy files that ECR resources read with `file()`, and the policy documents one of their files defines for a
 * resource of another (every `.tf`/`.tf.json` file of a folder is one module, so a set given one of them reads the
 * others too). What a policy file is does not depend on which paths are given: every `.tf` file under
 * `reading.roots` (walked, or as `reading.terraformFiles` gives them) is read for the files it reads, so a file named alone, or read from another folder
 * (`${path.module}/../shared/p.json`), gets the kind of the resources that read it. The cheap text tests come first:
 * only a `.tf` file naming `aws_ecr_` and calling `file(` or `templatefile(` is parsed for its references, and only a
 * module with a file that names both `aws_ecr_` and `data.aws_iam_policy_document.` for its documents. A referenced
 * file that is not a regular file is left out. The runner and the ESLint plugin's cross-file rules both read a
 * project's Terraform through this, so they see the same documents as the same kinds. The HCL grammar should be
 * loaded (`loadTerraformParser`, when `terraformReferencesNeedParser` says so); before that, files are parsed in the
 * helper thread that loads it.
 */
export function terraformReferencesOnDisk(files: readonly string[], cwd: string, reading: TerraformReading = {}): TerraformReferences {
  const out: TerraformReferences = { referenced: new Map(), readByRun: new Set(), dataUses: new Map(), ties: new Map() };
  const tie = (a: string, b: string) => {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      if (!out.ties.has(from)) out.ties.set(from, new Set());
      out.ties.get(from)!.add(to);
    }
  };
  const textOf = reading.textOf ?? terraformTextCache();
  const given = new Set(files);
  for (const [path, readers] of terraformFileReaders(hostsOf(files, reading), cwd, textOf)) {
    for (const r of readers) {
      tie(r.host!, path);
      if (given.has(r.host!)) out.readByRun.add(path);
    }
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) out.referenced.set(path, referenceOfReaders(readers)!);
  }
  for (const dir of new Set(files.filter((f) => MODULE_FILE.test(f)).map((f) => dirname(f)))) {
    const texts = moduleTexts(dir, textOf, reading.listing);
    if (!readsDocuments(texts)) continue;
    const facts = [...texts].filter(([, t]) => t.includes("aws_iam_policy_document")).map(([file, text]) => ({ file, ...terraformModuleFacts(text, file) }));
    for (const definer of facts) {
      const uses = facts.flatMap((user) => (user.file === definer.file ? [] : user.uses.filter((u) => definer.documents.includes(u.data)).map((u) => ({ use: u, from: user.file }))));
      if (uses.length === 0) continue;
      out.dataUses.set(definer.file, uses.map((u) => u.use));
      for (const { from } of uses) tie(definer.file, from);
    }
  }
  return out;
}
