import { staticValue, type JsonExpression, type JsonNode } from "../parse.js";

/** A string as the host file gives it: written out, or computed by the host's own language (CloudFormation). */
export interface HostString {
  value: string;
  /**
   * True when the value depends on something ecrlint cannot know (a template parameter, another resource's
   * attribute, an imported value, a condition). `value` then shows the unknown parts as `${Name}` (with `::` written
   * `.`, so that ARN segments stay apart: `arn:aws:ecr:${AWS.Region}:…`): rules and the
   * evaluator never judge such a value, and never guess what it will be.
   */
  unknown: boolean;
  /** Where the value's characters are written, when the host assembles it from pieces (`Fn::Join`, `Fn::Sub`). */
  pieces?: ValuePiece[];
}

/**
 * Characters [start, end) of an assembled value, and the string literal they are copied from (starting at
 * `literalStart` of its value), if any: how a finding about a hard-coded Region inside `Fn::Sub` or `Fn::Join`
 * points at, and fixes, the characters that were written.
 */
export interface ValuePiece {
  start: number;
  end: number;
  literal?: JsonExpression;
  literalStart?: number;
}

/**
 * Keeps per-file data that reaches the file's tree on an object of that tree, as a field that no walk, spread or
 * JSON.stringify sees: never in a WeakMap, whose values V8's young-generation collector keeps alive, so that each
 * entry would promote the whole tree (see ARCHITECTURE.md). Set again, the field takes the new value.
 */
