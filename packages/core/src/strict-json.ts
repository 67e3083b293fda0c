import type { AST } from "jsonc-eslint-parser";
import { jsonArray, jsonLiteral, jsonNegative, jsonObject, jsonProperty } from "./json-nodes.js";

type Token = AST.JSONProgram["tokens"][number];

/**
 * The AST of a text that is plain JSON (RFC 8259), read in one pass over its characters into the tree
 * `jsonc-eslint-parser` gives for the same text, node for node (types, fields in the same order, `range`, `loc` with
 * 0-based columns, `parent`, `raw`, a negative number as a unary minus over its literal), without the JavaScript
 * tokenizer behind that parser and without a token object per value or punctuator. Most files a linter reads are
 * plain JSON, and a policy is read in every run: reading its characters straight into nodes leaves the nodes as
 * the only garbage a parse makes.
 *
 * Anything else gives undefined, and the caller parses with the general parser, whose AST, tokens and error
 * messages are then the only ones there are: a comment, a trailing comma, a JSON5 form, a syntax error, whitespace
 * JSON does not write (a form feed, a byte order mark), and what acorn, behind the general parser, reads otherwise
 * or refuses: a control character (a tab or line break included) in a string, a line separator (U+2028, U+2029), a
 * `__proto__` key, a number JSON does not write (`01`), or arrays and objects nested deeper than `maxDepth` (the
 * caller's limit, which also keeps the recursion here bounded).
 * `tokens` is computed on first read, by that parser (`reparse`), since only a rule about the syntax itself asks
 * for it, and such a rule can ask `isPlainJsonTree` first; a text accepted here has no comments.
 */
export function parseStrictJsonAst(text: string, reparse: () => AST.JSONProgram, maxDepth: number, place?: Placement): AST.JSONProgram | undefined {
  const reader = new PlainJsonReader(text, maxDepth, place);
  let root: AST.JSONExpression;
  try {
    root = reader.document();
  } catch {
    // NOT_STRICT, or JSON.parse refusing an escape: both are the general parser's to report.
    return undefined;
  }
  const statement = { type: "JSONExpressionStatement", expression: root, range: root.range, loc: root.loc, parent: null } as unknown as AST.JSONExpressionStatement;
  const program = {
    type: "Program",
    body: [statement],
    comments: [],
    tokens: undefined,
    range: [reader.offset(0), reader.offset(text.length)],
    loc: { start: place ? place.position(reader.offset(0)) : { line: 1, column: 0 }, end: reader.position() },
    parent: null,
  } as unknown as AST.JSONProgram;
  // One accessor shared by every plain tree: a closure per tree would give each its own hidden class, and V8 then
  // spends more time on those than on reading the text.
  Object.defineProperty(program, "tokens", TOKENS);
  Object.defineProperty(program, LAZY_TOKENS, { value: { reparse, moves: [] } satisfies LazyTokens });
  (statement as { parent: unknown }).parent = program;
  (root as { parent: unknown }).parent = statement;
  return program;
}

/** The tokens of a plain tree: built by `reparse` on first read, then moved by each of `moves`. */
interface LazyTokens {
  reparse: () => AST.JSONProgram;
  moves: ((token: Token) => void)[];
  tokens?: AST.JSONProgram["tokens"];
}

/**
 * On every tree `parseStrictJsonAst` gave, hidden: its tokens or what builds them. A field rather than a WeakMap
 * entry, since V8's young-generation collector keeps every WeakMap value alive (and so the text it would parse).
 */
const LAZY_TOKENS = Symbol("lazy tokens");

function lazyTokensOf(ast: object): LazyTokens | undefined {
  return (ast as { [LAZY_TOKENS]?: LazyTokens })[LAZY_TOKENS];
}

const TOKENS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object) {
    const lazy = lazyTokensOf(this);
    if (!lazy) return undefined;
    if (!lazy.tokens) {
      const tokens = lazy.reparse().tokens;
      for (const move of lazy.moves) for (const token of tokens) move(token);
      lazy.tokens = tokens;
      lazy.moves = [];
    }
    return lazy.tokens;
  },
  set(this: object, value: AST.JSONProgram["tokens"]) {
    const lazy = lazyTokensOf(this);
    if (lazy) lazy.tokens = value;
  },
};

