import { propertyName, type JsonExpression, type JsonNode, type JsonObject, type JsonProperty } from "../parse.js";
import type { TerraformBlock } from "../terraform.js";
import { matchesReference, policyDocumentName } from "../terraform-module.js";
import { setParents } from "../yaml.js";
import { isUnknownValue, markUnknown } from "./values.js";

/** A node of a synthesised policy, placed on the Terraform node it stands for. */
export function synthetic<T extends JsonNode>(node: Record<string, unknown>, at: { range: [number, number]; loc: JsonNode["loc"] }): T {
  return { ...node, range: at.range, loc: at.loc } as unknown as T;
}

const list = (p: JsonProperty | undefined) => (p?.value.type === "JSONArrayExpression" ? p.value.elements.filter((e): e is JsonObject => e?.type === "JSONObjectExpression") : []);
const of = (o: JsonObject, name: string) => o.properties.find((p) => propertyName(p) === name);

function prop(name: string, key: JsonNode, v: JsonExpression): JsonProperty {
  const k = synthetic<JsonExpression>({ type: "JSONLiteral", value: name, raw: JSON.stringify(name) }, key as never);
  return synthetic<JsonProperty>({ type: "JSONProperty", key: k, value: v, kind: "init", computed: false, method: false, shorthand: false }, { range: [key.range[0], v.range[1] > key.range[0] ? v.range[1] : key.range[1]], loc: { start: key.loc.start, end: v.range[1] > key.range[0] ? v.loc.end : key.loc.end } });
}

const object = (properties: JsonProperty[], at: JsonNode) => synthetic<JsonObject>({ type: "JSONObjectExpression", properties }, at as never);

const RENAMES: Record<string, string> = { sid: "Sid", effect: "Effect", actions: "Action", not_actions: "NotAction", resources: "Resource", not_resources: "NotResource" };

/** A `statement { … }` block as a policy statement, on the block's own nodes. */
function statementOf(st: JsonObject): JsonObject {
  const properties: JsonProperty[] = [];
  for (const p of st.properties) {
    const name = propertyName(p);
    if (RENAMES[name]) properties.push(prop(RENAMES[name]!, p.key, VARIABLE_ARGUMENTS.has(name) ? withPolicyVariables(p.value) : p.value));
  }
  if (!of(st, "effect")) properties.push(prop("Effect", st, synthetic<JsonExpression>({ type: "JSONLiteral", value: "Allow", raw: '"Allow"' }, st as never)));
  for (const [block, key] of [["principals", "Principal"], ["not_principals", "NotPrincipal"]] as const) {
    const principals = of(st, block);
    if (!principals) continue;
    const blocks = list(principals);
    const only = blocks.length === 1 ? blocks[0]! : undefined;
    const everyone = only && literalOf(of(only, "type")?.value) === "*" ? soleStar(of(only, "identifiers")?.value) : undefined;
    if (everyone) {
      // The provider writes `type = "*"`, `identifiers = ["*"]` as "Principal": "*" (and only that).
      properties.push(prop(key, principals.key, everyone));
      continue;
    }
    const entries = grouped(blocks, (pr) => of(pr, "type")?.value, (pr) => withPolicyVariables(of(pr, "identifiers")?.value), (pr) => pr);
    properties.push(prop(key, principals.key, object(entries, principals.value)));
  }
  const conditions = of(st, "condition");
  if (conditions) {
    const blocks = list(conditions).filter((c) => of(c, "test") && of(c, "variable") && of(c, "values"));
    // The provider groups condition blocks by test, then by variable, appending the values of repeated ones.
    const tests = new Map<string, JsonObject[]>();
    for (const c of blocks) {
      const test = of(c, "test")!.value;
      const name = isUnknownValue(test) ? `\0${test.range[0]}` : String(literalOf(test) ?? "");
      tests.set(name, [...(tests.get(name) ?? []), c]);
    }
    const entries = [...tests.values()].map((group) => {
      const test = of(group[0]!, "test")!.value;
      const variables = grouped(group, (c) => of(c, "variable")?.value, (c) => withPolicyVariables(of(c, "values")?.value), (c) => c);
      return keyed(test, object(variables, test));
    });
    properties.push(prop("Condition", conditions.key, object(entries, conditions.value)));
  }
  properties.sort((a, b) => a.range[0] - b.range[0]);
  return object(properties, st);
}