export function setHiddenField(target: object, key: symbol, value: unknown): void {
  if (Object.hasOwn(target, key)) (target as Record<symbol, unknown>)[key] = value;
  else Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** A hidden field of an object (see {@link setHiddenField}). */
export function hiddenField<T>(target: object, key: symbol): T | undefined {
  return (target as Record<symbol, T | undefined>)[key];
}

/** On a host expression whose value is assembled: its pieces, whose literals are nodes of the same tree. */
const PIECES = Symbol("value pieces");

/** Records how a host expression's value is assembled (see {@link ValuePiece}). */
export function setValuePieces(node: JsonNode, pieces: ValuePiece[]): void {
  setHiddenField(node, PIECES, pieces);
}

/** How a host expression's value is assembled, if it is. */
export function valuePieces(node: JsonNode): ValuePiece[] | undefined {
  return hiddenField<ValuePiece[]>(node, PIECES);
}

/**
 * How a host writes values. The policy model reads every string through one, so that the rules see policies the same
 * way whether they come from a plain JSON file, a CloudFormation template (intrinsic functions), or, later, YAML or
 * Terraform (interpolations): a host only has to say which nodes are its own expressions and what they stand for.
 */
export interface ValueReader {
  /** For messages and `--print-config`: `JSON`, `CloudFormation`. */
  readonly language: string;
  /** The string a node stands for, or undefined when it is neither a string nor a host expression. */
  string(node: JsonExpression): HostString | undefined;
  /** True when the node is an expression of the host's language (an intrinsic function) rather than plain JSON. */
  isExpression(node: JsonExpression): boolean;
  /**
   * For an expression that writes a string from a template (CloudFormation's `Fn::Sub`): the template literal, and
   * how the strings of a JSON document written in it read once the host has filled the template in.
   */
  template?(node: JsonExpression): { literal: JsonExpression; values: ValueReader } | undefined;
  /**
   * For an expression whose value is the JSON text of a value written in the host (Terraform's `jsonencode({…})` and
   * a `data "aws_iam_policy_document"` block's `.json`, CloudFormation's `Fn::ToJsonString`): the node of that value,
   * which a document written there is read from. The expression itself is a string, as `string` says.
   */
  encoded?(node: JsonExpression): JsonExpression | undefined;
}

const unknownNodes = new WeakSet<JsonNode>();

/** Records that a node's value cannot be known (see {@link HostString.unknown}). */
export function markUnknown(node: JsonNode): void {
  unknownNodes.add(node);
}

/**
 * Whether a node of a policy holds a value ecrlint cannot know (a CloudFormation parameter, `Fn::GetAtt`…), or sits
 * inside one. Rules skip such values: an unknown value is never an error and is never guessed.
 */
export function isUnknownValue(node: JsonNode | undefined): boolean {
  for (let n: JsonNode | undefined = node; n; n = (n as { parent?: JsonNode }).parent) if (unknownNodes.has(n)) return true;
  return false;
}

const encodedNodes = new WeakSet<JsonNode>();

/**
 * Records that the host writes a node's value as JSON text (Terraform's `jsonencode({…})`): the node is read as the
 * value, and stands for a string (see {@link ValueReader.encoded}).
 */
export function markEncodedJson(node: JsonNode): void {
  encodedNodes.add(node);
}

export function isEncodedJson(node: JsonNode): boolean {
  return encodedNodes.has(node);
}

/** Plain JSON: only string literals are strings (JSON5 template literals included). */
export const plainJsonValues: ValueReader = {
  language: "JSON",
  string(node) {
    if (node.type === "JSONLiteral" && typeof node.value === "string") return { value: node.value, unknown: false };
    if (node.type === "JSONTemplateLiteral") return { value: node.quasis[0]?.value.cooked ?? "", unknown: false };
    return undefined;
  },
  isExpression: () => false,
};

/**
 * The plain value of a node as the host will send it: host expressions replaced by the strings they stand for
 * (unknown parts as `${Name}`). For plain JSON this is what JSON.parse gives.
 */
export function hostValue(node: JsonNode, reader: ValueReader): unknown {
  // Plain JSON has no expressions of its own: nothing to ask the reader node by node.
  if (reader === plainJsonValues) return staticValue(node);
  return staticValue(node, (n) => (n.type === "JSONObjectExpression" && reader.isExpression(n) ? { value: reader.string(n)?.value } : undefined));
}

/**
 * How a YAML or HCL host writes a string scalar whose characters are its value, one for one, on one line: a plain
 * YAML scalar, or a quoted scalar without escapes. Only there can a finding point inside the value, and only there
 * can a fix be proved to mean what it says in the host's syntax.
 */
export interface VerbatimString {
  /** Host offset of the value's first character. */
  start: number;
  /** The scalar's style, which decides the characters a replacement may contain (see `hostSyntaxEdit`). */
  style: "yaml-plain" | "yaml-double" | "yaml-single" | "hcl-quoted";
}

const verbatimStrings = new WeakMap<JsonNode, VerbatimString>();

/** Records that a string node's value is written verbatim at `start` (see {@link VerbatimString}). */
export function setVerbatimString(node: JsonNode, verbatim: VerbatimString): void {
  verbatimStrings.set(node, verbatim);
}

export function verbatimString(node: JsonNode): VerbatimString | undefined {
  return verbatimStrings.get(node);
}

/**
 * For a host string whose decoded value does not map onto its source one for one (a YAML block scalar, an HCL
 * heredoc): the value and, for each of its characters, the host offset where it is written (plus one past the end).
 * `parseEmbeddedJson` places a document written in such a string through these offsets.
 */
const stringOffsets = new WeakMap<JsonNode, { text: string; offsets: number[] }>();

export function setStringOffsets(node: JsonNode, decoded: { text: string; offsets: number[] }): void {
  stringOffsets.set(node, decoded);
}

export function stringOffsetsOf(node: JsonNode): { text: string; offsets: number[] } | undefined {
  return stringOffsets.get(node);
}

/** The trees of YAML and HCL hosts, with the verbatim strings in them by position (for `hostEdit`). */
export interface ForeignHost {
  syntax: "yaml" | "hcl";
  /** Each verbatim string: its value, where the value is written, and the whole scalar (quotes included). */
  strings: { value: string; start: number; end: number; outer: [number, number]; style: VerbatimString["style"] }[];
  /** Host ranges of interpolations whose value is unknown: a document parsed from a string over them is unknown there. */
  unknownRanges?: [number, number][];
}

/** On the Program of a YAML or HCL host: its {@link ForeignHost}, which lives and dies with the tree. */
const FOREIGN_HOST = Symbol("foreign host");

export function setForeignHost(ast: object, host: ForeignHost): void {
  setHiddenField(ast, FOREIGN_HOST, host);
}

export function foreignHost(ast: object): ForeignHost | undefined {
  return hiddenField<ForeignHost>(ast, FOREIGN_HOST);
}
