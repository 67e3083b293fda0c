import { tokenize, type Location, type Token as MomoaToken } from "@humanwhocodes/momoa";
import type { AST } from "jsonc-eslint-parser";
import { jsonArray, jsonLiteral, jsonNegative, jsonObject, jsonProperty } from "./json-nodes.js";

type Token = AST.JSONProgram["tokens"][number];

/**
 * The AST of a text that is plain JSON (RFC 8259), tokenized by `@humanwhocodes/momoa` (ESLint's own JSON parser,
 * in its strict `json` mode) and read from those tokens into the tree `jsonc-eslint-parser` gives for the same
 * text, node for node
 * (types, fields in the same order, `range`, `loc` with 0-based columns, `parent`, `raw`, a negative number as a
 * unary minus over its literal), without the JavaScript tokenizer behind that parser and without keeping a token
 * per character of punctuation. Most files a linter reads are plain JSON, and the general parser takes about a
 * third more CPU on them (figures in the package README).
 *
 * Anything else gives undefined, and the caller parses with the general parser, whose AST, tokens and error
 * messages are then the only ones there are: whatever momoa's `json` mode refuses (a comment, a trailing comma, a
 * JSON5 form, a syntax error, a token out of JSON's grammar), and what it lets through that acorn, behind the
 * general parser, reads otherwise or refuses: a control character (a tab or line break included) in a string, a
 * line separator (U+2028, U+2029), a `__proto__` key, a number JSON does not write (`01`), or arrays and objects
 * nested deeper than `maxDepth` (the caller's limit, which also keeps the recursion here bounded).
 * `tokens` is computed on first read, by that parser (`reparse`), since only a rule about the syntax itself asks
 * for it, and such a rule can ask `isPlainJsonTree` first; a text accepted here has no comments.
 */
export function parseStrictJsonAst(text: string, reparse: () => AST.JSONProgram, maxDepth: number): AST.JSONProgram | undefined {
  let root: AST.JSONExpression;
  let tokens: MomoaToken[];
  try {
    // momoa's tokens, read into the tree here: its own tree would be one more node per value, built to be dropped.
    // Each momoa location has its offset: `ranges` would only add an array per token.
    tokens = tokenize(text, { mode: "json", ranges: false });
    root = new TreeBuilder(text, tokens, maxDepth).document();
  } catch {
    // momoa's syntax errors, a stack it exhausted, and NOT_STRICT: all are the general parser's to report.
    return undefined;
  }
  const statement = { type: "JSONExpressionStatement", expression: root, range: root.range, loc: root.loc, parent: null } as unknown as AST.JSONExpressionStatement;
  const program = {
    type: "Program",
    body: [statement],
    comments: [],
    tokens: undefined,
    range: [0, text.length],
    loc: { start: { line: 1, column: 0 }, end: endOf(text, tokens[tokens.length - 1]!.loc.end) },
    parent: null,
  } as unknown as AST.JSONProgram;
  // One accessor shared by every plain tree: a closure per tree would give each its own hidden class, and V8 then
  // spends more time on those than on reading the text.
  Object.defineProperty(program, "tokens", TOKENS);
  lazyTokens.set(program, { reparse, moves: [] });
  (statement as { parent: unknown }).parent = program;
  (root as { parent: unknown }).parent = statement;
  return program;
}

/**
 * Where a text ends, as the general parser counts lines (\n, \r\n and a lone \r, as momoa does too): from the end
 * of its last token, after which only whitespace follows.
 */
function endOf(text: string, last: Location): Position {
  let line = last.line;
  let column = last.column - 1;
  for (let i = last.offset; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      column = 0;
    } else {
      column++;
    }
  }
  return { line, column };
}

/** The tokens of a plain tree: built by `reparse` on first read, then moved by each of `moves`. */
interface LazyTokens {
  reparse: () => AST.JSONProgram;
  moves: ((token: Token) => void)[];
  tokens?: AST.JSONProgram["tokens"];
}

/** Every tree `parseStrictJsonAst` gave, with its tokens or what builds them. */
const lazyTokens = new WeakMap<object, LazyTokens>();

const TOKENS: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: object) {
    const lazy = lazyTokens.get(this);
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
    const lazy = lazyTokens.get(this);
    if (lazy) lazy.tokens = value;
  },
};

/**
 * Does `move` to each token of a plain tree whose tokens are not built yet, when they are; false when the tree is
 * not a plain one or its tokens are already there (then the caller moves them itself).
 */
export function moveTokensWhenBuilt(ast: object, move: (token: Token) => void): boolean {
  const lazy = lazyTokens.get(ast);
  if (!lazy || lazy.tokens) return false;
  lazy.moves.push(move);
  return true;
}

/**
 * Whether a tree was read from plain JSON by `parseStrictJsonAst`: it then has no comment, trailing comma or JSON5
 * form, and its `tokens` need not be built to know it. False for a tree from any other parser (ESLint's own).
 */
export function isPlainJsonTree(ast: object): boolean {
  return lazyTokens.has(ast);
}

