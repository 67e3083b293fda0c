import { dirname, relative } from "node:path";
import { toPosix } from "./discover.js";
import type { FileEntry } from "./read-file.js";
import type { RunNotice, RunStats } from "./types.js";

const MAX_LISTED_FILES = 5;

/** The deepest folder every file is in, relative to the run's root, as a glob (`infra/prod/**`), or `**`. */
function commonGlob(files: string[], cwd: string): string {
  const dirs = files.map((f) => toPosix(relative(cwd, dirname(f))).split("/").filter((part) => part !== "" && part !== "."));
  const common: string[] = [];
  for (let i = 0; dirs.every((d) => d[i] !== undefined && d[i] === dirs[0]![i]); i++) common.push(dirs[0]![i]!);
  return common.length ? `${common.join("/")}/**` : "**";
}

/**
 * Never silently blind: when policy files have no known registry, the checks that compare a policy with the registry
 * it is deployed to cannot run, and a clean report would read as "all is well". The run says so once, with how many
 * files, what is not checked, and how to declare the registry.
 */
export function unknownRegistryNotice(entries: FileEntry[], cwd: string): RunNotice | undefined {
  const files = entries.filter((e) => e.outcome.status === "ours" && e.context?.registry.source === "unknown").map((e) => e.filePath);
  if (files.length === 0) return undefined;
  const n = files.length;
  const listed = files.slice(0, MAX_LISTED_FILES).map((f) => toPosix(relative(cwd, f)));
  const more = n > MAX_LISTED_FILES ? ` and ${n - MAX_LISTED_FILES} more` : "";
  return {
    id: "unknown-registry",
    message: `${n} policy file${n === 1 ? " has" : "s have"} no known registry, so Regions and accounts are only compared with each other inside each file.`,
    details: [
      "Not checked without one: that ARNs name the registry's own Region, partition and account, the replication sources and pull-through-cache prefixes of the registry, and the cross-file checks between registries; CloudFormation's AWS::Region and AWS::AccountId stay unknown.",
      `Declare it in an ecrlint config (.ecrlintrc.json): {"registries": [{"files": ["${commonGlob(files, cwd)}"], "account": "111122223333", "region": "us-west-2"}]}, or keep the files in a folder named by the Region or the account (prod-us-west-2/, 444455556666/).`,
      `Files: ${listed.join(", ")}${more}.`,
    ],
    files,
  };
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
