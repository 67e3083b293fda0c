import { createRequire } from "node:module";
import type { AST } from "jsonc-eslint-parser";
import { parseStrictJsonAst, type Placement } from "./strict-json.js";
import { jsonArray, jsonLiteral, jsonNegative, jsonObject, jsonProperty } from "./json-nodes.js";

export type JsonProgram = AST.JSONProgram;
export type JsonNode = AST.JSONNode;
export type JsonExpression = AST.JSONExpression;
export type JsonObject = AST.JSONObjectExpression;
export type JsonArray = AST.JSONArrayExpression;
export type JsonProperty = AST.JSONProperty;
export type SourceLocation = AST.SourceLocation;

type GeneralParser = typeof import("jsonc-eslint-parser");
let generalParser: GeneralParser | undefined;

/**
 * jsonc-eslint-parser's `parseJSON`, loaded on the first text the one-pass reader leaves to it: it brings acorn and
 * espree (about 20 ms of loading), and a run over plain JSON files never needs them. `require` loads the ES module
 * synchronously (Node 20.19 and later), so parsing stays synchronous.
 */
function parseJSON(text: string, options?: Parameters<GeneralParser["parseJSON"]>[1]): AST.JSONProgram {
  const parser = (generalParser ??= createRequire(import.meta.url)("jsonc-eslint-parser") as GeneralParser);
  try {
    return parseAllowingSpacesAtEnd(text, (t) => parser.parseJSON(t, options));
  } catch (error) {
    if (options?.jsonSyntax !== "JSON" || !LINE_SEPARATORS.test(text) || !String((error as Error).message).includes("multiline string")) throw error;
    // With syntax JSON the parser refuses a string holding U+2028 or U+2029 as a "multiline string" (acorn reads
    // both as line breaks), while JSON allows both in a string as they are (RFC 8259, section 7). The text with
    // spaces in their place (offsets unchanged) tells whether anything else is wrong, and where.
    try {
      generalParser.parseJSON(text.replace(LINE_SEPARATORS_ALL, " "), options);
    } catch (other) {
      throw atLinesOf(other, text);
    }
    // A text that JSON.parse reads is plain JSON, and every syntax gives it the same tree: JSON5's, which allows
    // such strings. One with a separator between values too is not, and keeps the first error.
    if (!isJson(text)) {
      const space = spaceJsonRefuses(text);
      throw space ? Object.assign(new Error(space.message.replace(/^Parsing error: /, "")), { lineNumber: space.line, column: space.column }) : error;
    }
    return generalParser.parseJSON(text, { jsonSyntax: "JSON5" });
  }
}

const LINE_SEPARATORS_ALL = /[\u2028\u2029]/gu;

/** Spaces and line breaks of JavaScript that JSON does not allow between values. */
const NOT_JSON_SPACE = /[\u000b\u000c\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/u;
const NOT_JSON_SPACES_ALL = new RegExp(NOT_JSON_SPACE.source, "gu");
/** The spaces and line breaks of JavaScript that end a text. */
const TRAILING_SPACES = /[\s\ufeff]+$/u;

/**
 * jsonc-eslint-parser skips a no-break space (or another space of JavaScript) before and between values, and refuses
 * one after the last with "Unexpected token" at the closing brace. The text with JSON's spaces in place of the ones
 * it ends with (a line break for U+2028 and U+2029; offsets unchanged), for a parser to read again, so that a pasted
 * policy ending in one is a policy whose space is reported (plain-json), not a parsing error; undefined when its
 * end has none.
 */
function withPlainTrailingSpaces(text: string): string | undefined {
  const tail = TRAILING_SPACES.exec(text);
  if (!tail || !NOT_JSON_SPACE.test(tail[0])) return undefined;
  return text.slice(0, tail.index) + tail[0].replace(NOT_JSON_SPACES_ALL, (c) => (c === "\u2028" || c === "\u2029" ? "\n" : " "));
}

/**
 * `parse(text)`, read again through {@link withPlainTrailingSpaces} when it refuses the text: what the runner and the
 * ESLint plugin both do on top of jsonc-eslint-parser. Throws the first error when that does not help either.
 */
export function parseAllowingSpacesAtEnd<T>(text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    const spaced = withPlainTrailingSpaces(text);
    if (spaced !== undefined) {
      try {
        return parse(spaced);
      } catch {
        // Something else is wrong too: the first error stands.
      }
    }
    throw error;
  }
}

