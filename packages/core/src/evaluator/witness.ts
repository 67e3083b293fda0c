import { DEFAULT_SEARCH_STEPS, WorkBudget } from "./budget.js";
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

function globClose(a: GlobAutomaton, set: number[]): number[] {
  const out = new Set(set);
  const stack = [...set];
  while (stack.length) {
    const i = stack.pop()!;
    if (a.tokens[i]?.t === "star" && !out.has(i + 1)) {
      out.add(i + 1);
      stack.push(i + 1);
    }
  }
  return [...out].sort((x, y) => x - y);
}

function globStep(a: GlobAutomaton, set: number[], ch: string): number[] {
  if (a.never || set.length === 0) return [];
  const c = a.ignoreCase ? ch.toLowerCase() : ch;
  const next: number[] = [];
  for (const i of set) {
    const tok = a.tokens[i];
    if (!tok) continue;
    if (tok.t === "star") {
      if (!(tok.noColon && ch === ":")) next.push(i);
    } else if (tok.t === "any") {
      if (!(tok.noColon && ch === ":")) next.push(i + 1);
    } else if (tok.c === c) next.push(i + 1);
  }
  return globClose(a, next);
}

interface ShapeNfa {
  start: number;
  accept: number;
  eps: number[][];
  edges: { test: (c: string) => boolean; to: number }[][];
  classes: ((c: string) => boolean)[];
}

function buildShape(shape: Shape): ShapeNfa {
  const nfa: ShapeNfa = { start: 0, accept: 0, eps: [], edges: [], classes: [] };
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
  return nfa;
}

function shapeClose(nfa: ShapeNfa, set: Iterable<number>): number[] {
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
  return [...out].sort((x, y) => x - y);
}

function shapeStep(nfa: ShapeNfa, set: number[], ch: string): number[] {
  const next = new Set<number>();
  for (const s of set) for (const e of nfa.edges[s]!) if (e.test(ch)) next.add(e.to);
  return next.size ? shapeClose(nfa, next) : [];
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

/** One shortest value per class of values that the globs tell apart. */
export function classWitnesses(options: WitnessOptions): WitnessResult {
  const shape = buildShape(options.shape);
  const globs = options.globs.map(tokenize);
  const maxStates = options.maxStates ?? 50_000;
  const budget = options.budget ?? new WorkBudget(DEFAULT_SEARCH_STEPS);

  // Characters outside every glob only differ by the shape's classes, so one representative per class pattern is enough.
  const patternChars = new Set<string>();
  let needColon = false;
  for (const g of globs) {
    for (const tok of g.tokens) {
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
  for (const c of UNIVERSE) {
    if (patternChars.has(c) || patternChars.has(c.toLowerCase())) continue;
    const signature = shape.classes.map((test) => (test(c) ? "1" : "0")).join("");
    if (signatures.has(signature)) continue;
    signatures.add(signature);
    alphabet.push(c);
  }
  alphabet.push(...patternChars);
  // Literal characters of the shape (`arn:`, `:repository/`) must be reachable too.
  const shapeLiterals = new Set<string>();
  const collect = (s: Shape) => {
    if (s.t === "lit") for (const c of s.s) shapeLiterals.add(c);
    else if (s.t === "seq" || s.t === "alt") s.items.forEach(collect);
    else if (s.t === "star" || s.t === "plus") collect(s.item);
  };
  collect(options.shape);
  for (const c of shapeLiterals) if (!alphabet.includes(c)) alphabet.push(c);

  const shapeSet = shapeClose(shape, [shape.start]);
  let globSets = globs.map((g) => (g.never ? [] : globClose(g, [0])));
  // The prefix is outside the shape (which describes what follows it); only the globs read it.
  for (const ch of options.prefix ?? "") {
    globSets = globs.map((g, i) => globStep(g, globSets[i]!, ch));
  }

  const witnesses = new Map<string, ClassWitness>();
  const seen = new Set<string>();
  const key = (s: number[], g: number[][]) => `${s.join(",")}|${g.map((x) => x.join(",")).join("|")}`;
  let queue: { shape: number[]; globs: number[][]; path: string }[] = shapeSet.length ? [{ shape: shapeSet, globs: globSets, path: "" }] : [];
  seen.add(key(shapeSet, globSets));
  let complete = true;
  let exhausted = false;
  search: while (queue.length) {
    const nextQueue: typeof queue = [];
    for (const node of queue) {
      // Each node steps the shape's state set and every glob's through every character of the alphabet; a transition
      // (new sets, sorted, keyed, remembered) costs several times an evaluation step.
      let work = alphabet.length * (1 + node.shape.length);
      for (const set of node.globs) work += alphabet.length * set.length;
      if (!budget.spend(work * SEARCH_STEP_WEIGHT)) {
        complete = false;
        exhausted = true;
        break search;
      }
      if (node.shape.includes(shape.accept)) {
        const matches = globs.map((g, i) => node.globs[i]!.includes(g.tokens.length));
        const id = matches.map((m) => (m ? "1" : "0")).join("");
        if (!witnesses.has(id)) witnesses.set(id, { value: (options.prefix ?? "") + node.path, matches });
      }
      for (const ch of alphabet) {
        const s = shapeStep(shape, node.shape, ch);
        if (s.length === 0) continue;
        const g = globs.map((a, i) => globStep(a, node.globs[i]!, ch));
        const k = key(s, g);
        if (seen.has(k)) continue;
        if (seen.size >= maxStates) {
          complete = false;
          continue;
        }
        seen.add(k);
        nextQueue.push({ shape: s, globs: g, path: node.path + ch });
      }
    }
    queue = nextQueue;
  }
  return { witnesses: [...witnesses.values()], complete, ...(exhausted ? { exhausted } : {}) };
}
