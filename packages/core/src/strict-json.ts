import type { AST } from "jsonc-eslint-parser";

type Token = AST.JSONProgram["tokens"][number];

/**
 * The AST of a text that is plain JSON (RFC 8259), built in one pass over the text: the tree `jsonc-eslint-parser`
 * gives for the same text, node for node (types, fields in the same order, `range`, `loc` with 0-based columns,
 * `parent`, `raw`), without the JavaScript tokenizer behind it and without keeping a token per character of
 * punctuation. Most files a linter reads are plain JSON, and the general parser costs several times more on them.
 *
 * Anything else gives undefined, and the caller parses with the general parser, whose AST, tokens and error
 * messages are then the only ones there are: a comment, a trailing comma, a JSON5 form, a syntax error, a line
 * separator other than `\n`, `\r\n` or `\r`, a control character in a string, a `__proto__` key, or arrays and
 * objects nested deeper than `maxDepth` (the caller's limit, which also keeps the recursion here bounded).
 * `tokens` is computed on first read, by that parser (`reparse`), since only a rule about the syntax itself asks
 * for it, and such a rule can ask `isPlainJsonTree` first; a text accepted here has no comments.
 */
export function parseStrictJsonAst(text: string, reparse: () => AST.JSONProgram, maxDepth: number): AST.JSONProgram | undefined {
  const parser = new StrictJsonParser(text, maxDepth);
  let root: AST.JSONExpression | undefined;
  try {
    parser.skipSpace();
    root = parser.value();
    parser.skipSpace();
  } catch (error) {
    if (error === NOT_STRICT) return undefined;
    throw error;
  }
  if (!root || parser.pos !== text.length) return undefined;
  const statement = { type: "JSONExpressionStatement", expression: root, range: root.range, loc: root.loc, parent: null } as unknown as AST.JSONExpressionStatement;
  const program = {
    type: "Program",
    body: [statement],
    comments: [],
    tokens: undefined,
    range: [0, text.length],
    loc: { start: { line: 1, column: 0 }, end: parser.position() },
    parent: null,
  } as unknown as AST.JSONProgram;
  let tokens: AST.JSONProgram["tokens"] | undefined;
  Object.defineProperty(program, "tokens", {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!tokens) {
        tokens = reparse().tokens;
        for (const move of tokenMoves.get(program) ?? []) for (const token of tokens) move(token);
        tokensBuilt.add(program);
      }
      return tokens;
    },
    set: (value: AST.JSONProgram["tokens"]) => {
      tokens = value;
      tokensBuilt.add(program);
    },
  });
  (statement as { parent: unknown }).parent = program;
  (root as { parent: unknown }).parent = statement;
  plainTrees.add(program);
  return program;
}

const plainTrees = new WeakSet<object>();

/** What is to be done to each token of a plain tree once they are built (moved onto a host's coordinates). */
const tokenMoves = new WeakMap<object, ((token: Token) => void)[]>();
const tokensBuilt = new WeakSet<object>();

/**
 * Does `move` to each token of a plain tree whose tokens are not built yet, when they are; false when the tree is
 * not a plain one or its tokens are already there (then the caller moves them itself).
 */
export function moveTokensWhenBuilt(ast: object, move: (token: Token) => void): boolean {
  if (!plainTrees.has(ast) || tokensBuilt.has(ast)) return false;
  const moves = tokenMoves.get(ast) ?? [];
  moves.push(move);
  tokenMoves.set(ast, moves);
  return true;
}

/**
 * Whether a tree was read from plain JSON by `parseStrictJsonAst`: it then has no comment, trailing comma or JSON5
 * form, and its `tokens` need not be built to know it. False for a tree from any other parser (ESLint's own).
 */
export function isPlainJsonTree(ast: object): boolean {
  return plainTrees.has(ast);
}

/** Thrown (never escaping this module) where the text stops being plain JSON. */
const NOT_STRICT = Symbol("not strict JSON");

function notStrict(): never {
  throw NOT_STRICT;
}

type Position = { line: number; column: number };

/** Characters of the number grammar after the first digit: digits, `.`, `e`, `E`, `+`, `-`. */
function isNumberChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

const NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

class StrictJsonParser {
  pos = 0;
  private line = 1;
  private lineStart = 0;
  /** How deep the value being read nests, so that recursion stays within the limit the caller checked. */
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  position(): Position {
    return { line: this.line, column: this.pos - this.lineStart };
  }

  private at(offset: number): Position {
    // Tokens never span lines in plain JSON: every offset past the current token's start is on its line.
    return { line: this.line, column: offset - this.lineStart };
  }