/** How JSON writes a control character inside a string: its short escape, else `\u00XX`. */
export function jsonEscapeOf(c: number): string {
  const named: Record<number, string> = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r" };
  return named[c] ?? `\\u${c.toString(16).padStart(4, "0")}`;
}

/**
 * The first thing JSON does not allow that the general parser (acorn, behind it) lets through, in a text it read with
 * syntax JSON, as a parsing error with its line (U+2028 and U+2029 end lines, as ESLint counts them) and 1-based
 * column: a space between values other than space, tab, line feed and carriage return (RFC 8259, section 2), or a
 * control character written as it is inside a string, where JSON allows it only escaped (section 7: a tab, say).
 * AWS refuses a policy document with either. Undefined for a text without one.
 */
export function spaceJsonRefuses(text: string): { message: string; line: number; column: number } | undefined {
  // What JSON.parse reads holds neither: the scan below is for the few texts it refuses.
  if (isJson(text)) return undefined;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      else if (c < 0x20) {
        const code = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
        return { message: `Parsing error: Unexpected control character ${code} in a string: JSON allows it only escaped (${jsonEscapeOf(c)}).`, ...positionAt(text, i) };
      }
    } else if (c === 0x22) inString = true;
    else if ((c === 0x0b || c === 0x0c || c > 0x7f) && NOT_JSON_SPACE.test(text[i]!)) {
      const code = `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
      return { message: `Parsing error: Unexpected character ${code}: JSON allows only spaces, tabs and line breaks between values.`, ...positionAt(text, i) };
    }
  }
  return undefined;
}

/** The offset of a 1-based column of a line of `text`, its lines ended as acorn and ESLint end them (\r\n, \n, \r, U+2028, U+2029). */
export function offsetAtLine(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line && at < text.length; at++) {
    const c = text.charCodeAt(at);
    if (c === 0x0d && text.charCodeAt(at + 1) === 0x0a) continue;
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) l++;
  }
  return Math.min(at + Math.max(column - 1, 0), text.length);
}

/** A parser error moved to the lines of `text`, where U+2028 and U+2029 end lines as \n does. */
function atLinesOf(error: unknown, text: string): unknown {
  const e = error as { index?: number; lineNumber?: number; column?: number };
  if (typeof e.index !== "number") return error;
  const { line, column } = positionAt(text, e.index);
  e.lineNumber = line;
  e.column = column;
  return error;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A problem found while reading a file, located at 1-based line and column (ESLint's convention for messages). */
export interface ParseProblem {
  message: string;
  line: number;
  column: number;
}

export type ParseResult = { ok: true; ast: JsonProgram } | { ok: false; error: ParseProblem };

export type JsonSyntax = "JSON" | "JSONC" | "JSON5";

/**
 * How deep arrays and objects may nest in a file that is parsed. Parsers and the walks over their trees recurse, so
 * a deeper file would fail with "Not enough stack space" at a depth that depends on how much stack the caller had
 * already used (which other folders are in the run): the outcome would not be the file's. The limit is checked
 * first, without recursion, so the same file gets the same error everywhere. IAM policies nest six levels and
 * CloudFormation templates a few dozen; 256 is far from both, and far below any stack ESLint or the runner runs on.
 */
export const MAX_NESTING_DEPTH = 256;

/** The parsing error of a text nested deeper than {@link MAX_NESTING_DEPTH}, without its "Parsing error: " prefix. */
export const NESTING_TOO_DEEP = `Arrays and objects nest deeper than ${MAX_NESTING_DEPTH} levels here; the file is not parsed.`;

/**
 * Where arrays and objects first nest deeper than `limit` (the 1-based line and column of the bracket that opens
 * one level too many), or undefined. One pass, no recursion; brackets in strings and comments (JSONC, JSON5) do
 * not count.
 */
export function nestingTooDeep(text: string, limit = MAX_NESTING_DEPTH): { line: number; column: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return { line, column: i - lineStart + 1 };
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    } else if (c === 0x22 || c === 0x27) {
      // A string ends at its unescaped quote, or at the end of the line when it is left open (a parse error anyway).
      for (i++; i < text.length && text.charCodeAt(i) !== c && text.charCodeAt(i) !== 10; i++) if (text.charCodeAt(i) === 0x5c) i++;
      if (text.charCodeAt(i) === 10) i--;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i++;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let j = i; j < stop; j++) {
        if (text.charCodeAt(j) === 10) {
          line++;
          lineStart = j + 1;
        }
      }
      i = stop - 1;
    }
  }
  return undefined;
}

/**
 * Why a text holds no JSON value at all (empty, only whitespace, only comments), as a parsing error's message without
 * the `Parsing error: ` prefix; undefined for any other text. jsonc-eslint-parser says "Expected to be an expression,
 * but got empty", which does not tell a user that the file itself is empty. Reported at line 1, column 1, where the
 * value should start, by the runner and the ESLint plugin alike.
 */
export function noJsonValue(text: string, parserMessage?: string): string | undefined {
  const onlyComments = () => parserMessage?.includes("got empty") === true && text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n\r]*/g, "").trim() === "";
  const what = text.length === 0 ? "is empty" : text.trim() === "" ? "holds only whitespace" : onlyComments() ? "holds only comments" : undefined;
  return what && `The file ${what}: a policy file holds one JSON object, such as {"Version": "2012-10-17", "Statement": [...]}.`;
}

/**
 * What the runner and the ESLint plugin both say of a text `parse` refuses, in place of the parser's words: that it
 * holds no JSON value (see {@link noJsonValue}) or is cut short (see {@link cutShort}); undefined when the parser's
 * own error is the one to show.
 */
export function refusedTextProblem(text: string, parserMessage: string | undefined, parse: (text: string) => unknown): ParseProblem | undefined {
  const none = noJsonValue(text, parserMessage);
  if (none) return { message: `Parsing error: ${none}`, line: 1, column: 1 };
  return cutShort(text, (closed) => {
    try {
      parse(closed);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * What a text cut short says (a partial save, a truncated download, CLI output cut off): the parser's own error is
 * "Unexpected token" somewhere near the end, which does not say the file ends too early. `reparses` says whether the
 * text with its open brackets closed parses: only then is the cut the one problem. The message names the innermost
 * bracket left open and is placed just past the text's last character, for the runner and the ESLint plugin alike;
 * undefined for a text that is not merely cut short.
 */
function cutShort(text: string, reparses: (closed: string) => boolean): ParseProblem | undefined {
  const open: { c: string; at: number }[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "/" && text[i + 1] === "/") i = text.indexOf("\n", i) === -1 ? text.length : text.indexOf("\n", i);
    else if (c === "/" && text[i + 1] === "*") i = text.indexOf("*/", i + 2) === -1 ? text.length : text.indexOf("*/", i + 2) + 1;
    else if (c === "[" || c === "{") open.push({ c, at: i });
    else if (c === "]" || c === "}") {
      if (open.pop()?.c !== (c === "]" ? "[" : "{")) return undefined;
    }
  }
  if (inString || open.length === 0) return undefined;
  const closing = open.map((o) => (o.c === "[" ? "]" : "}")).reverse().join("");
  // A trailing comma before the cut (`"ecr:PutImage",`) is left as the cut left it: JSONC's syntax reads it.
  // On a line of their own: a text cut short after a `//` comment would take them into the comment.
  if (!reparses(`${text.trimEnd().replace(/,$/, "")}\n${closing}`)) return undefined;
  const innermost = open[open.length - 1]!;
  const opened = positionAt(text, innermost.at);
  const end = positionAt(text, text.trimEnd().length);
  return {
    message: `Parsing error: The JSON ends before the "${innermost.c}" of line ${opened.line}, column ${opened.column} is closed: is it cut short?`,
    ...end,
  };
}

