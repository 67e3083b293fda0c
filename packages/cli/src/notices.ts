import { basename, dirname, join, parse, relative } from "node:path";
import { literalGlob, toPosix } from "./discover.js";
import { configDirectory, leavesFolder, type RegistryContext } from "@ecrlint/core";
import type { FileEntry } from "./read-file.js";
import type { RunNotice, RunStats } from "./types.js";

const MAX_LISTED_FILES = 5;

/**
 * The deepest folder every file is in, relative to the config's folder `dir`, as a glob (`infra/prod/**`), or `**`.
 * A `--config` whose folder does not hold the files matches them only with an absolute glob (`/srv/infra/**`): a
 * relative one never leaves its folder.
 */
function commonGlob(files: string[], dir: string): string {
  const outside = files.some((f) => leavesFolder(relative(dir, f)));
  const from = outside ? parse(dir).root : dir;
  const dirs = files.map((f) => toPosix(relative(from, dirname(f))).split("/").filter((part) => part !== "" && part !== "."));
  const common: string[] = [];
  for (let i = 0; dirs.every((d) => d[i] !== undefined && d[i] === dirs[0]![i]); i++) common.push(dirs[0]![i]!);
  const glob = common.length ? `${literalGlob(common.join("/"))}/**` : "**";
  return outside ? `${toPosix(from)}${glob}` : glob;
}

/**
 * Placeholders the notice proposes when the files do not say the value: the config schema rejects them (an account is
 * 12 digits, a Region lowercase words and a number), so a pasted entry can never be applied as it is.
 */
export const ACCOUNT_PLACEHOLDER = "<account-id>";
export const REGION_PLACEHOLDER = "<region>";

/** The concrete accounts and Regions a file's ECR ARNs name (wildcards and CloudFormation expressions say nothing). */
export function arnRegistries(text: string): { accounts: string[]; regions: string[] } {
  const accounts = new Set<string>();
  const regions = new Set<string>();
  for (const m of text.matchAll(/arn:aws[a-z-]*:ecr:([^:"\s\\]*):([^:"\s\\]*):/g)) {
    if (/^[a-z]{2,4}(-[a-z]+)+-\d+$/.test(m[1]!)) regions.add(m[1]!);
    if (/^\d{12}$/.test(m[2]!)) accounts.add(m[2]!);
  }
  return { accounts: [...accounts], regions: [...regions] };
}

/** Whether the notice concerns a file with this registry: unknown, or read from folder names without an account or a Region. */
export function registryIncomplete(registry: RegistryContext): boolean {
  return registry.source === "unknown" || (registry.source === "path" && (!registry.account || !registry.region));
}

/** The one value every file agrees on (its registry's where known, else its ARNs'), if there is exactly one. */
function agreed(entries: FileEntry[], known: (e: FileEntry) => string | undefined, fromArns: (e: FileEntry) => string[]): string | undefined {
  const values = new Set<string>();
  for (const e of entries) {
    const value = known(e);
    if (value) values.add(value);
    else for (const v of fromArns(e)) values.add(v);
  }
  return values.size === 1 ? [...values][0] : undefined;
}

/**
 * Where to declare the registry: the config file that already governs the files, else a new `.ecrlintrc.json` at
 * the base path (the repository's root, from any folder of it), named from the working directory.
 */
function configTarget(entries: FileEntry[], cwd: string, base: string): string {
  const configFile = entries.find((e) => e.configFile)?.configFile;
  if (!configFile) return `an ecrlint config (${toPosix(relative(cwd, join(base, ".ecrlintrc.json")))})`;
  const rel = toPosix(relative(cwd, configFile)) || basename(configFile);
  return basename(configFile) === "package.json" ? `the "ecrlint" key of ${rel}` : rel;
}

const files = (n: number, verb: [string, string]) => `${n} policy file${n === 1 ? ` ${verb[0]}` : `s ${verb[1]}`}`;

/**
 * Never silently blind: when policy files have no known registry, or a registry known only in part (a Region from a
 * folder name, no account), the checks that compare a policy with the registry it is deployed to cannot fully run,
 * and a clean report would read as "all is well". The run says so once, with how many files, what is not checked,
 * and how to declare the registry: an entry whose values are those the files' own ARNs agree on, else placeholders
 * the config schema rejects, in the config file that already exists.
 */
export function unknownRegistryNotice(entries: FileEntry[], cwd: string, base: string, shownAs: (filePath: string) => string = (f) => toPosix(relative(cwd, f))): RunNotice | undefined {
  const ours = entries.filter((e) => e.outcome.status === "ours" && e.context);
  const unknown = ours.filter((e) => e.context!.registry.source === "unknown");
  // A registry the config declares without an account or a Region is the user's choice; one read from folder names is not.
  const fromPath = ours.filter((e) => e.context!.registry.source === "path");
  const noAccount = fromPath.filter((e) => !e.context!.registry.account);
  const noRegion = fromPath.filter((e) => !e.context!.registry.region);
  const concerned = ours.filter((e) => unknown.includes(e) || noAccount.includes(e) || noRegion.includes(e));
  if (concerned.length === 0) return undefined;
  const paths = concerned.map((e) => e.filePath);
  const n = paths.length;
  const listed = paths.slice(0, MAX_LISTED_FILES).map(shownAs);
  const more = n > MAX_LISTED_FILES ? ` and ${n - MAX_LISTED_FILES} more` : "";

  const sentences: string[] = [];
  if (unknown.length) sentences.push(`${files(unknown.length, ["has", "have"])} no known registry, so Regions and accounts are only compared with each other inside each file.`);
  if (noAccount.length) sentences.push(`${files(noAccount.length, ["has", "have"])} a Region from a folder name but no known account, so accounts are only compared with each other inside each file.`);
  if (noRegion.length) sentences.push(`${files(noRegion.length, ["has", "have"])} an account from a folder name but no known Region, so Regions are only compared with each other inside each file.`);

  // One entry to declare per config that governs some of the files (none: the one to create), each in its file.
  const byConfig = new Map<string | undefined, FileEntry[]>();
  for (const e of concerned) byConfig.set(e.configFile, [...(byConfig.get(e.configFile) ?? []), e]);
  return {
    id: "unknown-registry",
    message: sentences.join(" "),
    details: [
      "Not checked without one: that ARNs name the registry's own Region, partition and account, the replication sources and pull-through-cache prefixes of the registry, and the cross-file checks between registries; CloudFormation's AWS::Region and AWS::AccountId stay unknown.",
      ...[...byConfig.values()].map((group) => declaration(group, cwd, base, byConfig.size > 1 ? shownAs : undefined)),
      `Files: ${listed.join(", ")}${more}.`,
    ],
    files: paths,
  };
}

