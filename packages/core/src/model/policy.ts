import { propertyName, type JsonExpression, type JsonNode, type JsonObject, type JsonProperty } from "../parse.js";
import { hostValue, isUnknownValue, markUnknown, plainJsonValues, type ValueReader } from "./values.js";

/** A string value in a policy, with the node it was read from. */
export interface StringValue {
  value: string;
  node: JsonExpression;
  /**
   * Set when the host computes the value from something ecrlint cannot know (a CloudFormation parameter,
   * `Fn::GetAtt`…; see `HostString`). Rules never judge an unknown value and the evaluator never guesses it.
   * A host expression whose value is known (`Fn::Sub` of `AWS::Region`) is not unknown; its `node` is then the
   * expression, not a string literal, so no rule edits it.
   */
  unknown?: true;
}

/** An element whose value is a string or a list of strings (Action, Resource, principal values, condition values). */
export interface StringListElement {
  /** The property (`"Action": ...`). */
  property: JsonProperty;
  /** True when written as a list. */
  isList: boolean;
  values: StringValue[];
}

export type PrincipalType = "AWS" | "Service" | "Federated" | "CanonicalUser";
export const PRINCIPAL_TYPES: readonly PrincipalType[] = ["AWS", "Service", "Federated", "CanonicalUser"];

export interface PrincipalEntry {
  /** The key as written (`AWS`, `Service`, or an unknown key). */
  type: string;
  property: JsonProperty;
  values: StringValue[];
}

export interface PrincipalElement {
  property: JsonProperty;
  /** `"Principal": "*"`. */
  wildcard: StringValue | undefined;
  entries: PrincipalEntry[];
}

export interface ConditionKeyBlock {
  key: string;
  property: JsonProperty;
  values: StringValue[];
  /** Values that are not strings, numbers or booleans (kept so rules can report them). */
  invalidValues: JsonExpression[];
}

export interface ConditionOperatorBlock {
  operator: string;
  property: JsonProperty;
  keys: ConditionKeyBlock[];
}

export interface ConditionElement {
  property: JsonProperty;
  operators: ConditionOperatorBlock[];
}

export interface PolicyStatement {
  index: number;
  node: JsonObject;
  sid: StringValue | undefined;
  effect: StringValue | undefined;
  principal: PrincipalElement | undefined;
  notPrincipal: PrincipalElement | undefined;
  action: StringListElement | undefined;
  notAction: StringListElement | undefined;
  resource: StringListElement | undefined;
  notResource: StringListElement | undefined;
  condition: ConditionElement | undefined;
  /** Every property of the statement by its key as written, for grammar checks. */
  properties: JsonProperty[];
  /** True when some value of the statement is unknown (see {@link StringValue.unknown}): it cannot be fully judged. */
  unknown: boolean;
}

/** A grammar problem found while building the model: the model skips what it cannot read and says why. */
export interface ModelProblem {
  code:
    | "not-an-object"
    | "statement-not-object"
    | "statement-wrong-type"
    | "wrong-type"
    | "element-wrong-type"
    | "unparsable-text";
  message: string;
  node: JsonNode;
}

export interface PolicyDocument {
  node: JsonObject;
  version: StringValue | undefined;
  id: StringValue | undefined;
  /** The `Statement` property, when present. */
  statementProperty: JsonProperty | undefined;
  statements: PolicyStatement[];
  problems: ModelProblem[];
  /** How the host writes values (plain JSON, CloudFormation intrinsic functions). */
  values: ValueReader;
  /**
   * Parts of the policy whose value cannot be known: statements, principals or conditions written as host
   * expressions (`Fn::If`…), and every unknown value. Empty for a plain JSON policy.
   */
  unknownParts: JsonNode[];
  /** Statements the host computes as a whole (`{"Fn::If": [...]}` in the Statement list): not read, effect unknown. */
  computedStatements: JsonExpression[];
}

function findProperty(node: JsonObject, name: string): JsonProperty | undefined {
  // The last duplicate wins, as with JSON.parse; valid-policy reports the duplicate itself.
  let found: JsonProperty | undefined;
  for (const p of node.properties) if (propertyName(p) === name) found = p;
  return found;
}

