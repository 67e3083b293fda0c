import { partitionOfRegion } from "./partitions.js";
import type { JsonExpression, JsonNode, JsonObject, JsonProgram, JsonProperty, ParseResult, SourceLocation } from "./parse.js";
import { decodeWithOffsets } from "./embedded-json.js";
import { hiddenField, markUnknown, setForeignHost, setHiddenField, setStringOffsets, setValuePieces, setVerbatimString, type ForeignHost, type HostString, type ValuePiece, type ValueReader } from "./model/values.js";
import { isEncodedJson, isUnknownValue, markEncodedJson } from "./model/values.js";
import { hostComment, lineIndex, setParents, type HostComment } from "./yaml.js";
import type { RegistryContext } from "./config/registry.js";
import { MAX_HCL_DEPTH, readHclTree, type CstNode as TsNode } from "./terraform-cst.js";

export { isTerraformParserLoaded, loadTerraformParser } from "./terraform-cst.js";

/** On the Program of a Terraform file: its blocks, whose bodies are nodes of that tree (see `setHiddenField`). */
const BLOCKS = Symbol("terraform blocks");

/**
 * Nodes whose whole value Terraform computes (a reference, a function call, a conditional, a `for`, a splat, an
 * index, or a string that is one interpolation): unknown values of whatever type their place wants, as a
 * CloudFormation intrinsic function is. A template with text around its interpolations is still a string.
 */
const computedNodes = new WeakSet<JsonNode>();

/** The blocks of a tree {@link parseTerraformText} gave (what the ESLint front end reads documents from). */
export function terraformBlocksOf(ast: object): TerraformBlock[] | undefined {
  return hiddenField<TerraformBlock[]>(ast, BLOCKS);
}

/** `.tf` files (HCL2). */
export function isTerraformFile(filePath: string | undefined): boolean {
  return filePath !== undefined && /\.tf$/i.test(filePath);
}

/** The data sources whose attributes are the module's registry: the Region, the account and the partition. */
function dataSourceValue(reference: string, registry: RegistryContext | undefined): string | undefined {
  const m = /^data\.(aws_region|aws_caller_identity|aws_partition)\.[A-Za-z_][\w-]*\.(name|region|account_id|partition|dns_suffix)$/.exec(reference.replace(/\s+/g, ""));
  if (!m) return undefined;
  const partition = registry?.partition ?? (registry?.region ? partitionOfRegion(registry.region) : undefined);
  if (m[1] === "aws_region" && (m[2] === "name" || m[2] === "region")) return registry?.region;
  if (m[1] === "aws_caller_identity" && m[2] === "account_id") return registry?.account;
  if (m[1] === "aws_partition" && m[2] === "partition") return partition;
  if (m[1] === "aws_partition" && m[2] === "dns_suffix") return partition === undefined ? undefined : partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  return undefined;
}

const HCL_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** A Terraform file read into JSON-shaped nodes, with what the document readers need. */
export interface TerraformTree {
  ast: JsonProgram;
  /** `resource "aws_ecr_*"` and `data "aws_iam_policy_document"` blocks, in order. */
  blocks: TerraformBlock[];
}

export interface TerraformBlock {
  kind: "resource" | "data";
  type: string;
  name: string;
  /** The block's attributes and nested blocks (as lists of objects), keyed by their Terraform names. */
  body: JsonObject;
}

/**
 * Parses HCL2 into JSON-shaped nodes in the file's coordinates: objects and tuples of `jsonencode` (read in place,
 * and strings to the reader, `encoded`: the JSON text an argument such as `policy` takes), strings
 * (quoted and heredoc) with their interpolations, and the attributes and nested blocks of each block. A reference
 * to `data.aws_region.*.name`/`.region`, `data.aws_caller_identity.*.account_id` or `data.aws_partition.*.partition`
 * is the registry's value; every other expression (variables, locals, module outputs, resources, functions other
 * than `jsonencode`, conditionals, `for`) is an unknown value. A variable's default is not used: `-var`, tfvars and
 * the module's callers override it, so it does not say what is deployed. Never throws.
 */