/**
 * Strict JSON read straight into nodes at the places of another text it is written in (see `Placement`): the tree
 * {@link parseJsonText} gives with syntax `JSON`, already moved. Undefined for any other text, which that function
 * reads (and reports on) at the text's own places.
 */
export function parsePlainJsonAt(text: string, place: Placement): JsonProgram | undefined {
  return parseStrictJsonAst(text, () => parseJSON(text, { jsonSyntax: "JSON" }), MAX_NESTING_DEPTH, place);
}

/**
 * Parses JSON, JSONC or JSON5 into the AST that ESLint sees with jsonc-eslint-parser. Never throws. Plain JSON, the
 * common case, is read by a one-pass reader that builds the same tree (`strict-json.ts`); every other text, and
 * every error, is jsonc-eslint-parser's.
 */
export function parseJsonText(text: string, syntax?: JsonSyntax): ParseResult {
  const parseGenerally = () => (syntax ? parseJSON(text, { jsonSyntax: syntax }) : parseJSON(text));
  // The one-pass reader gives up past the same depth, so the check below decides for deeper texts.
  const plain = parseStrictJsonAst(text, parseGenerally, MAX_NESTING_DEPTH);
  if (plain) return { ok: true, ast: plain };
  const deep = nestingTooDeep(text);
  if (deep) return { ok: false, error: { message: `Parsing error: ${NESTING_TOO_DEEP}`, ...deep } };
  try {
    const ast = parseGenerally();
    return { ok: true, ast };
  } catch (error) {
    const e = error as { message?: string; lineNumber?: number; column?: number };
    const said = refusedTextProblem(text, e.message, (t) => parseJSON(t, syntax ? { jsonSyntax: syntax } : undefined));
    if (said) return { ok: false, error: said };
    return {
      ok: false,
      error: {
        message: `Parsing error: ${e.message ?? String(error)}`,
        line: e.lineNumber ?? 1,
        column: e.column ?? 1,
      },
    };
  }
}

