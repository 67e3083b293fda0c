import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { accountInFolderName, loadPolicyFile, parseArn, regionStatus, showControls, type FileKind, type PolicyFile } from "@ecrlint/core";
import { DEFAULT_FILES, discoverFiles, literalGlob, toPosix } from "./discover.js";

/** Where one of a registry's facts came from, said in the config's comments so a reviewer can check it. */
interface Evidence {
  value: string;
  from: "folder" | "arns";
  /** The folder name, or the file whose ARNs name the value. */
  source: string;
}

/** One registry `ecrlint init` proposes: the files it governs and what is known of it. */
export interface ProposedRegistry {
  /** The glob of the entry: `<folder>/**`, or the file itself when only its ARNs name the registry. */
  glob: string;
  files: { path: string; kind: FileKind }[];
  account?: Evidence;
  region?: Evidence;
  replicationSources: { account: string; source: string }[];
  pullThroughCachePrefixes: { prefix: string; source: string }[];
  /** ARNs that disagree with the folder name: worth a look, `ecrlint` will say where. */
  disagreements: string[];
}

export interface InitProposal {
  registries: ProposedRegistry[];
  /** Policy files whose registry neither a folder name nor an ARN tells. */
  unplaced: { path: string; kind: FileKind }[];
  /** Replication destinations whose registry has no policy file in the repository. */
  outsideDestinations: { account: string; region: string; source: string }[];
}

/**
 * The account and Region a folder name states: `444455556666`, `us-west-2`, `prod-us-west-2`,
 * `444455556666-prod`, `us-gov-west-1_shared`. An account as the runner reads it (`accountInFolderName`: a
 * 12-digit token that is not a date stamp, so `snapshots-202406011230` names none). A Region is the longest run of `-`/`_`/`.`-separated words that
 * is a Region of some partition.
 */
export function registryFromFolderName(name: string): { account?: string; region?: string } {
  const words = name.toLowerCase().split(/[-_.]/);
  const out: { account?: string; region?: string } = {};
  const account = accountInFolderName(name);
  if (account) out.account = account;
  for (let start = 0; start < words.length && !out.region; start++) {
    for (let end = Math.min(words.length, start + 5); end > start + 2; end--) {
      const candidate = words.slice(start, end).join("-");
      if (regionStatus(candidate) !== "unknown") {
        out.region = candidate;
        break;
      }
    }
  }
  return out;
}

