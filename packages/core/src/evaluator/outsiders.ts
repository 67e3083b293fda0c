import { ecrCatalog, type CatalogAction } from "../catalog.js";
import { PARTITIONS } from "../partitions.js";
import { withStatements, type CompiledCondition, type CompiledPolicy, type CompiledStatement } from "./compile.js";
import { catalogCoverage, conditionHolds, failsWithoutKeys, matchedPrincipalValue, NO_CONTEXT } from "./evaluate.js";
import { DEFAULT_ANALYSIS_STEPS, TOO_COMPLEX, WorkBudget } from "./budget.js";
import { resourcePatternsOverlap } from "./match.js";
import { parseCaller, principalAccount, type PrincipalEntry } from "./principal.js";
import { conditionGlobs, EmptyQueryError, queryPolicy } from "./query.js";
import type { ContextValue, PrincipalKind, QueryWitness } from "./types.js";
import { alt, ANY_CHAR, classWitnesses, cls, DIGIT, lit, plus, repeat, seq, star, type GlobSpec, type Shape } from "./witness.js";

/**
 * "Can someone outside the trusted set use this grant?", asked of the quantified query with the principal left out
 * and every other context key ranged over.
 *
 * The query ranges a context key over every case the policy tells apart, the policy's own values included. For
 * keys that name where a caller comes from (its organization, the account or ARN a service acts for, the VPC it
 * calls through), the policy's values describe insiders: an outsider cannot choose them. Those keys are fixed
 * here to what an outsider can have instead: absent, a value the policy does not name, a value that one of the
 * policy's wildcard patterns matches and that belongs to no trusted account or organization (account and
 * organization ids are assigned by AWS, so `o-abc*` admits organizations no one knows), and, for untrusted
 * principals, the untrusted values the policy itself names. An absent key is left out of the request, so the
 * conditions on it come out as the evaluator decides for every request (REFERENCE §6: a missing key makes a
 * condition false, except under negated operators, IfExists and ForAllValues).
 *
 * Keys whose value the registry decides are fixed to the registry's values rather than ranged over
 * (`registryContext`). Every statement the search leaves out of `found` is either judged (no outsider gets in) or
 * listed as `tooComplex` or `inconclusive`: silence means checked and fine.
 */

type PinningKind = "account" | "org" | "org-paths" | "arn" | "userid" | "vpc" | "vpce" | "absent-only" | "false";

