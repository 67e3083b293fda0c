import { ecrCatalog, type CatalogAction } from "../catalog.js";
import type { RegistryContext } from "../config/registry.js";
import { compilePolicy, parseOperator, principalAccount, queryPolicy, statementCoversAction } from "../evaluator/index.js";
import type { PrincipalKind, QueryWitness } from "../evaluator/types.js";
import { policyValue, type PolicyDocument, type PolicyStatement } from "../model/policy.js";
import type { JsonNode } from "../parse.js";
import { isAllow, isDeny } from "./util.js";

/**
 * "Can someone outside the trusted set use this grant?" asked of the evaluator's quantified mode (`queryPolicy` with
 * the principal left out and every other context key ranged over).
 *
 * The evaluator ranges a context key over every case the policy tells apart, the policy's own values included. For
 * keys that name where a caller comes from (its organization, the account or ARN a service acts for, the VPC it
 * calls through), the policy's values describe insiders: an outsider cannot choose them. Those keys are fixed here
 * to what an outsider can have instead: absent, or a value the policy does not name (and, for untrusted principals,
 * the untrusted values the policy itself names). Absence is given to the evaluator by rewriting the conditions on
 * the key as a missing key makes them come out (REFERENCE §6), because a query cannot leave one key absent while
 * ranging over the others.
 */

type Setting = { absent: true } | { absent: false; value: string | string[]; literal: boolean };

interface PinningKey {
  /** Lower-cased condition key. */
  key: string;
  kind: "account" | "org" | "org-paths" | "arn" | "opaque" | "absent-only" | "false";
}

const PINNING_KEYS: PinningKey[] = [
  { key: "aws:principalorgid", kind: "org" },
  { key: "aws:principalorgpaths", kind: "org-paths" },
  { key: "aws:sourceaccount", kind: "account" },
  { key: "aws:sourceowner", kind: "account" },
  { key: "aws:sourcearn", kind: "arn" },
  { key: "aws:sourceorgid", kind: "org" },
  { key: "aws:sourceorgpaths", kind: "org-paths" },
  { key: "aws:userid", kind: "opaque" },
  { key: "aws:sourcevpc", kind: "opaque" },
  { key: "aws:sourcevpce", kind: "opaque" },
  { key: "aws:vpceaccount", kind: "account" },
  { key: "aws:vpceorgid", kind: "org" },
  { key: "aws:vpceorgpaths", kind: "org-paths" },
  // An outsider is not an AWS service: these describe service callers only.
  { key: "aws:principalisawsservice", kind: "false" },
  { key: "aws:principalservicename", kind: "absent-only" },
  { key: "aws:principalservicenameslist", kind: "absent-only" },
];
const PINNING = new Map(PINNING_KEYS.map((k) => [k.key, k]));

/** Callers an outsider can be; service principals act for AWS, not for someone outside. */
const OUTSIDER_KINDS: PrincipalKind[] = ["account", "user", "role", "session", "federated-user", "anonymous"];

/** More combinations of pinned values than this and the statement is not judged (no report rather than a guess). */
const MAX_COMBINATIONS = 64;

export interface OutsiderTrust {
  /** Accounts whose principals are insiders. */
  accounts: ReadonlySet<string>;
  /** Organizations whose principals are insiders. */
  orgs: ReadonlySet<string>;
  /** Try the untrusted accounts and organizations that the policy's conditions name, not only fresh ones. */
  tryNamedValues: boolean;
}

export interface OutsiderGrant {
  statement: PolicyStatement;
  witness: QueryWitness;
  /** Pinned keys the witness has a value for that the policy names (`aws:PrincipalOrgID = o-partner`). */
  namedContext: string[];
}

type RawStatement = Record<string, unknown>;

function rawStatements(json: unknown): unknown[] {
  const doc = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  if (Array.isArray(doc.Statement)) return doc.Statement;
  return doc.Statement === undefined ? [] : [doc.Statement];
}

