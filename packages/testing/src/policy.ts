import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigLocator, loadPolicyFile, registryForFile, registryFromEntry, type RegistryContext } from "@ecrlint/core";
import { compilePolicy, isCompiledPolicy, type CompiledPolicy } from "@ecrlint/core/evaluator";

/** A policy as tests name it: the JSON value, JSON text, a path to a policy file, or a compiled policy. */
export type PolicyLike = string | object | CompiledPolicy;

/** The registry a policy is deployed to, as tests and cases files write it. */
export interface RegistryOption {
  account?: string;
  region?: string;
  partition?: string;
}

export interface LoadedPolicy {
  compiled: CompiledPolicy;
  /** The file it came from (relative to the working directory), or `inline policy`. */
  name: string;
  filePath?: string;
}

export interface LoadOptions {
  /** Relative policy paths resolve from here (default: the working directory). */
  baseDir?: string;
  registry?: RegistryOption | RegistryContext;
  locator?: ConfigLocator;
}

function toRegistry(option: RegistryOption | RegistryContext): RegistryContext {
  if ("source" in option) return option;
  return registryFromEntry({ files: [], ...option }, "settings");
}

const compiledFiles = new Map<string, { text: string; loaded: LoadedPolicy }>();

/** Reads and compiles a policy; a file is read once per test run. */
export function loadPolicy(policy: PolicyLike, options: LoadOptions = {}): LoadedPolicy {
  const registry = options.registry ? toRegistry(options.registry) : undefined;
  if (isCompiledPolicy(policy)) return { compiled: registry ? compilePolicy(policy, { registry }) : policy, name: "inline policy" };
  if (typeof policy !== "string") return { compiled: compilePolicy(policy, registry ? { registry } : {}), name: "inline policy" };
  if (policy.trimStart().startsWith("{")) return { compiled: compilePolicy(policy, registry ? { registry } : {}), name: "inline policy" };

  const filePath = isAbsolute(policy) ? policy : resolve(options.baseDir ?? process.cwd(), policy);
  let text: string;
  try {
    text = readFileSync(filePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`Cannot read the policy file ${relative(process.cwd(), filePath) || filePath}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  const cacheKey = `${filePath}\u0000${JSON.stringify(options.registry ?? null)}`;
  const cached = compiledFiles.get(cacheKey);
  if (cached && cached.text === text) return cached.loaded;
  const result = loadPolicyFile(text, filePath);
  if (result.status === "parse-error") throw new Error(`${filePath}:${result.error.line}:${result.error.column}: ${result.error.message}`);
  if (result.status !== "ours" || (result.file.kind !== "registry-policy" && result.file.kind !== "repository-policy")) {
    throw new Error(`${filePath} is not an ECR registry or repository policy.`);
  }
  let fileRegistry = registry;
  if (!fileRegistry) {
    const locator = options.locator ?? new ConfigLocator();
    const found = locator.forDirectory(dirname(filePath));
    fileRegistry = registryForFile(filePath, found.ok ? found.loaded : undefined);
  }
  const name = relative(process.cwd(), filePath) || filePath;
  const loaded: LoadedPolicy = { compiled: compilePolicy(result.file.policy, { registry: fileRegistry }), name, filePath };
  compiledFiles.set(cacheKey, { text, loaded });
  return loaded;
}