export function parseTerraformText(text: string, registry: RegistryContext | undefined): ParseResult & { tree?: TerraformTree } {
  const root = readHclTree(text);
  if (typeof root === "string") return { ok: false, error: { message: `Parsing error: ${root}`, line: 1, column: 1 } };
  const position = lineIndex(text);
  const loc = (start: number, end: number): SourceLocation => ({ start: position(start), end: position(end) });
  if (root.hasError) {
    const deep = findTooDeep(root);
    if (deep) {
      const at = position(deep.startIndex);
      return { ok: false, error: { message: `Parsing error: HCL nested more than ${MAX_HCL_DEPTH} levels deep`, line: at.line, column: at.column + 1 } };
    }
    const { message, offset } = describeSyntaxError(root, text, position);
    const at = position(offset);
    return { ok: false, error: { message: `Parsing error: HCL syntax error: ${message}`, line: at.line, column: at.column + 1 } };
  }
  const strings: ForeignHost["strings"] = [];
  const unknownRanges: [number, number][] = [];
  const literal = (value: unknown, start: number, end: number): JsonExpression =>
    ({ type: "JSONLiteral", value, raw: text.slice(start, end), range: [start, end], loc: loc(start, end) }) as unknown as JsonExpression;
  const unknownOf = (node: TsNode): JsonExpression => {
    const out = literal(`\${${node.text.replace(/\s+/g, " ")}}`, node.startIndex, node.endIndex);
    markUnknown(out);
    computedNodes.add(out);
    unknownRanges.push([node.startIndex, node.endIndex]);
    return out;
  };
  const property = (key: JsonExpression, value: JsonExpression, start = key.range[0], end = value.range[1]): JsonProperty =>
    ({ type: "JSONProperty", key, value, kind: "init", computed: false, method: false, shorthand: false, range: [start, end], loc: loc(start, end) }) as unknown as JsonProperty;
  const object = (properties: JsonProperty[], start: number, end: number): JsonObject =>
    ({ type: "JSONObjectExpression", properties, range: [start, end], loc: loc(start, end) }) as unknown as JsonObject;
  const array = (elements: JsonExpression[], start: number, end: number): JsonExpression =>
    ({ type: "JSONArrayExpression", elements, range: [start, end], loc: loc(start, end) }) as unknown as JsonExpression;

  /** A quoted or heredoc template: its value, each character's offset, and the verbatim runs. */
  const template = (node: TsNode, contentStart: number, contentEnd: number, escapes: boolean): JsonExpression => {
    const interpolations = node.namedChildren.filter((c): c is TsNode => c !== null && (c.type === "template_interpolation" || c.type === "template_directive"));
    let value = "";
    const offsets: number[] = [];
    const pieces: ValuePiece[] = [];
    let unknown = false;
    let runStart = -1;
    let runValueStart = 0;
    let runVerbatim = true;
    const closeRun = (at: number) => {
      if (runStart < 0) return;
      const runValue = value.slice(runValueStart);
      const piece: ValuePiece = { start: runValueStart, end: value.length };
      if (runVerbatim && !runValue.includes("\n") && runValue.length > 0) {
        const run = literal(runValue, runStart, at);
        setVerbatimString(run, { start: runStart, style: "hcl-quoted" });
        if (escapes) strings.push({ value: runValue, start: runStart, end: at, outer: [runStart, at], style: "hcl-quoted" });
        piece.literal = run;
        piece.literalStart = 0;
      }
      pieces.push(piece);
      runStart = -1;
    };
    let i = contentStart;
    while (i < contentEnd) {
      const interpolation = interpolations.find((n) => n.startIndex === i);
      if (interpolation) {
        closeRun(i);
        const inner = interpolation.namedChildren.find((c) => c?.type === "expression");
        const resolved = interpolation.type === "template_interpolation" && inner ? dataSourceValue(inner.text, registry) : undefined;
        const part = resolved ?? `\${${(inner?.text ?? interpolation.text).replace(/\s+/g, " ")}}`;
        if (resolved === undefined) {
          unknown = true;
          unknownRanges.push([interpolation.startIndex, interpolation.endIndex]);
        }
        pieces.push({ start: value.length, end: value.length + part.length });
        for (let k = 0; k < part.length; k++) offsets.push(interpolation.startIndex);
        value += part;
        i = interpolation.endIndex;
        continue;
      }
      if (runStart < 0) {
        runStart = i;
        runValueStart = value.length;
        runVerbatim = true;
      }
      const ch = text[i]!;
      if ((ch === "$" || ch === "%") && text[i + 1] === ch && text[i + 2] === "{") {
        offsets.push(i, i + 2);
        value += `${ch}{`;
        runVerbatim = false;
        i += 3;
      } else if (escapes && ch === "\\") {
        const next = text[i + 1] ?? "";
        runVerbatim = false;
        if (next === "u" || next === "U") {
          const digits = next === "u" ? 4 : 8;
          const code = parseInt(text.slice(i + 2, i + 2 + digits), 16);
          const decoded = Number.isFinite(code) ? String.fromCodePoint(code) : "";
          for (let k = 0; k < decoded.length; k++) offsets.push(i);
          value += decoded;
          i += 2 + digits;
        } else {
          offsets.push(i);
          value += HCL_ESCAPES[next] ?? next;
          i += 2;
        }
      } else {
        offsets.push(i);
        value += ch;
        i++;
      }
    }
    closeRun(i);
    offsets.push(contentEnd);
    const out = literal(value, node.startIndex, node.endIndex);
    if (unknown) markUnknown(out);
    // `"${var.x}"` is `var.x` itself, of any type (Terraform unwraps a template that is one interpolation).
    if (unknown && pieces.length === 1 && pieces[0]!.literal === undefined && interpolations.length === 1 && interpolations[0]!.type === "template_interpolation") computedNodes.add(out);
    setStringOffsets(out, { text: value, offsets });
    const only = pieces.length === 1 ? pieces[0]!.literal : undefined;
    if (only && escapes) {
      setVerbatimString(out, { start: contentStart, style: "hcl-quoted" });
      const last = strings[strings.length - 1]!;
      last.outer = [node.startIndex, node.endIndex];
    } else if (pieces.length > 1 || unknown) setValuePieces(out, pieces);
    return out;
  };

  const convert = (node: TsNode | null | undefined): JsonExpression => {
    if (!node) return literal(null, 0, 0);
    switch (node.type) {
      case "expression":
      case "literal_value":
      case "collection_value":
      case "template_expr":
        return node.namedChildCount === 1 ? convert(node.namedChild(0)) : unknownOf(node);
      case "numeric_lit":
        return literal(Number(node.text), node.startIndex, node.endIndex);
      case "bool_lit":
        return literal(node.text === "true", node.startIndex, node.endIndex);
      case "null_lit":
        return literal(null, node.startIndex, node.endIndex);
      case "string_lit":
      case "quoted_template": {
        // `"${jsonencode(…)}"` (Terraform 0.11's style) is the call itself: Terraform unwraps a template that is one
        // interpolation, so its value is read as jsonencode's is. Other such templates stay unknown (see template).
        const parts = node.namedChildren.filter((c) => c?.type !== "quoted_template_start" && c?.type !== "quoted_template_end");
        const inner = parts.length === 1 && parts[0]!.type === "template_interpolation" ? parts[0]!.namedChildren.find((c) => c?.type === "expression") : undefined;
        const call = inner?.namedChildCount === 1 ? inner.namedChild(0) : undefined;
        if (call?.type === "function_call" && call.namedChild(0)?.text === "jsonencode") return convert(inner);
        return template(node, node.startIndex + 1, node.endIndex - 1, true);
      }
      case "heredoc_template": {
        const start = text.indexOf("\n", node.startIndex) + 1;
        const closing = node.namedChildren.filter((c) => c?.type === "heredoc_identifier").pop();
        const end = closing ? text.lastIndexOf("\n", closing.startIndex) + 1 : node.endIndex;
        // `<<-` strips indentation, which moves characters off their columns: such a heredoc is read, never fixed.
        return template(node, start, Math.max(start, end), false);
      }
      case "object": {
        const properties = node.namedChildren
          .filter((c): c is TsNode => c?.type === "object_elem")
          .map((elem) => {
            const [keyNode, valueNode] = elem.namedChildren.filter((c): c is TsNode => c?.type === "expression");
            // A bare name is the key itself; anything else (`(var.k)`, `"${var.k}"`, `var.k`) is evaluated by Terraform.
            const keyText = keyNode?.namedChildCount === 1 && keyNode.namedChild(0)?.type === "variable_expr" ? keyNode.text : undefined;
            const key = keyText !== undefined ? literal(keyText, keyNode!.startIndex, keyNode!.endIndex) : convert(keyNode);
            return property(key, convert(valueNode));
          });
        return object(properties, node.startIndex, node.endIndex);
      }
      case "tuple":
        return array(
          node.namedChildren.filter((c): c is TsNode => c?.type === "expression").map(convert),
          node.startIndex,
          node.endIndex,
        );
      case "function_call": {
        const name = node.namedChild(0)?.text;
        const args = node.namedChildren.find((c) => c?.type === "function_arguments");
        const first = args?.namedChildren.find((c) => c?.type === "expression");
        if (name === "jsonencode" && first) {
          // The value is read where it is written; the argument Terraform gets is its JSON text, a string.
          const encoded = convert(first);
          markEncodedJson(encoded);
          return encoded;
        }
        const out = unknownOf(node);
        (out as unknown as { call?: { name: string; args: JsonExpression[] } }).call = {
          name: name ?? "",
          args: (args?.namedChildren ?? []).filter((c): c is TsNode => c?.type === "expression").map(convert),
        };
        return out;
      }
      default:
        return unknownOf(node);
    }
  };

  /** A block's body: attributes as properties, nested blocks as lists of objects under their type. */
  const body = (node: TsNode | undefined, start: number, end: number): JsonObject => {
    const properties: JsonProperty[] = [];
    const nested = new Map<string, { key: JsonExpression; items: JsonExpression[] }>();
    for (const child of node?.namedChildren ?? []) {
      if (child?.type === "attribute") {
        const id = child.namedChild(0)!;
        properties.push(property(literal(id.text, id.startIndex, id.endIndex), convert(child.namedChildren.find((c) => c?.type === "expression"))));
      } else if (child?.type === "block") {
        const id = child.namedChild(0)!;
        const inner = child.namedChildren.find((c) => c?.type === "body") ?? undefined;
        const item = body(inner, child.startIndex, child.endIndex);
        const entry = nested.get(id.text) ?? { key: literal(id.text, id.startIndex, id.endIndex), items: [] };
        entry.items.push(item);
        nested.set(id.text, entry);
      }
    }
    for (const { key, items } of nested.values()) properties.push(property(key, array(items, items[0]!.range[0], items[items.length - 1]!.range[1])));
    properties.sort((a, b) => a.range[0] - b.range[0]);
    return object(properties, start, end);
  };

  const blocks: TerraformBlock[] = [];
  const topBody = root.namedChildren.find((c) => c?.type === "body");
  const bodies: JsonProperty[] = [];
  for (const block of topBody?.namedChildren ?? []) {
    if (block?.type !== "block") continue;
    const kind = block.namedChild(0)?.text;
    if (kind !== "resource" && kind !== "data") continue;
    const labels = block.namedChildren.filter((c): c is TsNode => c?.type === "string_lit").map((c) => c.text.slice(1, -1));
    const [type, name] = labels;
    if (!type || !name || !(type.startsWith("aws_ecr_") || type === "aws_iam_policy_document")) continue;
    const inner = block.namedChildren.find((c) => c?.type === "body") ?? undefined;
    const converted = body(inner, block.startIndex, block.endIndex);
    blocks.push({ kind, type, name, body: converted });
    const id = block.namedChild(0)!;
    bodies.push(property(literal(`${kind}.${type}.${name}`, id.startIndex, id.endIndex), converted, block.startIndex, block.endIndex));
  }
  const expression = object(bodies, 0, text.length);
  const statement = { type: "JSONExpressionStatement", expression, range: expression.range, loc: expression.loc };
  const program = { type: "Program", body: [statement], comments: hclComments(root, text, position), tokens: [], range: [0, text.length], loc: loc(0, text.length) } as unknown as JsonProgram;
  setParents(program as unknown as JsonNode, undefined);
  setForeignHost(program, { syntax: "hcl", strings, unknownRanges });
  setHiddenField(program, BLOCKS, blocks);
  return { ok: true, ast: program, tree: { ast: program, blocks } };
}