function valuesOf(raw: unknown): string[] {
  const items = Array.isArray(raw) ? raw : [raw];
  return items.filter((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean").map(String);
}

/** Every condition (operator text, key text, values) of a raw statement. */
function conditionsOf(s: RawStatement): { operator: string; key: string; values: string[] }[] {
  const out: { operator: string; key: string; values: string[] }[] = [];
  const condition = s.Condition;
  if (typeof condition !== "object" || condition === null) return out;
  for (const [operator, block] of Object.entries(condition)) {
    if (typeof block !== "object" || block === null) continue;
    for (const [key, values] of Object.entries(block)) out.push({ operator, key, values: valuesOf(values) });
  }
  return out;
}

/** REFERENCE §6: how a condition comes out when its key is missing from the request. */
function holdsWhenAbsent(operator: string, values: string[]): boolean | undefined {
  const parsed = parseOperator(operator);
  if (!parsed) return undefined;
  if (parsed.base.family === "null") return values.some((v) => v.toLowerCase() === "true");
  if (parsed.set) return parsed.set === "ForAllValues";
  return parsed.ifExists || parsed.base.negated;
}

/** The statement as it reads for a request without the `absent` keys; null when it can then never match. */
function withoutKeys(s: RawStatement, absent: ReadonlySet<string>): RawStatement | null {
  const condition = s.Condition;
  if (absent.size === 0 || typeof condition !== "object" || condition === null) return s;
  const rewritten: Record<string, unknown> = {};
  for (const [operator, block] of Object.entries(condition)) {
    if (typeof block !== "object" || block === null) {
      rewritten[operator] = block;
      continue;
    }
    const kept: Record<string, unknown> = {};
    for (const [key, values] of Object.entries(block)) {
      if (!absent.has(key.toLowerCase())) {
        kept[key] = values;
        continue;
      }
      const holds = holdsWhenAbsent(operator, valuesOf(values));
      if (holds === false) return null;
      // An unknown operator never holds whatever the key: keep it for the evaluator to say so.
      if (holds === undefined) kept[key] = values;
    }
    if (Object.keys(kept).length > 0) rewritten[operator] = kept;
  }
  const out: RawStatement = { ...s };
  if (Object.keys(rewritten).length > 0) out.Condition = rewritten;
  else delete out.Condition;
  return out;
}

const hasPattern = (v: string) => /[*?]|\$\{/.test(v);

/** A value of the key's shape that equals no string of the policy. */
function freshValue(kind: PinningKey["kind"], taken: ReadonlySet<string>): string | string[] {
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
function untrustedNamedValues(kind: PinningKey["kind"], values: string[], trust: OutsiderTrust): (string | string[])[] {
  const out: (string | string[])[] = [];
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

function allStrings(value: unknown, into: Set<string>): void {
  if (typeof value === "string") into.add(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, into);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      allStrings(v, into);
    }
  }
}

/** Every way to set the pinned keys the statements use: each key absent, fresh, or (optionally) a named value. */
function settingsFor(statements: RawStatement[], trust: OutsiderTrust, taken: ReadonlySet<string>): Map<string, Setting>[] | undefined {
  const used = new Map<string, { text: string; values: string[] }>();
  const text = JSON.stringify(statements);
  for (const s of statements) {
    for (const c of conditionsOf(s)) {
      const key = c.key.toLowerCase();
      if (!PINNING.has(key)) continue;
      const entry = used.get(key) ?? { text: c.key, values: [] };
      entry.values.push(...c.values);
      used.set(key, entry);
    }
  }
  const choices: [string, Setting[]][] = [];
  for (const [key, { text: keyText, values }] of used) {
    const spec = PINNING.get(key)!;
    // A key that is also a policy variable cannot be left absent for the evaluator (it would range over it).
    const variable = text.toLowerCase().includes("${" + key);
    const settings: Setting[] = [];
    if (spec.kind === "false") settings.push({ absent: false, value: "false", literal: false });
    else {
      if (!variable) settings.push({ absent: true });
      if (spec.kind !== "absent-only") {
        settings.push({ absent: false, value: freshValue(spec.kind, taken), literal: false });
        if (trust.tryNamedValues) for (const v of untrustedNamedValues(spec.kind, values, trust)) settings.push({ absent: false, value: v, literal: true });
      }
    }
    if (settings.length > 0) choices.push([keyText, settings]);
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
function actionClasses(allow: PolicyStatement, denies: PolicyStatement[]): CatalogAction[] {
  const seen = new Map<string, CatalogAction>();
  for (const action of ecrCatalog().actions) {
    if (!statementCoversAction(allow, action.name)) continue;
    const key = `${action.resourceTypes.length === 0}:${denies.map((d) => (statementCoversAction(d, action.name) ? 1 : 0)).join("")}`;
    if (!seen.has(key)) seen.set(key, action);
  }
  return [...seen.values()];
}

/**
 * A Principal that lists only principals of trusted accounts (and service, federated or canonical-user principals,
 * which are no outsider's) can only match insiders: no search needed.
 */
function namesInsidersOnly(s: PolicyStatement, trust: OutsiderTrust): boolean {
  if (!s.principal || s.principal.wildcard) return false;
  return s.principal.entries.every((e) => {
    if (e.type !== "AWS") return ["Service", "Federated", "CanonicalUser"].includes(e.type);
    return e.values.every((v) => {
      const account = principalAccount(v.value);
      return account !== undefined && trust.accounts.has(account);
    });
  });
}

/**
 * For each Allow statement, a request by an outsider (a principal of an account outside `trust.accounts`, or an
 * anonymous caller) that the policy allows, if one exists. Deny statements are taken into account.
 */
export function findOutsiderGrants(policy: PolicyDocument, registry: RegistryContext, trust: OutsiderTrust): OutsiderGrant[] {
  const json = policyValue(policy) as Record<string, unknown>;
  const raws = rawStatements(json);
  const taken = new Set<string>();
  allStrings(json, taken);
  const denies = policy.statements.filter((s) => isDeny(s));
  const denyRaws = denies.map((s) => raws[s.index]).filter((r): r is RawStatement => typeof r === "object" && r !== null);
  const grants: OutsiderGrant[] = [];

  for (const s of policy.statements) {
    if (!isAllow(s) || (!s.principal && !s.notPrincipal) || (!s.action && !s.notAction)) continue;
    if (namesInsidersOnly(s, trust)) continue;
    const raw = raws[s.index];
    if (typeof raw !== "object" || raw === null) continue;
    const combos = settingsFor([raw as RawStatement, ...denyRaws], trust, taken);
    if (!combos) continue;
    const found = searchStatement(raw as RawStatement, denyRaws, json.Version, actionClasses(s, denies), combos, registry, trust);
    if (found) grants.push({ statement: s, ...found });
  }
  return grants;
}

function searchStatement(
  allow: RawStatement,
  denies: RawStatement[],
  version: unknown,
  actions: CatalogAction[],
  combos: Map<string, Setting>[],
  registry: RegistryContext,
  trust: OutsiderTrust,
): { witness: QueryWitness; namedContext: string[] } | undefined {
  for (const combo of combos) {
    const absent = new Set([...combo].filter(([, s]) => s.absent).map(([k]) => k.toLowerCase()));
    const statements = [allow, ...denies].map((r) => withoutKeys(r, absent));
    if (statements[0] === null) continue;
    const document = { ...(typeof version === "string" ? { Version: version } : {}), Statement: statements.filter((x) => x !== null) };
    const compiled = compilePolicy(document, { registry });
    const context: Record<string, string | string[]> = {};
    const namedContext: string[] = [];
    for (const [key, setting] of combo) {
      if (setting.absent) continue;
      context[key] = setting.value;
      if (setting.literal) namedContext.push(`${key} = ${Array.isArray(setting.value) ? setting.value.join(", ") : setting.value}`);
    }
    for (const action of actions) {
      const result = queryPolicy(compiled, {
        action: action.name,
        context,
        anyContext: true,
        principals: { kinds: OUTSIDER_KINDS, excludeAccounts: [...trust.accounts] },
      });
      if (result.allowed) return { witness: result.allowed, namedContext };
    }
  }
  return undefined;
}

/** The principal value that lets the witness in, else the Principal (or NotPrincipal) key. */
export function principalNodeFor(s: PolicyStatement, witness: string): JsonNode {
  if (s.principal?.wildcard) return s.principal.wildcard.node;
  const account = principalAccount(witness);
  for (const e of s.principal?.entries ?? []) {
    for (const v of e.values) if (v.value === "*" || (account !== undefined && principalAccount(v.value) === account)) return v.node;
  }
  return (s.principal ?? s.notPrincipal)!.property.key;
}

export function describeCaller(principal: string): string {
  return principal === "anonymous" ? "an anonymous caller" : `"${principal}"`;
}

export function accountsIn(value: unknown, into: Set<string>): void {
  if (typeof value === "string") for (const m of value.matchAll(/(?<!\d)\d{12}(?!\d)/g)) into.add(m[0]);
  else if (Array.isArray(value)) for (const v of value) accountsIn(v, into);
  else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) accountsIn(v, into);
}
