import { existsSync, readFileSync } from "node:fs";
import { isTerraformFile, loadTerraformParser, terraformFileReferences, type TerraformFileReference } from "@ecrlint/core";
import { realpath } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { ResultCache, defaultCacheLocation } from "./cache.js";
import { Configs } from "./configs.js";
import { DEFAULT_FILES, discoverFiles } from "./discover.js";
import { EcrlintError, usageError } from "./errors.js";
import { writeFileAtomic } from "./fs-utils.js";
import { changedFiles, repositoryRoot } from "./git.js";
import { runProjectRules } from "./project.js";
import { readFile, type FileEntry } from "./read-file.js";
import { resultFor, selectFiles, sortResults, summarize, warningResult } from "./results.js";
import { describeRules } from "./rules-config.js";
import type { LintOptions, LintReport, LintResult } from "./types.js";
import { cacheVersion } from "./version.js";
import { runStats, unknownRegistryNotice } from "./notices.js";

async function runRoot(options: LintOptions): Promise<string> {
  try {
    return await realpath(resolve(options.cwd ?? process.cwd()));
  } catch {
    throw usageError(`the working directory ${options.cwd} does not exist`);
  }
}

function checkOptions(options: LintOptions): void {
  if (options.maxWarnings !== undefined && !(Number.isInteger(options.maxWarnings) && options.maxWarnings >= 0)) {
    throw usageError("--max-warnings must be a non-negative integer");
  }
  if (options.fix && options.fixDryRun) throw usageError("--fix and --fix-dry-run cannot be used together");
}

async function writeFix(entry: FileEntry, result: LintResult, cwd: string): Promise<void> {
  try {
    await writeFileAtomic(entry.filePath, result.output!);
  } catch (error) {
    throw new EcrlintError("io", `cannot write ${relative(cwd, entry.filePath)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, entry.filePath);
  }
}

/**
 * Lints the policy files of a repository: the programmatic API behind the `ecrlint` command. It prints nothing and
 * never exits; problems that stop the run (bad config, bad pattern, unreadable file) reject with an EcrlintError.
 *
 * The pipeline: configs → files discovered → each file read and linted alone (read-file.ts) → cross-file rules
 * over what the files yielded (project.ts) → the files to report and their results (results.ts).
 */
export async function lint(options: LintOptions = {}): Promise<LintReport> {
  const startedAt = Date.now();
  const cwd = await runRoot(options);
  checkOptions(options);
  const configs = new Configs(cwd, options);
  const root = configs.root;
  const discovery = await discoverFiles({
    root: cwd,
    patterns: options.patterns ?? [],
    files: root?.config.files?.length ? root.config.files : DEFAULT_FILES,
    ignores: root?.config.ignores ?? [],
    base: root?.baseDir ?? cwd,
    useIgnores: options.ignore !== false,
  });
  const changed = options.changedSince ? await changedFiles(cwd, options.changedSince) : undefined;
  const fixing = options.fix || options.fixDryRun;
  const cache = options.cache && !fixing ? await ResultCache.open(options.cacheLocation ?? defaultCacheLocation(cwd), cacheVersion()) : undefined;

  // The HCL grammar is WebAssembly, loaded once and only when a Terraform file is to be read.
  const referenced = new Map<string, TerraformFileReference>();
  if (discovery.files.some((f) => isTerraformFile(f))) {
    await loadTerraformParser();
    for (const f of discovery.files.filter((x) => isTerraformFile(x))) {
      const text = readFileSync(f, "utf8");
      if (!text.includes("aws_ecr_")) continue;
      for (const reference of terraformFileReferences(text, relative(cwd, f), (d, p) => join(cwd, d, p), dirname)) if (existsSync(reference.path)) referenced.set(reference.path, reference);
    }
  }
  // A policy file read with file() is linted even when its name is not one the run discovers (`policy.json.tpl`).
  const files = [...new Set([...discovery.files, ...[...referenced.keys()].filter((p) => !relative(cwd, p).startsWith(".."))])].sort();
  const entries: FileEntry[] = [];
  for (const filePath of files) {
    const entry = readFile(filePath, configs, options, cache, referenced);
    if (entry) entries.push(entry);
  }
  const project = runProjectRules(entries, cwd);
  const selected = selectFiles(entries, changed, project.ties);

  const results: LintResult[] = [];
  const fixedFiles: string[] = [];
  for (const entry of entries) {
    if (!selected.has(entry.filePath) || entry.outcome.status === "not-ours") continue;
    const result = resultFor(entry, project.messages.get(entry.filePath) ?? [], options);
    if (options.fix && entry.output !== undefined) {
      await writeFix(entry, result, cwd);
      fixedFiles.push(entry.filePath);
    }
    results.push(result);
  }
  // ESLint's warnings for files named on the command line that the run skips; `--no-warn-ignored` drops them.
  if (options.warnIgnored !== false) {
    for (const filePath of discovery.ignoredExplicit) {
      results.push(warningResult(filePath, 'File ignored because of a matching ignore pattern. Use "--no-ignore" to disable file ignore settings.'));
    }
    for (const filePath of discovery.outsideRoot) {
      results.push(warningResult(filePath, "File ignored because outside of base path."));
    }
    for (const filePath of discovery.unmatchedExplicit) {
      results.push(warningResult(filePath, "File ignored because no matching configuration was supplied."));
    }
  }

  if (cache) {
    cache.retain(entries.map((e) => e.filePath));
    await cache.save().catch(() => undefined);
  }
  return {
    results: sortResults(results),
    ...summarize(results, options),
    cwd,
    rootDir: repositoryRoot(cwd) ?? cwd,
    rulesMeta: describeRules(),
    fixedFiles,
    stats: runStats(entries, selected, discovery.files.length, startedAt),
    notices: [unknownRegistryNotice(entries, cwd)].filter((n) => n !== undefined),
  };
}
