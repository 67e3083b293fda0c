import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { readEcrFile, registryForFile, RULE_PREFIX, trustFromConfig, type KindDecision, type ReadOptions, type RegistryContext, type TrustContext } from "@ecrlint/core";
import { DEFAULT_FILES, isIgnoredPath, isInside } from "./discover.js";
import { usageError } from "./errors.js";
import { Configs } from "./configs.js";
import { readOptionsOf } from "./lint-source.js";
import { sourceContext } from "./read-file.js";
import { terraformReferences } from "./terraform-references.js";
import type { LintOptions } from "./types.js";

/** Everything that decides how one file is linted, for `--print-config`. */
export interface ResolvedFileConfig {
  filePath: string;
  /** The config file that governs it, or null when none was found (defaults apply). */
  configFile: string | null;
  files: string[];
  ignores: string[];
  registry: RegistryContext;
  trust: TrustContext;
  /**
   * What the file is and why (`reason`: `config`, `name` or `content`), with its documents when it holds several
   * (a CloudFormation template, CLI output); `kind` is null for a file that is not ours at all (package.json), and
   * `identity-policy` for an IAM identity policy, which is never linted.
   */
  kind: FileKindReport;
  /** Every rule that runs on it, by full id, with its severity and its options merged over the defaults. */
  rules: Record<string, ["error" | "warn", unknown]>;
}

export interface FileKindReport {
  kind: KindDecision["kind"] | null;
  reason: KindDecision["reason"] | null;
  why: string;
  documents: { kind: string; at: string; reason: KindDecision["reason"]; why: string }[];
}

/**
 * How the file is read, decided as in a run: the config's kinds, the kind of the Terraform resource that reads it
 * with `file()`/`templatefile()`, the name, the content.
 */
function kindOf(filePath: string, matched: boolean, read: ReadOptions, skipped?: string): FileKindReport {
  const notOurs = (why: string): FileKindReport => ({ kind: null, reason: null, why, documents: [] });
  if (skipped) return notOurs(skipped);
  if (!matched) return notOurs("no files glob matches it: a run skips it (with a warning when it is named on the command line)");
  let text: string;
  try {
    text = readFileSync(filePath, "utf8").replace(/^\uFEFF/, "");
  } catch {
    return notOurs("it cannot be read");
  }
  const reading = readEcrFile(text, read);
  if (reading.status === "parse-error") return notOurs(`it might be ours but does not parse: ${reading.error.message}`);
  if (reading.status === "not-ours") {
    return reading.decision ? { ...reading.decision, documents: [] } : notOurs("nothing in it is an ECR policy, replication configuration, pull-through-cache rule or creation template");
  }
  return {
    ...reading.decision,
    documents: reading.documents.map((d) => ({ kind: d.kind, at: d.host.path || "(the whole file)", reason: d.decision.reason, why: d.decision.why })),
  };
}

export async function calculateConfigForFile(filePath: string, options: Pick<LintOptions, "cwd" | "configFile" | "rules" | "quiet" | "ignore"> = {}): Promise<ResolvedFileConfig> {
  const cwd = await realpath(resolve(options.cwd ?? process.cwd()));
  const abs = resolve(cwd, filePath);
  if (!existsSync(abs)) throw usageError(`--print-config: no such file "${filePath}"`);
  const configs = new Configs(cwd, options);
  const loaded = configs.forFile(abs);
  const resolved = configs.rules(loaded);
  const rules: ResolvedFileConfig["rules"] = {};
  const entries = [
    ...resolved.single.map((r) => ({ id: r.rule.id, severity: r.severity, options: { ...(r.rule.defaultOptions as object), ...(r.options as object | undefined) } })),
    ...[...resolved.project.values()].map((r) => ({ id: r.rule.id, severity: r.severity, options: r.options })),
  ].sort((a, b) => a.id.localeCompare(b.id));
  for (const e of entries) rules[RULE_PREFIX + e.id] = [e.severity === 2 ? "error" : "warn", e.options];
  const registry = registryForFile(abs, loaded);
  const matched = configs.filesMatch(abs);
  // The .tf files of the file's whole project, as a run reads them: a policy file read with file() from another
  // folder (`policy = file("${path.module}/../policies/repo.json")`) takes the kind of the resource that reads it.
  const terraform = await terraformReferences([abs], cwd, [configs.projectRoot(abs)], configs.listing, [abs], (root) => configs.marksProject(root));
  const { context } = sourceContext(abs, loaded, configs, options, undefined, terraform.referenced.get(abs), terraform.dataUses.get(abs));
  // What a run would do with it before any of the above: skip it, as ESLint's calculateConfigForFile says by
  // returning nothing for an ignored file.
  const useIgnores = options.ignore !== false;
  // Where the file really is decides, as in a run: a link out of the base path is outside it, a path through a link
  // to a folder of the tree is inside.
  let real = abs;
  try {
    real = realpathSync(abs);
  } catch {
    // Not there: the name decides.
  }
  const skipped = !isInside(configs.base, real)
    ? `it is outside the base path ${configs.base}: a run skips it (with ESLint's "outside of base path" warning when it is named on the command line)`
    : isIgnoredPath(abs, configs.rootIgnores(useIgnores)) || (useIgnores && configs.ignores(loaded, abs))
      ? "an ignore pattern (the config's ignores, .gitignore, node_modules) matches it: a run skips it (with a warning when it is named on the command line)"
      : undefined;
  return {
    filePath: abs,
    configFile: loaded?.filePath ?? null,
    files: configs.root?.config.files ?? DEFAULT_FILES,
    ignores: configs.root?.config.ignores ?? [],
    registry,
    trust: trustFromConfig(loaded),
    kind: kindOf(abs, matched, readOptionsOf(context), skipped),
    rules,
  };
}
