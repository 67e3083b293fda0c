import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { registryForFile, RULE_PREFIX, trustFromConfig, type RegistryContext, type TrustContext } from "@ecrlint/core";
import { DEFAULT_FILES } from "./discover.js";
import { usageError } from "./errors.js";
import { Configs } from "./configs.js";
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
  /** Every rule that runs on it, by full id, with its severity and its options merged over the defaults. */
  rules: Record<string, ["error" | "warn", unknown]>;
}

export async function calculateConfigForFile(filePath: string, options: Pick<LintOptions, "cwd" | "configFile" | "rules" | "quiet"> = {}): Promise<ResolvedFileConfig> {
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
  return {
    filePath: abs,
    configFile: loaded?.filePath ?? null,
    files: configs.root?.config.files ?? DEFAULT_FILES,
    ignores: configs.root?.config.ignores ?? [],
    registry: registryForFile(abs, loaded),
    trust: trustFromConfig(loaded),
    rules,
  };
}