/** 1-based line and column of a character offset, its lines ended as in {@link offsetAtLine} (as ESLint ends them). */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  return positionsIn(text)(offset);
}

/**
 * {@link positionAt} for many offsets of one text: the line starts are found once, each offset's line by binary
 * search (a rule that reports each of a thousand characters of a file does not scan it a thousand times).
 */
export function positionsIn(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) continue;
    if (c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029) starts.push(i + 1);
  }
  return (offset) => {
    const end = Math.min(Math.max(offset, 0), text.length);
    const line = lineStartingAtOrBefore(starts, end);
    return { line: line + 1, column: end - starts[line]! + 1 };
  };
}

/** The index of the last of ascending `starts` that is at most `offset` (0 when none is). */
export function lineStartingAtOrBefore(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * An empty object without a prototype, so that every key written into it is data (`__proto__` included: nothing on
 * its prototype chain treats that key specially). Made from `{}` rather than by `Object.create(null)`, whose objects
 * V8 keeps as hash tables: validating and writing out a policy's value reads each of its objects key by key.
 */
function dataObject(): Record<string, unknown> {
  return Object.setPrototypeOf({}, null) as Record<string, unknown>;
}

/** JSON.parse's objects, rebuilt without a prototype (see {@link staticValue}). */
function dataObjects(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out = dataObject();
  for (const key of Object.keys(value)) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

/** A key written twice in one object: the second one is where the problem is. */
export interface DuplicateKey {
  key: string;
  first: { line: number; column: number };
  second: { line: number; column: number };
}

/**
 * The first key written twice in one object, in source order, or undefined. JSON.parse keeps the last value in
 * silence, so a config or cases file that repeats a key would quietly lose the first one. Walks without recursion,
 * so any nesting depth is safe.
 */
export function findDuplicateKey(root: JsonNode): DuplicateKey | undefined {
  const stack: JsonNode[] = [root];
  let found: DuplicateKey | undefined;
  const before = (a: DuplicateKey["second"], b: DuplicateKey["second"]) => a.line < b.line || (a.line === b.line && a.column < b.column);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "Program") {
      stack.push(node.body[0]!.expression);
    } else if (node.type === "JSONExpressionStatement") {
      stack.push(node.expression);
    } else if (node.type === "JSONObjectExpression") {
      const seen = new Map<string, JsonProperty>();
      for (const p of node.properties) {
        const name = propertyName(p);
        const first = seen.get(name);
        if (first) {
          const at = { line: p.key.loc.start.line, column: p.key.loc.start.column + 1 };
          if (!found || before(at, found.second)) found = { key: name, first: { line: first.key.loc.start.line, column: first.key.loc.start.column + 1 }, second: at };
        } else {
          seen.set(name, p);
        }
        stack.push(p.value);
      }
    } else if (node.type === "JSONArrayExpression") {
      for (const e of node.elements) if (e) stack.push(e);
    }
  }
  return found;
}

