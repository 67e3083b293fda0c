import { DEFAULT_SEARCH_STEPS, WorkBudget } from "./budget.js";
import { KeptMap } from "./kept-map.js";
import type { Resolved } from "./template.js";

/**
 * Finite case analysis for string values.
 *
 * A policy compares a string (a resource ARN, a principal's account, a context value) only through a finite set of
 * globs. Every string therefore falls in one of finitely many classes, named by which globs it matches, and two
 * strings of the same class decide every statement alike. `classWitnesses` explores the product of the globs'
 * automata (and of a `shape` automaton that says which strings are possible at all, such as a repository ARN)
 * breadth first and returns one shortest string per reachable class. That makes quantified queries exact: trying
 * one witness per class tries every case.
 */

/** The possible values of a dimension, as a tiny regular expression tree. */
export type Shape =
  | { t: "lit"; s: string }
  | { t: "cls"; name: string; test: (c: string) => boolean }
  | { t: "seq"; items: Shape[] }
  | { t: "alt"; items: Shape[] }
  | { t: "star"; item: Shape }
  | { t: "plus"; item: Shape };

export const lit = (s: string): Shape => ({ t: "lit", s });
export const cls = (name: string, test: (c: string) => boolean): Shape => ({ t: "cls", name, test });
export const seq = (...items: Shape[]): Shape => ({ t: "seq", items });
export const alt = (...items: Shape[]): Shape => ({ t: "alt", items });
export const star = (item: Shape): Shape => ({ t: "star", item });
export const plus = (item: Shape): Shape => ({ t: "plus", item });
export const repeat = (item: Shape, n: number): Shape => seq(...Array.from({ length: n }, () => item));

export const ANY_CHAR = cls("any", () => true);
export const DIGIT = cls("digit", (c) => c >= "0" && c <= "9");

/** A glob to tell apart. `arn` globs compare per ARN part: wildcards in the first five parts do not cross `:`. */
export interface GlobSpec {
  pattern: Resolved;
  ignoreCase: boolean;
  /** False for exact operators (StringEquals): `*` and `?` are then plain characters. */
  wildcards: boolean;
  arn?: boolean;
}

type Token = { t: "c"; c: string } | { t: "any"; noColon: boolean } | { t: "star"; noColon: boolean };

interface GlobAutomaton {
  tokens: Token[];
  /** A pattern that can match nothing (an ArnLike pattern with fewer than six parts). */
  never: boolean;
  ignoreCase: boolean;
}

function tokenize(spec: GlobSpec): GlobAutomaton {
  const { text, literalAt } = spec.pattern;
  const literal = new Set(literalAt ?? []);
  const tokens: Token[] = [];
  let colons = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const wild = spec.wildcards && !literal.has(i) && (ch === "*" || ch === "?");
    const noColon = !!spec.arn && colons < 5;
    if (ch === ":") colons++;
    if (wild) tokens.push(ch === "*" ? { t: "star", noColon } : { t: "any", noColon });
    else tokens.push({ t: "c", c: spec.ignoreCase ? ch.toLowerCase() : ch });
  }
  return { tokens, never: !!spec.arn && colons < 5, ignoreCase: spec.ignoreCase };
}

/**
 * The glob's position sets after each character, interned: a set is an id, and each (set, character) transition is
 * worked out once per automaton, which is kept for every search that tells the same glob apart.
 */
interface GlobSets {
  /** Positions of each set, ascending. */
  sets: number[][];
  /** Whether each set holds the accepting position (the whole glob read). */
  accepts: boolean[];
  ids: Map<string, number>;
  /** Per set, per character slot (`slotOf`): the next set. */
  next: number[][];
}

/** Characters numbered once for every automaton, so that transitions are kept in arrays. */
const slots = new Map<string, number>();

function slotOf(ch: string): number {
  let slot = slots.get(ch);
  if (slot === undefined) slots.set(ch, (slot = slots.size));
  return slot;
}

interface CompiledGlob extends GlobAutomaton {
  sets: GlobSets;
}

/** The positions reached from `positions` (ascending) by following stars, ascending and without repeats. */
function globClose(a: GlobAutomaton, positions: Iterable<number>): number[] {
  const out: number[] = [];
  let last = -1;
  for (let p of positions) {
    if (p <= last) continue;
    // A star at p may match nothing, so p + 1 is reached too; the run of positions it adds is contiguous.
    out.push(p);
    last = p;
    while (a.tokens[p]?.t === "star") {
      p++;
      out.push(p);
      last = p;
    }
  }
  return out;
}

