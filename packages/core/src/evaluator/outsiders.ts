import { ecrCatalog, type CatalogAction } from "../catalog.js";
import { withStatements, type CompiledPolicy, type CompiledStatement } from "./compile.js";
import { coversAction, failsWithoutKeys } from "./evaluate.js";
import { DEFAULT_ANALYSIS_STEPS, WorkBudget } from "./budget.js";
import { parseCaller, principalAccount } from "./principal.js";
import { EmptyQueryError, queryPolicy } from "./query.js";
import type { ContextValue, PrincipalKind, QueryWitness } from "./types.js";

/**
 * "Can someone outside the trusted set use this grant?", asked of the quantified query with the principal left out
 * and every other context key ranged over.
 *
 * The query ranges a context key over every case the policy tells apart, the policy's own values included. For
 * keys that name where a caller comes from (its organization, the account or ARN a service acts for, the VPC it
 * calls through), the policy's values describe insiders: an outsider cannot choose them. Those keys are fixed
 * here to what an outsider can have instead: absent, or a value the policy does not name (and, for untrusted
 * principals, the untrusted values the policy itself names). An absent key is left out of the request, so the
 * conditions on it come out as the evaluator decides for every request (REFERENCE §6).
 */

type PinningKind = "account" | "org" | "org-paths" | "arn" | "opaque" | "absent-only" | "false";

/** Condition keys (lower-cased) that describe where a caller comes from, by the shape of their values. */
export const PINNING_KEYS: ReadonlyMap<string, PinningKind> = new Map<string, PinningKind>([
  ["aws:principalorgid", "org"],
  ["aws:principalorgpaths", "org-paths"],
  ["aws:sourceaccount", "account"],
  ["aws:sourceowner", "account"],
  ["aws:sourcearn", "arn"],
  ["aws:sourceorgid", "org"],
  ["aws:sourceorgpaths", "org-paths"],
  ["aws:userid", "opaque"],
  ["aws:sourcevpc", "opaque"],
  ["aws:sourcevpce", "opaque"],
  ["aws:vpceaccount", "account"],
  ["aws:vpceorgid", "org"],
  ["aws:vpceorgpaths", "org-paths"],
  // An outsider is not an AWS service: these describe service callers only.
  ["aws:principalisawsservice", "false"],
  ["aws:principalservicename", "absent-only"],
  ["aws:principalservicenameslist", "absent-only"],
]);

/** Callers an outsider can be; service principals act for AWS, not for someone outside. */
export const OUTSIDER_KINDS: readonly PrincipalKind[] = ["account", "user", "role", "session", "federated-user", "anonymous"];

/** More combinations of pinned values than this and the statement is not judged (no report rather than a guess). */
const MAX_COMBINATIONS = 64;

export interface OutsiderQuery {
  /** Accounts whose principals are insiders. */
  trustedAccounts: Iterable<string>;
  /** Organizations whose principals are insiders. */
  trustedOrgs?: Iterable<string>;
  /** Also try the untrusted accounts and organizations that the policy's conditions name, not only fresh values. */
  tryNamedValues?: boolean;
  /** Callers an outsider can be (default: `OUTSIDER_KINDS`). */
  principalKinds?: readonly PrincipalKind[];
  /** Work allowed for the whole search, every statement together (default: `DEFAULT_ANALYSIS_STEPS`). */
  budget?: WorkBudget;
}

export interface OutsiderSearch {
  found: OutsiderAccess[];
  /** Allow statements (indexes) the search could not judge: the budget ran out first. Too complex to analyse. */
  tooComplex: number[];
}

export interface OutsiderAccess {
  /** The Allow statement's index in the Statement list. */
  statement: number;
  /** A request by an outsider that the statement allows and no Deny cancels, with its evaluation. */
  witness: QueryWitness;
  /** The Principal value that lets the witness in (`"*"`, an account), when one does; undefined under NotPrincipal. */
  principalValue: string | undefined;
  /** Pinning keys the witness has a value for that the policy names (`aws:PrincipalOrgID = o-partner`). */
  namedContext: string[];
}

type Setting = { absent: true } | { absent: false; value: ContextValue; literal: boolean };

interface Trust {
  accounts: ReadonlySet<string>;
  orgs: ReadonlySet<string>;
  tryNamedValues: boolean;
}