/**
 * The comments of an HCL file in ESTree's shape, so that `eslint-disable` directives work as in JSON: `#` and `//`
 * are line comments, `/* *\/` block comments (which may also hold `/* eslint … *\/` rule settings).
 */
function hclComments(root: TsNode, text: string, position: (offset: number) => { line: number; column: number }): HostComment[] {
  return root.comments.map((node) => {
    // tree-sitter-hcl ends a line comment after its newline; ESLint's end before it.
    const raw = text.slice(node.startIndex, node.endIndex);
    const end = node.startIndex + raw.replace(/\r?\n$/, "").length;
    if (raw.startsWith("/*")) return hostComment(text, position, node.startIndex, end, "Block", 2, 2);
    const comment = hostComment(text, position, node.startIndex, end, "Line", raw.startsWith("#") ? 1 : 2);
    // ESLint reads `eslint-disable` and `eslint-enable` ranges from block comments only, JavaScript's rule; HCL's line
    // comments are its usual comments, so a range written in one is handed over as the block it stands for.
    if (/^\s*eslint-(?:disable|enable)(?:\s|$)/.test(comment.value)) comment.type = "Block";
    return comment;
  });
}

function findTooDeep(node: TsNode): TsNode | undefined {
  if (node.tooDeep) return node;
  for (const child of node.children) if (child.hasError) {
    const found = findTooDeep(child);
    if (found) return found;
  }
  return undefined;
}

