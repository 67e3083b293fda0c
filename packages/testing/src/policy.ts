import { dirname, isAbsolute, relative, resolve } from "node:path";
import { ConfigLocator, formatConfigError, loadPolicyFile, readTextFile, registryForFile, registryFromEntry, type RegistryContext } from "@ecrlint/core";
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

/**
 * A policy that cannot be used: a file that cannot be read or is not a policy (`part: "policy"`), or a broken ecrlint
 * config governing it (`part: "config"`). The message is one line naming the file.
 */
export class PolicyLoadError extends Error {
  override readonly name = "PolicyLoadError";

  constructor(
    readonly part: "policy" | "config",
    message: string,
  ) {
    super(message);
  }
}

function compileInline(policy: string | object, registry: RegistryContext | undefined): LoadedPolicy {
  try {
    return { compiled: compilePolicy(policy, registry ? { registry } : {}), name: "inline policy" };
  } catch (error) {
    throw new PolicyLoadError("policy", error instanceof Error ? error.message : "The policy cannot be read.");
  }
}

/** A path as messages show it: relative to the working directory when inside it, else as given. */
function shownPath(filePath: string): string {
  const rel = relative(process.cwd(), filePath);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : filePath;
}

const compiledFiles = new Map<string, { text: string; loaded: LoadedPolicy }>();

/** Reads and compiles a policy; a file is read once per test run. Throws a {@link PolicyLoadError} when it cannot. */
export function loadPolicy(policy: PolicyLike, options: LoadOptions = {}): LoadedPolicy {
  const registry = options.registry ? toRegistry(options.registry) : undefined;
  if (isCompiledPolicy(policy)) return { compiled: registry ? compilePolicy(policy, { registry }) : policy, name: "inline policy" };
  if (typeof policy !== "string" || policy.trimStart().startsWith("{")) return compileInline(policy, registry);

  const filePath = isAbsolute(policy) ? policy : resolve(options.baseDir ?? process.cwd(), policy);
  const shown = shownPath(filePath);
  // Only a regular file is read, its size checked first: a FIFO or /dev/zero is an error, not a hang.
  const read = readTextFile(filePath);
  if (!read.ok) throw new PolicyLoadError("policy", `Cannot read the policy file ${shown}: ${read.reason}`);
  const { text } = read;
  const cacheKey = `${filePath}\u0000${JSON.stringify(options.registry ?? null)}`;
  const cached = compiledFiles.get(cacheKey);
  if (cached && cached.text === text) return cached.loaded;
  const result = loadPolicyFile(text, filePath);
  if (result.status === "parse-error") throw new PolicyLoadError("policy", `${filePath}:${result.error.line}:${result.error.column}: ${result.error.message}`);
  if (result.status !== "ours" || (result.file.kind !== "registry-policy" && result.file.kind !== "repository-policy")) {
    throw new PolicyLoadError("policy", `${filePath} is not an ECR registry or repository policy.`);
  }
  let fileRegistry = registry;
  if (!fileRegistry) {
    const locator = options.locator ?? new ConfigLocator();
    const found = locator.forDirectory(dirname(filePath));
    // A broken config is never taken as no config: the registry it names would silently go missing.
    if (!found.ok) throw new PolicyLoadError("config", formatConfigError(found.error));
    fileRegistry = registryForFile(filePath, found.loaded);
  }
  const name = relative(process.cwd(), filePath) || filePath;
  const loaded: LoadedPolicy = { compiled: compilePolicy(result.file.policy, { registry: fileRegistry }), name, filePath };
  compiledFiles.set(cacheKey, { text, loaded });
  return loaded;
}