function internGlobSet(a: CompiledGlob, positions: number[]): number {
  const key = positions.join(",");
  let id = a.sets.ids.get(key);
  if (id === undefined) {
    id = a.sets.sets.length;
    a.sets.sets.push(positions);
    a.sets.accepts.push(positions[positions.length - 1] === a.tokens.length);
    a.sets.next.push([]);
    a.sets.ids.set(key, id);
  }
  return id;
}

function globStep(a: CompiledGlob, set: number, ch: string, slot: number): number {
  const row = a.sets.next[set]!;
  const known = row[slot];
  if (known !== undefined) return known;
  const positions = a.sets.sets[set]!;
  const next: number[] = [];
  if (!a.never) {
    const c = a.ignoreCase ? ch.toLowerCase() : ch;
    for (const i of positions) {
      const tok = a.tokens[i];
      if (!tok) continue;
      if (tok.t === "star") {
        if (!(tok.noColon && ch === ":")) next.push(i);
      } else if (tok.t === "any") {
        if (!(tok.noColon && ch === ":")) next.push(i + 1);
      } else if (tok.c === c) next.push(i + 1);
    }
  }
  const id = internGlobSet(a, globClose(a, next));
  row[slot] = id;
  return id;
}

/** Automata by glob, kept while they are asked for (bounded: a long run sees many policies). */
const globCache = new Map<string, CompiledGlob>();
const GLOB_CACHE_SIZE = 20_000;

function globKey(spec: GlobSpec): string {
  return `${spec.ignoreCase ? 1 : 0}${spec.wildcards ? 1 : 0}${spec.arn ? 1 : 0}${spec.pattern.literalAt?.join(",") ?? ""}\u0000${spec.pattern.text}`;
}

function compileGlobSpec(spec: GlobSpec, key: string): CompiledGlob {
  let a = globCache.get(key);
  if (a) return a;
  a = { ...tokenize(spec), sets: { sets: [], accepts: [], ids: new Map(), next: [] } };
  if (globCache.size >= GLOB_CACHE_SIZE) globCache.clear();
  globCache.set(key, a);
  return a;
}

/** Whether the glob matches `text` (the whole of it): its automaton run over the text, no search. */
export function globMatches(spec: GlobSpec, text: string): boolean {
  const a = compileGlobSpec(spec, globKey(spec));
  let set = internGlobSet(a, a.never ? [] : globClose(a, [0]));
  for (const ch of text) set = globStep(a, set, ch, slotOf(ch));
  return a.sets.accepts[set]!;
}

interface ShapeNfa {
  start: number;
  accept: number;
  eps: number[][];
  edges: { test: (c: string) => boolean; to: number }[][];
  classes: ((c: string) => boolean)[];
  /** Interned state sets, as for globs. */
  sets: number[][];
  accepts: boolean[];
  ids: Map<string, number>;
  /** Per set, per character slot: the next set, -1 for none. */
  next: number[][];
  /** Characters the shape writes literally (`arn:`, `:repository/`): the search must be able to write them. */
  literals: string[];
}

function buildShape(shape: Shape): ShapeNfa {
  const nfa: ShapeNfa = { start: 0, accept: 0, eps: [], edges: [], classes: [], sets: [], accepts: [], ids: new Map(), next: [], literals: [] };
  const literals = new Set<string>();
  const state = () => {
    nfa.eps.push([]);
    nfa.edges.push([]);
    return nfa.eps.length - 1;
  };
  const build = (s: Shape): [number, number] => {
    switch (s.t) {
      case "lit": {
        const start = state();
        let cur = start;
        for (const ch of s.s) {
          const next = state();
          literals.add(ch);
          nfa.edges[cur]!.push({ test: (c) => c === ch, to: next });
          cur = next;
        }
        return [start, cur];
      }
      case "cls": {
        const start = state();
        const end = state();
        nfa.edges[start]!.push({ test: s.test, to: end });
        nfa.classes.push(s.test);
        return [start, end];
      }
      case "seq": {
        const start = state();
        let cur = start;
        for (const item of s.items) {
          const [a, b] = build(item);
          nfa.eps[cur]!.push(a);
          cur = b;
        }
        return [start, cur];
      }
      case "alt": {
        const start = state();
        const end = state();
        for (const item of s.items) {
          const [a, b] = build(item);
          nfa.eps[start]!.push(a);
          nfa.eps[b]!.push(end);
        }
        return [start, end];
      }
      case "star":
      case "plus": {
        const start = state();
        const end = state();
        const [a, b] = build(s.item);
        nfa.eps[start]!.push(a);
        nfa.eps[b]!.push(a, end);
        if (s.t === "star") nfa.eps[start]!.push(end);
        return [start, end];
      }
    }
  };
  const [start, accept] = build(shape);
  nfa.start = start;
  nfa.accept = accept;
  nfa.literals = [...literals];
  return nfa;
}

