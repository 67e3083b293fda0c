import { partitionOfRegion, regionStatus } from "../partitions.js";

/** The registry a file is deployed to, as far as it is known. */
export interface RegistryContext {
  account?: string;
  region?: string;
  partition?: string;
  policyScope?: "V1" | "V2";
  replicationSources?: string[];
  pullThroughCachePrefixes?: string[];
  /** Where the answer came from. */
  source: "config" | "settings" | "path" | "unknown";
  /** The config file that decided it, when one did. */
  configFile?: string;
}

export interface TrustContext {
  accounts: string[];
  orgs: string[];
}

export interface RegistryEntry {
  files: string[];
  account?: string;
  region?: string;
  partition?: string;
  policyScope?: "V1" | "V2";
  replicationSources?: string[];
  pullThroughCachePrefixes?: string[];
}

export const UNKNOWN_REGISTRY: RegistryContext = Object.freeze({ source: "unknown" }) as RegistryContext;

export function registryFromEntry(entry: RegistryEntry, source: RegistryContext["source"], configFile?: string): RegistryContext {
  const registry: RegistryContext = { source };
  if (configFile) registry.configFile = configFile;
  if (entry.account) registry.account = entry.account;
  if (entry.region) registry.region = entry.region;
  const partition = entry.partition ?? (entry.region ? partitionOfRegion(entry.region) : undefined);
  if (partition) registry.partition = partition;
  if (entry.policyScope) registry.policyScope = entry.policyScope;
  if (entry.replicationSources) registry.replicationSources = entry.replicationSources;
  if (entry.pullThroughCachePrefixes) registry.pullThroughCachePrefixes = entry.pullThroughCachePrefixes;
  return registry;
}

/**
 * Monorepos often lay policies out as `infra/444455556666/us-west-2/registry-policy.json`: with no config entry,
 * a Region or a 12-digit account that is a directory name of the path names the registry.
 */
export function registryFromPath(filePath: string): RegistryContext {
  const dirs = filePath.split(/[\\/]/).slice(0, -1);
  let account: string | undefined;
  let region: string | undefined;
  for (const dir of dirs) {
    if (/^\d{12}$/.test(dir)) account = dir;
    else if (regionStatus(dir) !== "unknown") region = dir;
  }
  if (!account && !region) return UNKNOWN_REGISTRY;
  const entry: RegistryEntry = { files: [] };
  if (account) entry.account = account;
  if (region) entry.region = region;
  return registryFromEntry(entry, "path");
}

export function isRegistryKnown(registry: RegistryContext): boolean {
  return registry.source !== "unknown";
}
