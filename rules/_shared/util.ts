import { type Arn, arnSegmentOffsets, type ConditionOperatorBlock, locateInString, type JsonExpression, type JsonNode, type JsonObject, type JsonProperty, parseArn, type PolicyDocument, type PolicyFile, type PolicyStatement, propertyName, type SourceLocation, type StringValue, type TextEdit } from "@ecrlint/core";
import { isArnOperator, parseOperator } from "@ecrlint/core/evaluator";

export function policyOf(file: PolicyFile): PolicyDocument | undefined {
  return file.kind === "registry-policy" || file.kind === "repository-policy" ? file.policy : undefined;
}

export const isAllow = (s: PolicyStatement) => s.effect?.value === "Allow";
export const isDeny = (s: PolicyStatement) => s.effect?.value === "Deny";

export function awsPrincipalValues(s: PolicyStatement): StringValue[] {
  return s.principal?.entries.filter((e) => e.type === "AWS").flatMap((e) => e.values) ?? [];
}

/**
 * The location of characters [start, end) of a string value: in a literal, in a literal of a policy written in a
 * JSON string (`policyText`), or in the literal part of a value CloudFormation assembles (`Fn::Sub`, `Fn::Join`).
 */
export function locInString(node: JsonExpression, start: number, end: number): SourceLocation | undefined {
  return locateInString(node, start, end)?.loc;
}

/** An edit replacing characters [start, end) of a string value, or undefined when they can't be mapped. */
export function editInString(node: JsonExpression, start: number, end: number, text: string): TextEdit | undefined {
  const at = locateInString(node, start, end);
  return at ? { range: at.range, text } : undefined;
}

/**
 * Whether a segment of an ARN is known. A CloudFormation value may be known in part
 * (`arn:aws:ecr:us-east-1:${AWS.AccountId}:repository/*` while the registry's account is unknown): its hard-coded
 * Region is still judged, its unknown account never.
 */
export function knownSegment(a: ArnValue, segment: "partition" | "region" | "account" | "resource"): boolean {
  return !(a.value.unknown && UNKNOWN_PART.test(a.arn[segment]));
}