/** The most common concrete value of a list, if any (ARNs with wildcards in the part say nothing). */
function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v && !/[*?$]/.test(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** The registry a policy's own repository ARNs name (registry policies carry them in Resource). */
function registryFromArns(file: PolicyFile): { account?: string; region?: string } {
  if (file.kind !== "registry-policy" && file.kind !== "repository-policy") return {};
  const arns = file.policy.statements.flatMap((s) => [...(s.resource?.values ?? []), ...(s.notResource?.values ?? [])]).flatMap((v) => parseArn(v.value) ?? []).filter((a) => a.service === "ecr");
  const account = mostCommon(arns.map((a) => a.account));
  const region = mostCommon(arns.map((a) => a.region));
  return { ...(account ? { account } : {}), ...(region ? { region } : {}) };
}

interface Placed {
  path: string;
  file: PolicyFile;
  glob: string;
  account?: Evidence;
  region?: Evidence;
  disagreement?: string;
}

function place(path: string, file: PolicyFile): Placed {
  const folders = path.split("/").slice(0, -1);
  const placed: Placed = { path, file, glob: literalGlob(path) };
  // The deepest folder that names something decides the glob; facts from folders above it still count.
  for (let i = 0; i < folders.length; i++) {
    const named = registryFromFolderName(folders[i]!);
    if (!named.account && !named.region) continue;
    if (named.account) placed.account = { value: named.account, from: "folder", source: folders[i]! };
    if (named.region) placed.region = { value: named.region, from: "folder", source: folders[i]! };
    placed.glob = `${literalGlob(folders.slice(0, i + 1).join("/"))}/**`;
  }
  const fromArns = registryFromArns(file);
  for (const key of ["account", "region"] as const) {
    const value = fromArns[key];
    if (!value) continue;
    const known = placed[key];
    if (!known) placed[key] = { value, from: "arns", source: path };
    else if (known.value !== value) placed.disagreement = `the ARNs in ${path} name ${key === "region" ? "Region" : key} ${value}, the folder name ${known.source} says ${known.value}`;
  }
  return placed;
}

/**
 * Reads the policy files of a repository and proposes its registries: account and Region from folder names first
 * (they say where a file is deployed), then from the ARNs a policy names (which may be the very mistake to catch);
 * replication sources from replication configurations; pull-through-cache prefixes from the rules.
 */
export async function proposeConfig(root: string): Promise<InitProposal> {
  const { files } = await discoverFiles({ root, patterns: [], files: DEFAULT_FILES, ignores: [], base: root, useIgnores: true, errorOnUnmatchedPattern: false });
  const placed: Placed[] = [];
  for (const abs of files) {
    let text: string;
    try {
      text = readFileSync(abs, "utf8");
    } catch {
      continue;
    }
    const loaded = loadPolicyFile(text.replace(/^\uFEFF/, ""), abs);
    if (loaded.status === "ours") placed.push(place(toPosix(relative(root, abs)), loaded.file));
  }

  const byGlob = new Map<string, ProposedRegistry>();
  const unplaced: InitProposal["unplaced"] = [];
  for (const p of placed) {
    if (!p.account && !p.region) {
      unplaced.push({ path: p.path, kind: p.file.kind });
      continue;
    }
    let registry = byGlob.get(p.glob);
    if (!registry) {
      registry = { glob: p.glob, files: [], replicationSources: [], pullThroughCachePrefixes: [], disagreements: [] };
      byGlob.set(p.glob, registry);
    }
    registry.files.push({ path: p.path, kind: p.file.kind });
    // A folder's word beats an ARN's; among ARNs, the first file's.
    for (const key of ["account", "region"] as const) {
      const evidence = p[key];
      if (evidence && (!registry[key] || (registry[key].from === "arns" && evidence.from === "folder"))) registry[key] = evidence;
    }
    if (p.disagreement) registry.disagreements.push(p.disagreement);
  }
  const registries = [...byGlob.values()];

  const outsideDestinations: InitProposal["outsideDestinations"] = [];
  for (const p of placed) {
    const source = registries.find((r) => r.files.some((f) => f.path === p.path));
    if (p.file.kind === "pull-through-cache-rules" && source) {
      for (const rule of p.file.pullThroughCacheRules) {
        const prefix = rule.prefix?.value;
        if (prefix && !source.pullThroughCachePrefixes.some((x) => x.prefix === prefix)) source.pullThroughCachePrefixes.push({ prefix, source: p.path });
      }
    }
    if (p.file.kind !== "replication-configuration" || !source?.account) continue;
    for (const destination of p.file.replication.rules.flatMap((r) => r.destinations)) {
      const account = destination.registryId?.value;
      const region = destination.region?.value;
      // Replication inside one's own registry needs no registry policy, so it makes no source.
      if (!account || !region || account === source.account.value) continue;
      const target = registries.find((r) => r.account?.value === account && r.region?.value === region);
      if (!target) outsideDestinations.push({ account, region, source: p.path });
      else if (!target.replicationSources.some((s) => s.account === source.account!.value)) target.replicationSources.push({ account: source.account.value, source: p.path });
    }
  }
  return { registries, unplaced, outsideDestinations };
}

const KIND_NAMES: Record<FileKind, string> = {
  "registry-policy": "registry policy",
  "repository-policy": "repository policy",
  "replication-configuration": "replication configuration",
  "pull-through-cache-rules": "pull-through-cache rules",
  "repository-creation-template": "repository creation template",
};

/** `["a", "b"]`: a list on one line, spaced as people write it. */
function jsonList(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;
}

function said(evidence: Evidence): string {
  return evidence.from === "folder" ? `the folder name ${evidence.source}` : `the ARNs in ${evidence.source}`;
}

/**
 * The starter config as JSONC: data rather than code (nothing runs when CI reads it, ESLint loads it synchronously),
 * checked and completed by editors through `$schema`, and commented so a reviewer knows what to verify.
 */
/**
 * Folder and file names (and what files say) as a `//` comment may hold them: a line break would end the comment and
 * make the rest of a name the config's text, an escape sequence would act on the terminal that shows the preview.
 */
const comment = (text: string) => showControls(text);

export function renderConfig(proposal: InitProposal, schema: string | undefined): string {
  const lines = [
    "{",
    schema === undefined
      ? `  // No @ecrlint/cli in node_modules: once it is installed, add "$schema": "./node_modules/@ecrlint/cli/schema/config.json"\n  // (the path from this file) for editors to check and complete this file.`
      : `  "$schema": ${JSON.stringify(schema)},`,
    "  // Written by `ecrlint init` from the policy files of this repository. Check each registry: its account and",
    "  // Region must be where the files are deployed (`aws ecr put-registry-policy --region ...`), since most checks",
    "  // compare a policy's ARNs and principals with them. `files` globs are relative to this file; the first match wins.",
    '  "registries": [',
  ];
  proposal.registries.forEach((registry, index) => {
    const facts = [registry.account && `Account ${registry.account.value} from ${said(registry.account)}`, registry.region && `Region ${registry.region.value} from ${said(registry.region)}`].filter(Boolean);
    lines.push(`    // ${comment(facts.join("; "))}:`);
    for (const f of registry.files) lines.push(`    //   ${comment(f.path)} (${KIND_NAMES[f.kind]})`);
    if (!registry.account) lines.push("    // The account is unknown: add \"account\" (12 digits) to check account ARNs and cross-account grants.");
    if (!registry.region) lines.push('    // The Region is unknown: add "region" to check the Region of ARNs.');
    for (const d of registry.disagreements) lines.push(`    // Check: ${comment(d)}; \`npx ecrlint\` reports the ARNs that disagree.`);
    const body: string[] = [`      "files": ${jsonList([registry.glob])}`];
    if (registry.account) body.push(`      "account": ${JSON.stringify(registry.account.value)}`);
    if (registry.region) body.push(`      "region": ${JSON.stringify(registry.region.value)}`);
    if (registry.replicationSources.length) {
      body.push(
        `      // Accounts that replicate into this registry: ${comment(registry.replicationSources.map((s) => `${s.account} (${s.source})`).join(", "))}.\n` +
          `      "replicationSources": ${jsonList(registry.replicationSources.map((s) => s.account))}`,
      );
    }
    if (registry.pullThroughCachePrefixes.length) {
      body.push(
        `      // The ecrRepositoryPrefix of its pull-through-cache rules (${comment([...new Set(registry.pullThroughCachePrefixes.map((p) => p.source))].join(", "))}).\n` +
          `      "pullThroughCachePrefixes": ${jsonList(registry.pullThroughCachePrefixes.map((p) => p.prefix))}`,
      );
    }
    lines.push("    {", body.join(",\n"), `    }${index < proposal.registries.length - 1 ? "," : ""}`);
  });
  if (proposal.registries.length === 0) {
    const why = proposal.unplaced.length ? "No policy file names its registry" : "No policy file found yet";
    lines.push(`    // ${why}: add one entry per registry, e.g. { "files": ["infra/prod/**"], "account": "444455556666", "region": "us-west-2" }`);
  }
  lines.push("  ],");
  for (const u of proposal.unplaced) lines.push(`  // No folder name or ARN tells the registry of ${comment(u.path)} (${KIND_NAMES[u.kind]}): add an entry for it.`);
  for (const o of proposal.outsideDestinations) lines.push(`  // ${comment(`${o.source} replicates to ${o.account} in ${o.region}`)}, whose registry policy is not in this repository.`);
  const accounts = [...new Set(proposal.registries.flatMap((r) => (r.account ? [r.account.value] : [])))].sort();
  lines.push(
    "  // Accounts that may be granted access: with the strict rules, no-external-principal reports any other.",
    `  "trustedAccounts": ${jsonList(accounts)}`,
    "}",
    "",
  );
  // A line separator in a JSON string is a "multiline string" to the JSONC parser: written as its escape, which
  // means the same character (the comments' names are escaped where they are written, see `comment`).
  return lines.join("\n").split("\n").map(showControls).join("\n");
}

/**
 * The `$schema` of a config written in `dir`: the installed schema (offline, the same version), or none when
 * @ecrlint/cli is not installed (its published address resolves only once the package is on the registry).
 */
export function schemaReference(dir: string, installed: string | undefined): string | undefined {
  if (!installed) return undefined;
  const rel = toPosix(relative(dir, installed));
  return rel.startsWith(".") ? rel : `./${rel}`;
}
