import { parseArn } from "../arn.js";
import { findEcrAction } from "../catalog.js";
import { PARTITIONS, partitionById, partitionOfRegion } from "../partitions.js";
import { compilePolicy, withStatements, type CompiledCondition, type CompiledPolicy } from "./compile.js";
import { ALWAYS_PRESENT_KEYS, conditionHolds, coversAction, decisionOnly, evaluateRequest, prepareRequest, principalLevel, requestDefault, resourceMatches, type PreparedRequest } from "./evaluate.js";
import { parseCidr, parseDate, parseNumber, type OperatorFamily } from "./operators.js";
import { keptCaller, parseCaller, type Caller, type PrincipalEntry } from "./principal.js";
import { matchResolved, type Lookup, type Template } from "./template.js";
import type { ContextValue, Decision, EvaluationRequest, PolicyQuery, PrincipalScope, QueryResult, QueryWitness } from "./types.js";
import { DEFAULT_ANALYSIS_STEPS, TOO_COMPLEX, WorkBudget } from "./budget.js";
import { KeptMap } from "./kept-map.js";
import { policyKey } from "./policy-key.js";
import { alt, classWitnesses, globMatches, forgetSearches, keptSearchCounts, payFor, recordSearches, unpaidCost, type KeptSearch, cls, type ClassWitness, DIGIT, lit, plus, repeat, seq, star, ANY_CHAR, type GlobSpec, type Shape } from "./witness.js";

export interface QueryOptions {
  /** Cap on concrete requests tried; beyond it the answer is inconclusive. */
  maxEvaluations?: number;
  /** Cap on product states explored per dimension by the class search. */
  maxStates?: number;
  /**
   * Search independent context keys per key (a sum of cases, not a product) when no condition compares two of
   * them (default true); false tries every combination of every key's cases, for cross-checking.
   */
  factor?: boolean;
  /**
   * Work allowed, in steps: share one budget between the queries of one analysis (default: a budget of
   * `DEFAULT_ANALYSIS_STEPS` for this query alone). When it runs out the answer is inconclusive, too complex.
   */
  budget?: WorkBudget;
  /**
   * `"allowed"`: the caller asks only whether some request is allowed, so the search stops at the first allowed
   * request it evaluates (the same witness a full search gives: requests are tried in the same order). Its answer
   * may then lack the denied witnesses, and the reasons for which the cases not reached could not be split. An
   * answer without an allowed witness is a full search's.
   */
  until?: "allowed";
}

/** What bounds every class search of one query. */
interface SearchLimits {
  maxStates: number;
  budget: WorkBudget;
}

const DERIVED = new Set(["aws:principalarn", "aws:principalaccount", "aws:principaltype", "aws:principalisawsservice"]);
const ALNUM = cls("repository-name character", (c) => (c >= "a" && c <= "z") || (c >= "0" && c <= "9"));
const SEPARATOR = cls("separator", (c) => c === "." || c === "_" || c === "-");
const NAME_COMPONENT = seq(plus(ALNUM), star(seq(SEPARATOR, plus(ALNUM))));
// REFERENCE §5: components of [a-z0-9]+ joined by one of . _ -, separated by slashes.
const REPOSITORY_NAME_SHAPE = seq(NAME_COMPONENT, star(seq(lit("/"), NAME_COMPONENT)));
/** What may follow the start of a name (a PREFIX_MATCH filter such as `prod-`): nothing, or the rest of a name. */
const NAME_REST_SHAPE = alt(lit(""), seq(star(alt(SEPARATOR, lit("/"))), REPOSITORY_NAME_SHAPE));
const REPOSITORY_PART = ":repository/";
/** Repository names have two characters at least (REFERENCE §5): a glob the witnesses must match. */
function minNameLength(base: string | undefined): GlobSpec {
  return { pattern: { text: `${base ?? "arn:*:ecr:*:*:repository/"}??*`, literalAt: undefined }, ignoreCase: false, wildcards: true };
}
const IAM_NAME_CHAR = cls("IAM name character", (c) => /^[A-Za-z0-9+=,.@_-]$/.test(c));
const IAM_NAME = seq(star(alt(IAM_NAME_CHAR, lit("/"))), IAM_NAME_CHAR);
const FEDERATED_NAME_CHAR = cls("federated user name character", (c) => /^[A-Za-z0-9+=,.@_-]$/.test(c));
/**
 * The resource part of every principal ARN a policy can tell apart: the account root, users and roles (with and
 * without paths), and federated users (`arn:aws:sts::…:federated-user/bob`); sessions follow their roles.
 */
const PRINCIPAL_NAME_SHAPE = alt(lit("root"), seq(lit("user/"), IAM_NAME), seq(lit("role/"), IAM_NAME), seq(lit("federated-user/"), plus(FEDERATED_NAME_CHAR)));
const FEDERATED_USER = "federated-user/";
const ACCOUNT_SHAPE = repeat(DIGIT, 12);
const ANY_VALUE = plus(ANY_CHAR);

function literalGlob(text: string, ignoreCase = false): GlobSpec {
  return { pattern: { text, literalAt: undefined }, ignoreCase, wildcards: false };
}

function hasWildcard(spec: GlobSpec): boolean {
  if (!spec.wildcards) return false;
  const literal = new Set(spec.pattern.literalAt ?? []);
  for (let i = 0; i < spec.pattern.text.length; i++) {
    const c = spec.pattern.text[i];
    if ((c === "*" || c === "?") && !literal.has(i)) return true;
  }
  return false;
}

function sliceGlob(spec: GlobSpec, start: number, end: number): GlobSpec {
  const literalAt = spec.pattern.literalAt?.filter((i) => i >= start && i < end).map((i) => i - start);
  return { ...spec, arn: false, pattern: { text: spec.pattern.text.slice(start, end), literalAt: literalAt?.length ? literalAt : undefined } };
}

/** Splits a pattern on its first five colons; undefined when it has fewer. */
function arnPartsOf(spec: GlobSpec): GlobSpec[] | undefined {
  const text = spec.pattern.text;
  const bounds: number[] = [];
  let from = 0;
  for (let i = 0; i < 5; i++) {
    const at = text.indexOf(":", from);
    if (at < 0) return undefined;
    bounds.push(at);
    from = at + 1;
  }
  const parts: GlobSpec[] = [];
  let start = 0;
  for (const b of bounds) {
    parts.push(sliceGlob(spec, start, b));
    start = b + 1;
  }
  parts.push(sliceGlob(spec, start, text.length));
  return parts;
}


interface Gathered {
  reasons: string[];
}

/** Globs that a condition compares a string key against, resolved with the values that are fixed. */
export function conditionGlobs(condition: CompiledCondition, lookup: Lookup): GlobSpec[] {
  const op = condition.operator;
  if (!op) return [];
  const family = op.base.family;
  const out: GlobSpec[] = [];
  for (const t of condition.values) {
    const r = t.resolve(lookup);
    if (!r.ok) continue;
    if (family === "string") out.push({ pattern: r.value, ignoreCase: /ignorecase/i.test(op.base.name), wildcards: op.base.wildcards });
    else if (family === "arn") out.push({ pattern: r.value, ignoreCase: false, wildcards: true, arn: true });
    else if (family === "binary") out.push(literalGlob(r.value.text));
  }
  if (family === "bool") out.push(literalGlob("true", true), literalGlob("false", true));
  return out;
}

interface PrincipalSpace {
  callers: Caller[];
  complete: boolean;
}

const FRESH_FEDERATED = ["accounts.google.com", "graph.facebook.com", "www.amazon.com", "cognito-identity.amazonaws.com"];

