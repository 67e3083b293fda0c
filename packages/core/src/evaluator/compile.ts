import { jsonTreeOf, parseJsonText, rootExpression } from "../parse.js";
import { readPolicyDocument, statementsForFinding, type PolicyDocument, type PolicyStatement, type PrincipalElement, type StringListElement } from "../model/policy.js";
import type { RegistryContext } from "../config/registry.js";
import { compilePrincipalEntry, type PrincipalEntry } from "./principal.js";
import { parseOperator, type ParsedOperator } from "./operators.js";
import { compileGlob, resourceTemplate, Template } from "./template.js";
import type { CompileOptions } from "./types.js";
import { statementCoversAction } from "./match.js";
import { KeptMap } from "./kept-map.js";

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
  /** The policy's Id, if it has one. */
  readonly id: string | undefined;
  /**
   * The model the policy was compiled from (JSON text or a model), or undefined for a plain value: that model is
   * generated text whose nodes mean nothing to a reader, and keeping its syntax tree (tokens, comments, nodes) for
   * every policy a cross-file check compiles from facts costs far more than the statements themselves.
   */
  readonly document: PolicyDocument | undefined;
}

export function isCompiledPolicy(value: unknown): value is CompiledPolicy {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[COMPILED] === true;
}

function isPolicyDocument(value: unknown): value is PolicyDocument {
  return typeof value === "object" && value !== null && "statements" in value && "node" in value && Array.isArray((value as PolicyDocument).statements);
}

/** An element written as a string or a list; one of another type (`"Action": 5`) counts as absent, as AWS rejects it. */
function readable(element: StringListElement | undefined): StringListElement | undefined {
  return element && (element.isList || element.values.length > 0) ? element : undefined;
}

/**
 * Entries by name where the last duplicate wins, in the order names first appear: what JSON.parse makes of
 * `{"AWS": "a", "AWS": "b"}`, and so what AWS reads.
 */
function lastByName<T>(items: readonly T[], name: (item: T) => string): T[] {
  const byName = new Map<string, T>();
  for (const item of items) byName.set(name(item), item);
  return [...byName.values()];
}

function compilePrincipal(element: PrincipalElement, negated: boolean): CompiledPrincipal {
  const entries: PrincipalEntry[] = [];
  if (element.wildcard?.value === "*") entries.push({ kind: "any", source: "*", type: "*" });
  for (const entry of lastByName(element.entries, (e) => e.type)) for (const v of entry.values) entries.push(compilePrincipalEntry(entry.type, v.value));
  return { negated, entries };
}

/**
 * Numeric, Date, Binary and IP address operators take no policy variables: their `${…}` is literal text, which is
 * no number, date, base-64 value or address, so the value never matches. IAM User Guide, condition operators:
 * "You can not use a policy variable with the Numeric condition operator" (and likewise for Date, Binary and
 * IpAddress).
 */
export function acceptsVariables(operator: ParsedOperator | undefined): boolean {
  const family = operator?.base.family;
  return family !== "numeric" && family !== "date" && family !== "binary" && family !== "ip";
}

function compileConditions(statement: PolicyStatement, variablesEnabled: boolean): CompiledCondition[] {
  const conditions: CompiledCondition[] = [];
  for (const block of lastByName(statement.condition?.operators ?? [], (o) => o.operator)) {
    const operator = parseOperator(block.operator);
    for (const k of lastByName(block.keys, (key) => key.key)) {
      conditions.push({
        operatorText: block.operator,
        keyText: k.key,
        key: k.key.toLowerCase(),
        operator,
        values: k.values.map((v) => new Template(v.value, variablesEnabled && acceptsVariables(operator))),
      });
    }
  }
  return conditions;
}