const OPENERS: Record<string, string> = { "]": "[", "}": "{", ")": "(" };

/**
 * The first thing tree-sitter could not read, in the words of the text: a closing bracket it had to assume
 * (`missing "]" to close the "[" at 7:16`), a string or heredoc that never ends (`unterminated heredoc <<EOT started
 * at 2:12`), an interpolation without its `}`, or the token it could not place (`unexpected "="`). With the offset to
 * report it at: where the bracket was expected, or where the unterminated construct starts.
 */
function describeSyntaxError(root: TsNode, text: string, position: (offset: number) => { line: number; column: number }): { message: string; offset: number } {
  const where = (offset: number) => {
    const p = position(offset);
    return `${p.line}:${p.column + 1}`;
  };
  // Problems in document order: MISSING nodes, and ERROR nodes that hold no other problem (the innermost).
  const problems: { node: TsNode; path: TsNode[] }[] = [];
  const walk = (node: TsNode, path: TsNode[]) => {
    const inner = node.children.filter((c) => c.hasError || c.isMissing || c.type === "ERROR");
    if (node.isMissing || (node.type === "ERROR" && inner.length === 0)) problems.push({ node, path });
    for (const c of inner) walk(c, [...path, node]);
  };
  walk(root, []);
  problems.sort((a, b) => a.node.startIndex - b.node.startIndex);
  const first = problems[0];
  if (!first) return { message: "unreadable text", offset: 0 };
  const { node, path } = first;
  const unexpected = (offset: number) => {
    const start = offset + /^\s*/.exec(text.slice(offset))![0].length;
    const token = TOKEN.exec(text.slice(start))?.[0];
    if (token === undefined) return { message: "unexpected end of file", offset: start };
    // A whole token or none: a cut one reads as a typo that is not in the file.
    if (token.startsWith('"')) return { message: token.length <= 60 && token.endsWith('"') ? `unexpected string ${token}` : "unexpected string", offset: start };
    return { message: token.length <= 60 ? `unexpected "${token}"` : "unexpected text", offset: start };
  };
  // The problem is on a `...` (tree-sitter may read `local.a..` as two attribute accesses missing their names): an
  // expansion where none is allowed.
  const dots = text.slice(Math.max(0, node.startIndex - 2), node.endIndex + 2).indexOf("...");
  if (dots >= 0) return { message: EXPANSION, offset: Math.max(0, node.startIndex - 2) + dots };
  if (node.isMissing) {
    const parent = path[path.length - 1];
    const opener = OPENERS[node.type];
    if (opener) {
      for (let i = path.length - 1; i >= 0; i--) {
        const open = findLeaf(path[i]!, opener, node.startIndex);
        if (open) return { message: `missing "${node.type}" to close the "${opener}" at ${where(open.startIndex)}`, offset: node.startIndex };
      }
      return { message: `missing "${node.type}"`, offset: node.startIndex };
    }
    if (node.type === "quoted_template_end" && parent) return { message: `unterminated string started at ${where(parent.startIndex)}`, offset: parent.startIndex };
    const heredoc = [...path].reverse().find((n) => n.type === "heredoc_template");
    if (node.type === "heredoc_identifier" && heredoc && !heredoc.children.some((c) => c.hasError && c.startIndex === heredoc.startIndex)) {
      const marker = /^<<-?([A-Za-z_][\w-]*)/.exec(text.slice(heredoc.startIndex))?.[0] ?? "<<";
      return { message: `unterminated heredoc ${marker} started at ${where(heredoc.startIndex)}: no line ends it with ${marker.replace(/^<<-?/, "")}`, offset: heredoc.startIndex };
    }
    return unexpected(node.startIndex);
  }
  // An item of a list or an argument that is not followed by a comma, the list's end, or the call's end.
  // The list's item is the ERROR; a call's arguments read so far are a child of it (the call itself could not be).
  const separated = (item: TsNode, end: number, what: string) => {
    const next = item.endIndex + /^\s*/.exec(text.slice(item.endIndex))![0].length;
    return next < end && !/[,\])]/.test(text[next]!) ? { message: `missing "," between the ${what}`, offset: next } : undefined;
  };
  const parent = path[path.length - 1];
  const read = node.children.filter((c) => c.endIndex > c.startIndex);
  const last = read[read.length - 1];
  const opener = [...read].reverse().find((c) => c.type === "tuple_start" || c.type === "(" || c.type === "object_start");
  const comma =
    parent?.type === "tuple" ? separated(node, parent.endIndex, "items of the list")
    : parent?.type === "function_arguments" ? separated(node, parent.endIndex, "arguments of the call")
    : last && opener && (last.type === "expression" || last.type === "function_arguments") && opener.type !== "object_start"
      ? separated(last, node.endIndex, opener.type === "tuple_start" ? "items of the list" : "arguments of the call")
      : undefined;
  if (comma) return comma;
  // `x = 1 "a"`: tree-sitter reads the second value as the attribute's and the first as the error.
  const value = parent?.type === "attribute" ? parent.children[parent.children.indexOf(node) + 1] : undefined;
  if (value?.type === "expression") {
    const { message, offset } = unexpected(value.startIndex);
    return { message: `${message}: an argument's value ends at the end of its line`, offset };
  }
  // An ERROR right after a `${` that is never closed on its line.
  const line = text.slice(text.lastIndexOf("\n", node.startIndex - 1) + 1, node.startIndex);
  const open = Math.max(line.lastIndexOf("${"), line.lastIndexOf("%{"));
  if (open >= 0 && !line.slice(open).includes("}")) {
    const offset = node.startIndex - line.length + open;
    return { message: `unterminated interpolation "${line.slice(open, open + 2)}" at ${where(offset)}: no "}" closes it`, offset };
  }
  const bracket = firstBracketProblem(text);
  if (bracket && Math.min(bracket.open ?? bracket.offset, bracket.offset) <= node.endIndex) {
    const { open, offset } = bracket;
    if (bracket.kind === "string") return { message: `unterminated string started at ${where(offset)}`, offset };
    if (bracket.kind === "expansion") return { message: EXPANSION, offset };
    if (!open) return { message: `unexpected "${text[offset]}": nothing is open for it to close`, offset };
    return { message: `missing "${CLOSERS[text[open]!]}" to close the "${text[open]}" at ${where(open)}`, offset };
  }
  return unexpected(node.startIndex);
}

