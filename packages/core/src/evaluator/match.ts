import { ecrCatalog, serviceCatalog, type CatalogAction } from "../catalog.js";
import type { PolicyStatement } from "../model/policy.js";
import { wildcardMatch } from "./wildcard.js";
import { parseOperator } from "./operators.js";
import { ANY, findClass, type GlobSpec } from "./witness.js";

/**
 * Matching of single policy values, for rules that reason about one element of one statement (which actions a
 * grant names, whether a Resource can be `*`) rather than about a request.
 */

/** Whether an Action pattern covers an action name (both case-insensitive, REFERENCE §6). */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, true);
}

/**
 * Actions of the catalog that an Action pattern (`ecr:Replicate*`, `*`) matches, case-insensitively, as
 * `actionMatches` matches them: a wildcard in the service segment (`e*:*`, `*:Get*`) is matched against ECR's actions,
 * the only ones an ECR policy governs. The array is shared: callers read it, never change it.
 */
export function expandActionPattern(pattern: string): CatalogAction[] {
  let actions = expanded.get(pattern);
  if (!actions) {
    actions = expandUncached(pattern);
    // Bounded, whatever a run reads: patterns are data.
    if (expanded.size >= MAX_EXPANDED_PATTERNS) expanded.clear();
    expanded.set(pattern, actions);
  }
  return actions;
}

/**
 * Expansions by pattern as written: policies repeat a few patterns in file after file, and each expansion matches
 * the pattern against every action of the catalog. The arrays are shared between callers, like the catalog's own.
 */
const expanded = new Map<string, CatalogAction[]>();
const MAX_EXPANDED_PATTERNS = 4096;

function expandUncached(pattern: string): CatalogAction[] {
  const colon = pattern.indexOf(":");
  if (pattern === "*") return ecrCatalog().actions;
  if (colon < 0) return [];
  const service = pattern.slice(0, colon);
  const catalog = /[*?]/.test(service) ? ecrCatalog() : serviceCatalog(service);
  if (!catalog) return [];
  return catalog.actions.filter((a) => actionMatches(pattern, a.name));
}

/**
 * Whether an Action pattern grants every ECR action, as `ecr:*` does: so do `*`, `ecr:**`, `ECR:*` and `ecr:?*`
 * (Action patterns are IAM wildcard patterns, compared case-insensitively), judged over the action catalog.
 */
export function actionPatternCoversEveryAction(pattern: string): boolean {
  return expandActionPattern(pattern).length === ecrCatalog().actions.length;
}

/** The two actions a pull-through-cache rule needs granted (ECR user guide, pull through cache IAM permissions). */
export const PULL_THROUGH_CACHE_ACTIONS = ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"] as const;

/** How far a grant reaches beyond the pull-through-cache pair (see {@link pullThroughCacheActionReach}). */
export interface PullThroughCacheReach {
  beyond: CatalogAction[];
  everyAction: boolean;
}

/**
 * Reaches by the Action text they are read from (a pattern, or a statement's Action or NotAction list): every
 * pull-through-cache rule asks about every statement of every policy, policies repeat a few action lists, and each
 * reading matches the text against the whole catalog. Shared between callers, like the catalog's arrays; bounded.
 */
const reaches = new Map<string, PullThroughCacheReach | null>();
const MAX_REACHES = 4096;

function keptReach(key: string, read: () => PullThroughCacheReach | undefined): PullThroughCacheReach | undefined {
  let reach = reaches.get(key);
  if (reach === undefined) {
    reach = read() ?? null;
    if (reaches.size >= MAX_REACHES) reaches.clear();
    reaches.set(key, reach);
  }
  return reach ?? undefined;
}

/** The reach of the ECR actions a grant covers, from the ones it covers (in the catalog's order). */
function reachOf(granted: CatalogAction[]): PullThroughCacheReach {
  const beyond = granted.filter((a) => !PULL_THROUGH_CACHE_ACTIONS.some((name) => actionMatches(name, a.name)));
  return { beyond, everyAction: granted.length === ecrCatalog().actions.length };
}

/**
 * How far an Action pattern reaches beyond a pull-through-cache grant: undefined when it does not grant
 * `ecr:BatchImportUpstreamImage`; otherwise the other ECR actions it grants besides the pull-through-cache pair
 * (`beyond`, empty for `ecr:BatchImportUpstreamImage` or `ecr:BatchImport*`) and whether it grants every ECR action
 * (`everyAction`: `ecr:*`, `ecr:**`, `*`). The answer is shared: read it, never change it.
 */
export function pullThroughCacheActionReach(pattern: string): PullThroughCacheReach | undefined {
  return keptReach(`p${pattern}`, () => (actionMatches(pattern, PULL_THROUGH_CACHE_ACTIONS[0]) ? reachOf(expandActionPattern(pattern)) : undefined));
}

/** Whether a statement's Action/NotAction covers an action (case-insensitive, wildcards). */
export function statementCoversAction(s: PolicyStatement, action: string): boolean {
  if (s.action) return s.action.values.some((v) => actionMatches(v.value, action));
  if (s.notAction) return !s.notAction.values.some((v) => actionMatches(v.value, action));
  return false;
}

/**
 * `pullThroughCacheActionReach` for a whole statement, read as the evaluator reads its Action or NotAction (a
 * NotAction grants every action it does not list: IAM User Guide, NotAction): undefined when the statement does not
 * grant `ecr:BatchImportUpstreamImage`. The answer is shared: read it, never change it.
 */