function compileStatement(s: PolicyStatement, line: number | undefined, variablesEnabled: boolean): CompiledStatement {
  const defects: string[] = [];
  const effect = s.effect?.value ?? "";
  if (effect !== "Allow" && effect !== "Deny") defects.push(effect ? `Effect "${effect}" is neither Allow nor Deny` : "the statement has no Effect");

  let principal: CompiledPrincipal | undefined;
  if (s.principal) principal = compilePrincipal(s.principal, false);
  else if (s.notPrincipal) principal = compilePrincipal(s.notPrincipal, true);
  else defects.push("the statement has no Principal (a resource policy needs one)");

  let action: CompiledActions | undefined;
  const actionElement = readable(s.action) ?? readable(s.notAction);
  if (actionElement) {
    const sources = actionElement.values.map((v) => v.value);
    const patterns = sources.map((a) => a.toLowerCase());
    action = { negated: actionElement !== readable(s.action), patterns, matchers: patterns.map(compileGlob), sources };
  } else defects.push("the statement has neither Action nor NotAction");

  let resource: CompiledResources | undefined;
  const resourceElement = readable(s.resource) ?? readable(s.notResource);
  if (resourceElement) {
    resource = { negated: resourceElement !== readable(s.resource), patterns: resourceElement.values.map((v) => resourceTemplate(v.value, variablesEnabled)) };
  }

  return { index: s.index, sid: s.sid?.value, effect, line, principal, action, resource, conditions: compileConditions(s, variablesEnabled), defects };
}

/**
 * Compiled statements by model: they depend on the document alone, so every rule that compiles it shares them (and
 * what is kept per statement: its content key, the catalog actions it covers). Each compile still makes a policy of
 * its own: the answers kept per compiled policy (resource cases, replication grants) are each caller's own
 * analysis, charged to its own budget.
 */
const statementsByDocument = new WeakMap<PolicyDocument, readonly CompiledStatement[]>();

/** What a policy compiles to apart from its registry: the statements, and what they are read under. */
interface PolicyBody {
  version: string | undefined;
  id: string | undefined;
  statements: readonly CompiledStatement[];
}

/** Statements carry values only, never nodes, so a body outlives the model it was read from. */
function bodyOf(document: PolicyDocument, lines: boolean): PolicyBody {
  const version = document.version?.value;
  const variablesEnabled = version === "2012-10-17";
  const statements = document.statements.map((s) => compileStatement(s, lines ? s.node.loc.start.line : undefined, variablesEnabled));
  return { version, id: document.id?.value, statements };
}

function freeze(body: PolicyBody, registry: RegistryContext | undefined, document: PolicyDocument | undefined): CompiledPolicy {
  const { version, id, statements } = body;
  return Object.freeze({ [COMPILED]: true as const, version, variablesEnabled: version === "2012-10-17", statements, registry, id, document });
}

function compileDocument(document: PolicyDocument, registry: RegistryContext | undefined): CompiledPolicy {
  let statements = statementsByDocument.get(document);
  if (!statements) {
    statements = bodyOf(document, true).statements;
    statementsByDocument.set(document, statements);
  }
  return freeze({ version: document.version?.value, id: document.id?.value, statements }, registry, document);
}

function documentFromText(text: string): PolicyDocument {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new SyntaxError(`The policy is not valid JSON: ${parsed.error.message} (line ${parsed.error.line})`);
  const root = rootExpression(parsed.ast);
  if (root?.type !== "JSONObjectExpression") throw new TypeError("The policy must be a JSON object.");
  return readPolicyDocument(root);
}

/**
 * Bodies of plain values, by their JSON text: the cross-file rules keep each policy as a plain value and ask about
 * it once per other file, and reading text into a model costs more than writing the text. A value is read by its
 * content, never by identity, so a value changed since is read afresh. The model read is dropped at once: only the
 * statements are kept (bounded), so no syntax tree outlives the compile. The asks about one policy come close
 * together (a check compiles a destination and asks it everything): two generations of 100 keep 31 of the 33 bodies
 * asked for again over a tree of 10,000 files, half of them policies, where two of 2,000 kept 33 and held 32 MB of
 * compiled statements (about 16 KB each) until the end of the run.
 */
const bodiesByValueText = new KeptMap<PolicyBody>(100);

