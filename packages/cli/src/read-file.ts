import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { declaredKindForFile, mightBeEcrFile, registryForFile, trustFromConfig, type TerraformFileReference } from "@ecrlint/core";
import { hashText, type ResultCache } from "./cache.js";
import type { Configs } from "./configs.js";
import { EcrlintError } from "./errors.js";
import { fixSource, lintSource, type SourceContext, type SourceOutcome } from "./lint-source.js";
import type { LintOptions } from "./types.js";

/** Nothing of ours comes near this (a registry policy is at most 10,240 characters); bigger files are not parsed. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** One file the run reads: its text, how it was linted alone, and its text after fixes. */
export interface FileEntry {
  filePath: string;
  bom: boolean;
  /** The text as read, without BOM. */
  text: string;
  context?: SourceContext;
  /** The config file that governs the file, when one does (absolute). */
  configFile?: string;
  outcome: SourceOutcome | { status: "too-large"; bytes: number };
  /** The text after fixes, when fixing changed it. */
  output?: string;
}

function readBuffer(filePath: string, cwd: string): Buffer {
  try {
    // Synchronous on purpose: for thousands of small files one readFileSync is several times faster than
    // fs.promises.readFile (open, fstat, read and close each a trip through the thread pool).
    return readFileSync(filePath);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new EcrlintError("io", `cannot read ${relative(cwd, filePath) || filePath}: ${e.code ?? e.message}`, filePath);
  }
}

/**
 * Reads one file and lints it alone (single-file rules, cross-file facts, fixes), or returns undefined for a file
 * that is not ours or that a nested config ignores. The text's marker test runs here, once: the parser behind
 * `lintSource` trusts it. An unchanged file's outcome comes from the cache.
 */
export function readFile(filePath: string, configs: Configs, options: LintOptions, cache: ResultCache | undefined, referenced?: ReadonlyMap<string, TerraformFileReference>): FileEntry | undefined {
  const buffer = readBuffer(filePath, configs.cwd);
  let text = buffer.toString("utf8");
  // Cheap tests first: most JSON in a monorepo is not ours and never reaches a config lookup or a parser.
  if (!mightBeEcrFile(text, filePath) || text.includes("\u0000")) return undefined;
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  const loaded = configs.forFile(filePath);
  if (options.ignore !== false && configs.ignores(loaded, filePath)) return undefined;
  if (buffer.length > MAX_FILE_BYTES) return { filePath, bom, text, outcome: { status: "too-large", bytes: buffer.length } };
  const rules = configs.rules(loaded);
  // The config's kinds first; then a policy file that Terraform reads with file() is the kind of that resource.
  const reference = referenced?.get(filePath);
  if (reference?.template && /[$%]\{/.test(text)) return undefined;
  const declared = declaredKindForFile(filePath, loaded) ?? (reference ? { kind: reference.kind, declaredBy: reference.from } : undefined);
  const context: SourceContext = { filePath, registry: registryForFile(filePath, loaded), trust: trustFromConfig(loaded), rules, ...(declared ? { declared } : {}) };
  let outcome: SourceOutcome | undefined;
  let key: { content: string; settings: string } | undefined;
  if (cache) {
    key = { content: hashText(text), settings: hashText(`${rules.signature}|${JSON.stringify(context.registry)}|${JSON.stringify(context.trust)}|${JSON.stringify(declared ?? null)}`) };
    outcome = cache.get(filePath, key.content, key.settings);
  }
  if (!outcome) {
    outcome = lintSource(text, context);
    if (cache && key) cache.set(filePath, key.content, key.settings, outcome);
  }
  const entry: FileEntry = { filePath, bom, text, context, outcome, ...(loaded?.filePath ? { configFile: loaded.filePath } : {}) };
  if ((options.fix || options.fixDryRun) && outcome.status === "ours") {
    const fixed = fixSource(text, outcome, context, options.quiet ?? false);
    if (fixed.text !== text) {
      entry.output = fixed.text;
      entry.outcome = fixed.outcome;
    }
  }
  return entry;
}