function principalSpace(policy: CompiledPolicy, query: PolicyQuery, given: Lookup, gathered: Gathered, literalAccounts: Set<string>, limits: SearchLimits): PrincipalSpace {
  const accountGlobs: GlobSpec[] = [];
  // Kinds are told apart even when no pattern does, so that a scope by kind finds its principals.
  const kindGlob = (text: string): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards: true });
  const nameGlobs: GlobSpec[] = [literalGlob("root"), kindGlob("user/*"), kindGlob("role/*"), kindGlob(`${FEDERATED_USER}*`)];
  const partitions = new Set<string>(["aws"]);
  let allPartitions = false;
  const services = new Set<string>();
  const federated = new Set<string>();
  const canonical = new Set<string>();
  const sessionNames = new Set<string>(["ecrlint-session"]);
  const extraCallers: Caller[] = [];
  if (policy.registry?.partition) partitions.add(policy.registry.partition);
  for (const a of literalAccounts) accountGlobs.push(literalGlob(a));

  const addArnParts = (parts: GlobSpec[]) => {
    const [, partition, service, region, account, name] = parts as [GlobSpec, GlobSpec, GlobSpec, GlobSpec, GlobSpec, GlobSpec];
    // IAM users and roles are iam ARNs; federated users are sts ARNs (a session's aws:PrincipalArn is its role's).
    if ((!globMatches(service, "iam") && !globMatches(service, "sts")) || !globMatches(region, "")) return;
    if (hasWildcard(partition)) allPartitions = true;
    else partitions.add(partition.pattern.text);
    accountGlobs.push(account);
    nameGlobs.push(name);
  };

  const entries: PrincipalEntry[] = policy.statements.flatMap((s) => s.principal?.entries ?? []);
  for (const e of entries) {
    if (e.kind === "account") {
      accountGlobs.push(literalGlob(e.account));
      if (e.partition) partitions.add(e.partition);
    } else if (e.kind === "named") {
      accountGlobs.push(literalGlob(e.account));
      partitions.add(e.partition);
      nameGlobs.push(literalGlob(`${e.entity}/${e.name}`), { pattern: { text: `${e.entity}/*/${e.name}`, literalAt: [] }, ignoreCase: false, wildcards: true });
    } else if (e.kind === "exact-arn") {
      const caller = parseCaller(e.arn);
      if (caller) extraCallers.push(caller);
      const arn = parseArn(e.arn);
      if (arn) {
        accountGlobs.push(literalGlob(arn.account));
        partitions.add(arn.partition);
        const parts = arn.resource.split("/");
        if (arn.service === "sts" && parts[0] === "assumed-role" && parts[2]) {
          sessionNames.add(parts[2]);
          nameGlobs.push(literalGlob(`role/${parts[1]}`));
        }
        if (arn.service === "sts" && parts[0] === "federated-user") nameGlobs.push(literalGlob(arn.resource));
      }
    } else if (e.kind === "value") {
      (e.callerKind === "service" ? services : e.callerKind === "federated" ? federated : canonical).add(e.value);
    }
  }

  const givenArn = given("aws:principalarn") !== undefined;
  const givenAccount = given("aws:principalaccount") !== undefined;
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      if (!c.operator) continue;
      const family = c.operator.base.family;
      if (c.key === "aws:principalaccount" && !givenAccount) {
        if (family === "string" || family === "binary" || family === "bool") accountGlobs.push(...conditionGlobs(c, given));
        else if (family !== "null" && family !== "arn") gathered.reasons.push(`${c.operatorText} compares aws:PrincipalAccount in a way the search does not split into cases`);
      }
      if (c.key === "aws:principalarn" && !givenArn) {
        if (family === "arn" || family === "string") {
          for (const g of conditionGlobs(c, given)) {
            if (g.wildcards && g.pattern.text === "*") continue;
            const parts = arnPartsOf(g);
            // A principal ARN has exactly five colons and none in its names, so a whole-string pattern with five
            // colons compares part by part; with another count it can only match by letting `*` span parts.
            const colons = g.pattern.text.split(":").length - 1;
            if (family === "string" && colons !== 5) {
              if (hasWildcard(g)) gathered.reasons.push(`the pattern "${g.pattern.text}" on aws:PrincipalArn spans ARN parts`);
              continue;
            }
            if (parts) addArnParts(parts);
          }
        } else if (family !== "null") gathered.reasons.push(`${c.operatorText} compares aws:PrincipalArn in a way the search does not split into cases`);
      }
    }
  }

  const scope = query.principals;
  for (const a of [...(scope?.accounts ?? []), ...(scope?.excludeAccounts ?? [])]) accountGlobs.push(literalGlob(a));
  for (const p of scope?.excludePrincipals ?? []) {
    const caller = parseCaller(p);
    if (!caller) continue;
    if (caller.account) accountGlobs.push(literalGlob(caller.account));
    if (caller.partition) partitions.add(caller.partition);
    if (caller.kind === "user" || caller.kind === "role") nameGlobs.push(literalGlob(caller.arn!.split(":").slice(5).join(":")));
    if (caller.kind === "session") extraCallers.push(caller);
    if (caller.kind === "federated-user") nameGlobs.push(literalGlob(caller.arn!.split(":").slice(5).join(":")));
    if (caller.kind === "service") services.add(caller.value!);
    if (caller.kind === "federated") federated.add(caller.value!);
    if (caller.kind === "canonical-user") canonical.add(caller.value!);
  }

  const accounts = classWitnesses({ shape: ACCOUNT_SHAPE, globs: accountGlobs, ...limits });
  const names = classWitnesses({ shape: PRINCIPAL_NAME_SHAPE, globs: nameGlobs, ...limits });
  const complete = accounts.complete && names.complete;
  if (!complete) gathered.reasons.push("too many principal patterns to split into cases");

  const partitionList = allPartitions ? PARTITIONS.map((p) => p.id) : [...partitions].filter((p) => partitionById(p));
  const callers: Caller[] = [];
  const texts = new Set<string>();
  const push = (text: string, partition = "aws") => {
    const caller = keptCaller(text, partition);
    if (caller && !texts.has(caller.text)) {
      texts.add(caller.text);
      callers.push(caller);
    }
  };
  for (const partition of partitionList) {
    for (const account of accounts.witnesses) {
      for (const name of names.witnesses) {
        if (name.value.startsWith(FEDERATED_USER)) {
          push(`arn:${partition}:sts::${account.value}:${name.value}`, partition);
          continue;
        }
        push(`arn:${partition}:iam::${account.value}:${name.value}`, partition);
        if (name.value.startsWith("role/")) {
          const roleName = name.value.slice(name.value.lastIndexOf("/") + 1);
          for (const session of sessionNames) push(`arn:${partition}:sts::${account.value}:assumed-role/${roleName}/${session}`, partition);
        }
      }
    }
  }
  for (const c of extraCallers) {
    if (texts.has(c.text)) continue;
    texts.add(c.text);
    callers.push(c);
  }
  const fresh = (taken: Set<string>, options: string[]) => options.find((o) => !taken.has(o));
  for (const s of [...services, fresh(services, ["ecrlint-probe.amazonaws.com", "ecrlint-probe-2.amazonaws.com"])!]) push(s.endsWith(".amazonaws.com") ? s : `Service:${s}`);
  for (const f of [...federated, fresh(federated, [...FRESH_FEDERATED, "arn:aws:iam::000000000000:saml-provider/ecrlint"])!]) push(`Federated:${f}`);
  for (const c of [...canonical, fresh(canonical, ["0".repeat(64), "1".repeat(64)])!]) push(`CanonicalUser:${c}`);
  push("anonymous");
  return { callers: callers.filter((c) => inScope(c, scope)), complete };
}

function inScope(caller: Caller, scope: PrincipalScope | undefined): boolean {
  if (!scope) return true;
  if (scope.kinds && !scope.kinds.includes(caller.kind)) return false;
  if (scope.accounts && (caller.account === undefined || !scope.accounts.includes(caller.account))) return false;
  if (scope.excludeAccounts && caller.account !== undefined && scope.excludeAccounts.includes(caller.account)) return false;
  for (const p of scope.excludePrincipals ?? []) {
    const other = parseCaller(p, caller.partition);
    if (other && other.kind === caller.kind && (other.arn ?? other.value) === (caller.arn ?? caller.value)) return false;
  }
  return true;
}

/**
 * Regions (and partitions) that no glob tells apart behave alike, so one stands for all. A glob tells them apart
 * when a wildcard other than a whole `*` part can reach the Region part: inside that part, or, in a pattern with
 * fewer than five colons, anywhere (its `*` may then span parts).
 */
