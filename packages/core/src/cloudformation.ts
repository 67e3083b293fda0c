import { partitionOfRegion } from "./partitions.js";
import { propertyName, type JsonExpression, type JsonObject } from "./parse.js";
import { markUnknown, plainJsonValues, setStringOffsets, setValuePieces, type HostString, type ValuePiece, type ValueReader } from "./model/values.js";
import type { RegistryContext } from "./config/registry.js";

/**
 * CloudFormation intrinsic functions and condition functions: a one-key object with one of these keys is an
 * expression of the template, not JSON data. `Condition` alone is not listed: it is also a key of IAM statements.
 */
const INTRINSICS = new Set([
  "Ref",
  "Fn::Sub",
  "Fn::Join",
  "Fn::GetAtt",
  "Fn::ImportValue",
  "Fn::If",
  "Fn::Select",
  "Fn::Split",
  "Fn::FindInMap",
  "Fn::Base64",
  "Fn::GetAZs",
  "Fn::Cidr",
  "Fn::Length",
  "Fn::ToJsonString",
  "Fn::Transform",
  "Fn::And",
  "Fn::Or",
  "Fn::Not",
  "Fn::Equals",
]);

/** The one key of an intrinsic function call, or undefined for plain JSON. */
export function intrinsicName(node: JsonExpression): string | undefined {
  if (node.type !== "JSONObjectExpression" || node.properties.length !== 1) return undefined;
  const name = propertyName(node.properties[0]!);
  return INTRINSICS.has(name) ? name : undefined;
}

/** The pseudo parameters a stack's registry answers; the others (`AWS::StackName`…) are unknown. */
function pseudoParameter(name: string, registry: RegistryContext | undefined): string | undefined {
  const partition = registry?.partition ?? (registry?.region ? partitionOfRegion(registry.region) : undefined);
  switch (name) {
    case "AWS::Region":
      return registry?.region;
    case "AWS::AccountId":
      return registry?.account;
    case "AWS::Partition":
      return partition;
    case "AWS::URLSuffix":
      return partition === undefined ? undefined : partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    default:
      return undefined;
  }
}

/**
 * An unknown value, written `${Name}` with `::` written `.` (`${AWS.Region}`, `${Repo.Arn}`), so that an ARN with an
 * unknown part still splits into its segments at the colons.
 */
const unknown = (name: string): HostString => ({ value: `\${${name.replace(/::/g, ".")}}`, unknown: true });

/**
 * Reads values of a CloudFormation template (JSON here; a YAML template's `!Sub` tags become the same
 * `{"Fn::Sub": …}` nodes, so the same reader serves it).
 *
 * `Ref`, `Fn::Sub` and `Fn::Join` of `AWS::Region`, `AWS::AccountId`, `AWS::Partition` and `AWS::URLSuffix`
 * resolve to the stack's registry (from the config or the path), so a template that writes
 * `arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*` never mismatches its registry. Every
 * other reference (a parameter, a resource, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::If` and the other functions) is
 * an unknown value: never an error, never guessed. A hard-coded Region inside `Fn::Sub` is still a Region.
 */