const hasPattern = (v: string) => /[*?]|\$\{/.test(v);

/** A value of the key's shape that equals no string of the policy. */
function freshValue(kind: PinningKind, taken: ReadonlySet<string>): ContextValue {
  const pick = (candidates: string[]) => candidates.find((c) => !taken.has(c)) ?? candidates[candidates.length - 1]!;
  const account = pick(["000000000000", "000000000001", "000000000002", "000000000003"]);
  const org = pick(["o-ecrlint000", "o-ecrlint001", "o-ecrlint002", "o-ecrlint003"]);
  switch (kind) {
    case "account":
      return account;
    case "org":
      return org;
    case "org-paths":
      return [`${org}/r-ecrl/ou-ecrl-outsider/`];
    case "arn":
      return `arn:aws:sns:us-east-1:${account}:ecrlint-outsider`;
    default:
      return pick(["ecrlint-outsider-0", "ecrlint-outsider-1", "ecrlint-outsider-2"]);
  }
}

/** Values the policy names for a key that belong to no trusted account or organization. */
function untrustedNamedValues(kind: PinningKind, values: string[], trust: Trust): ContextValue[] {
  const out: ContextValue[] = [];
  for (const v of new Set(values)) {
    if (hasPattern(v)) continue;
    if (kind === "account" && /^\d{12}$/.test(v) && !trust.accounts.has(v)) out.push(v);
    if (kind === "org" && !trust.orgs.has(v)) out.push(v);
    if (kind === "org-paths" && !trust.orgs.has(v.split("/")[0] ?? "")) out.push([v]);
    if (kind === "arn") {
      const account = v.split(":")[4];
      if (account && /^\d{12}$/.test(account) && !trust.accounts.has(account)) out.push(v);
    }
  }
  return out;
}

/** Every string a policy is written with, so that a fresh value can avoid them. */
function policyStrings(policy: CompiledPolicy): Set<string> {
  const out = new Set<string>();
  const add = (v: string | undefined) => v !== undefined && out.add(v);
  add(policy.version);
  add(policy.document.id?.value);
  for (const s of policy.statements) {
    add(s.sid);
    add(s.effect);
    for (const e of s.principal?.entries ?? []) add(e.source);
    for (const a of s.action?.sources ?? []) add(a);
    for (const t of s.resource?.patterns ?? []) add(t.source);
    for (const c of s.conditions) {
      add(c.operatorText);
      add(c.keyText);
      for (const t of c.values) add(t.source);
    }
  }
  return out;
}

/** The accounts a policy names anywhere (principals, ARNs, condition values, even a Sid): someone in particular. */
export function accountsNamedIn(policy: CompiledPolicy): Set<string> {
  const accounts = new Set<string>();
  for (const text of policyStrings(policy)) for (const m of text.matchAll(/(?<!\d)\d{12}(?!\d)/g)) accounts.add(m[0]);
  return accounts;
}

/** Every way to set the pinning keys the statements use: each key absent, fresh, or (optionally) a named value. */
function settingsFor(statements: readonly CompiledStatement[], trust: Trust, taken: ReadonlySet<string>): Map<string, Setting>[] | undefined {
  const used = new Map<string, { text: string; values: string[] }>();
  for (const s of statements) {
    for (const c of s.conditions) {
      if (!PINNING_KEYS.has(c.key)) continue;
      const entry = used.get(c.key) ?? { text: c.keyText, values: [] };
      entry.values.push(...c.values.map((t) => t.source));
      used.set(c.key, entry);
    }
  }
  const choices: [string, Setting[]][] = [];
  for (const [key, { text: keyText, values }] of used) {
    const kind = PINNING_KEYS.get(key)!;
    const settings: Setting[] = [];
    if (kind === "false") settings.push({ absent: false, value: "false", literal: false });
    else {
      settings.push({ absent: true });
      if (kind !== "absent-only") {
        settings.push({ absent: false, value: freshValue(kind, taken), literal: false });
        if (trust.tryNamedValues) for (const v of untrustedNamedValues(kind, values, trust)) settings.push({ absent: false, value: v, literal: true });
      }
    }
    choices.push([keyText, settings]);
  }
  const count = (list: [string, Setting[]][]) => list.reduce((n, [, s]) => n * s.length, 1);
  let list = choices;
  if (count(list) > MAX_COMBINATIONS) list = choices.map(([k, s]) => [k, s.filter((x) => x.absent || !x.literal)] as [string, Setting[]]);
  if (count(list) > MAX_COMBINATIONS) return undefined;
  let combos: Map<string, Setting>[] = [new Map()];
  for (const [key, settings] of list) combos = combos.flatMap((m) => settings.map((s) => new Map(m).set(key, s)));
  return combos;
}

/** Representative actions: one per set of statements that cover it and per resource kind (repository or `*`). */
function actionClasses(allow: CompiledStatement, denies: readonly CompiledStatement[]): CatalogAction[] {
  const seen = new Map<string, CatalogAction>();
  for (const action of ecrCatalog().actions) {
    const lower = action.name.toLowerCase();
    if (!coversAction(allow, lower)) continue;
    const key = `${action.resourceTypes.length === 0}:${denies.map((d) => (coversAction(d, lower) ? 1 : 0)).join("")}`;
    if (!seen.has(key)) seen.set(key, action);
  }
  return [...seen.values()];
}

/**
 * A Principal that lists only principals of trusted accounts (and service, federated or canonical-user principals,
 * which are no outsider's) can only match insiders: no search needed.
 */
function namesInsidersOnly(s: CompiledStatement, trust: Trust): boolean {
  if (!s.principal || s.principal.negated) return false;
  return s.principal.entries.every((e) => {
    switch (e.kind) {
      case "value":
        return true;
      case "account":
      case "named":
        return trust.accounts.has(e.account);
      case "exact-arn": {
        const account = principalAccount(e.arn);
        return account !== undefined && trust.accounts.has(account);
      }
      default:
        return false;
    }
  });
}

/**
 * For each Allow statement, a request by an outsider (a principal of an account outside `trustedAccounts`, or an
 * anonymous caller) that the statement allows and no Deny statement cancels, if one exists. The search of every
 * statement shares one work budget; statements it could not judge in that budget are listed as too complex.
 */
export function searchOutsiderAccess(policy: CompiledPolicy, query: OutsiderQuery): OutsiderSearch {
  const trust: Trust = { accounts: new Set(query.trustedAccounts), orgs: new Set(query.trustedOrgs ?? []), tryNamedValues: query.tryNamedValues ?? false };
  const kinds = query.principalKinds ?? OUTSIDER_KINDS;
  const budget = query.budget ?? new WorkBudget(DEFAULT_ANALYSIS_STEPS);
  const taken = policyStrings(policy);
  const denies = policy.statements.filter((s) => s.effect === "Deny");
  const search: OutsiderSearch = { found: [], tooComplex: [] };
  for (const allow of policy.statements) {
    if (allow.effect !== "Allow" || allow.defects.length > 0 || namesInsidersOnly(allow, trust)) continue;
    if (budget.exhausted) {
      search.tooComplex.push(allow.index);
      continue;
    }
    const combos = settingsFor([allow, ...denies], trust, taken);
    if (!combos) continue;
    const grant = withStatements(policy, (s) => s === allow || s.effect === "Deny");
    const actions = actionClasses(allow, denies);
    const access = searchGrant(grant, allow, actions, combos, { kinds, excludeAccounts: [...trust.accounts] }, budget);
    if (access) search.found.push(access);
    else if (budget.exhausted) search.tooComplex.push(allow.index);
  }
  return search;
}

/** The outsider access {@link searchOutsiderAccess} finds, without the statements it could not judge. */
export function findOutsiderAccess(policy: CompiledPolicy, query: OutsiderQuery): OutsiderAccess[] {
  return searchOutsiderAccess(policy, query).found;
}

function searchGrant(
  grant: CompiledPolicy,
  allow: CompiledStatement,
  actions: CatalogAction[],
  combos: Map<string, Setting>[],
  principals: { kinds: readonly PrincipalKind[]; excludeAccounts: string[] },
  budget: WorkBudget,
): OutsiderAccess | undefined {
  for (const combo of combos) {
    const absent = new Set<string>();
    const context = Object.create(null) as Record<string, ContextValue>;
    const namedContext: string[] = [];
    for (const [key, setting] of combo) {
      if (setting.absent) {
        absent.add(key.toLowerCase());
        continue;
      }
      context[key] = setting.value;
      if (setting.literal) namedContext.push(`${key} = ${typeof setting.value === "string" ? setting.value : setting.value.join(", ")}`);
    }
    if (failsWithoutKeys(allow, absent)) continue;
    for (const action of actions) {
      let result;
      try {
        result = queryPolicy(grant, { action: action.name, context, absent: [...absent], anyContext: true, principals }, { budget });
      } catch (error) {
        // Principal kinds that leave no outsider to try: no access to report.
        if (error instanceof EmptyQueryError) continue;
        throw error;
      }
      if (!result.allowed && budget.exhausted) return undefined;
      if (!result.allowed) continue;
      const trace = result.allowed.result.statements.find((t) => t.index === allow.index);
      return { statement: allow.index, witness: result.allowed, principalValue: trace?.principal.matchedValue, namedContext };
    }
  }
  return undefined;
}

const KIND_WORDS: Partial<Record<PrincipalKind, string>> = {
  account: "an account",
  user: "an IAM user",
  role: "an IAM role",
  session: "a role session",
  "federated-user": "a federated user",
};

/**
 * A witness principal named for what it stands for. The search makes up accounts no one wrote down
 * (`999999999999`); printed as such they read like a real account, so the witness is described instead:
 * "any principal outside the trusted accounts and organizations, e.g. an account outside your organization".
 * A principal of an account the policy itself names (an untrusted account it lists) is shown as written, since it
 * is real. `outside` says what the witness is outside of; `account` how such an account reads in the example.
 */
export function describeWitnessPrincipal(policy: CompiledPolicy, principal: string, outside: string, account: string): string {
  const caller = parseCaller(principal);
  if (!caller || caller.kind === "anonymous") return caller ? "an anonymous caller" : `"${principal}"`;
  if (caller.account === undefined) return `"${principal}"`;
  if (accountsNamedIn(policy).has(caller.account)) return `"${principal}" (${outside})`;
  const kind = KIND_WORDS[caller.kind];
  return `any principal ${outside}, e.g. ${caller.kind === "account" || !kind ? account : `${kind} of ${account}`}`;
}