/**
 * What momoa's `json` mode reads in a string as any other character, though JSON allows none of it unescaped there
 * (control characters, a tab and line breaks included; momoa's locations do not move past a line break in a
 * string), and line separators, which JSON allows but acorn counts as line breaks. Between tokens momoa refuses all
 * of them but tab and line breaks.
 */
const NOT_IN_A_STRING = /[\u0000-\u001f\u2028\u2029]/;

/** A number as RFC 8259 writes it (momoa's tokenizer reads a little more, such as a leading zero). */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/** Thrown (never escaping this module) where momoa's tree is not one the general parser would give. */
const NOT_STRICT = Symbol("not strict JSON");

function notStrict(): never {
  throw NOT_STRICT;
}

type Position = { line: number; column: number };

/** A momoa location (1-based column) as an ESTree position (0-based column). */
function position(at: Location): Position {
  return { line: at.line, column: at.column - 1 };
}

/** The JSON grammar over momoa's tokens, building jsonc-eslint-parser's nodes, each with its `parent`. */
class TreeBuilder {
  /** How deep the value being built nests, so that recursion stays within the limit the caller checked. */
  private depth = 0;
  /** The next token to read. */
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: MomoaToken[],
    private readonly maxDepth: number,
  ) {}

  /** The one value of the text, and nothing after it. */
  document(): AST.JSONExpression {
    const root = this.expression(this.next());
    if (this.at !== this.tokens.length) notStrict();
    return root;
  }

  private next(): MomoaToken {
    return this.tokens[this.at++] ?? notStrict();
  }

  private expression(token: MomoaToken): AST.JSONExpression {
    const { start, end } = token.loc;
    switch (token.type) {
      case "LBrace":
        return this.object(start);
      case "LBracket":
        return this.array(start);
      case "String":
        return this.string(token);
      case "Number":
        return this.number(start, end);
      case "Boolean":
        return this.literal(start, end, this.text.charCodeAt(start.offset) === 0x74);
      case "Null":
        return this.literal(start, end, null);
      default:
        // A punctuator where a value belongs; NaN and Infinity are JSON5 only and never tokens of json mode.
        return notStrict();
    }
  }

  private literal(from: Location, to: Location, value: unknown, raw = this.text.slice(from.offset, to.offset)): AST.JSONLiteral {
    return jsonLiteral(from.offset, to.offset, position(from), position(to), value, raw);
  }

  private string(token: MomoaToken): AST.JSONLiteral {
    const { start, end } = token.loc;
    const raw = this.text.slice(start.offset, end.offset);
    if (NOT_IN_A_STRING.test(raw)) notStrict();
    // JSON's escapes are JavaScript's, and JSON.parse refuses any other: the value the general parser reads.
    return this.literal(start, end, raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1), raw);
  }

  /** A number as JSON writes it; `-1` is, as acorn reads it, a unary minus over the literal `1`. */
  private number(from: Location, to: Location): AST.JSONExpression {
    const raw = this.text.slice(from.offset, to.offset);
    if (!JSON_NUMBER.test(raw)) notStrict();
    if (raw.charCodeAt(0) !== 0x2d) return this.literal(from, to, Number(raw), raw);
    const argumentStart = { line: from.line, column: from.column + 1, offset: from.offset + 1 };
    // StringToNumber of the digits alone: 0 for `-0`.
    return jsonNegative(from.offset, position(from), this.literal(argumentStart, to, Number(raw.slice(1))));
  }

  private property(keyToken: MomoaToken): AST.JSONProperty {
    // json mode names every member with a string.
    if (keyToken.type !== "String") notStrict();
    const key = this.string(keyToken);
    // jsonc-eslint-parser refuses a second `__proto__` key, as JavaScript does: its message is the one to give.
    if (key.value === "__proto__") notStrict();
    if (this.next().type !== "Colon") notStrict();
    return jsonProperty(key, this.expression(this.next()));
  }

  /**
   * The items of an object or array up to its closing token, read by `item` from each one's first token, and that
   * closing token. Counts one more level of nesting: deeper texts are the caller's to refuse, with its own message.
   */
  private items<T>(close: "RBrace" | "RBracket", item: (first: MomoaToken) => T): { items: T[]; to: Location } {
    if (++this.depth > this.maxDepth) notStrict();
    const items: T[] = [];
    let token = this.next();
    if (token.type !== close) {
      for (;;) {
        items.push(item(token));
        token = this.next();
        if (token.type === close) break;
        if (token.type !== "Comma") notStrict();
        token = this.next();
      }
    }
    this.depth--;
    return { items, to: token.loc.end };
  }

  private object(from: Location): AST.JSONObjectExpression {
    const { items, to } = this.items("RBrace", (first) => this.property(first));
    return jsonObject(from.offset, to.offset, position(from), position(to), items);
  }

  private array(from: Location): AST.JSONArrayExpression {
    const { items, to } = this.items("RBracket", (first) => this.expression(first));
    return jsonArray(from.offset, to.offset, position(from), position(to), items);
  }
}