function shapeClose(nfa: ShapeNfa, set: Iterable<number>): number {
  const out = new Set(set);
  const stack = [...out];
  while (stack.length) {
    const s = stack.pop()!;
    for (const t of nfa.eps[s]!) {
      if (!out.has(t)) {
        out.add(t);
        stack.push(t);
      }
    }
  }
  const states = [...out].sort((x, y) => x - y);
  const key = states.join(",");
  let id = nfa.ids.get(key);
  if (id === undefined) {
    id = nfa.sets.length;
    nfa.sets.push(states);
    nfa.accepts.push(out.has(nfa.accept));
    nfa.next.push([]);
    nfa.ids.set(key, id);
  }
  return id;
}

/** The state set after `ch`, or -1 when the shape allows no such string. */
function shapeStep(nfa: ShapeNfa, set: number, ch: string, slot: number): number {
  const row = nfa.next[set]!;
  const known = row[slot];
  if (known !== undefined) return known;
  const next = new Set<number>();
  for (const s of nfa.sets[set]!) for (const e of nfa.edges[s]!) if (e.test(ch)) next.add(e.to);
  const id = next.size ? shapeClose(nfa, next) : -1;
  row[slot] = id;
  return id;
}

/**
 * Shapes are built from a few constant parts (a repository name, an account, a principal name), so their automata
 * are kept by identity; a shape made per call (a registry's ARN prefix) is kept by its structure.
 */
const shapeByObject = new WeakMap<Shape, ShapeNfa>();
const shapeByKey = new Map<string, ShapeNfa>();
const shapeKeys = new WeakMap<Shape, string>();

/** Character classes by their test function: two classes are alike when they test with the same function. */
const testIds = new WeakMap<(c: string) => boolean, number>();
let nextTestId = 0;

function testId(test: (c: string) => boolean): number {
  let id = testIds.get(test);
  if (id === undefined) testIds.set(test, (id = nextTestId++));
  return id;
}

/** A shape's structure as text; a character class is its name and its test function's number. */
function shapeKey(shape: Shape): string {
  let key = shapeKeys.get(shape);
  if (key !== undefined) return key;
  switch (shape.t) {
    case "lit":
      key = JSON.stringify(shape.s);
      break;
    case "cls":
      key = `<${shape.name}#${testId(shape.test)}>`;
      break;
    case "seq":
    case "alt":
      key = `${shape.t}(${shape.items.map(shapeKey).join(" ")})`;
      break;
    default:
      key = `${shape.t}(${shapeKey(shape.item)})`;
  }
  shapeKeys.set(shape, key);
  return key;
}

function shapeNfa(shape: Shape): ShapeNfa {
  let nfa = shapeByObject.get(shape);
  if (nfa) return nfa;
  const key = shapeKey(shape);
  nfa = shapeByKey.get(key);
  if (!nfa) {
    nfa = buildShape(shape);
    if (shapeByKey.size >= 1_000) shapeByKey.clear();
    shapeByKey.set(key, nfa);
  }
  shapeByObject.set(shape, nfa);
  return nfa;
}

const PREFERRED = "xyzqkjwvbnmaeioulrstdghcfp9876543210-_./XYZQKJWVBNMAEIOULRSTDGHCFP";
const UNIVERSE = (() => {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (c: string) => {
    if (!seen.has(c)) {
      seen.add(c);
      out.push(c);
    }
  };
  for (const c of PREFERRED) add(c);
  for (let code = 0x21; code < 0x7f; code++) add(String.fromCharCode(code));
  add(" ");
  add("\u00e9");
  return out;
})();

const UNIVERSE_LOWER = UNIVERSE.map((c) => c.toLowerCase());

/** Per shape, the number of the set of its character classes each character is in, found once per character. */
const shapeClasses = new WeakMap<ShapeNfa, { bySignature: Map<string, number>; byChar: Map<string, number> }>();

function shapeClassOf(shape: ShapeNfa, c: string): number {
  let classes = shapeClasses.get(shape);
  if (!classes) shapeClasses.set(shape, (classes = { bySignature: new Map(), byChar: new Map() }));
  let id = classes.byChar.get(c);
  if (id === undefined) {
    const signature = shape.classes.map((test) => (test(c) ? "1" : "0")).join("");
    id = classes.bySignature.get(signature);
    if (id === undefined) classes.bySignature.set(signature, (id = classes.bySignature.size));
    classes.byChar.set(c, id);
  }
  return id;
}