/** A plain policy value (an object a test writes inline, a rule's facts), compiled the way its JSON text is. */
function compileValue(value: unknown, registry: RegistryContext | undefined): CompiledPolicy {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError("The policy must be a JSON object.");
  const text = JSON.stringify(value);
  let body = bodiesByValueText.get(text);
  if (!body) {
    // Lines of generated text mean nothing to a reader. The tree of that text is built from the value, unparsed.
    const tree = jsonTreeOf(value);
    body = bodyOf(tree?.type === "JSONObjectExpression" ? readPolicyDocument(tree) : documentFromText(text), false);
    bodiesByValueText.set(text, body);
  }
  return freeze(body, registry, undefined);
}

/**
 * Compiles a policy once so that it can be evaluated many times. The evaluator reads the policy model
 * (`PolicyDocument`, whose statement lines then appear in traces); JSON text and a plain JSON value are read into
 * the model first. An already compiled policy is returned as is, or bound to another registry.
 */
export function compilePolicy(input: unknown, options?: CompileOptions): CompiledPolicy {
  if (isCompiledPolicy(input)) {
    if (!options?.registry || options.registry === input.registry) return input;
    // Statements do not depend on the registry: only the binding changes.
    const { version, variablesEnabled, statements, id, document } = input;
    return Object.freeze({ [COMPILED]: true as const, version, variablesEnabled, statements, registry: options.registry, id, document });
  }
  if (typeof input === "string") return compileDocument(documentFromText(input), options?.registry);
  if (isPolicyDocument(input)) return compileDocument(input, options?.registry);
  return compileValue(input, options?.registry);
}

/**
 * The same policy with only some of its statements: a query about one grant asks it of that grant and the denies.
 * `keepDocument: false` leaves out the model (`document` undefined), for a view kept beside the policy in a WeakMap:
 * V8's young-generation collector keeps every WeakMap value alive, so a kept view that reached the model would
 * promote the file's whole syntax tree (ARCHITECTURE.md, rules of the house).
 */
export function withStatements(policy: CompiledPolicy, keep: (statement: CompiledStatement) => boolean, keepDocument = true): CompiledPolicy {
  // Written out rather than spread: every query makes views, and one shape keeps them cheap.
  const { version, variablesEnabled, registry, id } = policy;
  const document = keepDocument ? policy.document : undefined;
  return Object.freeze({ [COMPILED]: true as const, version, variablesEnabled, statements: policy.statements.filter(keep), registry, id, document });
}

/**
 * The policy compiled for a finding of one direction when some of its values are unknown (CloudFormation
 * parameters): only the statements such a finding may rest on (see `statementsForFinding`), or undefined when none
 * can be certain. Rules that report access (granted, or refused) ask this instead of `compilePolicy`, so that an
 * unknown value is never judged. With `actions` (the only actions the finding is about: `ecr:ReplicateImage` and
 * `ecr:CreateRepository` for replication), a statement with unknown values whose Action or NotAction is known and
 * matches none of them is left out whatever its effect: it cannot change the answer (a reader granted
 * `ecr:BatchGetImage` by a variable principal says nothing about who may replicate).
 */
export function compileForFinding(policy: PolicyDocument, finding: "grants" | "refusals", options?: CompileOptions & { actions?: readonly string[] }): CompiledPolicy | undefined {
  const actions = options?.actions;
  const statements = statementsForFinding(policy, finding, actions ? (s) => !mayCoverAction(s, actions) : undefined);
  if (!statements) return undefined;
  const compiled = compilePolicy(policy, options);
  if (statements === policy.statements) return compiled;
  const keep = new Set(statements.map((s) => s.index));
  return withStatements(compiled, (s) => keep.has(s.index));
}

/**
 * Whether a statement may match one of `actions`: true when its Action or NotAction is missing or has an unknown
 * value (a list parameter, an interpolation), else as the evaluator matches actions (case-insensitive wildcards;
 * a NotAction matches every action it does not list).
 */
function mayCoverAction(s: PolicyStatement, actions: readonly string[]): boolean {
  const element = s.action ?? s.notAction;
  if (!element || element.values.length === 0 || element.values.some((v) => v.unknown)) return true;
  return actions.some((a) => statementCoversAction(s, a));
}