/**
 * Does `move` to each token of a plain tree whose tokens are not built yet, when they are; false when the tree is
 * not a plain one or its tokens are already there (then the caller moves them itself).
 */
export function moveTokensWhenBuilt(ast: object, move: (token: Token) => void): boolean {
  const lazy = lazyTokensOf(ast);
  if (!lazy || lazy.tokens) return false;
  lazy.moves.push(move);
  return true;
}

/**
 * Whether a tree was read from plain JSON by `parseStrictJsonAst`: it then has no comment, trailing comma or JSON5
 * form, and its `tokens` need not be built to know it. False for a tree from any other parser (ESLint's own).
 */
export function isPlainJsonTree(ast: object): boolean {
  return lazyTokensOf(ast) !== undefined;
}

/** Thrown (never escaping this module) where the text is not one this reader gives the general parser's tree for. */
const NOT_STRICT = Symbol("not strict JSON");

function notStrict(): never {
  throw NOT_STRICT;
}

type Position = { line: number; column: number };

/**
 * Where a text read from inside another is placed in that other (a document written in a string of its host): the
 * nodes are built with the host's offsets and positions, rather than built at the text's own and moved after.
 */
export interface Placement {
  /** `offsets[i]` is the host offset of the text's character i; `offsets[text.length]` the offset just after it. */
  offsets: readonly number[];
  /** The host position of a host offset. */
  position(offset: number): Position;
}

/**
 * RFC 8259's grammar over a text's characters, building jsonc-eslint-parser's nodes, each with its `parent`. Lines
 * are counted as acorn counts them between tokens (\n, \r\n and a lone \r); a string holds no line break (one is
 * refused), so a column is the offset from the line's start, in UTF-16 code units as acorn counts them.
 */
class PlainJsonReader {
  /** The offset of the next character to read. */
  private at = 0;
  private line = 1;
  /** The offset where the current line starts. */
  private lineStart = 0;
  /** How deep the value being read nests, so that recursion stays within the limit the caller checked. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly place?: Placement,
  ) {}

  /** The offset a node records for the text's offset `at`: the host's, when the text is placed in one. */
  offset(at: number): number {
    return this.place ? this.place.offsets[at]! : at;
  }

  /** The position a node records for the text's offset `at`, which is on the current line. */
  private positionOf(at: number): Position {
    return this.place ? this.place.position(this.place.offsets[at]!) : { line: this.line, column: at - this.lineStart };
  }

  /** The one value of the text, and nothing but whitespace after it. */
  document(): AST.JSONExpression {
    this.space();
    const root = this.value();
    this.space();
    if (this.at !== this.text.length) notStrict();
    return root;
  }

  /** Where the reader is, as an ESTree position: after `document`, the end of the text. */
  position(): Position {
    return this.positionOf(this.at);
  }

