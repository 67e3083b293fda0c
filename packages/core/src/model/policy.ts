import { propertyName, staticValue, type JsonExpression, type JsonNode, type JsonObject, type JsonProperty } from "../parse.js";

/** A string value in a policy, with the node it was read from. */
export interface StringValue {
  value: string;
  node: JsonExpression;
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
}

/** A grammar problem found while building the model: the model skips what it cannot read and says why. */
export interface ModelProblem {
  code:
    | "not-an-object"
    | "statement-not-object"
    | "statement-wrong-type"
    | "wrong-type"
    | "element-wrong-type";
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
}

function findProperty(node: JsonObject, name: string): JsonProperty | undefined {
  // The last duplicate wins, as with JSON.parse; valid-policy reports the duplicate itself.
  let found: JsonProperty | undefined;
  for (const p of node.properties) if (propertyName(p) === name) found = p;
  return found;
}

export function stringOf(node: JsonExpression): string | undefined {
  if (node.type === "JSONLiteral" && typeof node.value === "string") return node.value;
  if (node.type === "JSONTemplateLiteral") return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
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

function readString(property: JsonProperty | undefined, problems: ModelProblem[]): StringValue | undefined {
  if (!property) return undefined;
  const value = stringOf(property.value);
  if (value === undefined) {
    problems.push({
      code: "wrong-type",
      message: `"${propertyName(property)}" must be a string, not ${describeType(property.value)}.`,
      node: property.value,
    });
    return undefined;
  }
  return { value, node: property.value };
}

function readStringList(property: JsonProperty | undefined, problems: ModelProblem[]): StringListElement | undefined {
  if (!property) return undefined;
  const node = property.value;
  const single = stringOf(node);
  if (single !== undefined) return { property, isList: false, values: [{ value: single, node }] };
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
    const value = stringOf(element);
    if (value === undefined) {
      problems.push({
        code: "element-wrong-type",
        message: `Each entry of "${propertyName(property)}" must be a string, not ${describeType(element)}.`,
        node: element,
      });
      continue;
    }
    values.push({ value, node: element });
  }
  return { property, isList: true, values };
}

function readPrincipal(property: JsonProperty | undefined, problems: ModelProblem[]): PrincipalElement | undefined {
  if (!property) return undefined;
  const node = property.value;
  const single = stringOf(node);
  if (single !== undefined) {
    if (single !== "*") {
      problems.push({
        code: "element-wrong-type",
        message: `"${propertyName(property)}" must be "*" or an object such as {"AWS": "..."}.`,
        node,
      });
    }
    return { property, wildcard: { value: single, node }, entries: [] };
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
  for (const p of node.properties) {
    const list = readStringList(p, problems);
    entries.push({ type: propertyName(p), property: p, values: list?.values ?? [] });
  }
  return { property, wildcard: undefined, entries };
}

function readCondition(property: JsonProperty | undefined, problems: ModelProblem[]): ConditionElement | undefined {
  if (!property) return undefined;
  const node = property.value;
  if (node.type !== "JSONObjectExpression") {
    problems.push({
      code: "element-wrong-type",
      message: `"Condition" must be an object of operators, not ${describeType(node)}.`,
      node,
    });
    return { property, operators: [] };
  }
  const operators: ConditionOperatorBlock[] = [];
  for (const opProp of node.properties) {
    const block: ConditionOperatorBlock = { operator: propertyName(opProp), property: opProp, keys: [] };
    operators.push(block);
    if (opProp.value.type !== "JSONObjectExpression") {
      problems.push({
        code: "element-wrong-type",
        message: `Condition operator "${block.operator}" must map condition keys to values, not ${describeType(opProp.value)}.`,
        node: opProp.value,
      });
      continue;
    }
    for (const keyProp of opProp.value.properties) {
      const keyBlock: ConditionKeyBlock = { key: propertyName(keyProp), property: keyProp, values: [], invalidValues: [] };
      block.keys.push(keyBlock);
      const raw = keyProp.value;
      const items = raw.type === "JSONArrayExpression" ? raw.elements : [raw];
      for (const item of items) {
        if (!item) continue;
        if (item.type === "JSONLiteral" && (typeof item.value === "string" || typeof item.value === "number" || typeof item.value === "boolean")) {
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

function readStatement(node: JsonObject, index: number, problems: ModelProblem[]): PolicyStatement {
  const get = (name: string) => findProperty(node, name);
  return {
    index,
    node,
    sid: readString(get("Sid"), problems),
    effect: readString(get("Effect"), problems),
    principal: readPrincipal(get("Principal"), problems),
    notPrincipal: readPrincipal(get("NotPrincipal"), problems),
    action: readStringList(get("Action"), problems),
    notAction: readStringList(get("NotAction"), problems),
    resource: readStringList(get("Resource"), problems),
    notResource: readStringList(get("NotResource"), problems),
    condition: readCondition(get("Condition"), problems),
    properties: node.properties,
  };
}

/** Builds the policy model from a document's root object. Unreadable parts are skipped and returned as problems. */
export function readPolicyDocument(node: JsonObject): PolicyDocument {
  const problems: ModelProblem[] = [];
  const statementProperty = findProperty(node, "Statement");
  const statements: PolicyStatement[] = [];
  if (statementProperty) {
    const value = statementProperty.value;
    if (value.type === "JSONObjectExpression") {
      statements.push(readStatement(value, 0, problems));
    } else if (value.type === "JSONArrayExpression") {
      value.elements.forEach((element, i) => {
        if (!element) return;
        if (element.type !== "JSONObjectExpression") {
          problems.push({
            code: "statement-not-object",
            message: `Each statement must be an object, not ${describeType(element)}.`,
            node: element,
          });
          return;
        }
        statements.push(readStatement(element, i, problems));
      });
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
    version: readString(findProperty(node, "Version"), problems),
    id: readString(findProperty(node, "Id"), problems),
    statementProperty,
    statements,
    problems,
  };
}

const documentValues = new WeakMap<PolicyDocument, unknown>();

/** The document as JSON.parse would give it, built once however many rules and queries read it. */
export function policyValue(policy: PolicyDocument): unknown {
  if (!documentValues.has(policy)) documentValues.set(policy, staticValue(policy.node));
  return documentValues.get(policy);
}

export { findProperty };
