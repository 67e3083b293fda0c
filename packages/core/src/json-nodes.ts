/**
 * The nodes of jsonc-eslint-parser's tree, for the readers that build that tree without it (plain JSON read by
 * strict-json.ts, a plain value): each with the fields of the parser's node in its order, so that every tree has the same
 * shape (V8 keeps one hidden class per node type), and `parent` set on the children. Positions are shared where the
 * parser shares them: nothing moves a position in place, only whole locations.
 */
import type { AST } from "jsonc-eslint-parser";

type Position = AST.Position;

export function jsonLiteral(start: number, end: number, from: Position, to: Position, value: unknown, raw: string): AST.JSONLiteral {
  return { type: "JSONLiteral", start, end, loc: { start: from, end: to }, range: [start, end], value, raw, parent: null } as unknown as AST.JSONLiteral;
}

/** A negative number: a unary minus over the literal of its digits, as acorn reads it. */
export function jsonNegative(start: number, from: Position, argument: AST.JSONLiteral): AST.JSONUnaryExpression {
  const end = argument.range[1];
  const node = { type: "JSONUnaryExpression", start, end, loc: { start: from, end: argument.loc.end }, range: [start, end], operator: "-", prefix: true, argument, parent: null } as unknown as AST.JSONUnaryExpression;
  (argument as { parent: unknown }).parent = node;
  return node;
}

export function jsonProperty(key: AST.JSONLiteral, value: AST.JSONExpression): AST.JSONProperty {
  const property = {
    type: "JSONProperty",
    start: key.range[0],
    end: value.range[1],
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

export function jsonObject(start: number, end: number, from: Position, to: Position, properties: AST.JSONProperty[]): AST.JSONObjectExpression {
  const node = { type: "JSONObjectExpression", start, end, loc: { start: from, end: to }, range: [start, end], properties, parent: null } as unknown as AST.JSONObjectExpression;
  for (const p of properties) (p as { parent: unknown }).parent = node;
  return node;
}

export function jsonArray(start: number, end: number, from: Position, to: Position, elements: AST.JSONExpression[]): AST.JSONArrayExpression {
  const node = { type: "JSONArrayExpression", start, end, loc: { start: from, end: to }, range: [start, end], elements, parent: null } as unknown as AST.JSONArrayExpression;
  for (const e of elements) (e as { parent: unknown }).parent = node;
  return node;
}
