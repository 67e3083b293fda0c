import { describe, expect, it } from "vitest";
import { loadPolicyFile, parseJsonText, rootExpression, type JsonNode, type JsonObject } from "@ecrlint/core";
import { nodeAtPath, removePropertyEdit } from "../_shared/util.js";

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
