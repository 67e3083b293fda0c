import { moveTokensWhenBuilt } from "./strict-json.js";
import { offsetAtLine, parseJsonText, parsePlainJsonAt, spaceJsonRefuses, type JsonNode, type JsonProgram, type ParseProblem, type SourceLocation } from "./parse.js";
import type { TextEdit } from "./rule.js";
import { stringOffsetsOf, valuePieces, verbatimString } from "./model/values.js";
import type { AST } from "jsonc-eslint-parser";

type Position = AST.Position;

/**
 * A JSON document written inside a string of its host (`"policyText": "{\"Version\": …}"`).
 *
 * The inner text is parsed with the same parser as any policy file, then every node's `range` and `loc` are moved
 * to the host file through `offsets`, so the model and the rules work on it unchanged and every finding points at
 * the exact characters of the host file, escapes accounted for. What cannot be moved that way is the text of a fix:
 * a rule writes replacement text in the inner document's syntax, which {@link StringEmbedding.hostEdit} escapes for
 * the host string, and {@link StringEmbedding.innerText} gives back the inner text of a host range.
 */
export interface StringEmbedding {
  /** The host string literal the document was read from. */
  literal: AST.JSONLiteral;
  /** The decoded string: the document's own text. */
  text: string;
  /** `offsets[i]` is the host offset where inner character i is written; `offsets[text.length]` is the closing quote. */
  offsets: number[];
  /** The inner text of a host range, or undefined when a boundary falls inside an escape sequence. */
  innerText(range: readonly [number, number]): string | undefined;
  /**
   * A rule's edit (host range, inner-syntax text) as an edit of the host file: the text escaped for the host string.
   * Undefined when the range does not fall on character boundaries of the string, or when the document would no
   * longer parse after the edit (a fix must never leave `policyText` unreadable).
   */
  hostEdit(edit: TextEdit): TextEdit | undefined;
}

export type EmbeddedParse =
  | { ok: true; ast: JsonProgram; embedding: StringEmbedding }
  | { ok: false; error: ParseProblem & { loc: SourceLocation; range: [number, number] }; embedding: StringEmbedding };

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "'": "'", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "0": "\0" };

/**
 * Decodes a string literal's raw source (quotes included) and records, for each decoded UTF-16 unit, the offset of
 * its source. Covers JSON's escapes and JSON5's (`\'`, `\xHH`, `\v`, `\0`, line continuations). Undefined when
 * the decoding disagrees with the parser's value, so that a document is never placed on guessed offsets.
 */
export function decodeWithOffsets(literal: AST.JSONLiteral): { text: string; offsets: number[] } | undefined {
  const raw = literal.raw;
  const value = literal.value;
  if (typeof value !== "string") return undefined;
  const base = literal.range[0];
  const end = raw.length - 1;
  const offsets: number[] = [];
  // Each decoded unit is compared with the parser's value as it is found, rather than building the text again.
  let decoded = 0;
  let i = 1;
  while (i < end) {
    const ch = raw.charCodeAt(i);
    if (ch !== 0x5c) {
      if (value.charCodeAt(decoded++) !== ch) return undefined;
      offsets.push(base + i);
      i++;
      continue;
    }
    const next = raw[i + 1];
    if (next === undefined) return undefined;
    let code: number;
    let width = 2;
    if (next === "u" || next === "x") {
      const digits = next === "u" ? 4 : 2;
      const hex = raw.slice(i + 2, i + 2 + digits);
      if (!(digits === 4 ? /^[0-9a-fA-F]{4}$/ : /^[0-9a-fA-F]{2}$/).test(hex)) return undefined;
      code = parseInt(hex, 16);
      width += digits;
    } else if (next === "\r" || next === "\n" || next === "\u2028" || next === "\u2029") {
      // A JSON5 line continuation writes nothing.
      i += next === "\r" && raw[i + 2] === "\n" ? 3 : 2;
      continue;
    } else {
      code = (SIMPLE_ESCAPES[next] ?? next).charCodeAt(0);
    }
    if (value.charCodeAt(decoded++) !== code) return undefined;
    offsets.push(base + i);
    i += width;
  }
  if (decoded !== value.length) return undefined;
  offsets.push(base + end);
  return { text: value, offsets };
}