/** Steps one transition of the class search counts for, against one statement part of an evaluation. */
const SEARCH_STEP_WEIGHT = 4;

export interface ClassWitness {
  value: string;
  /** Which globs the value matches, in the order given. */
  matches: boolean[];
}

export interface WitnessOptions {
  shape: Shape;
  /** Characters every value starts with (a registry's ARN prefix), fed before the search. */
  prefix?: string;
  globs: readonly GlobSpec[];
  /** Cap on explored product states; when reached the answer is marked incomplete. */
  maxStates?: number;
  /** Work allowed, shared with the caller's other searches (default: `DEFAULT_SEARCH_STEPS` of its own). */
  budget?: WorkBudget;
}

export interface WitnessResult {
  witnesses: ClassWitness[];
  complete: boolean;
  /** The search stopped because the budget ran out. */
  exhausted?: boolean;
}

/** Searches asked for and run since the process started. */
const searchCounts = { asked: 0, run: 0 };

export function keptSearchCounts(): { asked: number; run: number; kept: number } {
  return { ...searchCounts, kept: searches.size };
}

/** Drops the kept searches (the automata stay: they are the same whoever asks). */
export function forgetSearches(): void {
  searches.clear();
  foundClasses.clear();
}

export interface KeptSearch {
  result: WitnessResult;
  /** Steps the search spent: what a later identical search is charged, so that keeping it changes no answer. */
  cost: number;
}

/** Finished searches by their inputs. Bounded: a run over many files asks many different ones. */
const searches = new KeptMap<KeptSearch>(10_000);

/**
 * The searches one budget has paid for, by key. A budget is one analysis (an outsider search, a replication
 * question); a search it already paid for is the same work again, so it answers from it at no charge, however many
 * of the analysis's queries need it. The charge of an analysis therefore depends only on its own questions, never on
 * what another analysis kept.
 */
const paidBy = new WeakMap<WorkBudget, Map<string, KeptSearch>>();

/** The searches a piece of work used (each at what it costs on its own), and the steps they were charged there. */
export interface SearchRecord {
  used: Map<string, KeptSearch>;
  charged: number;
}

/** Records being written per budget, innermost last: a search is noted in the innermost only. */
const recordsOf = new WeakMap<WorkBudget, SearchRecord[]>();

/** Runs `work`, noting the class searches it asks for under `budget` (not those of work recorded inside it). */
export function recordSearches<T>(budget: WorkBudget, work: () => T): { value: T; record: SearchRecord } {
  const record: SearchRecord = { used: new Map(), charged: 0 };
  let stack = recordsOf.get(budget);
  if (!stack) recordsOf.set(budget, (stack = []));
  stack.push(record);
  try {
    return { value: work(), record };
  } finally {
    stack.pop();
  }
}

/**
 * Steps that `used` costs `budget`: the searches it has not paid for and that are not in `counted` (which they
 * join). What a run of the work that used them would be charged for them now.
 */
export function unpaidCost(budget: WorkBudget, used: ReadonlyMap<string, KeptSearch>, counted: Set<string>): number {
  const paid = paidBy.get(budget);
  let cost = 0;
  for (const [key, search] of used) {
    if (paid?.has(key) || counted.has(key)) continue;
    counted.add(key);
    cost += search.cost;
  }
  return cost;
}

/** Marks the searches as paid by `budget` (after it was charged their `unpaidCost`). */
export function payFor(budget: WorkBudget, used: ReadonlyMap<string, KeptSearch>): void {
  for (const [key, search] of used) paidSearches(budget).set(key, search);
}

function paidSearches(budget: WorkBudget): Map<string, KeptSearch> {
  let paid = paidBy.get(budget);
  if (!paid) paidBy.set(budget, (paid = new Map()));
  return paid;
}

function note(budget: WorkBudget, key: string, search: KeptSearch, charged: number): void {
  const stack = recordsOf.get(budget);
  const record = stack?.[stack.length - 1];
  if (!record) return;
  record.used.set(key, search);
  record.charged += charged;
}

/**
 * One shortest value per class of values that the globs tell apart.
 *
 * The answer depends only on the inputs, so an identical search (another rule, another action class, another
 * statement of the same policy) is answered from the one done before. It is charged the steps that search spent,
 * once per budget (a budget that already paid for it gets it free, see `paidBy`): budgets, and so every "too
 * complex" answer, are the same as if it ran again. A search that ran out of budget is not kept, and one that would
 * not fit in the caller's remaining budget runs again, to stop where it would stop.
 */
