import { parseJSON, type AST } from "jsonc-eslint-parser";

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

/** Parses JSON, JSONC or JSON5 into the AST that ESLint sees with jsonc-eslint-parser. Never throws. */
export function parseJsonText(text: string, syntax?: JsonSyntax): ParseResult {
  try {
    const ast = syntax ? parseJSON(text, { jsonSyntax: syntax }) : parseJSON(text);
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
  const value = (n: JsonNode): unknown => staticValue(n, substitute);
  const replaced = substitute?.(node);
  if (replaced) return replaced.value;
  switch (node.type) {
    case "JSONObjectExpression": {
      const out = Object.create(null) as Record<string, unknown>;
      for (const p of node.properties) out[propertyName(p)] = value(p.value);
      return out;
    }
    case "JSONArrayExpression":
      return node.elements.map((e) => (e ? value(e) : null));
    case "JSONLiteral":
      // The parser leaves `regex` and `bigint` undefined on plain literals, so test for a value, not for null.
      if (node.regex || (node.bigint !== null && node.bigint !== undefined)) return node.raw;
      return node.value;
    case "JSONUnaryExpression": {
      const v = value(node.argument) as number;
      return node.operator === "-" ? -v : v;
    }
    case "JSONIdentifier":
      if (node.name === "Infinity") return Infinity;
      if (node.name === "NaN") return NaN;
      return undefined;
    case "JSONTemplateLiteral":
      return node.quasis[0]?.value.cooked;
    case "JSONExpressionStatement":
      return value(node.expression);
    case "Program":
      return node.body[0] ? value(node.body[0]) : undefined;
    default:
      return undefined;
  }
}

/** The root expression of a parsed file. */
export function rootExpression(ast: JsonProgram): JsonExpression | undefined {
  return ast.body[0]?.expression;
}