export type StrictJsonResult = { ok: true; value: unknown } | { ok: false; error: ParseProblem };

/**
 * Strict JSON, as config and cases files are written: JSON.parse decides what is valid, objects come back without
 * a prototype, and a syntax error keeps its reason, line and column (`Expected property name or '}'`, 3:24).
 */
export function parseStrictJson(text: string): StrictJsonResult {
  // Before JSON.parse, whose recursion would otherwise answer a deep enough text with "Maximum call stack size exceeded".
  const deep = nestingTooDeep(text);
  if (deep) return { ok: false, error: { message: NESTING_TOO_DEEP, ...deep } };
  try {
    return { ok: true, value: JSON.parse(text, dataObjects) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, "")
      .replace(/\s*in JSON at position \d+/, "")
      // V8 quotes the text around the error (`"root:x:0:0"... is not valid JSON`): a file named as a config may be
      // any file (a symlink to /etc/passwd), and an error never prints its content.
      .replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
    const at = /at position (\d+)/.exec(message);
    if (at) return { ok: false, error: { message: reason, ...positionAt(text, Number(at[1])) } };
    // V8 leaves the position out of "Unexpected token" messages; the JSON parser ESLint uses knows it.
    const located = /end of JSON input/.test(message) ? undefined : parseJsonText(text, "JSON");
    const where = located && !located.ok ? { line: located.error.line, column: located.error.column } : positionAt(text, text.length);
    return { ok: false, error: { message: reason, ...where } };
  }
}

/** Key name of a property, whether written as an identifier, a string or a number (JSON5). */
export function propertyName(property: JsonProperty): string {
  const key = property.key;
  if (key.type === "JSONIdentifier") return key.name;
  return String(key.value);
}

/**
 * The plain value of a JSON node (objects keep the last duplicate key, as JSON.parse does). `substitute` lets a host
 * replace its own expressions (CloudFormation intrinsic functions) by the values they stand for. Objects have no
 * prototype, so every key is data: `"__proto__"`, `"constructor"` and `"toString"` are own keys like any other,
 * and a lookup of a key the document does not have is `undefined`, never something inherited.
 */
export function staticValue(node: JsonNode, substitute?: (node: JsonNode) => { value: unknown } | undefined): unknown {
  return valueOf(node, substitute);
}

/** {@link staticValue}'s reader: one function for the whole tree, since policies are read into values in every run. */
function valueOf(n: JsonNode, substitute: ((node: JsonNode) => { value: unknown } | undefined) | undefined): unknown {
  if (substitute) {
    const replaced = substitute(n);
    if (replaced) return replaced.value;
  }
  switch (n.type) {
    case "JSONObjectExpression": {
      const out = dataObject();
      for (const p of n.properties) out[propertyName(p)] = valueOf(p.value, substitute);
      return out;
    }
    case "JSONArrayExpression": {
      const out: unknown[] = [];
      for (const e of n.elements) out.push(e ? valueOf(e, substitute) : null);
      return out;
    }
    case "JSONLiteral":
      // The parser leaves `regex` and `bigint` undefined on plain literals, so test for a value, not for null.
      if (n.regex || (n.bigint !== null && n.bigint !== undefined)) return n.raw;
      return n.value;
    case "JSONUnaryExpression": {
      const v = valueOf(n.argument, substitute) as number;
      return n.operator === "-" ? -v : v;
    }
    case "JSONIdentifier":
      if (n.name === "Infinity") return Infinity;
      if (n.name === "NaN") return NaN;
      return undefined;
    case "JSONTemplateLiteral":
      return n.quasis[0]?.value.cooked;
    case "JSONExpressionStatement":
      return valueOf(n.expression, substitute);
    case "Program":
      return n.body[0] ? valueOf(n.body[0], substitute) : undefined;
    default:
      return undefined;
  }
}