export function cloudFormationValues(registry: RegistryContext | undefined): ValueReader {
  const read = (node: JsonExpression): HostString | undefined => {
    if (node.type === "JSONLiteral" && typeof node.value === "string") return { value: node.value, unknown: false };
    const name = intrinsicName(node);
    if (!name) return undefined;
    // JSON text CloudFormation writes: a string not judged as one, over a value read in place (`encoded`), which
    // marking the call unknown would hide.
    if (name === "Fn::ToJsonString") return unknown(name);
    const arg = (node as JsonObject).properties[0]!.value;
    let result: HostString;
    switch (name) {
      case "Ref": {
        const ref = arg.type === "JSONLiteral" && typeof arg.value === "string" ? arg.value : "Ref";
        const value = pseudoParameter(ref, registry);
        result = value === undefined ? unknown(ref) : { value, unknown: false };
        break;
      }
      case "Fn::Sub": {
        const sub = subArguments(arg);
        result = sub ? substitute(sub.template, sub.variables, read, registry) : unknown("Fn::Sub");
        break;
      }
      case "Fn::Join":
        result = join(arg, read);
        break;
      case "Fn::GetAtt": {
        const parts = arg.type === "JSONArrayExpression" ? arg.elements.map((e) => (e?.type === "JSONLiteral" ? String(e.value) : "?")) : [];
        result = unknown(parts.length ? parts.join(".") : arg.type === "JSONLiteral" ? String(arg.value) : name);
        break;
      }
      default:
        result = unknown(name);
    }
    if (result.unknown) markUnknown(node);
    if (result.pieces) setValuePieces(node, result.pieces);
    return result;
  };
  // CloudFormation fills in a Sub's whole text before anything reads it, so a policy written as JSON under Fn::Sub
  // (`RepositoryPolicyText: !Sub |`) is the JSON with each string's ${…} filled in as a Sub string's are.
  const template = (node: JsonExpression): { literal: JsonExpression; values: ValueReader } | undefined => {
    if (intrinsicName(node) === "Fn::Join") return joinedText(node as JsonObject);
    if (intrinsicName(node) !== "Fn::Sub") return undefined;
    const sub = subArguments((node as JsonObject).properties[0]!.value);
    if (!sub) return undefined;
    const strings: ValueReader = {
      language: "CloudFormation",
      string(inner) {
        if (inner.type !== "JSONLiteral" || typeof inner.value !== "string") return undefined;
        if (!inner.value.includes("${")) return { value: inner.value, unknown: false };
        const result = substitute(inner as JsonExpression & { value: string }, sub.variables, read, registry);
        if (result.unknown) markUnknown(inner);
        if (result.pieces) setValuePieces(inner, result.pieces);
        return result;
      },
      isExpression: () => false,
    };
    return { literal: sub.template, values: strings };
  };
  // Fn::ToJsonString (AWS::LanguageExtensions) writes its argument as JSON text: a policy written there is that value.
  const encoded = (node: JsonExpression): JsonExpression | undefined => (intrinsicName(node) === "Fn::ToJsonString" ? (node as JsonObject).properties[0]!.value : undefined);
  return { language: "CloudFormation", string: read, isExpression: (node) => intrinsicName(node) !== undefined, template, encoded };
}

/**
 * A policy CloudFormation writes as the text of `Fn::Join` of literal pieces (`!Join ["", ['{"Version": …', '…}']]`):
 * that text, as one string whose characters are all placed at the `Fn::Join`, since they come from several strings
 * of the template (findings are reported there, and no fix is made inside it). Undefined when the delimiter or a
 * piece is not a literal string (a `Ref`, an `Fn::GetAtt`): the text is then not known, nor the policy.
 */
function joinedText(node: JsonObject): { literal: JsonExpression; values: ValueReader } | undefined {
  const arg = node.properties[0]!.value;
  if (arg.type !== "JSONArrayExpression" || arg.elements.length !== 2) return undefined;
  const [delimiter, list] = arg.elements;
  if (delimiter?.type !== "JSONLiteral" || typeof delimiter.value !== "string" || list?.type !== "JSONArrayExpression") return undefined;
  const pieces: string[] = [];
  for (const element of list.elements) {
    if (element?.type !== "JSONLiteral" || typeof element.value !== "string") return undefined;
    pieces.push(element.value);
  }
  const text = pieces.join(delimiter.value);
  const at = node.range[0];
  const literal = { type: "JSONLiteral", value: text, raw: JSON.stringify(text), range: [at, at], loc: { start: node.loc.start, end: node.loc.start }, parent: node.parent } as unknown as JsonExpression;
  setStringOffsets(literal, { text, offsets: Array.from({ length: text.length + 1 }, () => at) });
  // The joined text is plain JSON: its strings are what they say, in a CloudFormation template.
  return { literal, values: { ...plainJsonValues, language: "CloudFormation" } };
}