/** The host position of an offset inside the literal (which spans several lines only through JSON5 continuations). */
function positionInLiteral(literal: AST.JSONLiteral, offset: number): Position {
  let { line, column } = literal.loc.start;
  if (literal.loc.end.line === line) return { line, column: column + offset - literal.range[0] };
  const upTo = offset - literal.range[0];
  for (let i = 0; i < upTo; i++) {
    const ch = literal.raw[i];
    if (ch === "\n" || ch === "\u2028" || ch === "\u2029" || (ch === "\r" && literal.raw[i + 1] !== "\n")) {
      line++;
      column = 0;
    } else column++;
  }
  return { line, column };
}

/** Index of `offset` in the sorted offsets, or -1 when it is not the start of a character. */
function indexOfOffset(offsets: number[], offset: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = offsets[mid]!;
    if (v === offset) {
      // Line continuations write nothing, so two characters never share an offset; the first is the one.
      return mid;
    }
    if (v < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Escapes text for a string literal quoted with `quote`, as JSON.stringify would (plus `\'` in single quotes). */
export function escapeForString(text: string, quote: string): string {
  const body = JSON.stringify(text).slice(1, -1);
  return quote === "'" ? body.replace(/\\"/g, '"').replace(/'/g, "\\'") : body;
}

function makeEmbedding(literal: AST.JSONLiteral, text: string, offsets: number[], escapable = true): StringEmbedding {
  const quote = literal.raw[0] ?? '"';
  const innerRange = (range: readonly [number, number]): [number, number] | undefined => {
    const start = indexOfOffset(offsets, range[0]);
    const end = indexOfOffset(offsets, range[1]);
    return start < 0 || end < start ? undefined : [start, end];
  };
  return {
    literal,
    text,
    offsets,
    innerText(range) {
      const inner = innerRange(range);
      return inner ? text.slice(inner[0], inner[1]) : undefined;
    },
    hostEdit(edit) {
      // A string of a YAML or HCL host has its own quoting rules: no edit is offered in it.
      if (!escapable) return undefined;
      const inner = innerRange(edit.range);
      if (!inner) return undefined;
      const edited = text.slice(0, inner[0]) + edit.text + text.slice(inner[1]);
      if (!parseJsonText(edited, "JSON").ok) return undefined;
      return { range: [edit.range[0], edit.range[1]], text: escapeForString(edit.text, quote) };
    },
  };
}

const SKIPPED_KEYS = new Set(["parent", "loc", "range", "start", "end"]);

/**
 * The embedding of a document's tree, as a hidden field of its Program: a node finds its document through its
 * parents. A field rather than a WeakMap entry, since V8's young-generation collector keeps every WeakMap value alive,
 * and an embedding holds the host's tree: every host file's tree was promoted and left to full collections.
 */
const EMBEDDING = Symbol("embedding");

/** The embedding of the document a node belongs to, found through the node's parents; undefined outside one. */
function embeddingAround(node: JsonNode): StringEmbedding | undefined {
  let n: JsonNode | null | undefined = node;
  while (n && n.type !== "Program") n = n.parent as JsonNode | null | undefined;
  return n ? (n as { [EMBEDDING]?: StringEmbedding })[EMBEDDING] : undefined;
}

type Placed = { range?: [number, number]; loc?: SourceLocation; start?: number; end?: number };

/** What moves a node, token or comment of an inner AST onto host offsets and host lines. */
function hostMover(embedding: StringEmbedding): (node: Placed) => void {
  const { literal, offsets } = embedding;
  return (node) => {
    if (!node.range) return;
    const start = offsets[node.range[0]] ?? offsets[offsets.length - 1]!;
    const end = offsets[node.range[1]] ?? offsets[offsets.length - 1]!;
    node.range = [start, end];
    if ("start" in node) node.start = start;
    if ("end" in node) node.end = end;
    node.loc = { start: positionInLiteral(literal, start), end: positionInLiteral(literal, end) };
  };
}

/** Moves every node, token and comment of an inner AST onto host offsets and host lines. */
function moveToHost(ast: JsonProgram, embedding: StringEmbedding): void {
  // The typed walk below reaches each node once; the walk over every key can meet an object twice.
  const seen = new Set<object>();
  const move = hostMover(embedding);
  const visitAny = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const v of value) visitAny(v);
      return;
    }
    if (typeof value !== "object" || value === null || seen.has(value)) return;
    seen.add(value);
    const node = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(node)) if (!SKIPPED_KEYS.has(key)) visitAny(child);
    move(node);
  };
  // The node types of JSON are walked by their fields, the rest (JSON5's, tokens, comments) by every key.
  const visit = (node: JsonNode): void => {
    switch (node.type) {
      case "JSONObjectExpression":
        for (const p of node.properties) {
          visit(p.key);
          visit(p.value);
          move(p);
        }
        break;
      case "JSONArrayExpression":
        for (const e of node.elements) if (e) visit(e);
        break;
      case "JSONUnaryExpression":
        visit(node.argument);
        break;
      case "JSONLiteral":
        break;
      default:
        visitAny(node);
        return;
    }
    move(node);
  };
  for (const statement of ast.body) {
    visit(statement.expression);
    move(statement);
  }
  visitAny(ast.comments);
  // A tree read as plain JSON builds its tokens only when asked: they are moved then.
  if (!moveTokensWhenBuilt(ast, move)) visitAny(ast.tokens);
  move(ast);
}

