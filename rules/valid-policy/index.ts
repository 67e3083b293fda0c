import type { ErrorObject, ValidateFunction } from "ajv";
import { closest, defineRule, isUnknownValue, type JsonNode, type JsonObject, type JsonProperty, policyValue, propertyName, type ReportDescriptor, staticValue, type SuggestionDescriptor } from "@ecrlint/core";
import { headLoc, nodeAtPath, policyOf, renameKeyEdit } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";
import { EFFECTS, VERSIONS } from "./schema.js";
import { validateRegistryPolicy, validateRepositoryPolicy } from "./schema-validators.generated.js";

const validators: Record<"registry-policy" | "repository-policy", ValidateFunction> = {
  "registry-policy": validateRegistryPolicy as ValidateFunction,
  "repository-policy": validateRepositoryPolicy as ValidateFunction,
};

function validatorFor(kind: "registry-policy" | "repository-policy"): ValidateFunction {
  return validators[kind];
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  "string": "a string",
  "string,array": "a string or a list of strings",
  "string,object": '"*" or an object such as {"AWS": "..."}',
  "object,array": "an object or a list of objects",
  "object": "an object",
  "string,number,boolean": "a string, number or boolean",
  "string,number,boolean,array": "a string, number or boolean, or a list of them",
};

/** `/Statement/0/Action/1` → `Action` entry; keys name themselves, list entries their list. */
function nameAt(instancePath: string): string {
  const parts = instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const last = parts[parts.length - 1];
  if (last === undefined) return "The policy";
  if (/^\d+$/.test(last)) {
    const parent = parts[parts.length - 2];
    return parent === undefined ? "Each entry" : `Each entry of "${parent}"`;
  }
  return `"${last}"`;
}

function hasProperty(object: JsonNode | undefined, name: string): boolean {
  return object?.type === "JSONObjectExpression" && object.properties.some((p) => propertyName(p) === name);
}

/** Whether an object has a key the host computes: any element it lacks may be that key. */
function hasComputedKey(object: JsonNode): boolean {
  return object.type === "JSONObjectExpression" && object.properties.some((p) => isUnknownValue(p.key));
}

function lastProperty(object: JsonObject, name: string): JsonProperty | undefined {
  let found: JsonProperty | undefined;
  for (const p of object.properties) if (propertyName(p) === name) found = p;
  return found;
}

/** Every object of the document with more than one key, in document order: where a key can be written twice. */
function objectsWithKeys(root: JsonNode): JsonObject[] {
  const out: JsonObject[] = [];
  // A stack rather than nested generators, which cost a step per level for every object they pass up.
  const stack: JsonNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "JSONObjectExpression") {
      if (node.properties.length > 1) out.push(node);
      for (let i = node.properties.length - 1; i >= 0; i--) stack.push(node.properties[i]!.value);
    } else if (node.type === "JSONArrayExpression") {
      for (let i = node.elements.length - 1; i >= 0; i--) {
        const e = node.elements[i];
        if (e) stack.push(e);
      }
    }
  }
  return out;
}

