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

/** A known Region written inside a folder name (`prod-us-west-2`, `us-gov-west-1.shared`), the last one if several. */
function regionInName(name: string): string | undefined {
  let found: string | undefined;
  for (const piece of name.split(/[^A-Za-z0-9-]+/)) {
    const tokens = piece.split("-");
    // Regions are three or four hyphen-separated tokens (us-west-2, us-gov-west-1, eusc-de-east-1).
    for (let i = 0; i < tokens.length; i++) {
      for (const size of [4, 3]) {
        const candidate = tokens.slice(i, i + size).join("-");
        if (i + size <= tokens.length && regionStatus(candidate) === "known") found = candidate;
      }
    }
  }
  return found;
}

/** A 12-digit account written inside a folder name (`444455556666-prod`, `prod_444455556666`). */
function accountInName(name: string): string | undefined {
  const matches = name.match(/(?<![0-9])[0-9]{12}(?![0-9])/g);
  return matches?.[matches.length - 1];
}

/**
 * Monorepos often lay policies out by registry: with no config entry, the folders of the file's path name it.
 *
 * - A folder named exactly a Region or a 12-digit account: `infra/444455556666/us-west-2/registry-policy.json`.
 * - A Region or an account inside a folder name, between separators: `registries/prod-us-west-2/`,
 *   `accounts/444455556666-prod/`. Inside a longer name only Regions of the known list count (so `team-eu-build-2`
 *   is not read as a Region); an account is any 12 digits not part of a longer number.
 *
 * The deepest folder that names a Region or an account wins for each.
 */
export function registryFromPath(filePath: string): RegistryContext {
  const dirs = filePath.split(/[\\/]/).slice(0, -1);
  let account: string | undefined;
  let region: string | undefined;
  for (const dir of dirs) {
    if (/^\d{12}$/.test(dir)) account = dir;
    else if (regionStatus(dir) !== "unknown") region = dir;
    else {
      account = accountInName(dir) ?? account;
      region = regionInName(dir) ?? region;
    }
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
