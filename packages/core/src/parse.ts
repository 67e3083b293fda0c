import { parseJSON, type AST } from "jsonc-eslint-parser";
import { parseStrictJsonAst } from "./strict-json.js";

export type JsonProgram = AST.JSONProgram;
export type JsonNode = AST.JSONNode;
export type JsonExpression = AST.JSONExpression;
export type JsonObject = AST.JSONObjectExpression;
export type JsonArray = AST.JSONArrayExpression;
export type JsonProperty = AST.JSONProperty;
export type SourceLocation = AST.SourceLocation;

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

/** 1-based line and column of a character offset. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** JSON.parse's objects, rebuilt without a prototype (see {@link staticValue}). */
function dataObjects(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out = Object.create(null) as Record<string, unknown>;
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
  try {
    return { ok: true, value: JSON.parse(text, dataObjects) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, "")
      .replace(/\s*in JSON at position \d+/, "")
      .replace(/,\s*(?:\.\.\.)?".*" is not valid JSON$/s, "");
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
  // One reader for the whole tree: policies are read into values in every run, node by node.
  const value = (n: JsonNode): unknown => {
    const replaced = substitute?.(n);
    if (replaced) return replaced.value;
    switch (n.type) {
      case "JSONObjectExpression": {
        const out = Object.create(null) as Record<string, unknown>;
        for (const p of n.properties) out[propertyName(p)] = value(p.value);
        return out;
      }
      case "JSONArrayExpression":
        return n.elements.map((e) => (e ? value(e) : null));
      case "JSONLiteral":
        // The parser leaves `regex` and `bigint` undefined on plain literals, so test for a value, not for null.
        if (n.regex || (n.bigint !== null && n.bigint !== undefined)) return n.raw;
        return n.value;
      case "JSONUnaryExpression": {
        const v = value(n.argument) as number;
        return n.operator === "-" ? -v : v;
      }
      case "JSONIdentifier":
        if (n.name === "Infinity") return Infinity;
        if (n.name === "NaN") return NaN;
        return undefined;
      case "JSONTemplateLiteral":
        return n.quasis[0]?.value.cooked;
      case "JSONExpressionStatement":
        return value(n.expression);
      case "Program":
        return n.body[0] ? value(n.body[0]) : undefined;
      default:
        return undefined;
    }
  };
  return value(node);
}

/** The root expression of a parsed file. */
export function rootExpression(ast: JsonProgram): JsonExpression | undefined {
  return ast.body[0]?.expression;
}
