import { wildcardMatch } from "./wildcard.js";

/**
 * A policy string that may hold policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`) and the
 * escapes `${*}`, `${?}`, `${$}`. Variables exist only under Version 2012-10-17 (REFERENCE §6); under 2008-10-17
 * the same text is literal, so the caller decides with `variablesEnabled`.
 */
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "var"; key: string; name: string; fallback: string | undefined }
  | { kind: "literal"; char: string };

/** A value after substitution. `literalAt` lists the offsets of `*` and `?` that are literal (from `${*}` or a variable's value). */
export interface Resolved {
  text: string;
  literalAt: number[] | undefined;
}

export type Lookup = (lowerKey: string) => string | readonly string[] | undefined;

export type Resolution = { ok: true; value: Resolved } | { ok: false; missing: string };

const VARIABLE = /^\s*([^,'\s][^,']*?)\s*(?:,\s*'([^']*)')?\s*$/;

/**
 * In a Resource, variables are substituted only after the fifth colon: "You can't use a variable to replace parts of
 * the ARN before the fifth colon, such as the service or account" (IAM User Guide, policy variables).
 */
export function resourceTemplate(source: string, variablesEnabled: boolean): Template {
  let at = -1;
  for (let i = 0; i < 5; i++) {
    at = source.indexOf(":", at + 1);
    if (at < 0) return new Template(source, variablesEnabled && !source.startsWith("arn:"), 0);
  }
  return new Template(source, variablesEnabled, at + 1);
}

export class Template {
  readonly source: string;
  /** Undefined when the text has no variable or escape: it is used as written. */
  readonly segments: readonly Segment[] | undefined;
  /** Names (as written) of the variables it refers to. */
  readonly variables: readonly string[];
  private readonly plain: Resolved | undefined;

  /** `literalPrefix`: how many leading characters are plain text whatever they hold. */
  constructor(source: string, variablesEnabled: boolean, literalPrefix = 0) {
    this.source = source;
    const tail = source.slice(literalPrefix);
    this.segments = variablesEnabled && tail.includes("${") ? [{ kind: "text", text: source.slice(0, literalPrefix) } as Segment, ...parseSegments(tail)].filter((s) => s.kind !== "text" || s.text) : undefined;
    this.variables = (this.segments ?? []).flatMap((s) => (s.kind === "var" ? [s.name] : []));
    this.plain = this.segments ? undefined : { text: source, literalAt: undefined };
    this.resolvedAsWritten = this.plain && Object.freeze({ ok: true as const, value: this.plain });
  }

  /** A static template's one resolution, made once: an evaluation resolves every condition value it reads. */
  private readonly resolvedAsWritten: Resolution | undefined;

  get isStatic(): boolean {
    return this.plain !== undefined;
  }

  private compiledGlob: ((value: string) => boolean) | undefined;

  /** For a static template: the glob matcher of its text, built on first use. */
  get glob(): (value: string) => boolean {
    return (this.compiledGlob ??= compileGlob(this.source));
  }

  /**
   * The value with each variable replaced by the value its key has. A key in `wildcardKeys` becomes an unmarked `*`
   * instead: the pattern then stands for every value the key can take (a quantified query splits resources so).
   */
  resolve(lookup: Lookup, wildcardKeys?: ReadonlySet<string>): Resolution {
    if (this.resolvedAsWritten) return this.resolvedAsWritten;
    let text = "";
    let literalAt: number[] | undefined;
    const markLiterals = (piece: string) => {
      for (let i = 0; i < piece.length; i++) {
        const c = piece.charCodeAt(i);
        if (c === 42 || c === 63) (literalAt ??= []).push(text.length + i);
      }
    };
    for (const segment of this.segments!) {
      if (segment.kind === "text") {
        text += segment.text;
      } else if (segment.kind === "literal") {
        markLiterals(segment.char);
        text += segment.char;
      } else if (wildcardKeys?.has(segment.key)) {
        text += "*";
      } else {
        const raw = lookup(segment.key);
        // A multi-valued key cannot stand in for one string; AWS treats it like a missing key.
        const value = typeof raw === "string" ? raw : segment.fallback;
        if (value === undefined) return { ok: false, missing: segment.name };
        markLiterals(value);
        text += value;
      }
    }
    return { ok: true, value: { text, literalAt } };
  }
}