function distinguishedSegments(globs: readonly GlobSpec[]): { regions: Set<string>; partitions: Set<string>; allRegions: boolean; allPartitions: boolean } {
  const out = { regions: new Set<string>(), partitions: new Set<string>(), allRegions: false, allPartitions: false };
  for (const g of globs) {
    const text = g.pattern.text;
    const parts = text.split(":");
    if (parts.length >= 6) {
      const [, partition, , region] = parts as [string, string, string, string];
      if (hasWildcard({ ...g, pattern: { text: partition, literalAt: undefined } })) out.allPartitions ||= partition !== "*";
      else out.partitions.add(partition);
      if (hasWildcard({ ...g, pattern: { text: region, literalAt: undefined } })) out.allRegions ||= region !== "*";
      else out.regions.add(region);
    } else if (hasWildcard(g)) {
      const wildOnlyAtEnd = parts[parts.length - 1] === "*" && !hasWildcard({ ...g, pattern: { text: parts.slice(0, -1).join(":"), literalAt: undefined } });
      if (!wildOnlyAtEnd) {
        out.allRegions = true;
        out.allPartitions = true;
      } else if (parts.length > 2) out.partitions.add(parts[1]!);
    }
  }
  return out;
}

function resourceShape(policy: CompiledPolicy, globs: readonly GlobSpec[], resourcePrefix: string | undefined): { shape: Shape; prefix?: string; base?: string } {
  const at = resourcePrefix?.indexOf(REPOSITORY_PART) ?? -1;
  if (resourcePrefix !== undefined && at >= 0) {
    const base = resourcePrefix.slice(0, at + REPOSITORY_PART.length);
    return { shape: resourcePrefix === base ? REPOSITORY_NAME_SHAPE : NAME_REST_SHAPE, prefix: resourcePrefix, base };
  }
  const registry = policy.registry;
  if (registry?.account && registry.region) {
    const partition = registry.partition ?? "aws";
    const base = `arn:${partition}:ecr:${registry.region}:${registry.account}${REPOSITORY_PART}`;
    return { shape: REPOSITORY_NAME_SHAPE, prefix: base, base };
  }
  const seen = distinguishedSegments(globs);
  const partitions = registry?.partition
    ? PARTITIONS.filter((p) => p.id === registry.partition)
    : seen.allPartitions
      ? PARTITIONS
      : PARTITIONS.filter((p) => p.id === "aws" || seen.partitions.has(p.id));
  return {
    shape: alt(
      ...partitions.map((p) => {
        const named = [...seen.regions].filter((r) => partitionOfRegion(r) === p.id);
        const regions = registry?.region ? [registry.region] : seen.allRegions ? [...new Set([...p.knownRegions, ...named])] : [...new Set([p.knownRegions[0]!, ...named])];
        return seq(
          lit(`arn:${p.id}:ecr:`),
          alt(...regions.map(lit)),
          lit(":"),
          registry?.account ? lit(registry.account) : ACCOUNT_SHAPE,
          lit(":repository/"),
          REPOSITORY_NAME_SHAPE,
        );
      }),
    ),
  };
}

interface ResourceSpace {
  values: string[];
  complete: boolean;
  /** The class searches it used, each at what it costs on its own (set by the query that computed it). */
  searches: ReadonlyMap<string, KeptSearch>;
}

/**
 * `wildcardKeys`: quantified keys that Resource patterns use. A pattern with one of them stands for every value
 * the key can take, so it joins the split as if the variable were `*` (IAM User Guide, policy variables: the value
 * is substituted as literal text, so the repositories some value lets in are those `*` matches there).
 */
function resourceSpace(policy: CompiledPolicy, action: string, resourcePrefix: string | undefined, lookup: Lookup, limits: SearchLimits, wildcardKeys?: ReadonlySet<string>): ResourceSpace {
  const catalogAction = findEcrAction(action);
  if (catalogAction && catalogAction.resourceTypes.length === 0) return { values: ["*"], complete: true, searches: new Map() };
  const globs: GlobSpec[] = [];
  for (const s of policy.statements) {
    for (const t of s.resource?.patterns ?? []) {
      const r = t.resolve(lookup, wildcardKeys);
      if (r.ok) globs.push({ pattern: r.value, ignoreCase: false, wildcards: true });
    }
  }
  if (!catalogAction) {
    const r = classWitnesses({ shape: ANY_VALUE, globs, ...limits });
    return { values: r.witnesses.map((w) => w.value), complete: r.complete, searches: new Map() };
  }
  const { shape, prefix, base } = resourceShape(policy, globs, resourcePrefix);
  const r = classWitnesses({ shape, ...(prefix ? { prefix } : {}), globs: [...globs, minNameLength(base)], ...limits });
  return { values: r.witnesses.filter((w) => w.matches[w.matches.length - 1]).map((w) => w.value), complete: r.complete, searches: new Map() };
}

/**
 * The repositories under `base` (`arn:aws:ecr:eu-west-1:444455556666:repository/`) that the Resource patterns of
 * the policy's statements about `action` and `patterns` tell apart: one per class, with the patterns it matches.
 * A pattern is asked about through the repository of it that the policy names least (`probeOf`), so that a grant
 * or Deny of part of it (`repository/prod-a*` inside `repository/prod-*`) does not stand for all of it. No classes
 * when the search was cut short (then `exhausted` says whether the budget ran out).
 */
export function repositoryClasses(policy: CompiledPolicy, action: string, base: string, patterns: readonly string[], budget: WorkBudget): { classes?: RepositoryClasses; exhausted?: boolean } {
  const texts: string[] = [];
  const seen = new Set<string>();
  const add = (text: string) => {
    if (!seen.has(text)) texts.push(text);
    seen.add(text);
  };
  // Only the statements about the action decide its requests: the others' patterns need not be told apart.
  const lower = action.toLowerCase();
  for (const s of policy.statements) if (!s.defects.length && coversAction(s, lower)) for (const t of s.resource?.patterns ?? []) if (t.isStatic) add(t.source);
  const named = texts.length;
  for (const p of patterns) add(p);
  const globs = texts.map((text): GlobSpec => ({ pattern: { text, literalAt: undefined }, ignoreCase: false, wildcards: true }));
  const r = classWitnesses({ shape: REPOSITORY_NAME_SHAPE, prefix: base, globs: [...globs, minNameLength(base)], maxStates: 50_000, budget });
  if (!r.complete) return r.exhausted ? { exhausted: true } : {};
  return { classes: { texts, named, witnesses: r.witnesses.filter((w) => w.matches[w.matches.length - 1]) } };
}

export interface RepositoryClasses {
  /** The patterns told apart: the policy's own first (`named` of them), then the others asked about. */
  texts: string[];
  named: number;
  witnesses: ClassWitness[];
}

/** The repository of `pattern` (one of `classes.texts`) that matches the fewest other patterns of the policy. */
export function probeOf(classes: RepositoryClasses, pattern: string): string | undefined {
  const at = classes.texts.indexOf(pattern);
  let best: { value: string; named: number } | undefined;
  for (const w of classes.witnesses) {
    if (!w.matches[at]) continue;
    const named = w.matches.filter((m, i) => m && i !== at && i < classes.named).length;
    if (!best || named < best.named) best = { value: w.value, named };
  }
  return best?.value;
}

/**
 * The resource cases of a policy depend on the policy, the action and the prefix asked about, not on the principal:
 * a project asks about one destination policy for many sources, so they are kept with the compiled policy.
 */
const resourceSpaces = new WeakMap<CompiledPolicy, Map<string, ResourceSpace>>();

/** Resource cases depend on the action only through what it acts on: a repository, `*`, or (outside the catalog) anything. */
function actsOn(action: string): "repository" | "star" | "anything" {
  const catalogAction = findEcrAction(action);
  return !catalogAction ? "anything" : catalogAction.resourceTypes.length ? "repository" : "star";
}