/**
 * The properties of an object whose keys are data (principal types, condition operators, condition keys), one per
 * key: the last of duplicates, as JSON.parse and so the evaluator keep it. Reading the first as well made a rule
 * report a principal the evaluator never sees, and offer a fix that could never satisfy it.
 */
function lastOfEachKey(node: JsonObject, reading: Reading): JsonProperty[] {
  // Most such objects have one key (`{"AWS": …}`, one operator, one condition key): nothing to choose between.
  if (node.properties.length === 1) return unknownKey(node.properties[0]!, reading) ? [] : [node.properties[0]!];
  const last = new Map<string, JsonProperty>();
  for (const p of node.properties) {
    if (unknownKey(p, reading)) continue;
    const name = propertyName(p);
    last.delete(name);
    last.set(name, p);
  }
  return [...last.values()].sort((a, b) => a.range[0] - b.range[0]);
}

export function stringOf(node: JsonExpression): string | undefined {
  if (node.type === "JSONLiteral" && typeof node.value === "string") return node.value;
  if (node.type === "JSONTemplateLiteral") return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** What one policy is read with: its host's values, and where unknown parts are collected. */
interface Reading {
  values: ValueReader;
  problems: ModelProblem[];
  unknownParts: JsonNode[];
}

/** A string through the host's reader, as a model value; unknown values are collected. */
function stringValue(node: JsonExpression, reading: Reading): StringValue | undefined {
  // Plain JSON, nearly every policy: its strings are its literals, read without the reader's intermediate answer.
  if (reading.values === plainJsonValues && node.type === "JSONLiteral") return typeof node.value === "string" ? { value: node.value, node } : undefined;
  const read = reading.values.string(node);
  if (!read) return undefined;
  if (!read.unknown) return { value: read.value, node };
  reading.unknownParts.push(node);
  return { value: read.value, node, unknown: true };
}

/**
 * A key the host computes (Terraform's `(var.op) = …` or `"${var.k}" = …`): what it names is unknown, so the
 * property is not read, and the element it sits in is unknown. Never a finding about the key.
 */
function unknownKey(property: JsonProperty, reading: Reading): boolean {
  if (!isUnknownValue(property.key)) return false;
  reading.unknownParts.push(property.key);
  return true;
}

/** A part the host computes as a whole (a principal from `Fn::If`): unknown, and not read further. */
function unknownPart(node: JsonExpression, reading: Reading): boolean {
  if (!reading.values.isExpression(node)) return false;
  markUnknown(node);
  reading.unknownParts.push(node);
  return true;
}

function describeType(node: JsonExpression): string {
  switch (node.type) {
    case "JSONObjectExpression":
      return "an object";
    case "JSONArrayExpression":
      return "a list";
    case "JSONLiteral":
      if (node.value === null) return "null";
      return `a ${typeof node.value}`;
    default:
      return "a number";
  }
}

function readString(property: JsonProperty | undefined, reading: Reading): StringValue | undefined {
  if (!property) return undefined;
  const value = stringValue(property.value, reading);
  if (value === undefined) {
    reading.problems.push({
      code: "wrong-type",
      message: `"${propertyName(property)}" must be a string, not ${describeType(property.value)}.`,
      node: property.value,
    });
    return undefined;
  }
  return value;
}

function readStringList(property: JsonProperty | undefined, reading: Reading): StringListElement | undefined {
  if (!property) return undefined;
  const { problems } = reading;
  const node = property.value;
  // A host expression in a list's place (a list parameter, Fn::If) is one unknown value standing for the list.
  const single = stringValue(node, reading);
  if (single !== undefined) return { property, isList: reading.values.isExpression(node), values: [single] };
  if (node.type !== "JSONArrayExpression") {
    problems.push({
      code: "element-wrong-type",
      message: `"${propertyName(property)}" must be a string or a list of strings, not ${describeType(node)}.`,
      node,
    });
    return { property, isList: false, values: [] };
  }
  const values: StringValue[] = [];
  for (const element of node.elements) {
    if (!element) continue;
    const value = stringValue(element, reading);
    if (value === undefined) {
      problems.push({
        code: "element-wrong-type",
        message: `Each entry of "${propertyName(property)}" must be a string, not ${describeType(element)}.`,
        node: element,
      });
      continue;
    }
    values.push(value);
  }
  return { property, isList: true, values };
}

function readPrincipal(property: JsonProperty | undefined, reading: Reading): PrincipalElement | undefined {
  if (!property) return undefined;
  const { problems } = reading;
  const node = property.value;
  if (unknownPart(node, reading)) return { property, wildcard: undefined, entries: [] };
  const singleValue = stringValue(node, reading);
  const single = singleValue?.value;
  if (singleValue !== undefined && single !== undefined) {
    // An unknown value may well be "*".
    if (single !== "*" && !singleValue.unknown) {
      problems.push({
        code: "element-wrong-type",
        message: `"${propertyName(property)}" must be "*" or an object such as {"AWS": "..."}.`,
        node,
      });
    }
    return { property, wildcard: singleValue, entries: [] };
  }
  if (node.type !== "JSONObjectExpression") {
    problems.push({
      code: "element-wrong-type",
      message: `"${propertyName(property)}" must be "*" or an object, not ${describeType(node)}.`,
      node,
    });
    return { property, wildcard: undefined, entries: [] };
  }
  const entries: PrincipalEntry[] = [];
  for (const p of lastOfEachKey(node, reading)) {
    const list = readStringList(p, reading);
    entries.push({ type: propertyName(p), property: p, values: list?.values ?? [] });
  }
  return { property, wildcard: undefined, entries };
}

function readCondition(property: JsonProperty | undefined, reading: Reading): ConditionElement | undefined {
  if (!property) return undefined;
  const { problems } = reading;
  const node = property.value;
  if (unknownPart(node, reading)) return { property, operators: [] };
  if (node.type !== "JSONObjectExpression") {
    problems.push({
      code: "element-wrong-type",
      message: `"Condition" must be an object of operators, not ${describeType(node)}.`,
      node,
    });
    return { property, operators: [] };
  }
  const operators: ConditionOperatorBlock[] = [];
  for (const opProp of lastOfEachKey(node, reading)) {
    const block: ConditionOperatorBlock = { operator: propertyName(opProp), property: opProp, keys: [] };
    operators.push(block);
    if (unknownPart(opProp.value, reading)) continue;
    if (opProp.value.type !== "JSONObjectExpression") {
      problems.push({
        code: "element-wrong-type",
        message: `Condition operator "${block.operator}" must map condition keys to values, not ${describeType(opProp.value)}.`,
        node: opProp.value,
      });
      continue;
    }
    for (const keyProp of lastOfEachKey(opProp.value, reading)) {
      const keyBlock: ConditionKeyBlock = { key: propertyName(keyProp), property: keyProp, values: [], invalidValues: [] };
      block.keys.push(keyBlock);
      const raw = keyProp.value;
      const items = raw.type === "JSONArrayExpression" ? raw.elements : [raw];
      // A list of values from a list parameter or Fn::If is one unknown value (handled below).
      for (const item of items) {
        if (!item) continue;
        const hosted = reading.values.isExpression(item) ? stringValue(item, reading) : undefined;
        if (hosted) {
          keyBlock.values.push(hosted);
        } else if (item.type === "JSONLiteral" && typeof item.value === "string") {
          // Through the host's reader: a Terraform interpolation in a condition value is unknown there too.
          keyBlock.values.push(stringValue(item, reading) ?? { value: item.value, node: item });
        } else if (item.type === "JSONLiteral" && (typeof item.value === "number" || typeof item.value === "boolean")) {
          keyBlock.values.push({ value: String(item.value), node: item });
        } else if (item.type === "JSONUnaryExpression" || item.type === "JSONTemplateLiteral") {
          const text = item.type === "JSONTemplateLiteral" ? stringOf(item) : item.operator === "-" ? `-${String((item.argument as { value?: unknown }).value)}` : String((item.argument as { value?: unknown }).value);
          keyBlock.values.push({ value: text ?? "", node: item });
        } else {
          keyBlock.invalidValues.push(item);
          problems.push({
            code: "element-wrong-type",
            message: `Condition values of "${keyBlock.key}" must be strings, numbers or booleans, not ${describeType(item)}.`,
            node: item,
          });
        }
      }
    }
  }
  return { property, operators };
}

type StatementKey = "Sid" | "Effect" | "Principal" | "NotPrincipal" | "Action" | "NotAction" | "Resource" | "NotResource" | "Condition";

/** The elements of a statement by key, the last of duplicates as {@link findProperty} finds it, in one pass. */
function statementElements(node: JsonObject): Record<StatementKey, JsonProperty | undefined> {
  // Every key present from the start: one object shape for every statement, whichever elements it has.
  const found: Record<StatementKey, JsonProperty | undefined> = {
    Sid: undefined,
    Effect: undefined,
    Principal: undefined,
    NotPrincipal: undefined,
    Action: undefined,
    NotAction: undefined,
    Resource: undefined,
    NotResource: undefined,
    Condition: undefined,
  };
  for (const p of node.properties) {
    const name = propertyName(p);
    switch (name) {
      case "Sid":
      case "Effect":
      case "Principal":
      case "NotPrincipal":
      case "Action":
      case "NotAction":
      case "Resource":
      case "NotResource":
      case "Condition":
        found[name] = p;
    }
  }
  return found;
}

function readStatement(node: JsonObject, index: number, reading: Reading): PolicyStatement {
  const get = statementElements(node);
  const unknownBefore = reading.unknownParts.length;
  const statement: PolicyStatement = {
    index,
    node,
    sid: readString(get.Sid, reading),
    effect: readString(get.Effect, reading),
    principal: readPrincipal(get.Principal, reading),
    notPrincipal: readPrincipal(get.NotPrincipal, reading),
    action: readStringList(get.Action, reading),
    notAction: readStringList(get.NotAction, reading),
    resource: readStringList(get.Resource, reading),
    notResource: readStringList(get.NotResource, reading),
    condition: readCondition(get.Condition, reading),
    properties: node.properties,
    unknown: false,
  };
  // A computed key may name any element: the statement is not fully known.
  for (const p of node.properties) unknownKey(p, reading);
  statement.unknown = reading.unknownParts.length > unknownBefore;
  return statement;
}

/**
 * Builds the policy model from a document's root object. Unreadable parts are skipped and returned as problems.
 * `values` is how the host writes strings (plain JSON by default; CloudFormation intrinsic functions).
 */
export function readPolicyDocument(node: JsonObject, values: ValueReader = plainJsonValues): PolicyDocument {
  const problems: ModelProblem[] = [];
  const reading: Reading = { values, problems, unknownParts: [] };
  const computedStatements: JsonExpression[] = [];
  const statementProperty = findProperty(node, "Statement");
  const statements: PolicyStatement[] = [];
  // A computed key of the policy may be "Statement" itself: what the policy says is then not certain.
  for (const p of node.properties) if (unknownKey(p, reading)) computedStatements.push(p.value);
  if (statementProperty) {
    const value = statementProperty.value;
    if (unknownPart(value, reading)) {
      // The whole Statement list is computed by the host: nothing to read.
      computedStatements.push(value);
    } else if (value.type === "JSONObjectExpression") {
      statements.push(readStatement(value, 0, reading));
    } else if (value.type === "JSONArrayExpression") {
      const { elements } = value;
      for (let i = 0; i < elements.length; i++) {
        const element = elements[i];
        if (!element) continue;
        // A statement the host adds or leaves out (`Fn::If` with `AWS::NoValue`) is unknown, not malformed.
        if (unknownPart(element, reading)) {
          computedStatements.push(element);
          continue;
        }
        if (element.type !== "JSONObjectExpression") {
          problems.push({
            code: "statement-not-object",
            message: `Each statement must be an object, not ${describeType(element)}.`,
            node: element,
          });
          continue;
        }
        statements.push(readStatement(element, i, reading));
      }
    } else {
      problems.push({
        code: "statement-wrong-type",
        message: `"Statement" must be an object or a list of objects, not ${describeType(value)}.`,
        node: value,
      });
    }
  }
  return {
    node,
    version: readString(findProperty(node, "Version"), reading),
    id: readString(findProperty(node, "Id"), reading),
    statementProperty,
    statements,
    problems,
    values,
    unknownParts: reading.unknownParts,
    computedStatements,
  };
}

/**
 * Where a document keeps its plain value once built: a hidden field of the document rather than a WeakMap entry, so
 * that the value dies with the document. V8's young-generation collector keeps every WeakMap value alive, so values
 * kept in one were promoted file after file and left to full collections.
 */
const PLAIN_VALUE = Symbol("plain value");

/**
 * The document as JSON.parse would give it (host expressions replaced by the strings they stand for, unknown parts
 * written `${Name}`), built once however many rules and queries read it.
 */
export function policyValue(policy: PolicyDocument): unknown {
  const held = policy as PolicyDocument & { [PLAIN_VALUE]?: unknown };
  if (PLAIN_VALUE in held) return held[PLAIN_VALUE];
  const value = hostValue(policy.node, policy.values ?? plainJsonValues);
  // Not enumerable: a copy of the document made by spreading it (with other statements) builds its own.
  if (Object.isExtensible(held)) Object.defineProperty(held, PLAIN_VALUE, { value });
  return value;
}

const PLAIN_JSON = Symbol("plain JSON");

/**
 * {@link policyValue} as `JSON.stringify` writes it (the smallest text that could be sent), written once: a rule
 * measures it, a cross-file rule keeps it as its facts (text is a fraction of the objects' size), and both ask.
 */
export function policyJson(policy: PolicyDocument): string {
  const held = policy as PolicyDocument & { [PLAIN_JSON]?: string };
  if (held[PLAIN_JSON] !== undefined) return held[PLAIN_JSON];
  const text = JSON.stringify(policyValue(policy));
  if (Object.isExtensible(held)) Object.defineProperty(held, PLAIN_JSON, { value: text });
  return text;
}

/** Whether some value of the policy is unknown (see {@link StringValue.unknown}). */
export function hasUnknownValues(policy: PolicyDocument): boolean {
  return (policy.unknownParts?.length ?? 0) > 0;
}

/**
 * What a finding about access may rest on when some values of the policy are unknown (CloudFormation parameters):
 *
 * - `"grants"`, for a finding that says something is allowed (public access, an outsider): Allow statements with
 *   unknown values are left out, since they can only add access; when a Deny statement has unknown values, or a
 *   whole statement (or its Effect) is computed, nothing is certain and the answer is undefined.
 * - `"refusals"`, for a finding that says something is not allowed (a missing replication grant): Deny statements
 *   with unknown values are left out, since they can only take access away; an unknown Allow leaves nothing certain.
 *
 * So an unknown value never causes a finding, and never hides one that holds whatever the value turns out to be.
 * A policy without unknown values keeps every statement. `irrelevant` names statements with unknown values that
 * cannot change the finding whatever those values are (the evaluator's: their known actions are none the question
 * asks about); they are left out whatever their effect.
 */
export function statementsForFinding(policy: PolicyDocument, finding: "grants" | "refusals", irrelevant?: (s: PolicyStatement) => boolean): PolicyStatement[] | undefined {
  if (!hasUnknownValues(policy)) return policy.statements;
  if ((policy.computedStatements?.length ?? 0) > 0) return undefined;
  const droppable = finding === "grants" ? "Allow" : "Deny";
  const kept: PolicyStatement[] = [];
  for (const s of policy.statements) {
    if (!s.unknown) kept.push(s);
    else if (irrelevant?.(s)) continue;
    else if (s.effect?.unknown || s.effect?.value !== droppable) return undefined;
  }
  return kept;
}

export { findProperty };
