import { describe, expect, it } from "vitest";
import { loadPolicyFile, parseJsonText, rootExpression, type JsonNode, type JsonObject } from "@ecrlint/core";
import { nodeAtPath, removePropertyEdit } from "../_shared/util.js";
import { findOutsiderGrants } from "../_shared/outsider-access.js";

function root(text: string): JsonObject {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return rootExpression(parsed.ast) as JsonObject;
}

const textOf = (text: string, node: JsonNode | undefined) => (node ? text.slice(node.range[0], node.range[1]) : undefined);

describe("nodeAtPath", () => {
  const text = '{"a": [1, {"b/c": 2, "~d": 3}], "a": [4]}';
  it("follows a JSON Pointer, unescaping ~1 and ~0, and takes the last duplicate key as JSON.parse does", () => {
    expect(textOf(text, nodeAtPath(root(text), "/a/0"))).toBe("4");
    const first = '{"a": [1, {"b/c": 2, "~d": 3}]}';
    expect(textOf(first, nodeAtPath(root(first), "/a/1/b~1c"))).toBe("2");
    expect(textOf(first, nodeAtPath(root(first), "/a/1/~0d"))).toBe("3");
    expect(nodeAtPath(root(first), "/a/5")).toBeUndefined();
    expect(nodeAtPath(root(first), "/x/y")).toBeUndefined();
  });
});

describe("removePropertyEdit", () => {
  const apply = (text: string, index: number) => {
    const object = root(text);
    const edit = removePropertyEdit(object, object.properties[index]!);
    return text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
  };
  it("takes the comma before a later property, after a first one, and none for the only one", () => {
    expect(apply('{"a": 1, "b": 2, "c": 3}', 1)).toBe('{"a": 1, "c": 3}');
    expect(apply('{"a": 1, "b": 2}', 0)).toBe('{"b": 2}');
    expect(apply('{"a": 1}', 0)).toBe("{}");
  });
});

describe("findOutsiderGrants", () => {
  const registry = { source: "config" as const, account: "444455556666", region: "us-west-2", partition: "aws" };
  const grants = (statements: unknown[], accounts: string[] = ["444455556666"]) => {
    const loaded = loadPolicyFile(JSON.stringify({ Version: "2012-10-17", Statement: statements }), "registry-policy.json");
    if (loaded.status !== "ours" || !("policy" in loaded.file)) throw new Error("not a policy");
    return findOutsiderGrants(loaded.file.policy, registry, { accounts: new Set(accounts), orgs: new Set(), tryNamedValues: false });
  };
  const pull = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" };

  it("finds an outsider for a bare \"*\" and names it", () => {
    const [grant] = grants([pull]);
    expect(grant?.witness.result.decision).toBe("allow");
    expect(grant?.witness.request.principal).not.toContain("444455556666");
  });

  it("takes aws:SourceAccount under StringEquals as pinning, and under StringEqualsIfExists as not", () => {
    expect(grants([{ ...pull, Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } } }], ["444455556666", "111122223333"])).toEqual([]);
    expect(grants([{ ...pull, Condition: { StringEqualsIfExists: { "aws:SourceAccount": "111122223333" } } }], ["444455556666", "111122223333"])).toHaveLength(1);
  });

  it("requires a present key when Null says false, which an outsider's own request can satisfy", () => {
    expect(grants([{ ...pull, Condition: { Null: { "aws:PrincipalOrgID": "false" } } }])).toHaveLength(1);
  });

  it("lets a Deny on everyone outside the organization close the grant, even written with IfExists", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringNotEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    expect(grants([pull, deny])).toEqual([]);
  });

  it("does not search a statement that names only trusted principals", () => {
    expect(grants([{ ...pull, Principal: { AWS: "arn:aws:iam::444455556666:role/ci", Service: "codebuild.amazonaws.com" } }])).toEqual([]);
  });
});