function resourceSpacesOf(policy: CompiledPolicy): Map<string, ResourceSpace> {
  let spaces = resourceSpaces.get(policy);
  if (!spaces) resourceSpaces.set(policy, (spaces = new Map()));
  return spaces;
}

type ContextChoice = ContextValue | undefined;

function formatIp(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join(".");
  return Array.from({ length: 8 }, (_, i) => ((value >> BigInt(16 * (7 - i))) & 0xffffn).toString(16)).join(":");
}

/**
 * A date case as a request would carry it: ISO 8601, or epoch seconds past the last instant a Date can print
 * (year 275,760), where `toISOString` would throw.
 */
function formatDateCase(ms: number): string {
  const date = new Date(Math.round(ms));
  return Number.isNaN(date.getTime()) ? String(Math.max(0, Math.round(ms / 1000))) : date.toISOString();
}

/** Values below, at, between and above the literals, `step` apart from them (dates: a second, which epoch seconds can say). */
/** What one evaluation of a request costs: each statement's principal, action, resource and condition values. */
const evaluationCost = new WeakMap<CompiledPolicy, number>();

function evaluationSteps(policy: CompiledPolicy): number {
  let steps = evaluationCost.get(policy);
  if (steps === undefined) {
    steps = 1;
    for (const s of policy.statements) {
      steps += 1 + (s.principal?.entries.length ?? 0) + (s.action?.patterns.length ?? 0) + (s.resource?.patterns.length ?? 0);
      for (const c of s.conditions) steps += 1 + c.values.length;
    }
    evaluationCost.set(policy, steps);
  }
  return steps;
}

function numericCases(literals: number[], format: (n: number) => string, step = 1): string[] {
  const sorted = [...new Set(literals)].sort((a, b) => a - b);
  if (sorted.length === 0) return [format(0)];
  const out = [format(sorted[0]! - step)];
  sorted.forEach((n, i) => {
    out.push(format(n));
    const next = sorted[i + 1];
    out.push(format(next === undefined ? n + step : (n + next) / 2));
  });
  return out;
}

/**
 * The conditions of the statements that read each dimension of the context split, when every condition reads at
 * most one (its key and the variables in its values): the keys of different dimensions are then independent, and
 * a condition's truth depends on its own dimension only. Undefined when some condition compares two dimensions.
 */
function conditionsByDimension(policy: CompiledPolicy, dimensions: readonly { names: string[] }[]): CompiledCondition[][] | undefined {
  const dimensionOf = new Map<string, number>();
  dimensions.forEach(({ names }, d) => names.forEach((name) => dimensionOf.set(name.toLowerCase(), d)));
  const out: CompiledCondition[][] = dimensions.map(() => []);
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      const read = new Set<number>();
      for (const k of [c.key, ...c.values.flatMap(variableKeys)]) {
        const d = dimensionOf.get(k.toLowerCase());
        if (d !== undefined) read.add(d);
      }
      if (read.size > 1) return undefined;
      for (const d of read) out[d]!.push(c);
    }
  }
  return out;
}

/** The values of one context key that tell every case of the policy apart. */
function contextCases(key: string, conditions: CompiledCondition[], lookup: Lookup, gathered: Gathered, limits: SearchLimits): ContextChoice[] {
  const families = new Set<OperatorFamily>();
  let setOperators = false;
  for (const c of conditions) {
    if (!c.operator) continue;
    const f = c.operator.base.family;
    families.add(f === "bool" || f === "binary" || f === "arn" ? "string" : f);
    if (c.operator.set) setOperators = true;
  }
  families.delete("null");
  if (families.size > 1) gathered.reasons.push(`${key} is compared by operators of different kinds (${[...families].join(", ")})`);
  const values = new Set<string>();
  const resolved = (c: CompiledCondition) => c.values.flatMap((t) => {
    const r = t.resolve(lookup);
    return r.ok ? [r.value.text] : [];
  });
  if (families.has("string")) {
    const globs = conditions.flatMap((c) => (c.operator && c.operator.base.family !== "numeric" && c.operator.base.family !== "date" && c.operator.base.family !== "ip" ? conditionGlobs(c, lookup) : []));
    const r = classWitnesses({ shape: ANY_VALUE, globs, ...limits });
    if (!r.complete) gathered.reasons.push(`too many patterns on ${key} to split into cases`);
    for (const w of r.witnesses) values.add(w.value);
    // The empty string is a value too (and an empty data set under ForAllValues/ForAnyValue): a case of its own
    // where some pattern matches it (`""`, `*`).
    if (globs.some((g) => globMatches(g, ""))) values.add("");
  }
  if (families.has("numeric")) {
    const nums = conditions.filter((c) => c.operator?.base.family === "numeric").flatMap(resolved).map(parseNumber).filter((n): n is number => n !== undefined);
    for (const v of numericCases(nums, String)) values.add(v);
    values.add("not-a-number");
  }
  if (families.has("date")) {
    const dates = conditions.filter((c) => c.operator?.base.family === "date").flatMap(resolved).map(parseDate).filter((n): n is number => n !== undefined);
    for (const v of numericCases(dates, formatDateCase, 1000)) values.add(v);
    values.add("not-a-date");
  }
  if (families.has("ip")) {
    let v4 = false;
    let v6 = false;
    for (const text of conditions.filter((c) => c.operator?.base.family === "ip").flatMap(resolved)) {
      const block = parseCidr(text);
      if (!block) continue;
      const max = block.version === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
      if (block.version === 4) v4 = true;
      else v6 = true;
      for (const v of [block.first - 1n, block.first, block.last, block.last + 1n]) if (v >= 0n && v <= max) values.add(formatIp(block.version, v));
    }
    if (!v4) values.add("198.51.100.7");
    if (!v6) values.add("2001:db8:0:0:0:0:0:7");
    values.add("not-an-ip");
  }
  if (values.size === 0) values.add("ecrlint-value");
  const singles = [...values];
  // A key AWS includes in every request is never absent (IAM guide, global condition keys).
  const choices: ContextChoice[] = ALWAYS_PRESENT_KEYS.has(key.toLowerCase()) ? [...singles] : [undefined, ...singles];
  if (!setOperators) {
    // Without a set operator every list behaves alike: the condition fails on it (and Null sees a present key).
    choices.push([]);
    return choices;
  }
  if (singles.length > 8) {
    gathered.reasons.push(`${key} has ${singles.length} cases, too many to try every set of values`);
    choices.push([], singles);
    for (const s of singles) choices.push([s]);
    return choices;
  }
  for (let mask = 0; mask < 1 << singles.length; mask++) choices.push(singles.filter((_, i) => mask & (1 << i)));
  return choices;
}

const NO_KEYS: readonly string[] = Object.freeze([]);
const keysByTemplate = new WeakMap<Template, readonly string[]>();

/** The keys of the variables a value refers to, read once per value (most have none). */
function variableKeys(t: Template): readonly string[] {
  if (!t.segments) return NO_KEYS;
  let keys = keysByTemplate.get(t);
  if (!keys) keysByTemplate.set(t, (keys = t.segments.flatMap((s) => (s.kind === "var" ? [s.key] : []))));
  return keys;
}

/** The 12-digit accounts each text names, read once per text (every query reads its statements' patterns). Bounded. */
const accountsByText = new Map<string, string[]>();

function collectAccounts(text: string, into: Set<string>): void {
  let accounts = accountsByText.get(text);
  if (!accounts) {
    accounts = [...text.matchAll(/(?<!\d)\d{12}(?!\d)/g)].map((m) => m[0]);
    if (accountsByText.size >= 20_000) accountsByText.clear();
    accountsByText.set(text, accounts);
  }
  for (const a of accounts) into.add(a);
}

interface EqualityPair {
  key: string;
  keyText: string;
  variable: string;
  variableText: string;
  /** Values of (key, variable) that tell every case apart; undefined is absent. */
  cases: ContextChoice[][];
}

const swapCase = (text: string) => [...text].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");

/**
 * Quantified keys compared only with each other, by string equality: `"StringEquals": {"aws:ResourceTag/team":
 * "${aws:PrincipalTag/team}"}` with both keys open. Such a condition depends only on which of the two are present,
 * whether they are equal (with or without case) and whether the key equals a fallback (`${…, 'none'}`), so a handful
 * of value pairs covers every case exactly. A key used any other way is left to the general split (inconclusive).
 */