export const validPolicy = defineRule({
  id: "valid-policy",
  meta: {
    type: "problem",
    docs: {
      description: "Require a registry or repository policy to follow the IAM policy grammar",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Invalid policy element"), check("error", "Data type mismatch"), check("error", "Invalid version"), check("error", "Invalid effect"), check("error", "Missing action"), check("error", "Missing effect"), check("error", "Missing principal"), check("error", "Missing resource"), check("error", "Missing statement"), check("error", "Unsupported element combination")],
      sources: [DOCS.grammar, DOCS.version, DOCS.effect],
    },
    messages: {
      unknownKey: 'Unknown key "{{key}}"{{hint}}; AWS rejects a policy with keys it does not know.',
      renameKey: 'Rename "{{key}}" to "{{name}}".',
      wrongType: "{{name}} must be {{expected}}, not {{actual}}.",
      missingElement: "{{where}} has no {{element}}; {{why}}.",
      bothElements: '"{{second}}" cannot be used together with "{{first}}" in one statement; keep one of them.',
      emptyList: "{{name}} is an empty list; write at least one value.",
      emptyObject: "{{name}} is an empty object.",
      invalidVersion: 'Version "{{value}}" is not a policy language version{{hint}}; use "2012-10-17" (or the older "2008-10-17").',
      invalidEffect: 'Effect "{{value}}" is neither "Allow" nor "Deny"{{hint}}.',
      replaceValue: 'Replace with "{{value}}".',
      principalString: 'A principal written as a string must be "*"; write {"AWS": "{{value}}"} or another principal key for "{{value}}".',
      duplicateKey: '"{{key}}" appears again in this object (first on line {{firstLine}}); which one AWS keeps cannot be relied on, so keep one.',
      unreadable: "{{message}}",
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const kind = context.file.kind as "registry-policy" | "repository-policy";
    const root = policy.node;
    const reported = new Set<JsonNode>();
    const seen = new Set<string>();
    const report = (d: ReportDescriptor) => {
      const key = `${d.node.range[0]}:${d.node.range[1]}:${d.messageId}:${JSON.stringify(d.data ?? {})}`;
      if (seen.has(key)) return;
      seen.add(key);
      reported.add(d.node);
      context.report(d);
    };

    // A policy written in a string that is not JSON (`"policyText": "{..."`) has only that to say about it.
    const unparsable = policy.problems.find((p) => p.code === "unparsable-text");
    if (unparsable) {
      context.report({ node: unparsable.node, messageId: "unreadable", data: { message: unparsable.message } });
      return;
    }

    const validate = validatorFor(kind);
    if (!validate(policyValue(policy))) {
      for (const error of validate.errors ?? []) {
        const d = describeError(error, root, kind);
        // What a template computes (a statement or a principal from Fn::If) is unknown, not malformed.
        if (d && !isUnknownValue(nodeAtPath(root, error.instancePath))) report(d);
      }
    }

    // One map for every object, emptied for each: most objects of a policy are small and hold no duplicate.
    const firstLine = new Map<string, number>();
    for (const object of objectsWithKeys(root)) {
      // Nearly every object writes each key once: then none is a duplicate, whichever keys the host computes.
      firstLine.clear();
      for (const p of object.properties) firstLine.set(propertyName(p), 0);
      if (firstLine.size === object.properties.length) continue;
      firstLine.clear();
      for (const p of object.properties) {
        if (isUnknownValue(p.key)) continue;
        const name = propertyName(p);
        const first = firstLine.get(name);
        if (first === undefined) firstLine.set(name, p.loc.start.line);
        else report({ node: p.key, messageId: "duplicateKey", data: { key: name, firstLine: first } });
      }
    }

    // The model skips what it cannot read; anything the schema did not already point at is reported as the model says.
    for (const problem of policy.problems) {
      if (!reported.has(problem.node)) report({ node: problem.node, messageId: "unreadable", data: { message: problem.message } });
    }
  },
});

const KNOWN_KEYS: Record<string, string[]> = {
  root: ["Version", "Id", "Statement"],
  statement: ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"],
};

const WHY: Record<string, string> = {
  Principal: "a registry or repository policy must name who it applies to (Principal or NotPrincipal)",
  Action: "every statement needs Action or NotAction",
  Resource: "every statement of a registry policy needs Resource or NotResource",
  Effect: 'every statement needs "Effect": "Allow" or "Deny"',
  Statement: "a policy needs a Statement",
};

function describeError(error: ErrorObject, root: JsonObject, kind: "registry-policy" | "repository-policy"): ReportDescriptor | undefined {
  const node = nodeAtPath(root, error.instancePath);
  if (!node) return undefined;
  // Branches of oneOf/not/if only explain the combinator's own error, which is reported instead.
  if (/\/(oneOf|not)\/\d+|\/not\//.test(error.schemaPath) || error.keyword === "if") return undefined;
  const params = error.params as Record<string, unknown>;
  const isStatement = /^\/Statement(\/\d+)?$/.test(error.instancePath);
  switch (error.keyword) {
    case "additionalProperties": {
      if (node.type !== "JSONObjectExpression") return undefined;
      const key = String(params.additionalProperty);
      const property = lastProperty(node, key);
      // A key the host computes (Terraform's `(var.k) = …`) is unknown: never judged.
      if (!property || isUnknownValue(property.key)) return undefined;
      const known = error.instancePath === "" ? KNOWN_KEYS.root : isStatement ? KNOWN_KEYS.statement : undefined;
      const name = known ? closest(key, known, 3, true) : undefined;
      const suggest: SuggestionDescriptor[] = name && !hasProperty(node, name) ? [{ messageId: "renameKey", data: { key, name }, edits: [renameKeyEdit(property, name)] }] : [];
      return { node: property.key, messageId: "unknownKey", data: { key, hint: name ? ` (did you mean "${name}"?)` : "" }, ...(suggest.length ? { suggest } : {}) };
    }
    case "type": {
      const expected = EXPECTED[String(params.type)] ?? String(params.type);
      return { node, messageId: "wrongType", data: { name: nameAt(error.instancePath), expected, actual: describeValue(staticValue(node)) } };
    }
    case "const": {
      const value = staticValue(node);
      if (typeof value !== "string") return undefined;
      return { node, messageId: "principalString", data: { value } };
    }
    case "minItems":
      return { node, messageId: "emptyList", data: { name: nameAt(error.instancePath) } };
    case "minProperties":
      return { node, messageId: "emptyObject", data: { name: nameAt(error.instancePath) } };
    case "enum": {
      const value = staticValue(node);
      const isVersion = error.instancePath === "/Version";
      const candidates = isVersion ? VERSIONS : EFFECTS;
      const text = typeof value === "string" ? value : JSON.stringify(value);
      const near = typeof value === "string" ? closest(value, candidates, 2, true) : undefined;
      const suggest: SuggestionDescriptor[] = near ? [{ messageId: "replaceValue", data: { value: near }, edits: [{ range: node.range, text: JSON.stringify(near) }] }] : [];
      return {
        node,
        messageId: isVersion ? "invalidVersion" : "invalidEffect",
        data: { value: text, hint: near ? ` (did you mean "${near}"?)` : "" },
        ...(suggest.length ? { suggest } : {}),
      };
    }
    case "required": {
      if (hasComputedKey(node)) return undefined;
      const element = String(params.missingProperty);
      const where = isStatement ? "This statement" : "The policy";
      return { node, loc: headLoc(node), messageId: "missingElement", data: { where, element: `"${element}"`, why: WHY[element] ?? "it is required" } };
    }
    case "oneOf": {
      const branches = ((error.schema as { required: string[] }[]) ?? []).map((b) => b.required[0]!);
      const [first, second] = branches as [string, string];
      if (params.passingSchemas === null || params.passingSchemas === undefined) {
        if (hasComputedKey(node)) return undefined;
        const why = WHY[first] ?? "it is required";
        return { node, loc: headLoc(node), messageId: "missingElement", data: { where: "This statement", element: `"${first}" or "${second}"`, why } };
      }
      return bothElements(node, first, second);
    }
    case "not": {
      const [first, second] = ((error.schema as { required: string[] }).required ?? []) as [string, string];
      return kind === "repository-policy" ? bothElements(node, first, second) : undefined;
    }
    default:
      return { node, messageId: "unreadable", data: { message: `${nameAt(error.instancePath)} ${error.message ?? "is invalid"}.` } };
  }
}

function bothElements(node: JsonNode, first: string, second: string): ReportDescriptor | undefined {
  if (node.type !== "JSONObjectExpression") return undefined;
  const a = lastProperty(node, first);
  const b = lastProperty(node, second);
  if (!a || !b) return undefined;
  const later = a.range[0] > b.range[0] ? a : b;
  const earlier = later === a ? b : a;
  return { node: later.key, messageId: "bothElements", data: { first: propertyName(earlier), second: propertyName(later) } };
}