/** Condition keys (lower-cased) that describe where a caller comes from, by the shape of their values. */
export const PINNING_KEYS: ReadonlyMap<string, PinningKind> = new Map<string, PinningKind>([
  ["aws:principalorgid", "org"],
  ["aws:principalorgpaths", "org-paths"],
  ["aws:sourceaccount", "account"],
  ["aws:sourceowner", "account"],
  ["aws:sourcearn", "arn"],
  ["aws:sourceorgid", "org"],
  ["aws:sourceorgpaths", "org-paths"],
  ["aws:userid", "userid"],
  ["aws:sourcevpc", "vpc"],
  ["aws:sourcevpce", "vpce"],
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

/**
 * Combinations of pinned values tried per statement. Past it a statement no tried combination opens is reported
 * as too complex to analyse, never passed.
 */
const MAX_COMBINATIONS = 64;

export interface OutsiderQuery {
  /** Accounts whose principals are insiders. */
  trustedAccounts: Iterable<string>;
  /**
   * Organizations whose principals are insiders. Compared without case: organization ids are lower-case
   * (`o-[a-z0-9]{10,32}`, AWS Organizations API reference), so `O-A1B2C3D4E5` can only stand for `o-a1b2c3d4e5`.
   */
  trustedOrgs?: Iterable<string>;
  /** Also try the untrusted accounts and organizations that the policy's conditions name, not only fresh values. */
  tryNamedValues?: boolean;
  /** Callers an outsider can be (default: `OUTSIDER_KINDS`). */
  principalKinds?: readonly PrincipalKind[];
  /** Work allowed for the whole search, every statement together (default: `DEFAULT_ANALYSIS_STEPS`). */
  budget?: WorkBudget;
  /**
   * Pass without a search the Allows whose compiled statement shows no outsider can use them (a condition that pins
   * aws:PrincipalArn or aws:PrincipalAccount to trusted accounts) (default true); false searches them, for
   * cross-checking. Allows that name only insiders are never searched.
   */
  shortcuts?: boolean;
}

/** An Allow statement the search could not judge exactly, and why (a reason starting `too complex to analyse` when a cap was reached). */
export interface InconclusiveStatement {
  statement: number;
  reason: string;
}

export interface OutsiderSearch {
  found: OutsiderAccess[];
  /** Allow statements (indexes) the search could not judge: the budget ran out first. Too complex to analyse. */
  tooComplex: number[];
  /** Allow statements the search found no outsider for, but without covering every case: not known to be safe. */
  inconclusive: InconclusiveStatement[];
}

export interface OutsiderAccess {
  /** The Allow statement's index in the Statement list. */
  statement: number;
  /** A request by an outsider that the statement allows and no Deny cancels, with its evaluation. */
  witness: QueryWitness;
  /** The Principal value that lets the witness in (`"*"`, an account), when one does; undefined under NotPrincipal. */
  principalValue: string | undefined;
  /**
   * Pinning keys the witness has a value for that the policy names (`aws:PrincipalOrgID = o-partner`) or that one
   * of its patterns matches: for `"o-abc*"`, an org id the search builds from the pattern's prefix, padded to the
   * length AWS gives org ids, and named with the pattern it matches.
   */
  namedContext: string[];
}

/** How a pinning key is set in one request: absent, or a value (`shown`: how the report names it, when it does). */
type Setting = { absent: true } | { absent: false; value: ContextValue; shown?: string };

interface Trust {
  accounts: ReadonlySet<string>;
  /** Lower-cased. */
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

/** The organization an organization id or path belongs to, lower-cased (ids are lower-case, see `OutsiderQuery`). */
const orgOf = (value: string) => value.split("/")[0]!.toLowerCase();

/**
 * Values the policy names for a key that belong to no trusted account or organization. Organization ids are read
 * lower-cased: a request carries the id AWS assigned, which is lower-case, so a policy's `O-PARTNER0001` (under
 * StringEqualsIgnoreCase) stands for `o-partner0001`, and the trusted organization in capitals for itself.
 */
function untrustedNamedValues(kind: PinningKind, values: string[], trust: Trust): ContextValue[] {
  const out: ContextValue[] = [];
  for (const v of new Set(values)) {
    if (hasPattern(v)) continue;
    if (kind === "account" && /^\d{12}$/.test(v) && !trust.accounts.has(v)) out.push(v);
    if (kind === "org" && !trust.orgs.has(orgOf(v))) out.push(v.toLowerCase());
    if (kind === "org-paths" && !trust.orgs.has(orgOf(v))) out.push([v.toLowerCase()]);
    if (kind === "arn") {
      const account = v.split(":")[4];
      if (account && /^\d{12}$/.test(account) && !trust.accounts.has(account)) out.push(v);
    }
  }
  return out;
}

const LOWER_ALNUM = cls("lower-case letter or digit", (c) => (c >= "a" && c <= "z") || (c >= "0" && c <= "9"));
const HEX = cls("hexadecimal digit", (c) => (c >= "a" && c <= "f") || (c >= "0" && c <= "9"));
const UPPER_ALNUM = cls("upper-case letter or digit", (c) => (c >= "A" && c <= "Z") || (c >= "0" && c <= "9"));
const SESSION_CHAR = cls("session name character", (c) => /^[\w+=,.@-]$/.test(c));
const ARN_WORD = cls("ARN service or Region character", (c) => (c >= "a" && c <= "z") || (c >= "0" && c <= "9") || c === "-");
/** `min` to `max` items. */
const between = (item: Shape, min: number, max: number): Shape => {
  let optional: Shape = lit("");
  for (let i = min; i < max; i++) optional = alt(lit(""), seq(item, optional));
  return seq(repeat(item, min), optional);
};
const ACCOUNT_ID = repeat(DIGIT, 12);
// AWS Organizations API reference: an organization id is "o-" and 10 to 32 lower-case letters or digits, a root id
// "r-" and 4 to 32, an OU id "ou-", 4 to 32, "-", 8 to 32; aws:PrincipalOrgPaths values are "o-…/r-…/ou-…/…/".
const ORG_ID = seq(lit("o-"), between(LOWER_ALNUM, 10, 32));
const ORG_PATH = seq(ORG_ID, lit("/r-"), between(LOWER_ALNUM, 4, 32), lit("/"), star(seq(lit("ou-"), plus(LOWER_ALNUM), lit("-"), plus(LOWER_ALNUM), lit("/"))));
// The ARN of a resource some account owns (IAM User Guide, ARN format): partition, service, Region, account, resource.
const OWNED_ARN = seq(lit("arn:"), alt(...PARTITIONS.map((p) => lit(p.id))), lit(":"), plus(ARN_WORD), lit(":"), star(ARN_WORD), lit(":"), ACCOUNT_ID, lit(":"), plus(ANY_CHAR));
// IAM User Guide, policy variables (the values of aws:userid): a user's unique id (AIDA…), a role's unique id and the
// session name (AROA…:name), an account id for its root user, or the account id and name of a federated user.
const UNIQUE_ID = seq(cls("upper-case letter", (c) => c >= "A" && c <= "Z"), between(UPPER_ALNUM, 15, 31));
const USER_ID = seq(alt(UNIQUE_ID, ACCOUNT_ID), alt(lit(""), seq(lit(":"), plus(SESSION_CHAR))));
const SHAPES: Partial<Record<PinningKind, Shape>> = {
  account: ACCOUNT_ID,
  org: ORG_ID,
  "org-paths": ORG_PATH,
  arn: OWNED_ARN,
  userid: USER_ID,
  // EC2 ids: the prefix and 8 or 17 hexadecimal digits.
  vpc: seq(lit("vpc-"), between(HEX, 8, 17)),
  vpce: seq(lit("vpce-"), between(HEX, 8, 17)),
};

/**
 * Globs that every value of an insider of this kind matches: trusted accounts and organizations, and for keys whose
 * values name no account (VPCs, endpoints, unique ids) the values the policy writes out, which are someone in
 * particular (an aws:userid of `AROAEXAMPLEID:*` is every session of one role).
 */
function insiderGlobs(kind: PinningKind, accounts: Iterable<string>, orgs: Iterable<string>, conditions: readonly CompiledCondition[]): GlobSpec[] {
  const glob = (text: string, wildcards: boolean, arn = false): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards, arn });
  // Values (or, for aws:userid, the unique ids before the session name) written without a wildcard.
  const written = (part: (v: string) => string = (v) => v) => conditions.flatMap((c) => c.values.map((t) => part(t.source))).filter((v) => v && !hasPattern(v));
  switch (kind) {
    case "account":
      return [...accounts].map((a) => glob(a, false));
    case "org":
      return [...orgs].map((o) => glob(o, false));
    case "org-paths":
      return [...orgs].map((o) => glob(`${o}/*`, true));
    case "arn":
      return [...accounts].map((a) => glob(`arn:*:*:*:${a}:*`, true, true));
    case "userid": {
      const ids = new Set([...accounts, ...written((v) => v.split(":")[0]!)]);
      return [...ids].flatMap((id) => [glob(id, false), glob(`${id}:*`, true)]);
    }
    case "vpc":
    case "vpce":
      return written().map((v) => glob(v, false));
    default:
      return [];
  }
}

const isWildcard = (g: GlobSpec) => g.wildcards && [...g.pattern.text].some((c, i) => (c === "*" || c === "?") && !g.pattern.literalAt?.includes(i));

/**
 * Values of a pinning key that some wildcard pattern of the policy matches, that equal none of its exact values and
 * that belong to no insider: one per class of values the conditions tell apart (`classWitnesses`), within the shape
 * such values have. IAM User Guide, condition operators: StringLike matches case-sensitively with `*` and `?`
 * anywhere in the value, ArnLike (and ArnEquals, which matches alike) per colon-delimited part with the same
 * wildcards, and the IgnoreCase operators ignore case (`conditionGlobs` reads them so). So `11112222333?` admits ten
 * accounts, and every one of them that is not trusted is an outsider's. Incomplete (too many patterns): `reasons`.
 */
function patternValues(kind: PinningKind, conditions: readonly CompiledCondition[], insiders: GlobSpec[], budget: WorkBudget, reasons: string[], keyText: string): Setting[] {
  const shape = SHAPES[kind];
  if (!shape) return [];
  const globs = conditions.flatMap((c) => conditionGlobs(c, NO_CONTEXT));
  if (!globs.some(isWildcard)) return [];
  const result = classWitnesses({ shape, globs: [...globs, ...insiders], budget });
  if (!result.complete && !result.exhausted) reasons.push(`too many patterns on ${keyText} to split into cases`);
  const out: Setting[] = [];
  for (const w of result.witnesses) {
    const matched = globs.filter((_, i) => w.matches[i]);
    if (w.matches.slice(globs.length).some(Boolean) || matched.length === 0 || matched.some((g) => !isWildcard(g))) continue;
    const value: ContextValue = kind === "org-paths" ? [w.value] : w.value;
    out.push({ absent: false, value, shown: `${keyText} = ${w.value}, which "${matched[0]!.pattern.text}" matches` });
  }
  return out;
}

/**
 * What is read once per statement list: every rule compiles its own policy of a document, but the statements (and
 * so these) are shared by every compile of it (`compilePolicy`), and a policy's version and Id go with them. Each
 * part is read when first asked for: most searches never need a fresh value, so never the set of strings.
 */
interface WrittenText {
  version: string | undefined;
  id: string | undefined;
  strings?: ReadonlySet<string>;
  accounts?: ReadonlySet<string>;
}

const writtenByStatements = new WeakMap<readonly CompiledStatement[], WrittenText>();

function writtenText(policy: CompiledPolicy): WrittenText {
  const kept = writtenByStatements.get(policy.statements);
  if (kept && kept.version === policy.version && kept.id === policy.id) return kept;
  const written: WrittenText = { version: policy.version, id: policy.id };
  writtenByStatements.set(policy.statements, written);
  return written;
}

/** Every string a policy is written with, in the order it is written, repeats included. */
function forEachString(policy: CompiledPolicy, visit: (text: string) => void): void {
  const add = (v: string | undefined) => v !== undefined && visit(v);
  add(policy.version);
  add(policy.id);
  for (const s of policy.statements) {
    add(s.sid);
    add(s.effect);
    if (s.principal) for (const e of s.principal.entries) add(e.source);
    if (s.action) for (const a of s.action.sources) add(a);
    if (s.resource) for (const t of s.resource.patterns) add(t.source);
    for (const c of s.conditions) {
      add(c.operatorText);
      add(c.keyText);
      for (const t of c.values) add(t.source);
    }
  }
}

/** Every string a policy is written with, so that a fresh value can avoid them. */
function policyStrings(policy: CompiledPolicy): ReadonlySet<string> {
  const written = writtenText(policy);
  if (!written.strings) {
    const strings = new Set<string>();
    forEachString(policy, (text) => strings.add(text));
    written.strings = strings;
  }
  return written.strings;
}

const ACCOUNT_IN_TEXT = /(?<!\d)\d{12}(?!\d)/g;
const TWELVE_DIGITS = /\d{12}/;

/** The accounts a policy names anywhere (principals, ARNs, condition values, even a Sid): someone in particular. */
export function accountsNamedIn(policy: CompiledPolicy): Set<string> {
  return new Set(namedAccounts(policy));
}

function namedAccounts(policy: CompiledPolicy): ReadonlySet<string> {
  const written = writtenText(policy);
  if (!written.accounts) {
    const accounts = new Set<string>();
    // Read off the strings as written rather than their set: the set costs a hash of every string, and most
    // strings (actions, keys, operators) are too short or hold no run of twelve digits.
    forEachString(policy, (text) => {
      if (text.length >= 12 && TWELVE_DIGITS.test(text)) for (const m of text.matchAll(ACCOUNT_IN_TEXT)) accounts.add(m[0]);
    });
    written.accounts = accounts;
  }
  return written.accounts;
}

function readsOrganizations(c: CompiledCondition): boolean {
  const kind = PINNING_KEYS.get(c.key);
  return kind === "org" || kind === "org-paths";
}

/** Organizations a policy writes out before any wildcard (`o-a1b2c3d4e5`, `o-a1b2c3d4e5/r-ab12/*`): someone in particular. */
function orgsNamedIn(statements: readonly CompiledStatement[]): Set<string> {
  const orgs = new Set<string>();
  for (const s of statements) {
    for (const c of s.conditions) {
      if (!readsOrganizations(c)) continue;
      for (const t of c.values) {
        const m = /^(o-[a-z0-9]+)(?:\/|$)/i.exec(t.source);
        if (m) orgs.add(m[1]!.toLowerCase());
      }
    }
  }
  return orgs;
}

interface Settings {
  /** Each pinning key (as written) with the settings that tell its conditions apart. */
  choices: [string, Setting[]][];
  total: number;
  reasons: string[];
}

/**
 * Every way to set the pinning keys the statements use: each key absent, fresh, matched by a pattern, or
 * (optionally) a named value. Settings under which every condition on the key comes out alike are one case: only
 * what the conditions tell apart is combined (a key read through a policy variable elsewhere is kept whole).
 */
function settingsFor(statements: readonly CompiledStatement[], trust: Trust, taken: () => ReadonlySet<string>, budget: WorkBudget, known: Map<string, KeySettings>): Settings {
  const used = new Map<string, { text: string; conditions: CompiledCondition[] }>();
  const variables = new Set<string>();
  for (const s of statements) {
    for (const t of [...(s.resource?.patterns ?? []), ...s.conditions.flatMap((c) => c.values)]) for (const v of t.variables) variables.add(v.toLowerCase());
    for (const c of s.conditions) {
      if (!PINNING_KEYS.has(c.key)) continue;
      const entry = used.get(c.key) ?? { text: c.keyText, conditions: [] };
      entry.conditions.push(c);
      used.set(c.key, entry);
    }
  }
  const reasons: string[] = [];
  const insiderOrgs = trust.tryNamedValues ? trust.orgs : new Set([...trust.orgs, ...orgsNamedIn(statements)]);
  const choices: [string, Setting[]][] = [];
  for (const [key, { text: keyText, conditions }] of used) {
    const whole = variables.has(key) || conditions.some((c) => c.values.some((t) => !t.isStatic));
    // What the settings of a key depend on: the same conditions on it in another Allow's search get the same ones.
    const id = JSON.stringify([keyText, whole, [...insiderOrgs].sort(), conditions.map((c) => [c.operatorText, c.values.map((t) => t.source)])]);
    let entry = known.get(id);
    if (!entry) {
      const own: string[] = [];
      entry = { settings: keySettings(key, keyText, conditions, whole, trust, insiderOrgs, taken, budget, own), reasons: own };
      // A search cut short by the budget is not an answer to share.
      if (!budget.exhausted) known.set(id, entry);
    }
    reasons.push(...entry.reasons);
    choices.push([keyText, entry.settings]);
  }
  return { choices, total: choices.reduce((n, [, s]) => n * s.length, 1), reasons };
}

/** The settings of one pinning key, and why they may not cover every case. */
interface KeySettings {
  settings: Setting[];
  reasons: string[];
}

function keySettings(key: string, keyText: string, conditions: CompiledCondition[], whole: boolean, trust: Trust, insiderOrgs: ReadonlySet<string>, taken: () => ReadonlySet<string>, budget: WorkBudget, reasons: string[]): Setting[] {
  const kind = PINNING_KEYS.get(key)!;
  const settings: Setting[] = [];
  if (kind === "false") settings.push({ absent: false, value: "false" });
  else {
    settings.push({ absent: true });
    if (kind !== "absent-only") {
      settings.push({ absent: false, value: freshValue(kind, taken()) });
      settings.push(...patternValues(kind, conditions, insiderGlobs(kind, trust.accounts, insiderOrgs, conditions), budget, reasons, keyText));
      if (trust.tryNamedValues) {
        const values = conditions.flatMap((c) => c.values.map((t) => t.source));
        for (const v of untrustedNamedValues(kind, values, trust)) settings.push({ absent: false, value: v, shown: `${keyText} = ${typeof v === "string" ? v : v.join(", ")}` });
      }
    }
  }
  return whole ? settings : distinctSettings(key, conditions, settings);
}

/** One setting per way the conditions on `key` come out (the first, so absent and fresh values before named ones). */
function distinctSettings(key: string, conditions: readonly CompiledCondition[], settings: Setting[]): Setting[] {
  const seen = new Set<string>();
  return settings.filter((setting) => {
    const value = setting.absent ? undefined : setting.value;
    const vector = conditions.map((c) => (conditionHolds(c, (k) => (k === key ? value : undefined)) ? "1" : "0")).join("");
    if (seen.has(vector)) return false;
    seen.add(vector);
    return true;
  });
}

/** The combination at `index` of the mixed-radix count over the choices. */
function combination(choices: readonly [string, Setting[]][], index: number): Map<string, Setting> {
  const combo = new Map<string, Setting>();
  let rest = index;
  for (const [key, settings] of choices) {
    combo.set(key, settings[rest % settings.length]!);
    rest = Math.floor(rest / settings.length);
  }
  return combo;
}

/** Representative actions: one per set of statements that cover it and per resource kind (repository or `*`). */
function actionClasses(allow: CompiledStatement, denies: readonly CompiledStatement[]): CatalogAction[] {
  const seen = new Map<string, CatalogAction>();
  const allowed = catalogCoverage(allow);
  const denied = denies.map(catalogCoverage);
  ecrCatalog().actions.forEach((action, a) => {
    if (!allowed[a]) return;
    let key = action.resourceTypes.length === 0 ? "*" : "r";
    for (const d of denied) key += d[a] ? "1" : "0";
    if (!seen.has(key)) seen.set(key, action);
  });
  return [...seen.values()];
}

/**
 * The Deny statements that can cancel the grant for an outsider: those covering one of the actions it allows whose
 * principal can be an outsider. Only their keys are combined with the Allow's.
 */
function denialsOf(allow: CompiledStatement, denies: readonly CompiledStatement[]): CompiledStatement[] {
  const allowed = catalogCoverage(allow);
  const sharesAction = (d: CompiledStatement) => catalogCoverage(d).some((covered, a) => covered && allowed[a]);
  return denies.filter((d) => sharesAction(d) && resourcesMayMeet(allow, d) && principalsMayMeet(allow, d));
}

/** The Deny statements that can cancel some grant to an outsider, whatever the grant: {@link denialsOf} picks among them per Allow. */
function outsiderDenies(policy: CompiledPolicy, trust: Trust): CompiledStatement[] {
  return policy.statements.filter((s) => s.effect === "Deny" && s.defects.length === 0 && !namesInsidersOnly(s, trust));
}

/**
 * Whether some caller can match a Principal entry of both statements: a Deny of other accounts' principals cannot
 * cancel the Allow, whatever its conditions. An account, a user or role in it, or an IAM or STS ARN in it matches
 * only callers of that account; a service, federated or canonical-user value only that caller (REFERENCE §6).
 * Kept whenever it cannot be told (NotPrincipal, `*`, an ARN with no account).
 */
function principalsMayMeet(allow: CompiledStatement, deny: CompiledStatement): boolean {
  const a = allow.principal;
  const d = deny.principal;
  if (!a || !d || a.negated || d.negated) return true;
  return a.entries.some((x) => d.entries.some((y) => entriesMayMeet(x, y)));
}

function entriesMayMeet(x: PrincipalEntry, y: PrincipalEntry): boolean {
  if (x.kind === "any" || y.kind === "any") return true;
  if (x.kind === "never" || y.kind === "never") return false;
  if (x.kind === "value" || y.kind === "value") return x.kind === "value" && y.kind === "value" && x.callerKind === y.callerKind && x.value === y.value;
  const accountOf = (e: PrincipalEntry & { kind: "account" | "named" | "exact-arn" }) => (e.kind === "exact-arn" ? principalAccount(e.arn) : e.account);
  const ax = accountOf(x);
  const ay = accountOf(y);
  return ax === undefined || ay === undefined || ax === ay;
}

/**
 * Whether some resource can match a Resource pattern of both statements. A Deny whose repositories the Allow never
 * names cannot cancel it, so neither its keys nor its patterns need to join the Allow's search. Kept whenever it
 * cannot be told (NotResource, no Resource, policy variables).
 */
function resourcesMayMeet(allow: CompiledStatement, deny: CompiledStatement): boolean {
  const a = allow.resource;
  const d = deny.resource;
  if (!a || !d || a.negated || d.negated || !a.patterns.every(isStatic) || !d.patterns.every(isStatic)) return true;
  return a.patterns.some((x) => d.patterns.some((y) => patternsOverlap(x.source, y.source)));
}

/**
 * `resourcePatternsOverlap`, kept by pair: a policy asks it of every Allow and Deny pattern pair, and policies
 * repeat their patterns. Bounded: a run over many files sees many.
 */
const keptOverlaps = new Map<string, Map<string, boolean>>();
let keptOverlapCount = 0;

function patternsOverlap(x: string, y: string): boolean {
  let withX = keptOverlaps.get(x);
  if (!withX) keptOverlaps.set(x, (withX = new Map()));
  let overlap = withX.get(y);
  if (overlap === undefined) {
    overlap = resourcePatternsOverlap(x, y);
    if (keptOverlapCount >= 20_000) {
      keptOverlaps.clear();
      keptOverlaps.set(x, (withX = new Map()));
      keptOverlapCount = 0;
    }
    withX.set(y, overlap);
    keptOverlapCount++;
  }
  return overlap;
}

const isStatic = (t: { isStatic: boolean }) => t.isStatic;

const ACCOUNT_DIGITS = /^\d{12}$/;

/**
 * Whether a condition holds only for callers of trusted accounts, so that a statement carrying it can never let an
 * outsider in, whatever else it says. Such a condition compares aws:PrincipalArn or aws:PrincipalAccount, which
 * follow the caller (a request cannot choose them; an anonymous caller has neither), with a positive operator that
 * fails when the key is absent (no `Not`, no IfExists, no set qualifier: REFERENCE §6), and every one of its values
 * pins the account: a trusted 12-digit account, written out where the ARN's account part is (ArnLike compares part
 * by part; StringLike only when no wildcard comes before it, so that `*` cannot reach into it).
 */
function admitsInsidersOnly(c: CompiledCondition, trust: Trust, insiderOrgs: ReadonlySet<string>): boolean {
  const op = c.operator;
  if (!op || op.base.negated || op.ifExists || op.set === "ForAllValues" || c.values.length === 0) return false;
  const family = op.base.family;
  const pinning = PINNING_KEYS.get(c.key);
  if (pinning === "account" || pinning === "org" || pinning === "org-paths") return family === "string" && c.values.every((t) => t.isStatic && namesInsider(pinning, t.source, trust, insiderOrgs, op.base.wildcards));
  if (op.set) return false;
  if (c.key === "aws:principalaccount") {
    return family === "string" && c.values.every((t) => t.isStatic && ACCOUNT_DIGITS.test(t.source) && trust.accounts.has(t.source));
  }
  if (c.key !== "aws:principalarn" || (family !== "arn" && family !== "string")) return false;
  return c.values.every((t) => {
    if (!t.isStatic) return false;
    const parts = t.source.split(":");
    if (parts.length < 6 || (family === "string" && parts.length !== 6)) return false;
    const account = parts[4]!;
    if (!ACCOUNT_DIGITS.test(account) || !trust.accounts.has(account)) return false;
    return family === "arn" || !op.base.wildcards || !/[*?]/.test(parts.slice(0, 5).join(":"));
  });
}

/**
 * Whether a value of a pinning key written in a condition belongs to an insider: a trusted account, or an insider
 * organization (for a path, the organization before its first `/`, written without a wildcard so that `*` cannot
 * reach into it). The search never gives an outsider such a value (`keySettings`): absent, fresh, pattern-matched
 * and named values all belong to no insider, so a positive condition on it fails for every outsider.
 */
function namesInsider(kind: "account" | "org" | "org-paths", value: string, trust: Trust, insiderOrgs: ReadonlySet<string>, wildcards: boolean): boolean {
  if (kind === "account") return ACCOUNT_DIGITS.test(value) && trust.accounts.has(value);
  const slash = value.indexOf("/");
  if (kind === "org-paths" && slash < 0) return false;
  const org = kind === "org" ? value : value.slice(0, slash);
  if (wildcards && (kind === "org" ? hasPattern(value) : /[*?]/.test(org))) return false;
  return !org.includes("${") && insiderOrgs.has(org.toLowerCase());
}

/**
 * An Allow that no outsider can use, as its compiled statement shows: it names insiders only, or one of its
 * conditions (which must all hold) admits insiders only. No search is needed to know it; every other Allow is
 * searched, so an answer a search could not reach is never taken for a safe one.
 */
function closedToOutsiders(allow: CompiledStatement, trust: Trust): boolean {
  if (namesInsidersOnly(allow, trust)) return true;
  if (allow.conditions.length === 0) return false;
  // The organizations the search takes for insiders' (`settingsFor`), of this statement's own conditions; only a
  // condition on an organization key reads them, and only such a condition names one.
  const insiderOrgs = trust.tryNamedValues || !allow.conditions.some(readsOrganizations) ? trust.orgs : new Set([...trust.orgs, ...orgsNamedIn([allow])]);
  return allow.conditions.some((c) => admitsInsidersOnly(c, trust, insiderOrgs));
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
 * Keys whose value the registry decides, for a request to it about `action`, when the statements read them:
 * aws:RequestedRegion is the Region the request is sent to, which for a registry's policy is the registry's Region
 * (a registry policy is put per Region, REFERENCE §1), and aws:ResourceAccount is the account that owns the resource,
 * the registry's account for an action on one of its repositories (IAM User Guide, global condition context keys).
 * For an action on `*` the guide does not say the key is present, so it stays ranged over (absent or any value).
 * A key with no registry value known stays ranged over too.
 */
function registryContext(policy: CompiledPolicy, statements: readonly CompiledStatement[], action: CatalogAction): Record<string, ContextValue> {
  const context = Object.create(null) as Record<string, ContextValue>;
  const registry = policy.registry;
  for (const s of statements) {
    for (const c of s.conditions) {
      if (c.key === "aws:requestedregion" && registry?.region) context[c.keyText] = registry.region;
      if (c.key === "aws:resourceaccount" && registry?.account && action.resourceTypes.length > 0) context[c.keyText] = registry.account;
    }
  }
  return context;
}

/**
 * For each Allow statement, a request by an outsider (a principal of an account outside `trustedAccounts`, or an
 * anonymous caller) that the statement allows and no Deny statement cancels, if one exists. The search of every
 * statement shares one work budget; statements it could not judge in that budget are listed as too complex, and
 * statements it could not judge exactly (a query that could not split every case, more combinations of pinned
 * values than it tries) as inconclusive, with the reason.
 */
export function searchOutsiderAccess(policy: CompiledPolicy, query: OutsiderQuery): OutsiderSearch {
  const trust: Trust = {
    accounts: new Set(query.trustedAccounts),
    orgs: new Set([...(query.trustedOrgs ?? [])].map((o) => o.toLowerCase())),
    tryNamedValues: query.tryNamedValues ?? false,
  };
  const kinds = query.principalKinds ?? OUTSIDER_KINDS;
  const shortcuts = query.shortcuts ?? true;
  const budget = query.budget ?? new WorkBudget(DEFAULT_ANALYSIS_STEPS);
  const taken = () => policyStrings(policy);
  const denies = outsiderDenies(policy, trust);
  const search: OutsiderSearch = { found: [], tooComplex: [], inconclusive: [] };
  const known = new Map<string, KeySettings>();
  for (const allow of policy.statements) {
    if (allow.effect !== "Allow" || allow.defects.length > 0 || (shortcuts ? closedToOutsiders(allow, trust) : namesInsidersOnly(allow, trust))) continue;
    if (budget.exhausted) {
      search.tooComplex.push(allow.index);
      continue;
    }
    const against = denialsOf(allow, denies);
    const settings = settingsFor([allow, ...against], trust, taken, budget, known);
    const grant = withStatements(policy, (s) => s === allow || against.includes(s));
    const outcome = searchGrant(grant, allow, actionClasses(allow, against), settings, { kinds, excludeAccounts: [...trust.accounts] }, budget);
    if (outcome.access) search.found.push(outcome.access);
    else if (budget.exhausted) search.tooComplex.push(allow.index);
    else if (outcome.reasons.length) search.inconclusive.push({ statement: allow.index, reason: outcome.reasons.join("; ") });
  }
  return search;
}

/**
 * The outsider access {@link searchOutsiderAccess} finds, without the statements it could not judge: for tests and
 * callers that only want witnesses. A rule must use `searchOutsiderAccess` and report what it could not judge.
 */
export function findOutsiderAccess(policy: CompiledPolicy, query: OutsiderQuery): OutsiderAccess[] {
  return searchOutsiderAccess(policy, query).found;
}

function searchGrant(
  grant: CompiledPolicy,
  allow: CompiledStatement,
  actions: CatalogAction[],
  settings: Settings,
  principals: { kinds: readonly PrincipalKind[]; excludeAccounts: string[] },
  budget: WorkBudget,
): { access?: OutsiderAccess; reasons: string[] } {
  const reasons = [...settings.reasons];
  const tried = Math.min(settings.total, MAX_COMBINATIONS);
  for (let index = 0; index < tried; index++) {
    const absent = new Set<string>();
    const pinned = Object.create(null) as Record<string, ContextValue>;
    const namedContext: string[] = [];
    for (const [key, setting] of combination(settings.choices, index)) {
      if (setting.absent) {
        absent.add(key.toLowerCase());
        continue;
      }
      pinned[key] = setting.value;
      if (setting.shown) namedContext.push(setting.shown);
    }
    if (failsWithoutKeys(allow, absent)) continue;
    for (const action of actions) {
      const context = Object.assign(registryContext(grant, grant.statements, action), pinned);
      let result;
      try {
        // Only an allowed request is an outsider's access: the search stops at the first.
        result = queryPolicy(grant, { action: action.name, context, absent: [...absent], anyContext: true, principals }, { budget, until: "allowed" });
      } catch (error) {
        // Principal kinds that leave no outsider to try: no access to report.
        if (error instanceof EmptyQueryError) continue;
        throw error;
      }
      if (!result.allowed && budget.exhausted) return { reasons };
      if (!result.allowed) {
        // Not allowed for the cases the query covered; the cases it could not cover may be.
        if (result.status === "inconclusive" && result.reason) reasons.push(result.reason);
        continue;
      }
      // The value that lets the witness in, read off the Allow itself: its trace would evaluate every statement.
      const principalValue = matchedPrincipalValue(grant, allow, result.allowed.request);
      return { access: { statement: allow.index, witness: result.allowed, principalValue, namedContext }, reasons };
    }
  }
  if (settings.total > MAX_COMBINATIONS) {
    const keys = settings.choices.filter(([, s]) => s.length > 1).map(([k]) => k);
    reasons.unshift(`${TOO_COMPLEX}: ${settings.total} combinations of the values of ${keys.join(", ")} that matter, over the ${MAX_COMBINATIONS} tried`);
  }
  return { reasons: [...new Set(reasons)] };
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
  if (namedAccounts(policy).has(caller.account)) return `"${principal}" (${outside})`;
  const kind = KIND_WORDS[caller.kind];
  return `any principal ${outside}, e.g. ${caller.kind === "account" || !kind ? account : `${kind} of ${account}`}`;
}