function equalityPairs(policy: CompiledPolicy, contextKeys: ReadonlyMap<string, CompiledCondition[]>): EqualityPair[] {
  const uses = new Map<string, number>();
  const count = (k: string) => uses.set(k, (uses.get(k) ?? 0) + 1);
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      count(c.key);
      for (const t of c.values) for (const k of variableKeys(t)) count(k);
    }
    for (const t of s.resource?.patterns ?? []) for (const k of variableKeys(t)) count(k);
  }
  const found = new Map<string, { key: string; keyText: string; variable: string; variableText: string; fallbacks: Set<string>; conditions: number }>();
  for (const s of policy.statements) {
    for (const c of s.conditions) {
      const op = c.operator;
      const single = c.values.length > 0 && c.values.every((t) => t.segments?.length === 1 && t.segments[0]!.kind === "var");
      if (!op || op.set || op.base.family !== "string" || op.base.wildcards || !single || !contextKeys.has(c.key)) continue;
      const variables = new Set(c.values.map((t) => (t.segments![0] as { key: string }).key));
      if (variables.size !== 1) continue;
      const variable = [...variables][0]!;
      if (variable === c.key || !contextKeys.has(variable) || DERIVED.has(variable)) continue;
      const id = `${c.key}\u0000${variable}`;
      const entry = found.get(id) ?? { key: c.key, keyText: c.keyText, variable, variableText: (c.values[0]!.segments![0] as { name: string }).name, fallbacks: new Set<string>(), conditions: 0 };
      for (const t of c.values) {
        const fallback = (t.segments![0] as { fallback: string | undefined }).fallback;
        if (fallback !== undefined) entry.fallbacks.add(fallback);
      }
      entry.conditions++;
      found.set(id, entry);
    }
  }
  const pairs: EqualityPair[] = [];
  const taken = new Set<string>();
  for (const e of found.values()) {
    // Each key of the pair must be used by these conditions only (as key and as variable respectively).
    const keyUses = uses.get(e.key) ?? 0;
    const variableUses = uses.get(e.variable) ?? 0;
    if (keyUses !== e.conditions || variableUses !== e.conditions || taken.has(e.key) || taken.has(e.variable)) continue;
    taken.add(e.key);
    taken.add(e.variable);
    const fallbacks = [...e.fallbacks];
    let v = "ecrlint-a";
    while (fallbacks.some((f) => f.toLowerCase() === v)) v += "a";
    const w = `${v}-other`;
    const keyValues: ContextChoice[] = [undefined, v, swapCase(v), ...fallbacks, ...fallbacks.map(swapCase)];
    const variableValues: ContextChoice[] = [undefined, v, w];
    const cases: ContextChoice[][] = [];
    const seen = new Set<string>();
    for (const a of keyValues) {
      for (const b of variableValues) {
        const id = JSON.stringify([a ?? null, b ?? null]);
        if (!seen.has(id)) cases.push([a, b]);
        seen.add(id);
      }
    }
    // A multivalued request value never matches a single-valued operator: one list stands for every list.
    cases.push([[], v]);
    pairs.push({ key: e.key, keyText: e.keyText, variable: e.variable, variableText: e.variableText, cases });
  }
  return pairs;
}

const KIND_WORDS: Partial<Record<Caller["kind"], string>> = { user: "IAM user", role: "IAM role", session: "role session", "federated-user": "federated user" };

const accountsByPolicy = new WeakMap<CompiledPolicy, Set<string>>();

/** Every 12-digit account a policy's statements write down (principals, resources, condition values). */
function accountsIn(policy: CompiledPolicy): Set<string> {
  let out = accountsByPolicy.get(policy);
  if (out) return out;
  out = new Set<string>();
  accountsByPolicy.set(policy, out);
  for (const s of policy.statements) {
    for (const e of s.principal?.entries ?? []) collectAccounts(e.source, out);
    for (const t of s.resource?.patterns ?? []) collectAccounts(t.source, out);
    for (const c of s.conditions) for (const t of c.values) collectAccounts(t.source, out);
  }
  return out;
}

/** A query that would evaluate no request at all: its answer would be vacuous, so it is refused. */
export class EmptyQueryError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "EmptyQueryError";
  }
}

/**
 * The statements that can match some request of the query: the others (another action, another principal, a
 * Resource that cannot name the given resource, a condition the fixed context already fails) are set aside before
 * anything is quantified, so that what they compare never makes the search larger or inexact.
 */
function relevantStatements(policy: CompiledPolicy, query: PolicyQuery, fixedLookup: Lookup, isFixed: (key: string) => boolean): CompiledPolicy {
  const action = query.action.toLowerCase();
  const caller = query.principal !== undefined ? prepareRequest(policy, { principal: query.principal, action: query.action, resource: query.resource ?? query.resourcePrefix ?? "*" }).caller : undefined;
  const decided = (c: CompiledCondition) => isFixed(c.key) && c.values.every((t) => variableKeys(t).every(isFixed));
  return withStatements(policy, (s) => {
    if (s.defects.length || !coversAction(s, action)) return false;
    if (caller && !principalLevel(s, caller)) return false;
    if (query.resource !== undefined && s.resource?.patterns.every((t) => t.isStatic) && !resourceMatches(s, query.resource, fixedLookup)) return false;
    for (const c of s.conditions) if (decided(c) && !conditionHolds(c, fixedLookup)) return false;
    return true;
  });
}

/** A value no substring of `text` equals: a key present with it lets no Resource pattern built from it match. */
function valueOutside(text: string): string {
  let value = "ecrlint-other-value";
  while (text.includes(value)) value += "-x";
  return value;
}

/**
 * The values of a key used only in Resource patterns that tell every case apart for one resource: absent, a value
 * no pattern can use, and each part of the resource that some pattern, given it, matches (a value is substituted
 * as literal text, so only a part of the resource itself can make a pattern match it).
 */
function resourceVariableCases(policy: CompiledPolicy, key: string, resource: string, lookup: Lookup): (string | undefined)[] {
  const cases: (string | undefined)[] = [undefined, valueOutside(resource)];
  const templates = policy.statements.flatMap((s) => (s.resource?.patterns ?? []).filter((t) => variableKeys(t).includes(key)));
  const tail = resource.split(":").slice(5).join(":");
  const seen = new Set<string>();
  for (let i = 0; i < tail.length; i++) {
    for (let j = i; j <= tail.length; j++) {
      const value = tail.slice(i, j);
      if (seen.has(value)) continue;
      seen.add(value);
      const withValue: Lookup = (k) => (k === key ? value : lookup(k));
      if (templates.some((t) => {
        const r = t.resolve(withValue);
        return r.ok && matchResolved(r.value, resource, false);
      })) cases.push(value);
    }
  }
  return cases;
}

/**
 * Answers a request whose principal, resource or context is left out: is it allowed for some value, denied for
 * every value? Statements that cannot apply are set aside first; values that matter are derived from the remaining
 * statements' own patterns (one per case they tell apart, see `classWitnesses`) plus fresh ones, so the answer is
 * exact; where it cannot be, `status` is `inconclusive` with the reason. Witnesses are always real: each one was
 * evaluated. A query that would evaluate no request (a principal scope that no principal fits) throws
 * `EmptyQueryError`: nothing evaluated proves nothing.
 *
 * The answer depends only on the policy's content, its registry and the query, so a query asked again (by another
 * rule, for another statement, about another copy of the same policy) is answered from the first one, and charged
 * the steps it would spend: see `answerKept`. A query that ran out of budget is not kept.
 */