  skipSpace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09) this.pos++;
      else if (c === 0x0a) {
        this.pos++;
        this.line++;
        this.lineStart = this.pos;
      } else if (c === 0x0d) {
        this.pos += text.charCodeAt(this.pos + 1) === 0x0a ? 2 : 1;
        this.line++;
        this.lineStart = this.pos;
      } else return;
    }
  }

  value(): AST.JSONExpression {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d) return this.negative();
    if (c >= 0x30 && c <= 0x39) return this.number();
    if (c === 0x74) return this.keyword("true", true);
    if (c === 0x66) return this.keyword("false", false);
    if (c === 0x6e) return this.keyword("null", null);
    return notStrict();
  }

  private literal(start: number, value: unknown): AST.JSONLiteral {
    const end = this.pos;
    return {
      type: "JSONLiteral",
      start,
      end,
      loc: { start: this.at(start), end: this.at(end) },
      range: [start, end],
      value,
      raw: this.text.slice(start, end),
      parent: null,
    } as unknown as AST.JSONLiteral;
  }

  private keyword(word: string, value: boolean | null): AST.JSONLiteral {
    if (!this.text.startsWith(word, this.pos)) notStrict();
    const start = this.pos;
    this.pos += word.length;
    return this.literal(start, value);
  }

  string(): AST.JSONLiteral {
    const text = this.text;
    const start = this.pos;
    let escaped = false;
    let i = start + 1;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        escaped = true;
        i += 2;
        continue;
      }
      // A control character (a line break included), a line separator acorn counts as a new line, or the end.
      if (c < 0x20 || c === 0x2028 || c === 0x2029 || Number.isNaN(c)) notStrict();
      i++;
    }
    this.pos = i + 1;
    let value: string;
    if (!escaped) value = text.slice(start + 1, i);
    else {
      try {
        value = JSON.parse(text.slice(start, this.pos)) as string;
      } catch {
        return notStrict();
      }
    }
    return this.literal(start, value);
  }

  private number(): AST.JSONLiteral {
    const text = this.text;
    const start = this.pos;
    let i = start + 1;
    while (isNumberChar(text.charCodeAt(i))) i++;
    const raw = text.slice(start, i);
    if (!NUMBER.test(raw)) notStrict();
    this.pos = i;
    return this.literal(start, Number(raw));
  }

  private negative(): AST.JSONExpression {
    const start = this.pos;
    const startLoc = this.at(start);
    this.pos++;
    const c = this.text.charCodeAt(this.pos);
    if (!(c >= 0x30 && c <= 0x39)) notStrict();
    const argument = this.number();
    const end = this.pos;
    const node = {
      type: "JSONUnaryExpression",
      start,
      end,
      loc: { start: startLoc, end: this.at(end) },
      range: [start, end],
      operator: "-",
      prefix: true,
      argument,
      parent: null,
    } as unknown as AST.JSONUnaryExpression;
    (argument as { parent: unknown }).parent = node;
    return node;
  }

  /** Steps over an opening bracket: true when its `close` bracket follows at once (and is stepped over too). */
  private open(close: number): boolean {
    // Deeper texts are the caller's to refuse, with its own message.
    if (++this.depth > this.maxDepth) notStrict();
    this.pos++;
    this.skipSpace();
    return this.closes(close);
  }

  /** After a member: true at the `close` bracket (stepped over), false after a comma. */
  private next(close: number): boolean {
    this.skipSpace();
    if (this.closes(close)) return true;
    if (this.text.charCodeAt(this.pos) !== 0x2c) notStrict();
    this.pos++;
    this.skipSpace();
    return false;
  }

  private closes(close: number): boolean {
    if (this.text.charCodeAt(this.pos) !== close) return false;
    this.pos++;
    this.depth--;
    return true;
  }

  private property(): AST.JSONProperty {
    if (this.text.charCodeAt(this.pos) !== 0x22) notStrict();
    const key = this.string();
    // jsonc-eslint-parser refuses a second `__proto__` key, as JavaScript does: its message is the one to give.
    if (key.value === "__proto__") notStrict();
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) !== 0x3a) notStrict();
    this.pos++;
    this.skipSpace();
    const value = this.value();
    const property = {
      type: "JSONProperty",
      start: key.range[0],
      end: value.range[1],
      // Positions are shared with the key and the value: nothing moves a position in place, only whole locations.
      loc: { start: key.loc.start, end: value.loc.end },
      range: [key.range[0], value.range[1]],
      method: false,
      shorthand: false,
      computed: false,
      key,
      value,
      kind: "init",
      parent: null,
    } as unknown as AST.JSONProperty;
    (key as { parent: unknown }).parent = property;
    (value as { parent: unknown }).parent = property;
    return property;
  }

  private object(): AST.JSONObjectExpression {
    const start = this.pos;
    const startLoc = this.position();
    const properties: AST.JSONProperty[] = [];
    if (!this.open(0x7d)) do properties.push(this.property());
    while (!this.next(0x7d));
    const end = this.pos;
    const node = { type: "JSONObjectExpression", start, end, loc: { start: startLoc, end: this.at(end) }, range: [start, end], properties, parent: null } as unknown as AST.JSONObjectExpression;
    for (const p of properties) (p as { parent: unknown }).parent = node;
    return node;
  }

  private array(): AST.JSONArrayExpression {
    const start = this.pos;
    const startLoc = this.position();
    const elements: AST.JSONExpression[] = [];
    if (!this.open(0x5d)) do elements.push(this.value());
    while (!this.next(0x5d));
    const end = this.pos;
    const node = { type: "JSONArrayExpression", start, end, loc: { start: startLoc, end: this.at(end) }, range: [start, end], elements, parent: null } as unknown as AST.JSONArrayExpression;
    for (const e of elements) (e as { parent: unknown }).parent = node;
    return node;
  }
}