export function classWitnesses(options: WitnessOptions): WitnessResult {
  const maxStates = options.maxStates ?? 50_000;
  const budget = options.budget ?? new WorkBudget(DEFAULT_SEARCH_STEPS);
  const globKeys = options.globs.map(globKey);
  const key = `${shapeKey(options.shape)}\u0001${options.prefix ?? ""}\u0001${maxStates}\u0001${globKeys.join("\u0001")}`;
  searchCounts.asked++;
  const paid = paidBy.get(budget)?.get(key);
  if (paid) {
    note(budget, key, paid, 0);
    return paid.result;
  }
  const kept = searches.get(key);
  if (kept && !budget.exhausted && budget.steps + kept.cost <= budget.limit) {
    budget.spend(kept.cost);
    paidSearches(budget).set(key, kept);
    note(budget, key, kept, kept.cost);
    return kept.result;
  }
  searchCounts.run++;
  const before = budget.steps;
  const result = search(options.shape, options.prefix ?? "", options.globs, globKeys, maxStates, budget, undefined);
  if (!result.exhausted) {
    const done = { result, cost: budget.steps - before };
    searches.set(key, done);
    paidSearches(budget).set(key, done);
    note(budget, key, done, done.cost);
  }
  return result;
}

/**
 * The product states a class search has reached (the shape's set and every glob's set), stored flat and found
 * again by a hash of their ids: no key is built per transition, and each state keeps the character that reached it
 * and the state it came from, so that a witness's text is written only when one is found.
 */
class ProductStates {
  readonly tuples: number[] = [];
  private readonly parents: number[] = [];
  private readonly chars: string[] = [];
  /** State numbers by hash: one, or several that share it. */
  private readonly byHash = new Map<number, number | number[]>();
  size = 0;

  constructor(private readonly width: number) {}

  hash(tuple: readonly number[]): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.width; i++) h = Math.imul(h ^ tuple[i]!, 0x01000193);
    return h;
  }

  private equals(state: number, tuple: readonly number[]): boolean {
    const at = state * this.width;
    for (let i = 0; i < this.width; i++) if (this.tuples[at + i] !== tuple[i]) return false;
    return true;
  }

  has(tuple: readonly number[], hash: number): boolean {
    const found = this.byHash.get(hash);
    if (found === undefined) return false;
    if (typeof found === "number") return this.equals(found, tuple);
    return found.some((state) => this.equals(state, tuple));
  }

  /** Adds a state not yet reached; its number. */
  add(tuple: readonly number[], hash: number, parent: number, ch: string): number {
    const state = this.size++;
    for (let i = 0; i < this.width; i++) this.tuples.push(tuple[i]!);
    this.parents.push(parent);
    this.chars.push(ch);
    const found = this.byHash.get(hash);
    if (found === undefined) this.byHash.set(hash, state);
    else if (typeof found === "number") this.byHash.set(hash, [found, state]);
    else found.push(state);
    return state;
  }

  /** The characters read from the start to `state`. */
  path(state: number): string {
    const chars: string[] = [];
    for (let s = state; s > 0; s = this.parents[s]!) chars.push(this.chars[s]!);
    return chars.reverse().join("");
  }
}

/** Which of the shape's character classes each character of `UNIVERSE` is in, worked out once per shape. */
const universeSignatures = new WeakMap<ShapeNfa, string[]>();

function signaturesOf(shape: ShapeNfa): string[] {
  let out = universeSignatures.get(shape);
  if (!out) universeSignatures.set(shape, (out = UNIVERSE.map((c) => shape.classes.map((test) => (test(c) ? "1" : "0")).join(""))));
  return out;
}

/** `findClass` answers by their globs and the class asked for. Bounded: a run over many files asks many. */
const foundClasses = new KeptMap<boolean | "cut">(20_000);

/**
 * Whether some string (over `shape`) falls in the class `want` names: one character per glob, `1` for a glob it
 * matches and `0` for one it does not (`"01"`: matches the second glob and not the first). The class search stops at
 * the first such string instead of listing every class, and when every glob is a literal but the first the one
 * candidate string is read through the first glob's automaton, with no search. `undefined` when the search was cut
 * short (`maxStates`, its own `DEFAULT_SEARCH_STEPS`) before finding one.
 */
