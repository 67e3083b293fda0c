import { createRequire } from "node:module";
import type { Document, Node as YamlNode, Scalar } from "yaml";
import { lineStartingAtOrBefore, type JsonExpression, type JsonNode, type JsonProgram, type ParseResult, type SourceLocation } from "./parse.js";
import { setForeignHost, setStringOffsets, setVerbatimString, type ForeignHost, type VerbatimString } from "./model/values.js";

/**
 * The short-form tags of CloudFormation YAML and the intrinsic function each stands for. `!Condition` is a
 * condition reference inside `!And`/`!Or`/`!Not`/`!If`.
 */
/**
 * `yaml`, loaded on first use: a run whose files all come from the cache, or hold no YAML, never pays for it. Its
 * `node` export is the CommonJS build, so `require` here yields the same instance a static import would.
 */
let yamlModule: typeof import("yaml") | undefined;
export function yaml(): typeof import("yaml") {
  yamlModule ??= createRequire(import.meta.url)("yaml") as typeof import("yaml");
  return yamlModule;
}

const SHORT_FORMS: Record<string, string> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!Sub": "Fn::Sub",
  "!GetAtt": "Fn::GetAtt",
  "!Join": "Fn::Join",
  "!If": "Fn::If",
  "!Select": "Fn::Select",
  "!ImportValue": "Fn::ImportValue",
  "!FindInMap": "Fn::FindInMap",
  "!Split": "Fn::Split",
  "!Base64": "Fn::Base64",
  "!GetAZs": "Fn::GetAZs",
  "!Cidr": "Fn::Cidr",
  "!Length": "Fn::Length",
  "!ToJsonString": "Fn::ToJsonString",
  "!Transform": "Fn::Transform",
  "!Equals": "Fn::Equals",
  "!And": "Fn::And",
  "!Or": "Fn::Or",
  "!Not": "Fn::Not",
};

/** Line starts of a text, to turn offsets into ESTree positions (1-based lines, 0-based columns). */
export function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return (offset) => {
    const line = lineStartingAtOrBefore(starts, offset);
    return { line: line + 1, column: offset - starts[line]! };
  };
}

/**
 * Where each character of a folded block scalar's value (`>`) is written: a line break the block folds into a space
 * is that space's place, one it folds away (before a blank line) is skipped, and each line's indentation is not part
 * of the value. Undefined when the value does not align with the source that way.
 */
function foldedOffsets(value: string, written: { char: string; offset: number }[], end: number): number[] | undefined {
  const offsets: number[] = [];
  let j = 0;
  for (const char of value) {
    for (;;) {
      const at = written[j];
      if (!at) return undefined;
      j++;
      if (at.char === char || (at.char === "\n" && char === " ")) {
        offsets.push(at.offset);
        break;
      }
      if (at.char !== "\n") return undefined;
    }
  }
  offsets.push(written[j]?.offset ?? end);
  return offsets;
}

/**
 * A YAML block scalar (`|`, `>`): the value's characters and their host offsets. A literal block is written one
 * value character per source character; a folded one too but for its folds (see {@link foldedOffsets}). A block
 * that aligns neither way (chomping or indentation the reading here does not follow) has every character at the
 * block's start: a policy written there is still read and checked, its findings placed at the block, never passed
 * over in silence. Undefined for any other scalar.
 */
function blockOffsets(text: string, scalar: Scalar, start: number, end: number): { text: string; offsets: number[] } | undefined {
  if ((scalar.type !== "BLOCK_LITERAL" && scalar.type !== "BLOCK_FOLDED") || typeof scalar.value !== "string") return undefined;
  const value = scalar.value;
  const atStart = { text: value, offsets: Array.from({ length: value.length + 1 }, () => start) };
  const source = text.slice(start, end);
  const headerEnd = source.indexOf("\n");
  if (headerEnd < 0) return atStart;
  const lines: { offset: number; line: string }[] = [];
  let offset = start + headerEnd + 1;
  for (const line of source.slice(headerEnd + 1).split("\n")) {
    lines.push({ offset, line });
    offset += line.length + 1;
  }
  const indent = Math.min(...lines.filter((l) => l.line.trim() !== "").map((l) => l.line.length - l.line.trimStart().length));
  if (!Number.isFinite(indent)) return atStart;
  const written: { char: string; offset: number }[] = [];
  for (const { offset: at, line } of lines) {
    const content = line.slice(indent);
    for (let i = 0; i < content.length; i++) written.push({ char: content[i]!, offset: at + indent + i });
    written.push({ char: "\n", offset: at + Math.max(line.length, indent) });
  }
  if (scalar.type === "BLOCK_FOLDED") {
    const folded = foldedOffsets(value, written, end);
    return folded ? { text: value, offsets: folded } : atStart;
  }
  if (!written.map((w) => w.char).join("").startsWith(value)) return atStart;
  const used = written.slice(0, value.length).map((w) => w.offset);
  used.push(written[value.length]?.offset ?? end);
  return { text: value, offsets: used };
}