export function queryPolicy(policy: CompiledPolicy | unknown, query: PolicyQuery, options: QueryOptions = {}): QueryResult {
  const compiled = compilePolicy(policy);
  const budget = options.budget ?? new WorkBudget(DEFAULT_ANALYSIS_STEPS);
  const prepared = prepareQuery(compiled, query);
  // The statements no request of the query can match change nothing in its answer: they are not part of its key.
  // Nor is the registry when the request names its principal and a whole repository ARN, which then give the
  // partition, Region and account the registry would otherwise stand in for.
  const key = `${policyKey(prepared.relevant, !(query.principal !== undefined && query.resource !== undefined && fullArn(query.resource)))}\u0001${options.maxEvaluations ?? 200_000}\u0001${options.maxStates ?? 50_000}\u0001${options.factor !== false}\u0001${options.until ?? ""}\u0001${JSON.stringify(query)}`;
  queryCounts.asked++;
  const kept = keptQueries.get(key);
  const answer = kept && answerKept(compiled, kept, budget);
  if (answer) return answer;
  queryCounts.run++;
  const spaces: SpaceUse = { used: new Map(), computedCost: 0 };
  const before = budget.steps;
  const { value: outcome, record } = recordSearches(budget, (): KeptQuery["outcome"] => {
    try {
      return { found: runQuery(compiled, query, prepared, { ...options, budget }, spaces) };
    } catch (error) {
      if (!(error instanceof EmptyQueryError) || budget.exhausted) throw error;
      return { empty: error.message };
    }
  });
  if (!budget.exhausted) keptQueries.set(key, { outcome, ownCost: budget.steps - before - spaces.computedCost - record.charged, searches: record.used, spaces: spaces.used });
  if ("empty" in outcome) throw new EmptyQueryError(outcome.empty);
  return resultOf(compiled, outcome.found);
}

/** An ARN with its partition, Region and account written out. */
function fullArn(text: string): boolean {
  const arn = parseArn(text);
  return !!arn && !!arn.partition && !!arn.region && !!arn.account;
}

/** Queries asked and run since the process started. */
const queryCounts = { asked: 0, run: 0 };

/**
 * How much of the quantified work was shared: queries and class searches asked, run (the others were answered
 * from a kept one), and kept now. For benchmarks and the tests that hold the rules to one analysis per policy.
 */
export function analysisCounts(): { queries: { asked: number; run: number; kept: number }; searches: { asked: number; run: number; kept: number } } {
  return { queries: { ...queryCounts, kept: keptQueries.size }, searches: keptSearchCounts() };
}

/** Drops every kept answer (queries and class searches), so that the next ones are worked out afresh. */
export function forgetKeptAnswers(): void {
  keptQueries.clear();
  forgetSearches();
}

/** The resource spaces a query used, and the steps it spent computing those it did not find with its policy. */
interface SpaceUse {
  used: Map<string, ResourceSpace>;
  computedCost: number;
}

/** A query's answer without the evaluations of its witnesses, which name statement lines of one copy of the policy. */
interface FoundRequests {
  result: Omit<QueryResult, "allowed" | "implicitDeny" | "explicitDeny">;
  /** Each witness's request, and its quantified principal's account. */
  witnesses: Partial<Record<"allowed" | "implicitDeny" | "explicitDeny", { request: EvaluationRequest; caller?: { account: string; kind: Caller["kind"] } }>>;
  /** Accounts the query and the statements it considered name. */
  literalAccounts: string[];
}

interface KeptQuery {
  outcome: { found: FoundRequests } | { empty: string };
  /** Steps spent outside class searches (evaluations). */
  ownCost: number;
  /** The class searches it asked for outside the resource spaces, each at what it costs on its own. */
  searches: ReadonlyMap<string, KeptSearch>;
  spaces: Map<string, ResourceSpace>;
}

const keptQueries = new KeptMap<KeptQuery>(4_000);

/**
 * A kept answer, charged to `budget` what running the query on `compiled` would spend: its own steps, and the
 * search of each resource space it used that this compiled policy has not computed yet (a policy keeps its
 * spaces, so the second query needing one gets it free, as when it runs). Undefined, with nothing charged, when
 * the run would not fit in the budget: the query then runs, to stop where it would stop.
 */
function answerKept(compiled: CompiledPolicy, kept: KeptQuery, budget: WorkBudget): QueryResult | undefined {
  const own = resourceSpacesOf(compiled);
  // Past this size a policy's spaces are dropped mid-run; rather than follow that, run the query.
  if (own.size + kept.spaces.size > 2_000) return undefined;
  // What a run would be charged here: its evaluations, and the searches this budget has not paid for yet.
  const counted = new Set<string>();
  let charge = kept.ownCost + unpaidCost(budget, kept.searches, counted);
  for (const [k, space] of kept.spaces) if (!own.has(k)) charge += unpaidCost(budget, space.searches, counted);
  if (budget.exhausted || budget.steps + charge > budget.limit) return undefined;
  budget.spend(charge);
  payFor(budget, kept.searches);
  for (const [k, space] of kept.spaces) {
    if (own.has(k)) continue;
    payFor(budget, space.searches);
    own.set(k, space);
  }
  if ("empty" in kept.outcome) throw new EmptyQueryError(kept.outcome.empty);
  return resultOf(compiled, { ...kept.outcome.found, result: { ...kept.outcome.found.result, steps: charge } });
}

/**
 * The answer with its witnesses evaluated against this copy of the policy, when they are read, and their made-up
 * principals described against every account it names.
 */
function resultOf(compiled: CompiledPolicy, found: FoundRequests): QueryResult {
  const result: QueryResult = { ...found.result, quantified: [...found.result.quantified] };
  let named: Set<string> | undefined;
  for (const [name, w] of Object.entries(found.witnesses)) {
    let evaluated: QueryWitness["result"] | undefined;
    const witness = { request: w.request } as QueryWitness;
    Object.defineProperty(witness, "result", { enumerable: true, configurable: true, get: () => (evaluated ??= evaluateRequest(compiled, w.request)) });
    if (w.caller && !(named ??= new Set([...found.literalAccounts, ...accountsIn(compiled)])).has(w.caller.account)) {
      const unnamed = "an account that neither the policy nor the question names";
      witness.principalStandsFor = w.caller.kind === "account" ? `any ${unnamed.slice(3)}` : `any ${KIND_WORDS[w.caller.kind] ?? "principal"} of ${unnamed}`;
    }
    result[name as "allowed"] = witness;
  }
  return result;
}

/** What a query fixes, and the statements left that some request of it can match. */
interface PreparedQuery {
  givenContext: Map<string, ContextValue>;
  given: Lookup;
  fixed: (key: string) => boolean;
  principalOmitted: boolean;
  fixedPrincipal: ReturnType<typeof prepareRequest> | undefined;
  relevant: CompiledPolicy;
}

function prepareQuery(compiled: CompiledPolicy, query: PolicyQuery): PreparedQuery {
  const givenContext = new Map<string, ContextValue>();
  for (const [k, v] of Object.entries(query.context ?? {})) givenContext.set(k.toLowerCase(), v);
  // Keys in every request (aws:CurrentTime, aws:SecureTransport, ...) are never absent: their defaults stand in.
  const given: Lookup = (k) => givenContext.get(k) ?? requestDefault(compiled, k, query.resource);
  const absent = new Set((query.absent ?? []).map((k) => k.toLowerCase()));
  // Absent keys are fixed like given ones: the search does not range over them.
  const fixed = (k: string) => givenContext.has(k) || absent.has(k);
  const principalOmitted = query.principal === undefined;

  // What the query fixes, to set aside the statements it already decides: a given principal fixes the keys derived
  // from it, and without anyContext every key the request does not give is absent.
  const fixedPrincipal = principalOmitted ? undefined : prepareRequest(compiled, { principal: query.principal!, action: query.action, resource: query.resource ?? query.resourcePrefix ?? "*", ...(query.context ? { context: query.context } : {}) });
  const fixedLookup: Lookup = fixedPrincipal ? fixedPrincipal.lookup : given;
  const isFixed = (k: string) => fixed(k) || (DERIVED.has(k) ? !principalOmitted : !query.anyContext);
  return { givenContext, given, fixed, principalOmitted, fixedPrincipal, relevant: relevantStatements(compiled, query, fixedLookup, isFixed) };
}

