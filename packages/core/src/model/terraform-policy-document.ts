import { propertyName, type JsonExpression, type JsonNode, type JsonObject, type JsonProperty } from "../parse.js";
import type { TerraformBlock } from "../terraform.js";
import { matchesReference, policyDocumentName } from "../terraform-module.js";
import { setParents } from "../yaml.js";
import { isUnknownValue } from "./values.js";

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
    if (RENAMES[name]) properties.push(prop(RENAMES[name]!, p.key, p.value));
  }
  if (!of(st, "effect")) properties.push(prop("Effect", st, synthetic<JsonExpression>({ type: "JSONLiteral", value: "Allow", raw: '"Allow"' }, st as never)));
  for (const [block, key] of [["principals", "Principal"], ["not_principals", "NotPrincipal"]] as const) {
    const principals = of(st, block);
    if (!principals) continue;
    const entries = list(principals).map((pr) => {
      const type = of(pr, "type")?.value;
      const identifiers = of(pr, "identifiers");
      const typeName = type?.type === "JSONLiteral" ? String(type.value) : "";
      return prop(typeName, type ?? pr, identifiers?.value ?? synthetic<JsonExpression>({ type: "JSONArrayExpression", elements: [] }, pr as never));
    });
    const everyone = entries.length === 1 && propertyName(entries[0]!) === "*";
    const principalValue = everyone ? entries[0]!.value : object(entries, principals.value);
    properties.push(prop(key, principals.key, principalValue));
  }
  const conditions = of(st, "condition");
  if (conditions) {
    const byTest = new Map<string, JsonProperty[]>();
    const testKeys = new Map<string, JsonNode>();
    for (const c of list(conditions)) {
      const test = of(c, "test")?.value;
      const variable = of(c, "variable")?.value;
      const values = of(c, "values")?.value;
      if (test?.type !== "JSONLiteral" || variable?.type !== "JSONLiteral" || !values) continue;
      const t = String(test.value);
      byTest.set(t, [...(byTest.get(t) ?? []), prop(String(variable.value), variable, values)]);
      if (!testKeys.has(t)) testKeys.set(t, test);
    }
    const entries = [...byTest].map(([t, vars]) => prop(t, testKeys.get(t)!, object(vars, testKeys.get(t)!)));
    properties.push(prop("Condition", conditions.key, object(entries, conditions.value)));
  }
  properties.sort((a, b) => a.range[0] - b.range[0]);
  return object(properties, st);
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

/** Terraform's merge: a statement with a `sid` replaces, in place, the earlier statement with that `sid`; any other is appended. */
function mergeInto(into: Merged[], add: readonly Merged[]): void {
  for (const s of add) {
    const at = s.sid === undefined ? -1 : into.findIndex((t) => t.sid === s.sid);
    if (at >= 0) into[at] = s;
    else into.push(s);
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
  for (const layer of [...sources.map((b) => () => statementsOf(b, blocks, inner)), () => own, ...overrides.map((b) => () => statementsOf(b, blocks, inner))]) {
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