export function statementPullThroughCacheReach(s: PolicyStatement): PullThroughCacheReach | undefined {
  const element = s.action ?? s.notAction;
  if (!element) return undefined;
  // The list as `statementCoversAction` reads it, each value with its length so that no two lists write alike.
  let key = s.action ? "a" : "n";
  for (const v of element.values) key += `${v.value.length}:${v.value}`;
  return keptReach(key, () => {
    if (!statementCoversAction(s, PULL_THROUGH_CACHE_ACTIONS[0])) return undefined;
    return reachOf(ecrCatalog().actions.filter((a) => statementCoversAction(s, a.name)));
  });
}

/** Whether a Resource pattern matches a resource (case-sensitive; `*` crosses `/` and `:`, REFERENCE §6). */
export function resourcePatternMatches(pattern: string, resource: string): boolean {
  return wildcardMatch(pattern, resource);
}

/**
 * Whether some resource that a Resource pattern matches starts with `prefix` (`…:repository/prod-*` and
 * `…:repository/pr` do; `…:repository/dev-*` and `…:repository/prod-` do not), `*` and `?` read as
 * `resourcePatternMatches` reads them. Exact: after the prefix, the rest of any pattern can always be written.
 */
export function resourcePatternCanStartWith(pattern: string, prefix: string): boolean {
  const m = pattern.length;
  // reach[j]: the pattern's first j characters can match the prefix read so far.
  let reach = new Uint8Array(m + 1);
  const close = (r: Uint8Array) => {
    for (let j = 0; j < m; j++) if (r[j] && pattern.charCodeAt(j) === 42) r[j + 1] = 1;
  };
  reach[0] = 1;
  close(reach);
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix.charCodeAt(i);
    const next = new Uint8Array(m + 1);
    let any = false;
    for (let j = 0; j < m; j++) {
      if (!reach[j]) continue;
      const p = pattern.charCodeAt(j);
      if (p === 42) next[j] = 1;
      else if (p === 63 || p === c) next[j + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    close(next);
    reach = next;
  }
  return true;
}

const resourceGlob = (text: string): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards: true });

/**
 * Whether some resource matches both Resource patterns (`re*x` and `repository/*` do): can a pattern name a
 * repository at all. When the search is cut short the answer is yes, so that no one is told a pattern is dead
 * on a guess.
 */
export function resourcePatternsOverlap(a: string, b: string): boolean {
  return findClass([resourceGlob(a), resourceGlob(b)], "11", ANY, 10_000) !== false;
}

/**
 * Whether every resource the `inner` pattern matches is matched by `outer` too (`repository/*` covers
 * `repository/team-*`). Answered only where it is certain: equal patterns, or an `outer` that is a literal prefix
 * ending in one `*` (which matches any rest, wildcards in `inner` included); otherwise false.
 */
export function resourcePatternCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  const prefix = outer.slice(0, -1);
  return outer.endsWith("*") && !/[*?]/.test(prefix) && inner.startsWith(prefix);
}

/** Whether every action the `inner` Action pattern matches is matched by `outer` (both expanded over the catalog). */
export function actionPatternCovers(outer: string, inner: string): boolean {
  const covered = expandActionPattern(inner);
  return covered.length > 0 && covered.every((a) => actionMatches(outer, a.name));
}

/**
 * Whether every string the `inner` pattern matches, `outer` matches too (`o-a1b2c3d4e5/*` covers
 * `o-a1b2c3d4e5/r-ab12/*`), read as the evaluator reads them: no class of strings matches `inner` and not `outer`.
 * `arn` compares per ARN part (wildcards in the first five parts do not cross `:`). A search cut short answers
 * false, so that nothing is called redundant on a guess.
 */
export function patternCovers(outer: string, inner: string, options: { ignoreCase?: boolean; arn?: boolean } = {}): boolean {
  if (outer === inner) return true;
  // A literal start and one `*` that reaches every rest (`arn:aws:iam::123456789012:*`) covers whatever starts with
  // that literal: every string `inner` matches does, since the start `inner` writes is literal too. No search.
  if (!options.ignoreCase && literalThenStar(outer, options.arn ?? false) && startsWithAllBut(inner, outer)) return true;
  const glob = (text: string): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: options.ignoreCase ?? false, wildcards: true, arn: options.arn ?? false });
  return findClass([glob(outer), glob(inner)], "01", ANY, 10_000) === false;
}

/**
 * Whether a condition value is already covered by another value of the same key under this operator: equal (in any
 * case under an `IgnoreCase` operator), or inside its pattern under a `Like` or `Arn` operator. Values with policy
 * variables cover only themselves. IP ranges are `cidrWithin`'s question.
 */
export function conditionValueCovers(operatorText: string, outer: string, inner: string): boolean {
  const base = parseOperator(operatorText)?.base;
  if (!base) return outer === inner;
  const ignoreCase = /IgnoreCase$/.test(base.name);
  if (!base.wildcards || /\$\{/.test(outer + inner)) return ignoreCase ? outer.toLowerCase() === inner.toLowerCase() : outer === inner;
  return patternCovers(outer, inner, { ignoreCase, arn: base.family === "arn" });
}

/**
 * Whether a pattern is a literal followed by one `*` that matches any rest: anywhere in a plain pattern, and for a
 * pattern read part by part (ArnLike) only after the fifth colon, where `*` crosses colons.
 */
function literalThenStar(pattern: string, arn: boolean): boolean {
  const last = pattern.length - 1;
  if (last < 0 || pattern.charCodeAt(last) !== 42) return false;
  let colons = 0;
  for (let i = 0; i < last; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 42 || c === 63) return false;
    if (c === 58) colons++;
  }
  return !arn || colons >= 5;
}

/** Whether `text` starts with `pattern` but its last character, compared in place. */
function startsWithAllBut(text: string, pattern: string): boolean {
  const n = pattern.length - 1;
  if (text.length < n) return false;
  for (let i = 0; i < n; i++) if (text.charCodeAt(i) !== pattern.charCodeAt(i)) return false;
  return true;
}