/**
 * Reads YAML (a CloudFormation template) into the tree that jsonc-eslint-parser would give for the same data, in the
 * YAML file's coordinates, so that the model, the CloudFormation value reader and the rules work on it unchanged:
 * a short-form tag (`!Sub "…"`) becomes the one-key object of its long form (`{"Fn::Sub": "…"}`), whose key is the
 * tag. Parsing is the `yaml` library's (YAML 1.2 core schema, so `on`, `yes` and `2012-10-17` stay strings). Never
 * throws.
 */
/** What makes a YAML text no CloudFormation template, found while converting it, at an offset of the text. */
class Rejection extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * CloudFormation reads YAML 1.1 without aliases and hash merges ("Template error: YAML aliases are not allowed in
 * CloudFormation templates"): https://docs.amazonaws.cn/en_us/AWSCloudFormation/latest/UserGuide/template-formats.html
 */
const NO_ALIASES = "CloudFormation does not allow YAML aliases or merge keys (<<) in a template: write the values out";

/**
 * Where the most deeply nested flow collection (`[[[…]]]`, `{a: {b: …}}`) of a text starts: the place to show for
 * YAML nested too deeply to read. Quoted text and comments are skipped; 0 when there is none.
 */
function deepestFlowStart(text: string): number {
  let depth = 0;
  let deepest = 0;
  let start = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      i = close < 0 ? text.length : close;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      const eol = text.indexOf("\n", i);
      i = eol < 0 ? text.length : eol;
    } else if (c === "[" || c === "{") {
      if (depth === 0) start = i;
      if (++depth > deepest) [deepest, at] = [depth, start];
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return at;
}

export function parseYamlText(text: string): ParseResult {
  let doc: Document.Parsed;
  try {
    doc = yaml().parseDocument(text, { keepSourceTokens: false, uniqueKeys: false, strict: false, schema: "core", prettyErrors: false });
  } catch (error) {
    const reason = error instanceof RangeError ? "YAML nested too deeply to read" : (error as Error).message;
    const at = lineIndex(text)(error instanceof RangeError ? deepestFlowStart(text) : 0);
    return { ok: false, error: { message: `Parsing error: ${reason}`, line: at.line, column: at.column + 1 } };
  }
  const position = lineIndex(text);
  if (doc.errors.length) {
    const error = doc.errors[0]!;
    // The yaml library's own recursion gives out on thousands of nested flow collections: say what that means, at
    // the collection (the library says 0).
    const tooDeep = /Maximum call stack/.test(error.message);
    const at = position(tooDeep ? deepestFlowStart(text) : error.pos[0]);
    const reason = tooDeep
      ? "YAML nested too deeply to read"
      : error.code === "MULTIPLE_DOCS"
        ? "A second YAML document starts here; a CloudFormation template is one document: remove the \"---\" or split the file"
        : error.message.split("\n")[0];
    return { ok: false, error: { message: `Parsing error: ${reason}`, line: at.line, column: at.column + 1 } };
  }
  const loc = (start: number, end: number): SourceLocation => ({ start: position(start), end: position(end) });
  const strings: ForeignHost["strings"] = [];
  const trimEnd = (end: number) => {
    while (end > 0 && /\s/.test(text[end - 1]!)) end--;
    return end;
  };

  const literal = (value: unknown, start: number, end: number): JsonExpression =>
    ({ type: "JSONLiteral", value, raw: text.slice(start, end), range: [start, end], loc: loc(start, end) }) as unknown as JsonExpression;

  // An alias is never expanded, so a text of aliases expanding aliases (ten anchors of ten aliases each are 10^10
  // nodes) costs nothing: the first one is the error.
  const convert = (node: YamlNode | null | undefined, fallback: number, depth: number): JsonExpression => {
    if (!node || depth > 200) return literal(null, fallback, fallback);
    if (yaml().isAlias(node)) {
      const at = node.range?.[0] ?? fallback;
      if (!node.resolve(doc)) throw new Rejection(at, `Alias "*${node.source}" names no anchor defined before it`);
      throw new Rejection(at, `Alias "*${node.source}": ${NO_ALIASES}`);
    }
    const [start, , nodeEnd] = node.range ?? [fallback, fallback, fallback];
    const end = trimEnd(Math.max(start, nodeEnd));
    let out: JsonExpression;
    if (yaml().isMap(node)) {
      const seen = new Map<string, number>();
      const properties = node.items.flatMap((pair) => {
        const key = pair.key as YamlNode | null;
        if (!yaml().isScalar(key) || !key.range) return [];
        const name = key.value === null ? "" : String(key.value);
        if (name === "<<" && key.type === "PLAIN") throw new Rejection(key.range[0], `Merge key "<<": ${NO_ALIASES}`);
        const first = seen.get(name);
        if (first !== undefined) {
          throw new Rejection(key.range[0], `Duplicate key "${name}" (first on line ${position(first).line}): the keys of a YAML mapping must be unique, and CloudFormation's reading of a repeated one is undefined`);
        }
        seen.set(name, key.range[0]);
        const keyNode = literal(name, key.range[0], key.range[1]);
        const value = convert(pair.value as YamlNode | null, key.range[1], depth + 1);
        const property = { type: "JSONProperty", key: keyNode, value, kind: "init", computed: false, method: false, shorthand: false, range: [key.range[0], value.range[1]], loc: loc(key.range[0], value.range[1]) };
        return [property];
      });
      out = { type: "JSONObjectExpression", properties, range: [start, end], loc: loc(start, end) } as unknown as JsonExpression;
    } else if (yaml().isSeq(node)) {
      const elements = node.items.map((item) => convert(item as YamlNode, start, depth + 1));
      out = { type: "JSONArrayExpression", elements, range: [start, end], loc: loc(start, end) } as unknown as JsonExpression;
    } else if (yaml().isScalar(node)) {
      const valueEnd = node.range?.[1] ?? end;
      const value = node.value;
      out = literal(typeof value === "number" || typeof value === "boolean" || typeof value === "string" || value === null ? value : String(value), start, valueEnd);
      if (typeof value === "string") markString(out, node, start, valueEnd);
    } else {
      out = literal(null, start, end);
    }
    const tag = node.tag;
    const name = tag ? SHORT_FORMS[tag] : undefined;
    if (!name) return out;
    // The tag is written just before the node (`!Sub "…"`): the key of the long form sits on it.
    const tagStart = text.lastIndexOf(tag!, out.range[0]);
    const keyStart = tagStart >= 0 ? tagStart : out.range[0];
    const key = literal(name, keyStart, keyStart + (tagStart >= 0 ? tag!.length : 0));
    const property = { type: "JSONProperty", key, value: out, kind: "init", computed: false, method: false, shorthand: false, range: [keyStart, out.range[1]], loc: loc(keyStart, out.range[1]) };
    return { type: "JSONObjectExpression", properties: [property], range: [keyStart, out.range[1]], loc: loc(keyStart, out.range[1]) } as unknown as JsonExpression;
  };

  const markString = (node: JsonExpression, scalar: Scalar, start: number, end: number) => {
    const value = scalar.value as string;
    const source = text.slice(start, end);
    let verbatim: VerbatimString | undefined;
    if (scalar.type === "PLAIN" && source === value && !value.includes("\n")) verbatim = { start, style: "yaml-plain" };
    else if (scalar.type === "QUOTE_DOUBLE" && source.slice(1, -1) === value && !/[\n\\]/.test(source)) verbatim = { start: start + 1, style: "yaml-double" };
    else if (scalar.type === "QUOTE_SINGLE" && source.slice(1, -1) === value && !/[\n']/.test(value)) verbatim = { start: start + 1, style: "yaml-single" };
    if (verbatim) {
      setVerbatimString(node, verbatim);
      setStringOffsets(node, { text: value, offsets: Array.from({ length: value.length + 1 }, (_, i) => verbatim!.start + i) });
      strings.push({ value, start: verbatim.start, end: verbatim.start + value.length, outer: [start, end], style: verbatim.style });
      return;
    }
    const block = blockOffsets(text, scalar, start, end);
    if (block) setStringOffsets(node, block);
  };

  const contents = doc.contents as YamlNode | null;
  let expression: JsonExpression;
  try {
    expression = convert(contents, 0, 0);
  } catch (error) {
    if (!(error instanceof Rejection)) throw error;
    const at = position(error.offset);
    return { ok: false, error: { message: `Parsing error: ${error.reason}`, line: at.line, column: at.column + 1 } };
  }
  const statement = { type: "JSONExpressionStatement", expression, range: expression.range, loc: expression.loc };
  const program = { type: "Program", body: [statement], comments: yamlComments(text), tokens: [], range: [0, text.length], loc: loc(0, text.length) } as unknown as JsonProgram;
  setParents(program as unknown as JsonNode, undefined);
  setForeignHost(program, { syntax: "yaml", strings });
  return { ok: true, ast: program };
}

/** A comment in ESTree's shape (what ESLint and the runner read `eslint-disable` directives from). */
export interface HostComment {
  type: "Line" | "Block";
  value: string;
  range: [number, number];
  loc: SourceLocation;
}

/** The comment `text.slice(start, end)`, whose value is what follows its `prefix` characters (and precedes `suffix`). */
export function hostComment(text: string, position: (offset: number) => { line: number; column: number }, start: number, end: number, type: HostComment["type"], prefix: number, suffix = 0): HostComment {
  return { type, value: text.slice(start + prefix, end - suffix), range: [start, end], loc: { start: position(start), end: position(end) } };
}

/**
 * The `#` comments of a YAML text, as yaml-eslint-parser gives them to ESLint (type `Block`, the text after `#`), read
 * from the `yaml` library's concrete syntax tree, which keeps each comment's offset. A `#` inside a scalar is not one.
 * `Block`, not `Line`: ESLint honours every directive in a block comment, so `# eslint-disable` and
 * `# eslint-enable` ranges work in YAML, where a `//` comment would only take `eslint-disable-line` and `-next-line`.
 */
export function yamlComments(text: string): HostComment[] {
  const position = lineIndex(text);
  const out: HostComment[] = [];
  const seen = new Set<object>();
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    const token = value as { type?: unknown; offset?: unknown; source?: unknown };
    if (token.type === "comment" && typeof token.offset === "number" && typeof token.source === "string") {
      out.push(hostComment(text, position, token.offset, token.offset + token.source.length, "Block", 1));
      return;
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) walk(child);
  };
  for (const token of new (yaml().Parser)().parse(text)) walk(token);
  return out.sort((a, b) => a.range[0] - b.range[0]);
}

/** Sets `parent` on every node, as the JSON parser does. */
export function setParents(node: JsonNode, parent: JsonNode | undefined): void {
  (node as { parent?: JsonNode }).parent = parent;
  for (const [key, child] of Object.entries(node)) {
    if (key === "parent" || key === "loc" || key === "range") continue;
    if (Array.isArray(child)) {
      for (const c of child) if (c && typeof c === "object" && "type" in c) setParents(c as JsonNode, node);
    } else if (child && typeof child === "object" && "type" in child) setParents(child as JsonNode, node);
  }
}

/** True for a YAML file name (`.yaml`, `.yml`) or a CloudFormation `.template` that is not JSON. */
export function isYamlFile(filePath: string | undefined, text: string): boolean {
  if (!filePath) return false;
  if (/\.ya?ml$/i.test(filePath)) return true;
  return /\.template$/i.test(filePath) && !/^\s*[{[]/.test(text);
}