/** Thrown (never escaping {@link jsonTreeOf}) at a value JSON.stringify would not write as it is read back. */
const NOT_DATA = Symbol("not plain JSON data");
const LINE_SEPARATORS = /[\u2028\u2029]/;
/**
 * What JSON.stringify escapes in a string (a quote, a backslash, a control character; a surrogate, when it is lone)
 * and the line separators: a string with none of them is written as it is, between quotes.
 */
const NOT_AS_IS = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/**
 * A string as JSON.stringify writes it, without a call to it for the common string that it writes as it is (a
 * policy's values and keys). Line separators throw NOT_DATA: JSON.stringify writes them as they are, and the parser
 * counts them as line breaks.
 */
function quoted(text: string): string {
  if (!NOT_AS_IS.test(text)) return `"${text}"`;
  if (LINE_SEPARATORS.test(text)) throw NOT_DATA;
  return JSON.stringify(text);
}

/**
 * The tree that `parseJsonText(JSON.stringify(value))` gives for plain JSON data (what JSON.parse returns, with or
 * without prototypes), built from the value without writing and reading the text: the same nodes with the same
 * fields, `raw`, `range` and `loc` (the minified text is one line), `parent` set below the root, whose parent is
 * null. A compile of a plain value (a rule's cached facts) reads this instead of parsing its own serialisation.
 * Undefined for anything else (a `toJSON`, an object of a class, a `__proto__` key, nesting past
 * {@link MAX_NESTING_DEPTH}) and for a string with a line separator (U+2028, U+2029, which the text has on lines of
 * their own): the caller then parses the text.
 */
export function jsonTreeOf(value: unknown): JsonExpression | undefined {
  let at = 0;
  let depth = 0;
  const position = (column: number) => ({ line: 1, column });
  const literal = (literalValue: unknown, raw: string): AST.JSONLiteral => {
    const start = at;
    const end = (at += raw.length);
    return jsonLiteral(start, end, position(start), position(end), literalValue, raw);
  };
  const number = (n: number): JsonExpression => {
    // JSON.stringify writes -0 as 0, and what is not finite as null.
    if (!Number.isFinite(n)) return literal(null, "null");
    if (!(n < 0)) return literal(n === 0 ? 0 : n, JSON.stringify(n));
    const start = at++;
    return jsonNegative(start, position(start), literal(-n, JSON.stringify(-n)));
  };
  const written = (v: unknown) => v !== undefined && typeof v !== "function" && typeof v !== "symbol";
  const build = (v: unknown): JsonExpression => {
    if (v === null) return literal(null, "null");
    switch (typeof v) {
      case "string":
        return literal(v, quoted(v));
      case "boolean":
        return literal(v, v ? "true" : "false");
      case "number":
        return number(v);
      case "object":
        break;
      default:
        throw NOT_DATA;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    const isArray = Array.isArray(v);
    if ((isArray ? proto !== Array.prototype : proto !== null && proto !== Object.prototype) || typeof (v as { toJSON?: unknown }).toJSON === "function") throw NOT_DATA;
    if (++depth > MAX_NESTING_DEPTH) throw NOT_DATA;
    const start = at++;
    let node: JsonExpression;
    if (isArray) {
      const elements: JsonExpression[] = [];
      for (let i = 0; i < v.length; i++) {
        if (i > 0) at++;
        const item: unknown = v[i];
        elements.push(written(item) ? build(item) : literal(null, "null"));
      }
      at++;
      node = jsonArray(start, at, position(start), position(at), elements);
    } else {
      const properties: JsonProperty[] = [];
      for (const key of Object.keys(v)) {
        const item = (v as Record<string, unknown>)[key];
        if (!written(item)) continue;
        if (key === "__proto__") throw NOT_DATA;
        if (properties.length > 0) at++;
        const keyNode = literal(key, quoted(key));
        at++;
        properties.push(jsonProperty(keyNode, build(item)));
      }
      at++;
      node = jsonObject(start, at, position(start), position(at), properties);
    }
    depth--;
    return node;
  };
  try {
    return build(value);
  } catch (error) {
    if (error === NOT_DATA) return undefined;
    throw error;
  }
}

/** The root expression of a parsed file. */
export function rootExpression(ast: JsonProgram): JsonExpression | undefined {
  return ast.body[0]?.expression;
}