export function findClass(globs: readonly GlobSpec[], want: string, shape: Shape, maxStates: number): boolean | undefined {
  const globKeys = globs.map(globKey);
  const key = `${want}\u0001${shapeKey(shape)}\u0001${maxStates}\u0001${globKeys.join("\u0001")}`;
  const kept = foundClasses.get(key);
  if (kept !== undefined) return kept === "cut" ? undefined : kept;
  let found: boolean | undefined;
  const pair = globs.length === 2 && shape === ANY;
  const literal = pair ? keptLiteralText(compileGlobSpec(globs[1]!, globKeys[1]!)) : undefined;
  const apart = pair && literal === undefined ? literalEndsApart(compileGlobSpec(globs[0]!, globKeys[0]!), compileGlobSpec(globs[1]!, globKeys[1]!)) : undefined;
  if (literal !== undefined) {
    found = want[1] === "1" && globMatches(globs[0]!, literal) === (want[0] === "1");
  } else if (apart && (want === "01" || (want === "11" && apart === "conflict"))) {
    // Strings the second glob matches leave the first at its literal prefix: all of them, or some of them.
    found = want === "01";
  } else {
    const matchesWant = (matches: boolean[]) => matches.every((m, i) => m === (want[i] === "1"));
    const needed = [...want].flatMap((c, i) => (c === "1" ? [i] : []));
    const result = search(shape, "", globs, globKeys, maxStates, new WorkBudget(DEFAULT_SEARCH_STEPS), { matches: matchesWant, needed });
    found = result.witnesses.some((w) => matchesWant(w.matches)) ? true : result.complete ? false : undefined;
  }
  foundClasses.set(key, found ?? "cut");
  return found;
}

/**
 * What the literal runs at the start and at the end of two globs (the characters before the first wildcard, after
 * the last) show: `conflict` when they differ at a place both write (no string matches both), `diverge` when `b`'s
 * run ends first and a wildcard of `b` can write another character where `a` needs its own (some string `b`
 * matches, `a` does not). Only for globs alike in case, that both match something; a `b` with no wildcard is one
 * string, read through `a` instead.
 */
function literalEndsApart(a: CompiledGlob, b: CompiledGlob): "conflict" | "diverge" | undefined {
  if (a.ignoreCase !== b.ignoreCase || a.never || b.never || literalRun(b.tokens) === b.tokens.length) return undefined;
  // Strings are matched whole, so the literal run at the end binds as the one at the start does.
  const prefix = runsApart(a.tokens, b.tokens);
  const suffix = runsApart(reversedTokens(a), reversedTokens(b));
  return prefix === "conflict" || suffix === "conflict" ? "conflict" : (prefix ?? suffix);
}

function runsApart(a: readonly Token[], b: readonly Token[]): "conflict" | "diverge" | undefined {
  const aLiteral = literalRun(a);
  const bLiteral = literalRun(b);
  for (let i = 0; i < aLiteral; i++) {
    if (i >= bLiteral) return "diverge";
    if ((a[i] as { c: string }).c !== (b[i] as { c: string }).c) return "conflict";
  }
  return undefined;
}

const literalRun = (tokens: readonly Token[]) => {
  const at = tokens.findIndex((t) => t.t !== "c");
  return at < 0 ? tokens.length : at;
};

/** What `findClass` reads of a glob before any search, read once per automaton (automata are kept by glob). */
const literalTexts = new WeakMap<GlobAutomaton, string | null>();
const reversed = new WeakMap<GlobAutomaton, readonly Token[]>();

function keptLiteralText(a: GlobAutomaton): string | undefined {
  let text = literalTexts.get(a);
  if (text === undefined) literalTexts.set(a, (text = literalText(a) ?? null));
  return text ?? undefined;
}

function reversedTokens(a: GlobAutomaton): readonly Token[] {
  let tokens = reversed.get(a);
  if (!tokens) reversed.set(a, (tokens = [...a.tokens].reverse()));
  return tokens;
}

/** The one string a glob matches when it has no wildcard and keeps case; undefined otherwise. */
function literalText(a: GlobAutomaton): string | undefined {
  if (a.never || a.ignoreCase) return undefined;
  let text = "";
  for (const t of a.tokens) {
    if (t.t !== "c") return undefined;
    text += t.c;
  }
  // `globMatches` reads by code point, the tokens are UTF-16 units.
  return /[\uD800-\uDFFF]/.test(text) ? undefined : text;
}

/** Any string: the shape of values a glob is compared with when nothing more is known of them. */
export const ANY: Shape = star(ANY_CHAR);

