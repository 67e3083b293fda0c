import { compilePolicy, type CompiledPolicy } from "@ecrlint/core/evaluator";

/** The destination policy as cached facts: its JSON value and the line of each statement, for messages. */
export interface PolicyFacts {
  value: unknown;
  statementLines: number[];
}

const compiled = new WeakMap<PolicyFacts, CompiledPolicy>();

/** The destination's compiled policy, or undefined when its text is no policy object (nothing to check then). */
export function compiledPolicy(facts: PolicyFacts): CompiledPolicy | undefined {
  if (!compiled.has(facts)) {
    try {
      compiled.set(facts, compilePolicy(facts.value));
    } catch {
      return undefined;
    }
  }
  return compiled.get(facts);
}