/** How an unknown part shows in a value: `${Param}` (CloudFormation, Terraform), or a Terraform directive `%{if …}`. */
const UNKNOWN_PART = /[$%]\{/;

/** A value the rule can judge: written out, or computed from what the registry answers (see `StringValue.unknown`). */
export const isKnown = (v: StringValue): boolean => v.unknown !== true;

/** The text of characters [start, end) of a value, when none of it is unknown (`${Param}` in a CloudFormation value). */
export function knownPart(v: StringValue, start: number, end: number): string | undefined {
  const part = v.value.slice(start, end);
  return v.unknown && UNKNOWN_PART.test(part) ? undefined : part;
}

export interface ArnValue {
  value: StringValue;
  arn: Arn;
  segments: NonNullable<ReturnType<typeof arnSegmentOffsets>>;
  /** Where it sits: a Resource/NotResource entry, or the value of an `Arn*` condition operator. */
  origin: "resource" | "condition";
  /** The condition key it is compared with (as written), for `condition` ARNs. */
  key?: string;
  statement: PolicyStatement;
}

/**
 * Condition keys whose values name the caller or the resource it acts for (IAM User Guide, global condition keys:
 * aws:SourceArn is "the ARN of the resource making a service-to-service request"), never a repository of the
 * registry the policy governs: a repository ARN there may name any account's or Region's repository.
 */
const CALLER_KEYS = new Set(["aws:sourcearn", "aws:sourceaccount", "aws:principalarn", "aws:sourcevpcarn"]);

/** Whether an ARN of the policy names the caller's side (an `aws:SourceArn` value) rather than this registry's resources. */
export const namesCaller = (a: ArnValue) => a.origin === "condition" && a.key !== undefined && CALLER_KEYS.has(a.key.toLowerCase());

/** Every ARN a policy names in Resource/NotResource and in Arn* conditions (read again by each rule: see {@link conditionBlocks}). */
export function policyArns(policy: PolicyDocument): ArnValue[] {
  const out: ArnValue[] = [];
  const add = (value: StringValue, origin: ArnValue["origin"], statement: PolicyStatement, key?: string) => {
    const arn = parseArn(value.value);
    const segments = arn && arnSegmentOffsets(value.value);
    if (!segments) return;
    out.push(key === undefined ? { value, arn, segments, origin, statement } : { value, arn, segments, origin, statement, key });
  };
  for (const s of policy.statements) {
    if (s.resource) for (const v of s.resource.values) add(v, "resource", s);
    if (s.notResource) for (const v of s.notResource.values) add(v, "resource", s);
    for (const op of s.condition?.operators ?? []) {
      if (!isArnOperator(op.operator)) continue;
      for (const key of op.keys) for (const v of key.values) add(v, "condition", s, key.key);
    }
  }
  return out;
}

/** The value found most often, when one value is found more often than every other. */
/**
 * How the values one policy should agree on (its accounts, its Regions) disagree, with no registry to compare them
 * with: each value that most do not use, with the value most use; or, when no value is used by most (a 1:1 split,
 * a tie), every value, with the others it cannot be told from. Nothing when they agree.
 */
export function disagreements(values: string[]): Map<string, { majority: string } | { others: string[] }> {
  const out = new Map<string, { majority: string } | { others: string[] }>();
  const distinct = [...new Set(values)].sort();
  if (distinct.length < 2) return out;
  const majority = strictMajority(values);
  for (const value of distinct) {
    if (value === majority) continue;
    out.set(value, majority ? { majority } : { others: distinct.filter((v) => v !== value) });
  }
  return out;
}

/** Quoted and joined for a message: `"a"`, `"a" and "b"`, `"a", "b" and "c"`. */
export function quotedList(values: string[]): string {
  const quoted = values.map((v) => `"${v}"`);
  return quoted.length < 2 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

export function strictMajority(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  if (sorted.length < 2) return sorted[0]?.[0];
  return sorted[0]![1] > sorted[1]![1] ? sorted[0]![0] : undefined;
}

/** The node an ajv `instancePath` (a JSON Pointer) points at; with duplicate keys, the last one, as JSON.parse keeps. */
export function nodeAtPath(root: JsonNode, instancePath: string): JsonNode | undefined {
  let node: JsonNode | undefined = root;
  if (instancePath === "") return node;
  for (const raw of instancePath.split("/").slice(1)) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node?.type === "JSONObjectExpression") {
      let found: JsonProperty | undefined;
      for (const p of node.properties) if (propertyName(p) === segment) found = p;
      node = found?.value;
    } else if (node?.type === "JSONArrayExpression") {
      node = /^\d+$/.test(segment) ? (node.elements[Number(segment)] ?? undefined) : undefined;
    } else return undefined;
  }
  return node;
}

/** The first character of a node (the `{` of an object), so a report about a whole statement marks its start only. */
export function headLoc(node: JsonNode): SourceLocation {
  const { line, column } = node.loc.start;
  return { start: { line, column }, end: { line, column: column + 1 } };
}

/** An edit renaming a property's key, quoted as JSON requires. */
export function renameKeyEdit(property: JsonProperty, name: string): TextEdit {
  return { range: property.key.range, text: JSON.stringify(name) };
}

/** An edit removing a property together with the comma that separates it from its neighbour. */
export function removePropertyEdit(object: JsonObject, property: JsonProperty): TextEdit {
  const index = object.properties.indexOf(property);
  const previous = object.properties[index - 1];
  const next = object.properties[index + 1];
  if (previous) return { range: [previous.range[1], property.range[1]], text: "" };
  if (next) return { range: [property.range[0], next.range[0]], text: "" };
  return { range: property.range, text: "" };
}

export interface ConditionBlock {
  statement: PolicyStatement;
  op: ConditionOperatorBlock;
  /** The operator's parts as the evaluator reads them; undefined for an operator AWS does not have (valid-condition's concern). */
  parsed: ReturnType<typeof parseOperator>;
}

/**
 * Every condition operator block of a policy, with its statement and its parsed operator. Read again by each rule
 * that asks rather than kept per policy: a WeakMap keyed by the policy would keep each file's syntax tree alive
 * through V8's young-generation collections (they keep every WeakMap value), so that trees were promoted and
 * collected by full collections instead.
 */
export function conditionBlocks(policy: PolicyDocument): ConditionBlock[] {
  const blocks: ConditionBlock[] = [];
  for (const statement of policy.statements) {
    if (statement.condition) for (const op of statement.condition.operators) blocks.push({ statement, op, parsed: parseOperator(op.operator) });
  }
  return blocks;
}