/** The arguments of `Fn::Sub`: `"text"` or `[text, {Name: value}]`; undefined when the template is not a string. */
function subArguments(arg: JsonExpression): { template: JsonExpression & { value: string }; variables: JsonObject | undefined } | undefined {
  let template: JsonExpression | undefined = arg;
  let variables: JsonObject | undefined;
  if (arg.type === "JSONArrayExpression") {
    template = arg.elements[0] ?? undefined;
    const vars = arg.elements[1];
    if (vars?.type === "JSONObjectExpression") variables = vars;
  }
  if (template?.type !== "JSONLiteral" || typeof template.value !== "string") return undefined;
  return { template: template as JsonExpression & { value: string }, variables };
}

/** Builds a value piece by piece, remembering which characters were copied from which literal. */
class Assembly {
  value = "";
  pieces: ValuePiece[] = [];
  isUnknown = false;

  literal(node: JsonExpression, from: number, to: number): void {
    const text = (node as { value: string }).value.slice(from, to);
    this.pieces.push({ start: this.value.length, end: this.value.length + text.length, literal: node, literalStart: from });
    this.value += text;
  }

  computed(part: HostString, node?: JsonExpression): void {
    if (part.unknown) this.isUnknown = true;
    const offset = this.value.length;
    if (node?.type === "JSONLiteral") this.pieces.push({ start: offset, end: offset + part.value.length, literal: node, literalStart: 0 });
    else if (part.pieces) for (const p of part.pieces) this.pieces.push({ ...p, start: p.start + offset, end: p.end + offset });
    else this.pieces.push({ start: offset, end: offset + part.value.length });
    this.value += part.value;
  }

  result(): HostString {
    return { value: this.value, unknown: this.isUnknown, pieces: this.pieces };
  }
}

/** `Fn::Sub` of a template string: `"text ${Name} ${!Literal}"`, with the variables of its list form. */
function substitute(template: JsonExpression & { value: string }, variables: JsonObject | undefined, read: (node: JsonExpression) => HostString | undefined, registry: RegistryContext | undefined): HostString {
  const out = new Assembly();
  let last = 0;
  for (const match of template.value.matchAll(/\$\{([^}]*)\}/g)) {
    out.literal(template, last, match.index);
    last = match.index + match[0].length;
    const inner = match[1]!;
    // `${!Literal}` writes `${Literal}`: how a template keeps an IAM policy variable such as ${aws:username}.
    if (inner.startsWith("!")) {
      out.computed({ value: `\${${inner.slice(1)}}`, unknown: false });
      continue;
    }
    const name = inner.trim();
    const variable = variables?.properties.find((p) => propertyName(p) === name);
    const pseudo = variable ? undefined : pseudoParameter(name, registry);
    const resolved = variable ? read(variable.value) : pseudo !== undefined ? { value: pseudo, unknown: false } : undefined;
    out.computed(resolved ?? unknown(name), variable?.value);
  }
  out.literal(template, last, template.value.length);
  return out.result();
}

/** `Fn::Join`: `[delimiter, [parts]]`; a list that is itself a function call (`Fn::Split`, a list parameter) is unknown. */
function join(arg: JsonExpression, read: (node: JsonExpression) => HostString | undefined): HostString {
  if (arg.type !== "JSONArrayExpression") return unknown("Fn::Join");
  const [delimiter, list] = arg.elements;
  if (delimiter?.type !== "JSONLiteral" || typeof delimiter.value !== "string" || list?.type !== "JSONArrayExpression") return unknown("Fn::Join");
  const out = new Assembly();
  list.elements.forEach((e, i) => {
    if (i > 0) out.literal(delimiter, 0, delimiter.value.length);
    const part = e ? read(e) : undefined;
    out.computed(part ?? unknown("Fn::Join"), e ?? undefined);
  });
  return out.result();
}