const CLOSERS: Record<string, string> = { "[": "]", "{": "}", "(": ")" };

/** HCL's expansion symbol out of place (hclsyntax: "Expansion symbol ... is allowed only in a function call"). */
const EXPANSION = '"..." expands a list only into the last argument of a function call';

/** One HCL token at the start of a text: a quoted string (to its end or its line's), a name, a number, an operator. */
const TOKEN = /^(?:"(?:[^"\\\n]|\\.)*"?|[A-Za-z_][\w-]*|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\.\.|<<-?|[=!<>]=|&&|\|\||=>|\S)/;

/**
 * The first bracket that does not pair, by a scan that steps over strings, heredocs and comments: a closing bracket
 * of the wrong kind or with nothing open (`open` the offset of the bracket it should close, if any), or the end of
 * the text with one still open. Undefined when every bracket pairs.
 */
function firstBracketProblem(text: string): { kind?: "string" | "expansion"; open: number | undefined; offset: number } | undefined {
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "#" || (c === "/" && text[i + 1] === "/")) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else if (c === "/" && text[i + 1] === "*") i = text.indexOf("*/", i + 2) < 0 ? text.length : text.indexOf("*/", i + 2) + 1;
    else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) if (text[i] === "\\") i++;
      // A quoted string ends on its line: an odd quote is one that never does.
      if (i >= text.length || text[i] === "\n") return { kind: "string", open: undefined, offset: start };
    } else if (c === "." && text.startsWith("...", i)) {
      // HCL's expansion ends a call's arguments, or groups a `for` object's values (`v...}`, `v... if c}`).
      if (!/^\.\.\.\s*(?:[)}]|if\b)/.test(text.slice(i, i + 200))) return { kind: "expansion", open: undefined, offset: i };
      i += 2;
    } else if (c === "<" && text[i + 1] === "<") {
      const marker = /^<<-?([A-Za-z_][\w-]*)[ \t]*\r?\n/.exec(text.slice(i));
      if (!marker) continue;
      const end = new RegExp(`\\n[ \\t]*${marker[1]}[ \\t]*(?:\\r?\\n|$)`).exec(text.slice(i));
      i = end ? i + end.index + end[0].length - 1 : text.length;
    } else if (CLOSERS[c]) stack.push(i);
    else if (c === "]" || c === "}" || c === ")") {
      const open = stack.pop();
      if (open === undefined || CLOSERS[text[open]!] !== c) return { open, offset: i };
    }
  }
  const open = stack.pop();
  return open === undefined ? undefined : { open, offset: text.length };
}

