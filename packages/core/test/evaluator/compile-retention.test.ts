/**
 * What a compiled policy keeps alive. A cross-file check compiles every destination policy from its facts (a plain
 * value); if each compiled policy kept the syntax tree its value was read through (tokens, comments, nodes), a run
 * over tens of thousands of files would hold them all. Findings of those rules are placed through the facts' own
 * locations, so nothing needs the tree once the statements are compiled.
 */
import { describe, expect, it } from "vitest";
import { withStatements } from "../../src/evaluator/compile.js";
import { compilePolicy, queryPolicy, replicationGrant } from "../../src/evaluator/index.js";

const REGISTRY = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };

const value = {
  Version: "2012-10-17",
  Id: "replication",
  Statement: [
    { Sid: "Replicate", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" },
    { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": "111122223333" } } },
  ],
};

/** Every object reachable from `root` through own properties, array items and map entries. */
function reachable(root: unknown): object[] {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof Map) for (const [k, e] of v) stack.push(k, e);
    else if (v instanceof Set) for (const e of v) stack.push(e);
    else for (const key of Reflect.ownKeys(v)) stack.push((v as Record<PropertyKey, unknown>)[key]);
  }
  return [...seen];
}

/** A syntax node, token or comment of the JSON parser: each has a `loc` or a `range`. */
const isSyntax = (o: object) => "loc" in o || "range" in o || "tokens" in o || "comments" in o;

describe("a policy compiled from a plain value", () => {
  it("keeps no model and no syntax tree, in any policy derived from it", () => {
    const compiled = compilePolicy(value);
    const bound = compilePolicy(compiled, { registry: REGISTRY });
    const denies = withStatements(bound, (s) => s.effect === "Deny");
    for (const policy of [compiled, bound, denies]) {
      expect(policy.document).toBeUndefined();
      expect(reachable(policy).filter(isSyntax)).toEqual([]);
    }
  });

  it("still knows its Id, version and statements without their lines", () => {
    const compiled = compilePolicy(value, { registry: REGISTRY });
    expect(compiled).toMatchObject({ id: "replication", version: "2012-10-17", variablesEnabled: true });
    expect(compiled.statements.map((s) => [s.index, s.sid, s.effect, s.line])).toEqual([
      [0, "Replicate", "Allow", undefined],
      [1, undefined, "Deny", undefined],
    ]);
  });

  it("answers as the same policy written as text does", () => {
    const fromValue = compilePolicy(value, { registry: REGISTRY });
    const fromText = compilePolicy(JSON.stringify(value, null, 2), { registry: REGISTRY });
    const query = { principal: "arn:aws:iam::111122223333:root", action: "ecr:ReplicateImage" };
    expect(queryPolicy(fromValue, query).allowed?.request).toEqual(queryPolicy(fromText, query).allowed?.request);
    // Text keeps its model, whose lines traces show: the walk above finds its nodes.
    expect(fromText.document).toBeDefined();
    expect(reachable(fromText).filter(isSyntax).length).toBeGreaterThan(0);
    expect(fromText.statements.map((s) => s.line)).toEqual([5, 17]);
  });
});

describe("a view of a policy compiled from text", () => {
  it("keeps the model unless asked to leave it out, as a view kept beside its policy in a WeakMap is", () => {
    const fromText = compilePolicy(JSON.stringify(value, null, 2), { registry: REGISTRY });
    const allows = (s: { effect: string }) => s.effect !== "Deny";
    expect(withStatements(fromText, allows).document).toBe(fromText.document);
    const detached = withStatements(fromText, allows, false);
    expect(detached.document).toBeUndefined();
    expect(reachable(detached).filter(isSyntax)).toEqual([]);
    // Still the same statements, lines and all, for traces.
    expect(detached.statements).toEqual([fromText.statements[0]]);
    expect(detached.statements[0]!.line).toBe(5);
  });

  it("answers the replication question as before when the view kept for it has no model", () => {
    // A Deny of every replication: the question then asks the Allows alone which Deny stands in the way.
    const denied = { ...value, Statement: [value.Statement[0], { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: "*" }] };
    const fromText = compilePolicy(JSON.stringify(denied, null, 2), { registry: REGISTRY });
    const query = { source: "111122223333", repositories: { prefix: "" }, destination: { account: "444455556666", region: "us-west-2", partition: "aws" } };
    const grant = replicationGrant(fromText, query);
    expect(grant).toEqual({ status: "cancelled", deny: { index: 1, line: 17 } });
    expect(replicationGrant(compilePolicy(denied, { registry: REGISTRY }), query)).toEqual({ status: "cancelled", deny: { index: 1, line: undefined } });
  });
});