/**
 * Parses the JSON document written in a host string literal, in host coordinates (see {@link StringEmbedding}).
 * Undefined when the literal is not a string whose source can be mapped character by character.
 */
export function parseEmbeddedJson(literal: AST.JSONLiteral): EmbeddedParse | undefined {
  if (typeof literal.value !== "string") return undefined;
  const written = stringOffsetsOf(literal);
  const decoded = written ?? decodeWithOffsets(literal);
  if (!decoded) return undefined;
  const { text, offsets } = decoded;
  const embedding = makeEmbedding(literal, text, offsets, written === undefined);
  // Nearly every document is plain JSON, read straight into host places: no tree built twice. Its tokens, built
  // only when a rule asks, are moved then.
  const placed = parsePlainJsonAt(text, { offsets, position: (offset) => positionInLiteral(literal, offset) });
  if (placed) {
    moveTokensWhenBuilt(placed, hostMover(embedding));
    Object.defineProperty(placed, EMBEDDING, { value: embedding });
    return { ok: true, ast: placed, embedding };
  }
  // What AWS reads from the string is strict JSON: no comments, no trailing commas.
  const parsed = parseJsonText(text, "JSON");
  const problem = parsed.ok ? spaceJsonRefuses(text) : parsed.error;
  if (!parsed.ok || problem) {
    // The parser's column is 1-based on the inner line; find that inner offset, then its host place.
    const innerOffset = offsetAtLine(text, problem!.line, problem!.column);
    const start = offsets[innerOffset]!;
    const end = offsets[Math.min(innerOffset + 1, text.length)]!;
    const loc = { start: positionInLiteral(literal, start), end: positionInLiteral(literal, end === start ? end + 1 : end) };
    // A place the message names (the bracket a text cut short leaves open) is one of the host file too.
    const message = problem!.message.replace(/of line (\d+), column (\d+)/, (_all, line: string, column: string) => {
      const at = positionInLiteral(literal, offsets[offsetAtLine(text, Number(line), Number(column))]!);
      return `of line ${at.line}, column ${at.column + 1}`;
    });
    return {
      ok: false,
      embedding,
      error: { message, line: loc.start.line, column: loc.start.column + 1, loc, range: [start, end] },
    };
  }
  moveToHost(parsed.ast, embedding);
  Object.defineProperty(parsed.ast, EMBEDDING, { value: embedding });
  return { ok: true, ast: parsed.ast, embedding };
}