/**
 * How to declare the registry of `group`, files a config governs (or none): an entry whose values are those the
 * files' own ARNs agree on, else placeholders, in that config. With several groups, each names its files.
 */
function declaration(group: FileEntry[], cwd: string, base: string, shownAs: ((filePath: string) => string) | undefined): string {
  const none = { accounts: [], regions: [] };
  const arns = new Map(group.map((e) => [e, (e.outcome.status === "ours" && e.outcome.arns) || none]));
  const account = agreed(group, (e) => e.context!.registry.account, (e) => arns.get(e)!.accounts);
  const region = agreed(group, (e) => e.context!.registry.region, (e) => arns.get(e)!.regions);
  const paths = group.map((e) => e.filePath);
  const configFile = group.find((e) => e.configFile)?.configFile;
  const entry = `{"files": [${JSON.stringify(commonGlob(paths, configFile ? configDirectory(configFile) : base))}], "account": "${account ?? ACCOUNT_PLACEHOLDER}", "region": "${region ?? REGION_PLACEHOLDER}"}`;
  const placeholders = [account ? "" : `"${ACCOUNT_PLACEHOLDER}"`, region ? "" : `"${REGION_PLACEHOLDER}"`].filter(Boolean);
  const inferred = [account ? "account" : "", region ? "Region" : ""].filter(Boolean);
  const provenance = [
    inferred.length ? `the ${inferred.join(" and ")} ${inferred.length === 1 ? "is" : "are"} what the files' folders and ARNs agree on: check ${inferred.length === 1 ? "it" : "them"} before pasting` : "",
    placeholders.length ? `replace ${placeholders.join(" and ")} with the registry's (the files do not agree on one)` : "",
  ].filter(Boolean);
  const whose = shownAs ? ` for ${paths.slice(0, MAX_LISTED_FILES).map(shownAs).join(", ")}${paths.length > MAX_LISTED_FILES ? ` and ${paths.length - MAX_LISTED_FILES} more` : ""}` : "";
  return `Declare it${whose} in ${configTarget(group, cwd, base)}: {"registries": [${entry}]} (${provenance.join("; ")}), or keep the files in a folder named by the Region or the account (prod-us-west-2/, 444455556666/).`;
}

/**
 * What the run looked at, for the closing summary (see {@link RunStats}): the policy files it reports on (with
 * `--changed-since`, the selected ones); every other file it found counts as skipped.
 */
export function runStats(entries: FileEntry[], selected: Set<string>, discovered: number, startedAt: number): RunStats {
  let policyFiles = 0;
  let documents = 0;
  const registries = new Set<string>();
  for (const e of entries) {
    if (e.outcome.status === "not-ours" || !selected.has(e.filePath)) continue;
    policyFiles++;
    if (e.outcome.status === "ours") documents += e.outcome.documents.length;
    const registry = e.context?.registry;
    if (registry && registry.source !== "unknown") registries.add(`${registry.partition ?? ""}|${registry.account ?? "?"}|${registry.region ?? "?"}`);
  }
  return { policyFiles, documents, registries: registries.size, skippedFiles: discovered - policyFiles, durationMs: Date.now() - startedAt };
}

/**
 * Files named alone (or standard input) that take part in the cross-file rules, whose folder is in no project (no
 * config file marks one and no git repository holds it): the run did not read the folders around them for facts
 * (see `Configs.marksProject`), so the cross-file rules compared them with the other named files only. Said, so that
 * a silent cross-file result is not read as "checked against the repository".
 */
export function projectNotReadNotice(files: readonly string[], cwd: string, shownAs: (filePath: string) => string = (f) => toPosix(relative(cwd, f))): RunNotice | undefined {
  if (files.length === 0) return undefined;
  const names = files.map(shownAs);
  return {
    id: "project-not-read",
    message: `the cross-file rules compared ${names.length === 1 ? "this file" : `these ${names.length} files`} with the other files named only: no ecrlint config and no git repository marks a project around ${names.length === 1 ? "it" : "them"} (the home folder and a file system's root never do), so the files beside ${names.length === 1 ? "it were" : "them were"} not read.`,
    details: ["Checked without the rest of a project: replication destinations and pull-through-cache rules kept in other files.", "Run it inside the repository, or add an ecrlint config at the project's top (`ecrlint init`).", `Files: ${names.join(", ")}.`],
    files: [...files],
  };
}