const literalOf = (node: JsonExpression | undefined): unknown => (node?.type === "JSONLiteral" && !isUnknownValue(node) ? node.value : undefined);

/** `identifiers = ["*"]`: its one `"*"`, the node a Principal of `"*"` stands on. */
function soleStar(identifiers: JsonExpression | undefined): JsonExpression | undefined {
  const sole = identifiers?.type === "JSONArrayExpression" && identifiers.elements.length === 1 ? identifiers.elements[0] : undefined;
  return sole && literalOf(sole) === "*" ? sole : undefined;
}

/** A property keyed by a Terraform value: a key the value computes is unknown, as the value is. */
function keyed(keyNode: JsonExpression, value: JsonExpression): JsonProperty {
  const property = prop(keyNode.type === "JSONLiteral" ? String(keyNode.value) : "", keyNode, value);
  if (isUnknownValue(keyNode)) markUnknown(property.key);
  return property;
}

/**
 * Blocks keyed by a value (`principals` by `type`, `condition` blocks by `variable`), one property per key as the
 * provider writes them: the lists of blocks with the same known key are appended, never one dropped for another.
 */
function grouped(blocks: JsonObject[], keyOf: (b: JsonObject) => JsonExpression | undefined, valuesOf: (b: JsonObject) => JsonExpression | undefined, at: (b: JsonObject) => JsonNode): JsonProperty[] {
  const byKey = new Map<string, { key: JsonExpression; values: JsonExpression[]; at: JsonNode }>();
  for (const b of blocks) {
    const key = keyOf(b) ?? synthetic<JsonExpression>({ type: "JSONLiteral", value: "", raw: '""' }, at(b) as never);
    const values = valuesOf(b) ?? synthetic<JsonExpression>({ type: "JSONArrayExpression", elements: [] }, at(b) as never);
    const name = isUnknownValue(key) || key.type !== "JSONLiteral" ? `\0${key.range[0]}` : String(key.value);
    const entry = byKey.get(name);
    if (entry) entry.values.push(values);
    else byKey.set(name, { key, values: [values], at: at(b) });
  }
  return [...byKey.values()].map(({ key, values }) => {
    if (values.length === 1) return keyed(key, values[0]!);
    // Appended lists: the elements of each (a list that is an unknown value stays one unknown element).
    const elements = values.flatMap((v) => (v.type === "JSONArrayExpression" ? v.elements : [v]));
    return keyed(key, synthetic<JsonExpression>({ type: "JSONArrayExpression", elements }, values[0]! as never));
  });
}

/** The arguments in which the provider turns `&{` into `${`: where a policy takes IAM policy variables. */
const VARIABLE_ARGUMENTS = new Set(["resources", "not_resources"]);

/**
 * A list of strings as the provider writes it into the policy: `&{aws:username}` becomes `${aws:username}`, the IAM
 * policy variable that HCL's own `${` would have interpolated. A string so changed stands on its node as a new
 * node, so no fix edits text it does not match.
 */
function withPolicyVariables<T extends JsonExpression | undefined>(list: T): T {
  if (list?.type !== "JSONArrayExpression" || !list.elements.some((e) => e?.type === "JSONLiteral" && typeof e.value === "string" && e.value.includes("&{"))) return list;
  const elements = list.elements.map((e) =>
    e?.type === "JSONLiteral" && typeof e.value === "string" && e.value.includes("&{") && !isUnknownValue(e) ? synthetic<JsonExpression>({ type: "JSONLiteral", value: e.value.replaceAll("&{", "${"), raw: e.raw }, e as never) : e,
  );
  return synthetic<JsonExpression>({ type: "JSONArrayExpression", elements }, list as never) as T;
}

interface Merged {
  statement: JsonObject;
  /** Undefined for a statement without a `sid` (or with an empty one): it never replaces another. */
  sid: string | undefined;
}

/** The blocks a `source_policy_documents` or `override_policy_documents` list names; undefined when one is not a block of `blocks`. */
function documentsNamed(property: JsonProperty | undefined, blocks: readonly TerraformBlock[]): TerraformBlock[] | undefined {
  if (!property) return [];
  if (property.value.type !== "JSONArrayExpression") return undefined;
  const named: TerraformBlock[] = [];
  for (const element of property.value.elements) {
    const reference = element?.type === "JSONLiteral" ? policyDocumentName(element.value) : undefined;
    const block = reference && blocks.find((b) => matchesReference(b, reference.name, reference.instance));
    if (!block) return undefined;
    named.push(block);
  }
  return named;
}