function runQuery(compiled: CompiledPolicy, query: PolicyQuery, prepared: PreparedQuery, options: QueryOptions & { budget: WorkBudget }, spaces: SpaceUse): FoundRequests {
  const maxEvaluations = options.maxEvaluations ?? 200_000;
  const maxStates = options.maxStates ?? 50_000;
  const budget = options.budget;
  const stopAtAllowed = options.until === "allowed";
  const stepsBefore = budget.steps;
  const limits: SearchLimits = { maxStates, budget };
  const gathered: Gathered = { reasons: [] };
  const { givenContext, given, fixed, principalOmitted, fixedPrincipal, relevant } = prepared;

  const quantified: string[] = [];
  if (principalOmitted) quantified.push("principal");

  // Context keys the query ranges over (with anyContext) and keys that follow a quantified principal.
  const contextKeys = new Map<string, CompiledCondition[]>();
  const conditionKeys = new Set<string>();
  const conditionVariables = new Set<string>();
  const resourceVariables = new Map<string, { name: string; uses: number }>();
  for (const s of relevant.statements) {
    for (const c of s.conditions) {
      conditionKeys.add(c.key);
      for (const t of c.values) for (const k of variableKeys(t)) conditionVariables.add(k);
    }
    for (const t of s.resource?.patterns ?? []) {
      for (const segment of t.segments ?? []) {
        if (segment.kind !== "var") continue;
        const entry = resourceVariables.get(segment.key) ?? { name: segment.name, uses: 0 };
        entry.uses++;
        resourceVariables.set(segment.key, entry);
      }
    }
  }
  if (query.anyContext) {
    for (const s of relevant.statements) {
      for (const c of s.conditions) {
        if (fixed(c.key) || DERIVED.has(c.key)) continue;
        contextKeys.set(c.key, [...(contextKeys.get(c.key) ?? []), c]);
      }
      const templates = [...(s.resource?.patterns ?? []), ...s.conditions.flatMap((c) => c.values)];
      for (const t of templates) for (const k of variableKeys(t)) if (!fixed(k) && !DERIVED.has(k) && !contextKeys.has(k)) contextKeys.set(k, []);
    }
  }
  const quantifiedKeys = new Set(contextKeys.keys());
  if (principalOmitted) for (const k of DERIVED) if (!givenContext.has(k)) quantifiedKeys.add(k);

  // A key used only in Resource patterns is ranged over per resource (`resourceVariableCases`), exactly when it
  // appears once: the resource split then tells apart the repositories some value of it lets in.
  const perResourceKeys = new Map<string, string>();
  for (const [k, { name, uses }] of resourceVariables) {
    if (!contextKeys.has(k) || conditionKeys.has(k) || conditionVariables.has(k)) continue;
    perResourceKeys.set(k, contextKeys.get(k)![0]?.keyText ?? name);
    contextKeys.delete(k);
    if (uses > 1) gathered.reasons.push(`\${${name}} appears in more than one Resource pattern, so the repositories its values let in are not split exactly`);
  }
  if (perResourceKeys.size > 1) gathered.reasons.push(`Resource patterns use several quantified variables (${[...perResourceKeys.values()].map((n) => `\${${n}}`).join(", ")})`);

  // Two quantified keys compared for equality only with each other are ranged over together (`equalityPairs`).
  const pairs = equalityPairs(relevant, contextKeys);
  const paired = new Set(pairs.flatMap((p) => [p.key, p.variable]));
  for (const k of paired) contextKeys.delete(k);

  // A pattern built from a quantified value compares two unknowns; the case split cannot cover that.
  for (const s of relevant.statements) {
    for (const t of s.resource?.patterns ?? []) {
      for (const k of variableKeys(t)) if (quantifiedKeys.has(k) && !perResourceKeys.has(k) && !DERIVED.has(k)) gathered.reasons.push(`Resource "${t.source}" uses \${${k}}, which a condition also compares`);
    }
    for (const c of s.conditions) {
      for (const t of c.values) {
        for (const k of variableKeys(t)) {
          if (!quantifiedKeys.has(k) || paired.has(k)) continue;
          const exact = c.operator && c.operator.base.family === "string" && !c.operator.base.wildcards;
          if (quantifiedKeys.has(c.key) || !DERIVED.has(k) || !exact) gathered.reasons.push(`${c.operatorText} on ${c.keyText} compares with \${${k}}, which the query ranges over`);
        }
      }
    }
  }

  const literalAccounts = new Set<string>();
  if (compiled.registry?.account) literalAccounts.add(compiled.registry.account);
  if (query.resource) collectAccounts(query.resource, literalAccounts);
  for (const v of givenContext.values()) for (const x of typeof v === "string" ? [v] : v) collectAccounts(x, literalAccounts);
  for (const s of relevant.statements) for (const t of s.resource?.patterns ?? []) collectAccounts(t.source, literalAccounts);

  let callers: Caller[];
  if (principalOmitted) {
    callers = principalSpace(relevant, query, given, gathered, literalAccounts, limits).callers;
  } else {
    callers = [fixedPrincipal!.caller];
  }

  const keyCases: [string, ContextChoice[]][] = [];
  for (const [key, conditions] of contextKeys) {
    const name = conditions[0]?.keyText ?? resourceVariables.get(key)?.name ?? key;
    keyCases.push([name, contextCases(name, conditions, given, gathered, limits)]);
    quantified.push(name);
  }
  for (const name of perResourceKeys.values()) quantified.push(name);
  // Every dimension of the context split: one key, or a pair of keys ranged over together.
  const dimensions: { names: string[]; cases: ContextChoice[][] }[] = keyCases.map(([name, cases]) => ({ names: [name], cases: cases.map((c) => [c]) }));
  for (const pair of pairs) {
    dimensions.push({ names: [pair.keyText, pair.variableText], cases: pair.cases });
    quantified.push(pair.keyText, pair.variableText);
  }

  const resourceOmitted = query.resource === undefined;
  const resourceDependsOnVariables = relevant.statements.some((s) => s.resource?.patterns.some((t) => !t.isStatic));
  const resourceCache = resourceSpacesOf(compiled);
  const wildcardKeys = new Set(perResourceKeys.keys());
  const spaceKey = `${actsOn(query.action)}\u0000${query.resourcePrefix ?? ""}\u0000${maxStates}\u0000${relevant.statements.map((s) => s.index).join(",")}\u0000${[...wildcardKeys].join(",")}\u0000`;
  if (resourceOmitted) {
    const catalogAction = findEcrAction(query.action);
    if (!(catalogAction && catalogAction.resourceTypes.length === 0)) quantified.push("resource");
  }

  const result: QueryResult = { status: "exact", evaluated: 0, quantified };
  const found: Partial<Record<Decision, EvaluationRequest>> = {};
  let capped = false;

  /** The repositories to try: the one given, else the resource space (cached under `cacheKey`). */
  const resourcesFor = (lookup: Lookup, cacheKey: string): string[] => {
    if (!resourceOmitted) return [query.resource!];
    let space = resourceCache.get(cacheKey);
    if (!space) {
      const { value, record } = recordSearches(budget, () => resourceSpace(relevant, query.action, query.resourcePrefix, lookup, limits, wildcardKeys));
      space = { ...value, searches: record.used };
      spaces.computedCost += record.charged;
      // A split cut short by the budget is no answer to keep.
      if (!budget.exhausted) {
        if (resourceCache.size > 2_000) resourceCache.clear();
        resourceCache.set(cacheKey, space);
      }
    }
    if (!spaces.used.has(cacheKey)) spaces.used.set(cacheKey, space);
    if (!space.complete) gathered.reasons.push("too many resource patterns to split into cases");
    return space.values;
  };

  const total = dimensions.reduce((n, d) => n * d.cases.length, 1);
  const factored = options.factor !== false && total > 1 && !resourceDependsOnVariables && perResourceKeys.size === 0 ? conditionsByDimension(relevant, dimensions) : undefined;
  if (factored) {
    // Each condition reads one dimension: the decision depends only on which conditions hold, so per caller and
    // resource each dimension is reduced to its distinct truth vectors, and only their combinations are evaluated.
    const lowerNames = dimensions.map(({ names }) => names.map((name) => name.toLowerCase()));
    const slotOf = new Map<string, number>();
    const slots = lowerNames.map((names) => names.map((name) => {
      let slot = slotOf.get(name);
      if (slot === undefined) slotOf.set(name, (slot = slotOf.size));
      return slot;
    }));
    const chosenValues = new Array<ContextValue | undefined>(slotOf.size);
    const chosen = { get: (k: string) => {
      const slot = slotOf.get(k);
      return slot === undefined ? undefined : chosenValues[slot];
    } };
    outerFactored: for (const caller of callers) {
      const lookup = prepareRequest(relevant, { principal: caller.text, action: query.action, resource: query.resource ?? "*", ...(query.context ? { context: query.context } : {}) }).lookup;
      for (const resource of resourcesFor(lookup, spaceKey)) {
        // The request without the quantified keys, and the values a case adds to it (by lower-cased key, as the
        // evaluator asks): no request is built per case, only for a witness.
        const base = prepareRequest(relevant, { principal: caller.text, action: query.action, resource, ...(query.context ? { context: query.context } : {}) });
        // The values chosen for the quantified keys, by slot (one per lower-cased key): set and unset in place for
        // every case rather than in a map cleared per case.
        chosenValues.fill(undefined);
        const prepared: PreparedRequest = { ...base, lookup: (k) => chosen.get(k) ?? base.lookup(k) };
        const choose = (d: number, choice: ContextChoice[], set: boolean) => {
          const names = lowerNames[d]!;
          for (let i = 0; i < names.length; i++) {
            if (choice[i] === undefined) continue;
            chosenValues[slots[d]![i]!] = set ? choice[i]! : undefined;
          }
        };
        const representatives = dimensions.map(({ cases }, d) => {
          const conditions = factored[d]!;
          // A truth vector as the bits of a number while they fit, as text past that.
          const byVector = new Map<number | string, ContextChoice[]>();
          const bits = conditions.length <= 30;
          for (const choice of cases) {
            if (!budget.spend(1 + conditions.length)) break;
            chosenValues.fill(undefined);
            choose(d, choice, true);
            let vector: number | string = bits ? 0 : "";
            for (let i = 0; i < conditions.length; i++) {
              const holds = conditionHolds(conditions[i]!, prepared.lookup);
              if (bits) vector = (vector as number) | (holds ? 1 << i : 0);
              else vector += holds ? "1" : "0";
            }
            if (!byVector.has(vector)) byVector.set(vector, choice);
          }
          return [...byVector.values()];
        });
        const combinations = representatives.reduce((n, r) => n * r.length, 1);
        // The combinations in mixed-radix order, the first dimension counting fastest: each step changes the
        // values of the dimensions whose digit moved, and only those.
        const digits = representatives.map(() => 0);
        const picked: ContextChoice[][] = [];
        chosenValues.fill(undefined);
        if (combinations > 0) representatives.forEach((choices, d) => choose(d, (picked[d] = choices[0]!), true));
        for (let index = 0; index < combinations; index++) {
          for (let d = 0; index > 0 && d < digits.length; d++) {
            const choices = representatives[d]!;
            choose(d, picked[d]!, false);
            digits[d] = (digits[d]! + 1) % choices.length;
            choose(d, (picked[d] = choices[digits[d]!]!), true);
            if (digits[d] !== 0) break;
          }
          if (result.evaluated >= maxEvaluations) {
            capped = true;
            break outerFactored;
          }
          if (!budget.spend(evaluationSteps(relevant))) break outerFactored;
          result.evaluated++;
          const decision = decisionOnly(relevant, prepared);
          if (!found[decision]) {
            // Keys are data: "__proto__" from a policy is a key of the request, not its prototype.
            const context = Object.assign(Object.create(null) as Record<string, ContextValue>, query.context);
            dimensions.forEach(({ names }, d) => names.forEach((name, i) => {
              if (picked[d]![i] !== undefined) context[name] = picked[d]![i]!;
            }));
            const request: EvaluationRequest = { principal: caller.text, action: query.action, resource, context };
            if (Object.keys(context).length === 0) delete request.context;
            found[decision] = request;
          }
          if (found.allow && (stopAtAllowed || (found["implicit-deny"] && found["explicit-deny"]))) break outerFactored;
        }
      }
    }
  } else if (total * callers.length > maxEvaluations) capped = true;
  if (!factored) outer: for (const caller of callers) {
    for (let index = 0; index < total; index++) {
      // Keys are data: "__proto__" from a policy is a key of the witness, not its prototype.
      const context = Object.assign(Object.create(null) as Record<string, ContextValue>, query.context);
      let rest = index;
      for (const { names, cases } of dimensions) {
        const choice = cases[rest % cases.length]!;
        rest = Math.floor(rest / cases.length);
        names.forEach((name, i) => {
          if (choice[i] !== undefined) context[name] = choice[i]!;
        });
      }
      const lookup = prepareRequest(relevant, { principal: caller.text, action: query.action, resource: query.resource ?? "*", context }).lookup;
      const resources = resourcesFor(lookup, spaceKey + (resourceDependsOnVariables ? JSON.stringify([caller.principalArn, caller.account, context]) : ""));
      for (const resource of resources) {
        // Keys used only in Resource patterns: every value that tells this resource's cases apart.
        let contexts: Record<string, ContextValue>[] = [context];
        for (const [key, name] of perResourceKeys) {
          const cases = resourceVariableCases(relevant, key, resource, lookup);
          contexts = contexts.flatMap((c) => cases.map((v) => (v === undefined ? c : { ...c, [name]: v })));
        }
        for (const requestContext of contexts) {
          if (result.evaluated >= maxEvaluations) {
            capped = true;
            break outer;
          }
          if (!budget.spend(evaluationSteps(relevant))) break outer;
          result.evaluated++;
          const request: EvaluationRequest = { principal: caller.text, action: query.action, resource, context: requestContext };
          if (Object.keys(requestContext).length === 0) delete request.context;
          const decision = decisionOnly(relevant, prepareRequest(relevant, request));
          if (!found[decision]) found[decision] = request;
          if (found.allow && (stopAtAllowed || (found["implicit-deny"] && found["explicit-deny"]))) break outer;
        }
      }
    }
  }
  // Nothing evaluated proves nothing, unless the search was cut short: then the answer is inconclusive, with why.
  if (result.evaluated === 0 && !capped && !budget.exhausted && gathered.reasons.length === 0) {
    throw new EmptyQueryError(
      callers.length === 0
        ? `No principal fits the principal scope ${JSON.stringify(query.principals ?? {})}, so the query would evaluate no request: an answer would prove nothing.`
        : `No repository fits ${query.resourcePrefix ? `the prefix "${query.resourcePrefix}"` : "the query"}, so the query would evaluate no request: an answer would prove nothing.`,
    );
  }
  if (capped) gathered.reasons.push(`more than ${maxEvaluations} cases to try`);
  result.steps = budget.steps - stepsBefore;
  if (budget.exhausted) {
    result.tooComplex = true;
    // Whatever else was cut short, this is the reason that matters: the search did not run to its end.
    gathered.reasons.unshift(`${TOO_COMPLEX} (over ${budget.limit.toLocaleString("en-US")} steps)`);
  }
  const witnesses: FoundRequests["witnesses"] = {};
  const witness = (name: keyof FoundRequests["witnesses"], request: EvaluationRequest | undefined) => {
    if (!request) return;
    const caller = principalOmitted ? callers.find((c) => c.text === request.principal) : undefined;
    witnesses[name] = { request, ...(caller?.account !== undefined ? { caller: { account: caller.account, kind: caller.kind } } : {}) };
  };
  witness("allowed", found.allow);
  witness("implicitDeny", found["implicit-deny"]);
  witness("explicitDeny", found["explicit-deny"]);
  const reasons = [...new Set(gathered.reasons)];
  if (reasons.length) {
    result.status = "inconclusive";
    result.reason = reasons.join("; ");
  }
  return { result, witnesses, literalAccounts: [...literalAccounts] };
}