/** The first leaf of `type` under `node` that starts before `before`. */
function findLeaf(node: TsNode, type: string, before: number): TsNode | undefined {
  for (const c of node.children) {
    if (c.startIndex >= before) break;
    if (c.type === type && !c.isMissing && c.children.length === 0) return c;
    if (c.type.endsWith("_start")) {
      const inner = findLeaf(c, type, before);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Terraform values: strings are what the converter assembled; unknown parts were marked while converting. */
export const terraformValues: ValueReader = {
  language: "Terraform",
  string(node: JsonExpression): HostString | undefined {
    // JSON text that Terraform writes (keys sorted, its own spacing): a string, whose characters the file does not
    // show, so never judged as one. The value it encodes is read in place (`encoded`).
    if (isEncodedJson(node)) return { value: "${jsonencode(…)}", unknown: true };
    if (node.type === "JSONLiteral" && typeof node.value === "string") return { value: node.value, unknown: isUnknownValue(node) };
    return undefined;
  },
  isExpression: (node) => computedNodes.has(node),
  encoded: (node) => (isEncodedJson(node) ? node : undefined),
};

/** `.tf.json` files (Terraform's JSON syntax, which `cdktf synth` writes). */
export function isTerraformJsonFile(filePath: string | undefined): boolean {
  return filePath !== undefined && /\.tf\.json$/i.test(filePath);
}

/** Nested blocks that Terraform's JSON syntax lets a file write as one object instead of a list of them. */
const JSON_BLOCKS = new Set(["replication_configuration", "rule", "destination", "repository_filter", "statement", "principals", "not_principals", "condition"]);

/**
 * The objects a value of Terraform's JSON syntax stands for where blocks are expected: the object itself, or each
 * object of an array of them, which the syntax allows at every level of a block's type, labels and body
 * (https://github.com/hashicorp/hcl/blob/main/json/spec.md#blocks).
 */
function objectsOf(value: JsonExpression): JsonObject[] {
  if (value.type === "JSONObjectExpression") return [value];
  if (value.type !== "JSONArrayExpression") return [];
  return value.elements.filter((e): e is JsonObject => e?.type === "JSONObjectExpression");
}

/**
 * The `resource` and `data` blocks of a `.tf.json` file, read from the JSON tree in place: a string with `${…}` is a
 * template whose data-source references resolve to the registry and whose other parts are unknown (the node's value
 * becomes what the template stands for); a nested block written as one object is read as a list of one.
 */
export function terraformJsonBlocks(ast: JsonProgram, registry: RegistryContext | undefined): TerraformBlock[] {
  const root = ast.body[0]?.expression;
  const blocks: TerraformBlock[] = [];
  if (root?.type !== "JSONObjectExpression") return blocks;
  const name = (p: JsonProperty) => (p.key.type === "JSONIdentifier" ? p.key.name : String(p.key.value));
  const unknownRanges: [number, number][] = [];
  const resolve = (node: JsonNode) => {
    if (node.type === "JSONLiteral" && typeof node.value === "string" && /[$%]\{/.test(node.value)) {
      const template = jsonTemplate(node, registry);
      if (!template) return;
      (node as { value: unknown }).value = template.text;
      // Each character's place in the file, so that a policy written in the string is read at its place, whatever
      // the data sources resolved to.
      setStringOffsets(node, template);
      if (template.unknown) {
        markUnknown(node);
        if (template.whole) computedNodes.add(node);
        // Where the interpolations are written, for a policy string read as JSON (see hosts.ts): in the raw text.
        for (const m of node.raw.matchAll(/(?<![$%])[$%]\{[^}]*\}/g)) unknownRanges.push([node.range[0] + m.index, node.range[0] + m.index + m[0].length]);
      }
      return;
    }
    if (node.type === "JSONObjectExpression") {
      for (const p of node.properties) {
        resolve(p.value);
        if (JSON_BLOCKS.has(name(p)) && p.value.type === "JSONObjectExpression") {
          const item = p.value;
          const list = { type: "JSONArrayExpression", elements: [item], range: item.range, loc: item.loc, parent: p } as unknown as JsonExpression;
          (item as { parent?: unknown }).parent = list;
          (p as { value: JsonExpression }).value = list;
        }
      }
    } else if (node.type === "JSONArrayExpression") for (const e of node.elements) if (e) resolve(e);
  };
  for (const section of root.properties) {
    const kind = name(section);
    if (kind !== "resource" && kind !== "data") continue;
    for (const typeProperty of objectsOf(section.value).flatMap((o) => o.properties)) {
      const type = name(typeProperty);
      if (!(type.startsWith("aws_ecr_") || type === "aws_iam_policy_document")) continue;
      for (const instance of objectsOf(typeProperty.value).flatMap((o) => o.properties)) {
        for (const body of objectsOf(instance.value)) {
          resolve(body);
          blocks.push({ kind, type, name: name(instance), body });
        }
      }
    }
  }
  setForeignHost(ast, { syntax: "hcl", strings: [], unknownRanges });
  return blocks;
}

/**
 * The strings of a JSON file that `templatefile()` renders, as Terraform renders them: `${…}` and `%{…}` unknown
 * (a template's variables come from the call, never from the module's data sources), `$${` and `%%{` their escapes.
 */
export function markTemplateStrings(ast: JsonProgram): void {
  const visit = (node: JsonNode | null | undefined): void => {
    if (!node) return;
    if (node.type === "JSONLiteral") {
      if (typeof node.value !== "string" || !/[$%]\{/.test(node.value)) return;
      const template = jsonTemplate(node, undefined);
      if (!template) return;
      (node as { value: unknown }).value = template.text;
      setStringOffsets(node, template);
      if (template.unknown) markUnknown(node);
      if (template.whole) computedNodes.add(node);
    } else if (node.type === "JSONObjectExpression") {
      for (const p of node.properties) {
        visit(p.key as JsonNode);
        visit(p.value);
      }
    } else if (node.type === "JSONArrayExpression") for (const e of node.elements) visit(e);
  };
  for (const statement of ast.body) visit((statement as { expression?: JsonNode }).expression);
}

/**
 * A string of Terraform's JSON syntax as Terraform reads it: `${…}` and `%{…}` are its templates (`$${` and `%%{`
 * their escapes, the literal `${` and `%{`), data-source references resolve to the registry and other parts stay
 * as written and are unknown. With the file offset of each character of the value (plus one past the end); `whole`
 * when the string is one unknown interpolation, which Terraform reads as that value, of any type.
 */
function jsonTemplate(node: JsonExpression & { raw: string }, registry: RegistryContext | undefined): { text: string; offsets: number[]; unknown: boolean; whole: boolean } | undefined {
  const decoded = decodeWithOffsets(node as never);
  if (!decoded) return undefined;
  const { text: t, offsets: o } = decoded;
  let text = "";
  const offsets: number[] = [];
  let unknown = false;
  let parts = 0;
  for (let i = 0; i < t.length; ) {
    const c = t[i]!;
    if ((c === "$" || c === "%") && t[i + 1] === c && t[i + 2] === "{") {
      text += `${c}{`;
      offsets.push(o[i]!, o[i + 2]!);
      i += 3;
      parts++;
      continue;
    }
    const close = (c === "$" || c === "%") && t[i + 1] === "{" ? t.indexOf("}", i + 2) : -1;
    if (close < 0) {
      text += c;
      offsets.push(o[i]!);
      i++;
      parts++;
      continue;
    }
    const known = c === "$" ? dataSourceValue(t.slice(i + 2, close).trim(), registry) : undefined;
    const part = known ?? t.slice(i, close + 1);
    if (known === undefined) unknown = true;
    for (let k = 0; k < part.length; k++) offsets.push(o[i]!);
    text += part;
    i = close + 1;
    parts++;
  }
  offsets.push(o[t.length]!);
  return { text, offsets, unknown, whole: unknown && parts === 1 && t.startsWith("${") };
}

/** A policy file that a Terraform resource reads with `file()` or `templatefile()`. */
export interface TerraformFileReference {
  /** Absolute path of the referenced file. */
  path: string;
  kind: "registry-policy" | "repository-policy";
  /** The `.tf` file and resource that reference it, for `--print-config`. */
  from: string;
  /** True for `templatefile()`: the file is a template, linted only when it has no `${…}` or `%{…}` of its own. */
  template: boolean;
  /** The `.tf` file that reads it (absolute path), when read through `terraformFileReaders`. */
  host?: string;
  /** Resources that read the same file as another kind (see `referenceOfReaders`): it is linted as each kind too. */
  also?: { kind: "registry-policy" | "repository-policy"; from: string }[];
}

/** The ECR resources whose argument holds a policy, and the kind of that policy. */
export const POLICY_ARGUMENTS: Record<string, { argument: string; kind: "registry-policy" | "repository-policy" }> = {
  aws_ecr_registry_policy: { argument: "policy", kind: "registry-policy" },
  aws_ecr_repository_policy: { argument: "policy", kind: "repository-policy" },
  aws_ecr_repository_creation_template: { argument: "repository_policy", kind: "repository-policy" },
};

/**
 * The policy files a `.tf` file's ECR resources read: `policy = file("${path.module}/registry-policy.json")` or
 * `templatefile(…)`, with the path resolved from the module's directory (`path.module`, or a relative path). A path
 * built from anything else (a variable) is unknown and not followed.
 */
export function terraformFileReferences(text: string, filePath: string, join: (dir: string, path: string) => string, dirname: (path: string) => string): TerraformFileReference[] {
  if (!/\b(?:template)?file\s*\(/.test(text)) return [];
  const parsed = parseTerraformText(text, undefined);
  if (!parsed.ok || !parsed.tree) return [];
  const out: TerraformFileReference[] = [];
  for (const block of parsed.tree.blocks) {
    const spec = block.kind === "resource" ? POLICY_ARGUMENTS[block.type] : undefined;
    const property = spec && block.body.properties.find((p) => p.key.type === "JSONLiteral" && p.key.value === spec.argument);
    const call = (property?.value as { call?: { name: string; args: JsonExpression[] } } | undefined)?.call;
    if (!spec || !call || (call.name !== "file" && call.name !== "templatefile")) continue;
    const arg = call.args[0];
    if (arg?.type !== "JSONLiteral" || typeof arg.value !== "string") continue;
    const path = arg.value.replace(/^\$\{path\.module\}\/?/, "");
    if (path.includes("${")) continue;
    out.push({ path: join(dirname(filePath), path), kind: spec.kind, from: `${block.type}.${block.name} in ${filePath}`, template: call.name === "templatefile" });
  }
  return out;
}
