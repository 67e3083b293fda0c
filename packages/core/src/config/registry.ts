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

/**
 * Twelve digits that read as a date or time stamp: a year from 1970 to 2099, then a month and a day
 * (`20240601…`, `202406011230`), or a day and a month then the year (`010620241230`). Snapshot and backup folders are
 * named so (`snapshots-202406011230`); such a token inside a longer folder name is never read as an account.
 */
export function isDateLikeToken(token: string): boolean {
  const n = (from: number, to: number) => Number(token.slice(from, to));
  const day = (d: number) => d >= 1 && d <= 31;
  const month = (m: number) => m >= 1 && m <= 12;
  const year = (y: number) => y >= 1970 && y <= 2099;
  if (year(n(0, 4)) && month(n(4, 6)) && day(n(6, 8))) return true;
  return day(n(0, 2)) && month(n(2, 4)) && year(n(4, 8)) && n(8, 10) <= 23 && n(10, 12) <= 59;
}

/**
 * The account a folder name states: the whole name when it is 12 digits (`444455556666`), or the last 12-digit token
 * between separators (start or end of the name, or any character that is not a letter or digit) that is not
 * date-like (`444455556666-prod`, `prod_444455556666`; not `snapshots-202406011230`, see {@link isDateLikeToken}).
 * Digits glued to letters (`build202406011230`) are not a token.
 */
export function accountInFolderName(name: string): string | undefined {
  if (/^\d{12}$/.test(name)) return name;
  const tokens = name.split(/[^A-Za-z0-9]+/).filter((t) => /^\d{12}$/.test(t) && !isDateLikeToken(t));
  return tokens[tokens.length - 1];
}

/**
 * Monorepos often lay policies out by registry: with no config entry, the folders of the file's path name it.
 *
 * - A folder named exactly a Region or a 12-digit account: `infra/444455556666/us-west-2/registry-policy.json`.
 * - A Region or an account inside a folder name, between separators: `registries/prod-us-west-2/`,
 *   `accounts/444455556666-prod/`. Inside a longer name only Regions of the known list count (so `team-eu-build-2`
 *   is not read as a Region); an account is a 12-digit token between separators that is not a date or time stamp
 *   (`snapshots-202406011230/` names no account; see {@link accountInFolderName}).
 *
 * The deepest folder that names a Region or an account wins for each.
 */
export function registryFromPath(filePath: string): RegistryContext {
  const cut = Math.max(filePath.lastIndexOf("/"), filePath.lastIndexOf("\\"));
  const folders = cut === -1 ? "" : filePath.slice(0, cut);
  let registry = byFolders.get(folders);
  if (registry === undefined) {
    registry = registryFromFolders(cut === -1 ? [] : folders.split(/[\\/]/));
    if (byFolders.size >= MAX_KEPT_FOLDERS) byFolders.clear();
    byFolders.set(folders, registry);
  }
  return registry;
}

/**
 * What the folders of a path say, by folder path: every file of a folder asks (a run asks for each file the config's
 * globs leave to its path), and the answer reads no file name. Callers never change a registry they are given.
 */
const byFolders = new Map<string, RegistryContext>();
const MAX_KEPT_FOLDERS = 10_000;

function registryFromFolders(dirs: readonly string[]): RegistryContext {
  let account: string | undefined;
  let region: string | undefined;
  for (const dir of dirs) {
    if (/^\d{12}$/.test(dir)) account = dir;
    else if (regionStatus(dir) !== "unknown") region = dir;
    else {
      account = accountInFolderName(dir) ?? account;
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