/**
 * `stop`: a class to look for only; the search ends at its first witness, and never explores strings on which a glob
 * the class needs matched (`needed`, by index) has no position left.
 *
 * Globs given twice (a policy's `*` in every Deny) are one automaton, read once: two copies are always in the same
 * set, so the product states, their order and the witnesses are those of the list as given, and each copy is still
 * counted in the work charged.
 */
function search(
  shapeOf: Shape,
  prefix: string,
  given: readonly GlobSpec[],
  globKeys: readonly string[],
  maxStates: number,
  budget: WorkBudget,
  stop: { matches: (matches: boolean[]) => boolean; needed: number[] } | undefined,
): WitnessResult {
  // Arguments rather than the caller's options object, whose shape differs from one caller to the next.
  const shape = shapeNfa(shapeOf);
  // The distinct globs in the order they first appear, how many times each is given, and each given one's.
  const distinct = new Map<string, number>();
  const copyOf = globKeys.map((key) => {
    let u = distinct.get(key);
    if (u === undefined) distinct.set(key, (u = distinct.size));
    return u;
  });
  const globs: CompiledGlob[] = [];
  const copies: number[] = [];
  copyOf.forEach((u, i) => {
    if (globs[u] === undefined) {
      globs[u] = compileGlobSpec(given[i]!, globKeys[i]!);
      copies[u] = 0;
    }
    copies[u]!++;
  });
  const needed = stop ? [...new Set(stop.needed.map((i) => copyOf[i]!))] : undefined;
  let globSets = globs.map((g) => internGlobSet(g, g.never ? [] : globClose(g, [0])));
  // The prefix is outside the shape (which describes what follows it); only the globs read it.
  for (const ch of prefix) {
    const slot = slotOf(ch);
    globSets = globs.map((g, i) => globStep(g, globSets[i]!, ch, slot));
  }

  // Characters outside every glob only differ by the shape's classes, so one representative per class pattern is
  // enough. A glob's positions never go back, so after the prefix only the tokens from its first position on can
  // still read a character: a registry's ARN prefix (`arn:aws:ecr:…:repository/`) adds no letters to the alphabet.
  const patternChars = new Set<string>();
  let needColon = false;
  for (const [i, g] of globs.entries()) {
    const from = g.sets.sets[globSets[i]!]![0] ?? g.tokens.length;
    for (let p = from; p < g.tokens.length; p++) {
      const tok = g.tokens[p]!;
      if (tok.t === "c") {
        patternChars.add(tok.c);
        if (g.ignoreCase) patternChars.add(tok.c.toUpperCase());
      } else if (tok.noColon) needColon = true;
    }
  }
  if (needColon) patternChars.add(":");
  // Characters no glob names come first, so the witness of "matches none of the policy's values" reads as fresh
  // (`999999999999`, not `444444444444` beside a policy's 444455556666).
  const alphabet: string[] = [];
  const signatures = new Set<string>();
  const universeSignatures = signaturesOf(shape);
  for (let u = 0; u < UNIVERSE.length; u++) {
    const c = UNIVERSE[u]!;
    if (patternChars.has(c) || patternChars.has(UNIVERSE_LOWER[u]!)) continue;
    const signature = universeSignatures[u]!;
    if (signatures.has(signature)) continue;
    signatures.add(signature);
    alphabet.push(c);
  }
  alphabet.push(...patternChars);
  // Literal characters of the shape (`arn:`, `:repository/`) must be reachable too.
  for (const c of shape.literals) if (!alphabet.includes(c)) alphabet.push(c);

  const shapeSet = shapeClose(shape, [shape.start]);
  const alphabetSlots = alphabet.map(slotOf);
  // From a product state, a character that no glob reads at one of its positions there (and that is not the shape's
  // own literal) moves every glob alike, so such characters lead to one state per class of the shape's: only the
  // first of each, in alphabet order, is followed. The others would reach the same state after it and add nothing.
  const alphabetAt = new Map(alphabet.map((c, i) => [c, i]));
  const shapeClass = alphabet.map((c) => shapeClassOf(shape, c));
  const shapeLiteral = alphabet.map((c) => shape.literals.includes(c));
  // Per glob and position (from the first it can be at), the letters of the alphabet its token there reads, one or
  // two (a letter in both cases), found once per search: two slots per token, -1 for none.
  const readOffset: number[] = [];
  let readSlots = 0;
  for (const g of globs) {
    readOffset.push(readSlots);
    readSlots += 2 * g.tokens.length;
  }
  const reads = new Int32Array(readSlots).fill(-1);
  globs.forEach((g, i) => {
    const from = g.sets.sets[globSets[i]!]![0] ?? g.tokens.length;
    for (let p = from; p < g.tokens.length; p++) {
      const tok = g.tokens[p]!;
      const at = readOffset[i]! + 2 * p;
      if (tok.t === "c") {
        reads[at] = alphabetAt.get(tok.c) ?? -1;
        if (g.ignoreCase) reads[at + 1] = alphabetAt.get(tok.c.toUpperCase()) ?? -1;
      } else if (tok.noColon) reads[at] = alphabetAt.get(":") ?? -1;
    }
  });
  const readAt = new Uint32Array(alphabet.length);
  const classFollowedAt = new Uint32Array(Math.max(0, ...shapeClass) + 1);
  let reading = 0;
  const followed: number[] = [];

  const witnesses = new Map<string, ClassWitness>();
  const width = globs.length + 1;
  const states = new ProductStates(width);
  const tuple = new Array<number>(width);
  tuple[0] = shapeSet;
  for (let i = 0; i < globs.length; i++) tuple[i + 1] = globSets[i]!;
  const start = states.add(tuple, states.hash(tuple), -1, "");
  let queue: number[] = shape.sets[shapeSet]!.length ? [start] : [];
  let complete = true;
  let exhausted = false;
  const accepting = new Array<boolean>(globs.length);
  search: while (queue.length) {
    const nextQueue: number[] = [];
    for (let q = 0; q < queue.length; q++) {
      const node = queue[q]!;
      const at = node * width;
      const nodeShape = states.tuples[at]!;
      reading++;
      let positions = 0;
      for (let i = 0; i < globs.length; i++) {
        const set = globs[i]!.sets.sets[states.tuples[at + i + 1]!]!;
        positions += set.length * copies[i]!;
        const tokens = globs[i]!.tokens.length;
        const offset = readOffset[i]!;
        for (let k = 0; k < set.length; k++) {
          const p = set[k]!;
          if (p >= tokens) continue;
          const first = reads[offset + 2 * p]!;
          const second = reads[offset + 2 * p + 1]!;
          if (first >= 0) readAt[first] = reading;
          if (second >= 0) readAt[second] = reading;
        }
      }
      followed.length = 0;
      for (let c = 0; c < alphabet.length; c++) {
        if (readAt[c] !== reading && !shapeLiteral[c]) {
          if (classFollowedAt[shapeClass[c]!] === reading) continue;
          classFollowedAt[shapeClass[c]!] = reading;
        }
        followed.push(c);
      }
      // Each node reads the glob positions it is at, then steps the shape's state set and every glob's through each
      // character it follows; a transition (new sets, sorted, keyed, remembered) costs several times an evaluation
      // step. Characters not followed cost nothing: they would only reach the states of those that are.
      const work = positions + followed.length * (1 + shape.sets[nodeShape]!.length + positions);
      if (!budget.spend(work * SEARCH_STEP_WEIGHT)) {
        complete = false;
        exhausted = true;
        break search;
      }
      if (shape.accepts[nodeShape]) {
        for (let i = 0; i < globs.length; i++) accepting[i] = globs[i]!.sets.accepts[states.tuples[at + i + 1]!]!;
        const matches = copyOf.map((u) => accepting[u]!);
        let id = "";
        for (let i = 0; i < matches.length; i++) id += matches[i] ? "1" : "0";
        if (!witnesses.has(id)) {
          witnesses.set(id, { value: prefix + states.path(node), matches });
          if (stop?.matches(matches)) break search;
        }
      }
      for (let f = 0; f < followed.length; f++) {
        const c = followed[f]!;
        const ch = alphabet[c]!;
        const slot = alphabetSlots[c]!;
        const s = shapeStep(shape, nodeShape, ch, slot);
        if (s < 0) continue;
        tuple[0] = s;
        for (let i = 0; i < globs.length; i++) tuple[i + 1] = globStep(globs[i]!, states.tuples[at + i + 1]!, ch, slot);
        // A glob with no position left matches nothing from here on: a class that needs it cannot be reached.
        if (needed && needed.some((i) => globs[i]!.sets.sets[tuple[i + 1]!]!.length === 0)) continue;
        const hash = states.hash(tuple);
        if (states.has(tuple, hash)) continue;
        if (states.size >= maxStates) {
          complete = false;
          continue;
        }
        nextQueue.push(states.add(tuple, hash, node, ch));
      }
    }
    queue = nextQueue;
  }
  return { witnesses: [...witnesses.values()], complete, ...(exhausted ? { exhausted } : {}) };
}
