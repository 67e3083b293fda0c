import type { RegistryContext } from "../config/registry.js";
import type { CompiledPolicy, CompiledStatement } from "./compile.js";

/**
 * What a policy's answers depend on, as text: two compiled policies with the same key answer every question alike,
 * whichever file, rule or view (`withStatements`) they come from. Statement lines and Sids are left out: they only
 * name where a statement is written, and answers that show them (a witness's evaluation) are made per copy.
 */
const statementKeys = new WeakMap<CompiledStatement, string>();
const policyKeys = new WeakMap<CompiledPolicy, string>();
const keysWithoutRegistry = new WeakMap<CompiledPolicy, string>();
/** Keys are long (a policy may be 10 KB); each distinct one gets a short id, which is what callers key on. */
const ids = new Map<string, string>();
const MAX_IDS = 50_000;
/** Ids are never reused, even after the table is cleared: an answer kept under an old id stays its policy's. */
let issued = 0;

function statementKey(s: CompiledStatement): string {
  let key = statementKeys.get(s);
  if (key === undefined) {
    key = JSON.stringify([
      s.index,
      s.effect,
      s.defects,
      s.principal ? [s.principal.negated, s.principal.entries.map((e) => [e.type, e.source])] : null,
      s.action ? [s.action.negated, s.action.sources] : null,
      s.resource ? [s.resource.negated, s.resource.patterns.map((t) => t.source)] : null,
      s.conditions.map((c) => [c.operatorText, c.keyText, c.values.map((t) => t.source)]),
    ]);
    statementKeys.set(s, key);
  }
  return key;
}

const statementIds = new WeakMap<CompiledStatement, number>();
/** Ids of statement contents: two statements with the same key get the same id. Ids are never reused. */
const idsByStatementKey = new Map<string, number>();
let statementsIssued = 0;

function statementId(s: CompiledStatement): number {
  let id = statementIds.get(s);
  if (id === undefined) {
    const key = statementKey(s);
    id = idsByStatementKey.get(key);
    if (id === undefined) {
      if (idsByStatementKey.size >= MAX_IDS) idsByStatementKey.clear();
      idsByStatementKey.set(key, (id = ++statementsIssued));
    }
    statementIds.set(s, id);
  }
  return id;
}

const registryKeys = new WeakMap<RegistryContext, string>();

/** The registry as it decides answers: where its settings came from does not. */
function registryKey(registry: RegistryContext): string {
  let key = registryKeys.get(registry);
  if (key === undefined) {
    const { source: _source, configFile: _configFile, ...rest } = registry;
    registryKeys.set(registry, (key = JSON.stringify(rest)));
  }
  return key;
}

/**
 * A short id of the policy's content, with its registry (which decides the repositories and principals a query
 * ranges over and the defaults of a request) unless `withRegistry` is false.
 */
export function policyKey(policy: CompiledPolicy, withRegistry = true): string {
  const kept = (withRegistry ? policyKeys : keysWithoutRegistry).get(policy);
  if (kept !== undefined) return kept;
  // Every query keys a view of its policy: statements and registries are keyed once each, and the policy by
  // their short ids, so that a 10 KB policy is not written out again per query.
  const registry = withRegistry && policy.registry ? registryKey(policy.registry) : "{}";
  const key = `${policy.variablesEnabled}\u0000${registry}\u0000${policy.statements.map(statementId).join(",")}`;
  let id = ids.get(key);
  if (id === undefined) {
    if (ids.size >= MAX_IDS) ids.clear();
    id = `p${++issued}`;
    ids.set(key, id);
  }
  (withRegistry ? policyKeys : keysWithoutRegistry).set(policy, id);
  return id;
}
