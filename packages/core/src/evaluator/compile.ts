import { parseJsonText, rootExpression, staticValue } from "../parse.js";
import { policyValue, readPolicyDocument, type PolicyDocument } from "../model/policy.js";
import type { RegistryContext } from "../config/registry.js";
import { compilePrincipalEntry, type PrincipalEntry } from "./principal.js";
import { parseOperator, type ParsedOperator } from "./operators.js";
import { compileGlob, resourceTemplate, Template } from "./template.js";
import type { CompileOptions } from "./types.js";

export interface CompiledPrincipal {
  /** NotPrincipal rather than Principal. */
  negated: boolean;
  entries: PrincipalEntry[];
}

export interface CompiledActions {
  negated: boolean;
  /** Lower-cased patterns (actions compare case-insensitively). */
  patterns: string[];
  /** Matchers of the lower-cased patterns, for the lower-cased action. */
  matchers: ((action: string) => boolean)[];
  sources: string[];
}

export interface CompiledResources {
  negated: boolean;
  patterns: Template[];
}

export interface CompiledCondition {
  operatorText: string;
  keyText: string;
  key: string;
  /** Undefined for an operator AWS does not know: the condition never holds. */
  operator: ParsedOperator | undefined;
  values: Template[];
}

export interface CompiledStatement {
  index: number;
  sid: string | undefined;
  effect: string;
  line: number | undefined;
  principal: CompiledPrincipal | undefined;
  action: CompiledActions | undefined;
  /** Undefined when the statement has no Resource: a repository policy applies to its own repository. */
  resource: CompiledResources | undefined;
  conditions: CompiledCondition[];
  /** Reasons the statement can never match (no Principal, no Action, unknown Effect). */
  defects: string[];
}

const COMPILED = Symbol.for("ecrlint.compiledPolicy");

export interface CompiledPolicy {
  readonly [COMPILED]: true;
  readonly version: string | undefined;
  /** Policy variables are substituted only under Version 2012-10-17. */
  readonly variablesEnabled: boolean;
  readonly statements: readonly CompiledStatement[];
  readonly registry: RegistryContext | undefined;
  /** The plain JSON value the policy was compiled from. */
  readonly json: unknown;
}

export function isCompiledPolicy(value: unknown): value is CompiledPolicy {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[COMPILED] === true;
}

function isPolicyDocument(value: unknown): value is PolicyDocument {
  return typeof value === "object" && value !== null && "statements" in value && "node" in value && Array.isArray((value as PolicyDocument).statements);
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return undefined;
}

function conditionValues(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.filter((v) => typeof v === "string" || typeof v === "number" || typeof v === "boolean").map(String);
}

function compilePrincipal(value: unknown, negated: boolean): CompiledPrincipal {
  const entries: PrincipalEntry[] = [];
  if (value === "*") entries.push({ kind: "any", source: "*", type: "*" });
  else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [type, raw] of Object.entries(value)) for (const v of stringList(raw) ?? []) entries.push(compilePrincipalEntry(type, v));
  }
  return { negated, entries };
}

function compileStatement(raw: unknown, index: number, line: number | undefined, variablesEnabled: boolean): CompiledStatement {
  const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const defects: string[] = [];
  const effect = typeof s.Effect === "string" ? s.Effect : "";
  if (effect !== "Allow" && effect !== "Deny") defects.push(effect ? `Effect "${effect}" is neither Allow nor Deny` : "the statement has no Effect");

  let principal: CompiledPrincipal | undefined;
  if (s.Principal !== undefined) principal = compilePrincipal(s.Principal, false);
  else if (s.NotPrincipal !== undefined) principal = compilePrincipal(s.NotPrincipal, true);
  else defects.push("the statement has no Principal (a resource policy needs one)");

  let action: CompiledActions | undefined;
  const actionList = stringList(s.Action) ?? stringList(s.NotAction);
  if (actionList) {
    const patterns = actionList.map((a) => a.toLowerCase());
    action = { negated: s.Action === undefined, patterns, matchers: patterns.map(compileGlob), sources: actionList };
  }
  else defects.push("the statement has neither Action nor NotAction");

  let resource: CompiledResources | undefined;
  const resourceList = stringList(s.Resource) ?? stringList(s.NotResource);
  if (resourceList) resource = { negated: s.Resource === undefined, patterns: resourceList.map((r) => resourceTemplate(r, variablesEnabled)) };

  const conditions: CompiledCondition[] = [];
  if (typeof s.Condition === "object" && s.Condition !== null) {
    for (const [operatorText, block] of Object.entries(s.Condition)) {
      const operator = parseOperator(operatorText);
      if (typeof block !== "object" || block === null) continue;
      for (const [keyText, values] of Object.entries(block)) {
        conditions.push({
          operatorText,
          keyText,
          key: keyText.toLowerCase(),
          operator,
          values: conditionValues(values).map((v) => new Template(v, variablesEnabled)),
        });
      }
    }
  }
  return { index, sid: typeof s.Sid === "string" ? s.Sid : undefined, effect, line, principal, action, resource, conditions, defects };
}

function fromJson(json: unknown, lines: (number | undefined)[], options: CompileOptions | undefined): CompiledPolicy {
  const doc = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  const version = typeof doc.Version === "string" ? doc.Version : undefined;
  const variablesEnabled = version === "2012-10-17";
  const raw = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement === undefined ? [] : [doc.Statement];
  const statements = raw.map((s, i) => compileStatement(s, i, lines[i], variablesEnabled));
  return Object.freeze({ [COMPILED]: true as const, version, variablesEnabled, statements, registry: options?.registry, json });
}

/**
 * Compiles a policy once so that it can be evaluated many times. Accepts the JSON value, JSON text, the parsed
 * model (`PolicyDocument`, whose statement lines then appear in traces) or an already compiled policy.
 */
export function compilePolicy(input: unknown, options?: CompileOptions): CompiledPolicy {
  if (isCompiledPolicy(input)) {
    if (!options?.registry || options.registry === input.registry) return input;
    return fromJson(input.json, input.statements.map((s) => s.line), options);
  }
  if (typeof input === "string") {
    const parsed = parseJsonText(input);
    if (!parsed.ok) throw new SyntaxError(`The policy is not valid JSON: ${parsed.error.message} (line ${parsed.error.line})`);
    const root = rootExpression(parsed.ast);
    if (root?.type !== "JSONObjectExpression") throw new TypeError("The policy must be a JSON object.");
    return compilePolicy(readPolicyDocument(root), options);
  }
  if (isPolicyDocument(input)) {
    const json = policyValue(input);
    const lines: (number | undefined)[] = [];
    const statementValue = (json as Record<string, unknown>).Statement;
    if (Array.isArray(statementValue)) {
      // The model skips non-object entries; map lines by each statement's own index.
      for (const s of input.statements) lines[s.index] = s.node.loc.start.line;
    } else if (input.statements[0]) lines[0] = input.statements[0].node.loc.start.line;
    return fromJson(json, lines, options);
  }
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new TypeError("The policy must be a JSON object.");
  return fromJson(input, [], options);
}