/** The embedding a node of an embedded document was read from, if it was. */
export function embeddingOf(node: JsonNode): StringEmbedding | undefined {
  return node.type === "JSONLiteral" && typeof node.value === "string" ? embeddingAround(node) : undefined;
}

/**
 * The host range and location of characters [start, end) of a string value: of a literal in a plain file, of a
 * literal of a document written in a host string (through its offsets, so that host escapes are accounted for), or
 * of a value a host assembles (`Fn::Join`, `Fn::Sub`) when those characters were copied from one literal. Undefined
 * when the literal's own source has escapes or spans lines, where value offsets do not map onto source characters,
 * and for characters a host computes.
 */
export function locateInString(node: JsonNode, start: number, end: number): { range: [number, number]; loc: SourceLocation } | undefined {
  const pieces = valuePieces(node);
  if (pieces) {
    // An assembled value (`Fn::Join`, `Fn::Sub`): only characters copied from one written literal have a place.
    const piece = pieces.find((p) => p.start <= start && end <= p.end && (end > start || p.end > start));
    if (!piece?.literal) return undefined;
    const offset = (piece.literalStart ?? 0) - piece.start;
    // A string of a document written under Fn::Sub is assembled from its own written characters.
    if (piece.literal !== node) return locateInString(piece.literal, start + offset, end + offset);
    start += offset;
    end += offset;
  }
  if (node.type !== "JSONLiteral" || typeof node.value !== "string") return undefined;
  const verbatim = verbatimString(node);
  if (verbatim) {
    if (start < 0 || end < start || end > node.value.length) return undefined;
    const { line, column } = node.loc.start;
    const shift = column + verbatim.start - node.range[0];
    return { range: [verbatim.start + start, verbatim.start + end], loc: { start: { line, column: shift + start }, end: { line, column: shift + end } } };
  }
  if (start < 0 || end < start || end > node.value.length) return undefined;
  // Where value character i is written, from the literal's opening quote: one for one, or through its escapes
  // (`repository\/app`, `\u002a`), so that a finding inside an escaped string still points at its own characters.
  let rawAt = (i: number) => 1 + i;
  if (node.raw.length !== node.value.length + 2) {
    const decoded = decodeWithOffsets(node);
    if (!decoded) return undefined;
    rawAt = (i) => decoded.offsets[i]! - node.range[0];
  }
  const embedding = embeddingAround(node);
  if (embedding) {
    // Where the literal starts in the document's own text: offsets map each of its characters to the host.
    const innerStart = indexOfOffset(embedding.offsets, node.range[0]);
    const from = embedding.offsets[innerStart + rawAt(start)]!;
    const to = embedding.offsets[innerStart + rawAt(end)]!;
    return { range: [from, to], loc: { start: positionInLiteral(embedding.literal, from), end: positionInLiteral(embedding.literal, to) } };
  }
  if (node.loc.start.line !== node.loc.end.line) return undefined;
  const line = node.loc.start.line;
  const column = node.loc.start.column;
  const base = node.range[0];
  return { range: [base + rawAt(start), base + rawAt(end)], loc: { start: { line, column: column + rawAt(start) }, end: { line, column: column + rawAt(end) } } };
}

/** Every node of a tree, for tests and for checks that want to see all of an embedded document. */
export function* walkNodes(node: JsonNode): Generator<JsonNode> {
  yield node;
  for (const [key, child] of Object.entries(node)) {
    if (SKIPPED_KEYS.has(key)) continue;
    if (Array.isArray(child)) {
      for (const c of child) if (c && typeof c === "object" && "type" in c) yield* walkNodes(c as JsonNode);
    } else if (child && typeof child === "object" && "type" in child) yield* walkNodes(child as JsonNode);
  }
}