  /** Skips JSON's whitespace (space, tab, line feed, carriage return), counting lines. */
  private space(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09) {
        this.at++;
      } else if (c === 0x0a) {
        this.lineStart = ++this.at;
        this.line++;
      } else if (c === 0x0d) {
        if (text.charCodeAt(++this.at) === 0x0a) this.at++;
        this.lineStart = this.at;
        this.line++;
      } else {
        return;
      }
    }
  }

  private value(): AST.JSONExpression {
    const c = this.text.charCodeAt(this.at);
    switch (c) {
      case 0x7b:
        return this.object();
      case 0x5b:
        return this.array();
      case 0x22:
        return this.string();
      case 0x74:
        return this.word("true", true);
      case 0x66:
        return this.word("false", false);
      case 0x6e:
        return this.word("null", null);
      default:
        // NaN and Infinity are JSON5 only; a punctuator or the end of the text where a value belongs.
        return c === 0x2d || (c >= 0x30 && c <= 0x39) ? this.number() : notStrict();
    }
  }

  /** `true`, `false` or `null`; what follows it is the caller's to judge (`nulls` fails there). */
  private word(word: "true" | "false" | "null", value: boolean | null): AST.JSONLiteral {
    if (!this.text.startsWith(word, this.at)) notStrict();
    const start = this.at;
    const from = this.position();
    this.at += word.length;
    return jsonLiteral(this.offset(start), this.offset(this.at), from, this.position(), value, word);
  }

  /**
   * A string, its escapes decoded as JSON.parse (and so JavaScript) decodes them; JSON.parse throws on any escape
   * JSON does not write. A raw control character or line separator is refused: acorn refuses the one and counts
   * the other as a line break.
   */
  private string(): AST.JSONLiteral {
    const text = this.text;
    const start = this.at;
    let escaped = false;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        // The escaped character is JSON.parse's to judge: it refuses every one JSON does not write.
        escaped = true;
        i += 2;
        continue;
      }
      // NaN (the end of the text) fails the comparison too: an unterminated string.
      if (!(c >= 0x20) || c === 0x2028 || c === 0x2029) notStrict();
      i++;
    }
    const end = i + 1;
    const from = this.position();
    this.at = end;
    const raw = text.slice(start, end);
    return jsonLiteral(this.offset(start), this.offset(end), from, this.position(), escaped ? (JSON.parse(raw) as string) : text.slice(start + 1, i), raw);
  }

  /** A number as RFC 8259 writes it; `-1` is, as acorn reads it, a unary minus over the literal `1`. */
  private number(): AST.JSONExpression {
    const text = this.text;
    const start = this.at;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) i = this.digits(i);
    else notStrict();
    if (text.charCodeAt(i) === 0x2e) i = this.digits(i + 1, true);
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      const sign = text.charCodeAt(i + 1);
      i = this.digits(sign === 0x2b || sign === 0x2d ? i + 2 : i + 1, true);
    }
    // A digit right after the number (`01`, `-01`) is a number JSON does not write.
    const after = text.charCodeAt(i);
    if (after >= 0x30 && after <= 0x39) notStrict();
    const from = this.position();
    this.at = i;
    if (text.charCodeAt(start) !== 0x2d) {
      const raw = text.slice(start, i);
      return jsonLiteral(this.offset(start), this.offset(i), from, this.position(), Number(raw), raw);
    }
    // StringToNumber of the digits alone: 0 for `-0`.
    const raw = text.slice(start + 1, i);
    const argument = jsonLiteral(this.offset(start + 1), this.offset(i), this.positionOf(start + 1), this.position(), Number(raw), raw);
    return jsonNegative(this.offset(start), from, argument);
  }

  /** The offset after the decimal digits from `i`, at least one of them when `required`. */
  private digits(i: number, required = false): number {
    const text = this.text;
    const from = i;
    for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i));
    if (required && i === from) notStrict();
    return i;
  }

  /** Opens an object or array one level deeper; deeper texts than the limit are the caller's to refuse, with its own message. */
  private open(): Position {
    if (++this.depth > this.maxDepth) notStrict();
    const from = this.position();
    this.at++;
    this.space();
    return from;
  }

  /** After an item: true at the closing `close` (read), false after a comma (and the whitespace after it). */
  private closes(close: number): boolean {
    this.space();
    const c = this.text.charCodeAt(this.at++);
    if (c === close) return true;
    if (c !== 0x2c) notStrict();
    this.space();
    return false;
  }

  private object(): AST.JSONObjectExpression {
    const start = this.at;
    const from = this.open();
    const properties: AST.JSONProperty[] = [];
    if (this.text.charCodeAt(this.at) === 0x7d) {
      this.at++;
    } else {
      do {
        // JSON names every member with a string.
        if (this.text.charCodeAt(this.at) !== 0x22) notStrict();
        const key = this.string();
        // jsonc-eslint-parser refuses a second `__proto__` key, as JavaScript does: its message is the one to give.
        if (key.value === "__proto__") notStrict();
        this.space();
        if (this.text.charCodeAt(this.at++) !== 0x3a) notStrict();
        this.space();
        properties.push(jsonProperty(key, this.value()));
      } while (!this.closes(0x7d));
    }
    this.depth--;
    return jsonObject(this.offset(start), this.offset(this.at), from, this.position(), properties);
  }

  private array(): AST.JSONArrayExpression {
    const start = this.at;
    const from = this.open();
    const elements: AST.JSONExpression[] = [];
    if (this.text.charCodeAt(this.at) === 0x5d) {
      this.at++;
    } else {
      do elements.push(this.value());
      while (!this.closes(0x5d));
    }
    this.depth--;
    return jsonArray(this.offset(start), this.offset(this.at), from, this.position(), elements);
  }
}