function parseSegments(source: string): Segment[] {
  const segments: Segment[] = [];
  let text = "";
  let i = 0;
  while (i < source.length) {
    if (source.startsWith("${", i)) {
      const end = source.indexOf("}", i + 2);
      if (end > 0) {
        const inner = source.slice(i + 2, end);
        if (inner === "*" || inner === "?" || inner === "$") {
          if (text) segments.push({ kind: "text", text });
          text = "";
          segments.push({ kind: "literal", char: inner });
          i = end + 1;
          continue;
        }
        const m = VARIABLE.exec(inner);
        if (m) {
          if (text) segments.push({ kind: "text", text });
          text = "";
          segments.push({ kind: "var", key: m[1]!.toLowerCase(), name: m[1]!, fallback: m[2] });
          i = end + 1;
          continue;
        }
      }
    }
    text += source[i];
    i++;
  }
  if (text) segments.push({ kind: "text", text });
  return segments;
}

const STAR_SENTINEL = "\uE000";
const QUESTION_SENTINEL = "\uE001";

/**
 * Glob match where some `*`/`?` are literal. The shared linear matcher knows only wildcards, so literal ones are
 * swapped for private-use characters on both sides; text that already holds those characters takes the NFA path.
 */
export function matchResolved(resolved: Resolved, value: string, ignoreCase: boolean): boolean {
  if (!resolved.literalAt) return globMatch(resolved.text, value, ignoreCase);
  const text = resolved.text;
  if (text.includes(STAR_SENTINEL) || text.includes(QUESTION_SENTINEL) || value.includes(STAR_SENTINEL) || value.includes(QUESTION_SENTINEL)) {
    return globTokensMatch(resolved, value, ignoreCase);
  }
  const literal = new Set(resolved.literalAt);
  let pattern = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    pattern += literal.has(i) ? (c === "*" ? STAR_SENTINEL : QUESTION_SENTINEL) : c;
  }
  const escapedValue = value.replaceAll("*", STAR_SENTINEL).replaceAll("?", QUESTION_SENTINEL);
  return wildcardMatch(pattern, escapedValue, ignoreCase);
}

/**
 * A matcher built once per pattern: exact names, `*` and `prefix*` (most policy values) are answered without
 * touching the general matcher.
 */
export function compileGlob(pattern: string): (value: string) => boolean {
  if (pattern === "*") return () => true;
  const star = pattern.indexOf("*");
  const question = pattern.indexOf("?");
  if (star < 0 && question < 0) return (value) => value === pattern;
  if (question < 0 && star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (value) => value.startsWith(prefix);
  }
  return (value) => wildcardMatch(pattern, value, false);
}

/** `wildcardMatch` with the shapes that policies use most answered without splitting the pattern. */
export function globMatch(pattern: string, value: string, ignoreCase: boolean): boolean {
  if (pattern === "*") return true;
  const star = pattern.indexOf("*");
  const question = pattern.indexOf("?");
  if (!ignoreCase) {
    if (star < 0 && question < 0) return pattern === value;
    if (question < 0 && star === pattern.length - 1) return startsWithFirst(value, pattern, star);
  }
  return wildcardMatch(pattern, value, ignoreCase);
}

/** Whether `value` starts with the first `length` characters of `pattern`, compared in place. */
function startsWithFirst(value: string, pattern: string, length: number): boolean {
  if (value.length < length) return false;
  for (let i = 0; i < length; i++) if (value.charCodeAt(i) !== pattern.charCodeAt(i)) return false;
  return true;
}

/** Exact comparison: `*` and `?` are plain characters here (StringEquals, ArnEquals never use them as wildcards). */
export function resolvedEquals(resolved: Resolved, value: string, ignoreCase: boolean): boolean {
  return ignoreCase ? resolved.text.toLowerCase() === value.toLowerCase() : resolved.text === value;
}

/** Position-set simulation of a glob; linear in pattern × value, used only where sentinels cannot be used. */
function globTokensMatch(resolved: Resolved, value: string, ignoreCase: boolean): boolean {
  const literal = new Set(resolved.literalAt ?? []);
  const p = ignoreCase ? resolved.text.toLowerCase() : resolved.text;
  const v = ignoreCase ? value.toLowerCase() : value;
  const n = p.length;
  const isStar = (i: number) => p[i] === "*" && !literal.has(i);
  const isAny = (i: number) => p[i] === "?" && !literal.has(i);
  let current = new Uint8Array(n + 1);
  const close = (set: Uint8Array) => {
    for (let i = 0; i < n; i++) if (set[i] && isStar(i)) set[i + 1] = 1;
  };
  current[0] = 1;
  close(current);
  for (let k = 0; k < v.length; k++) {
    const ch = v[k];
    const next = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) {
      if (!current[i]) continue;
      if (isStar(i)) next[i] = 1;
      else if (isAny(i) || p[i] === ch) next[i + 1] = 1;
    }
    close(next);
    current = next;
  }
  return current[n] === 1;
}