/**
 * Terraform's merge: a statement with a `sid` replaces, in place, the statement of the earlier layers with that
 * `sid`; any other is appended. Statements of one layer sharing a `sid` are all kept: the provider rejects such a
 * document ("duplicate Sid"), and no-duplicate-sid reports it rather than one statement vanishing.
 */
function mergeInto(into: Merged[], add: readonly Merged[]): void {
  const earlier = into.length;
  const replaced = new Set<number>();
  for (const s of add) {
    const at = s.sid === undefined ? -1 : into.findIndex((t, i) => i < earlier && !replaced.has(i) && t.sid === s.sid);
    if (at >= 0) {
      into[at] = s;
      replaced.add(at);
    } else into.push(s);
  }
}

/**
 * The statements a block builds: those of its `source_policy_documents`, merged with its own `statement` blocks,
 * merged with its `override_policy_documents` (see {@link mergeInto}). Undefined when that is unknown: a document
 * named there that is not a block of `blocks` (the same file: statements from several files cannot be reported in
 * one), `source_json`/`override_json` (JSON text from elsewhere), `dynamic` statements, a `sid` that is an unknown
 * value, or a cycle.
 */
function statementsOf(data: TerraformBlock, blocks: readonly TerraformBlock[], seen: ReadonlySet<TerraformBlock>): Merged[] | undefined {
  if (seen.has(data) || data.body.properties.some((p) => ["source_json", "override_json", "dynamic"].includes(propertyName(p)))) return undefined;
  const sources = documentsNamed(of(data.body, "source_policy_documents"), blocks);
  const overrides = documentsNamed(of(data.body, "override_policy_documents"), blocks);
  if (!sources || !overrides) return undefined;
  const inner = new Set([...seen, data]);
  const own: Merged[] = [];
  for (const st of list(of(data.body, "statement"))) {
    const sid = of(st, "sid")?.value;
    if (sid && isUnknownValue(sid)) return undefined;
    const value = sid?.type === "JSONLiteral" && typeof sid.value === "string" && sid.value !== "" ? sid.value : undefined;
    own.push({ statement: statementOf(st), sid: value });
  }
  const merged: Merged[] = [];
  // The source documents are one layer (the provider rejects a sid that two of them share), then this block's own
  // statements, then each override document in turn.
  const sourceStatements = sources.map((b) => statementsOf(b, blocks, inner));
  if (sourceStatements.some((st) => !st)) return undefined;
  mergeInto(merged, sourceStatements.flatMap((st) => st!));
  for (const layer of [() => own, ...overrides.map((b) => () => statementsOf(b, blocks, inner))]) {
    const statements = layer();
    if (!statements) return undefined;
    mergeInto(merged, statements);
  }
  return merged;
}

/**
 * The policy a `data "aws_iam_policy_document"` block builds, as a policy object whose nodes are the data blocks'
 * own (`statement` → Statement, `actions` → Action, `principals { type, identifiers }` → Principal,
 * `condition { test, variable, values }` → Condition), so findings point into the data block, or into the block of
 * `blocks` (the same file) that a `source_policy_documents` or `override_policy_documents` statement comes from. A
 * missing `effect` is Allow and a missing `version` 2012-10-17, as Terraform writes them. Undefined when what the
 * block builds is unknown (see {@link statementsOf}).
 * https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document
 */
export function dataDocumentRoot(data: TerraformBlock, blocks: readonly TerraformBlock[], parent: JsonNode | undefined): JsonObject | undefined {
  const statements = statementsOf(data, blocks, new Set());
  if (!statements) return undefined;
  const statementsProperty = of(data.body, "statement");
  const merged = statements.length > 0 || statementsProperty;
  const at = (statementsProperty?.value ?? data.body) as JsonNode;
  const statementArray = synthetic<JsonExpression>({ type: "JSONArrayExpression", elements: statements.map((s) => s.statement) }, at as never);
  const version = of(data.body, "version");
  const versionProperty = version ? prop("Version", version.key, version.value) : prop("Version", data.body, synthetic<JsonExpression>({ type: "JSONLiteral", value: "2012-10-17", raw: '"2012-10-17"' }, data.body as never));
  const root = object([versionProperty, ...(merged ? [prop("Statement", statementsProperty?.key ?? data.body, statementArray)] : [])], data.body);
  setParents(root, parent);
  return root;
}
