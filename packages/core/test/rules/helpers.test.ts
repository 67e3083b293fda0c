import { describe, expect, it } from "vitest";
import { loadPolicyFile, parseJsonText, rootExpression, type JsonNode, type JsonObject } from "../../src/index.js";
import { isRepositoryPolicyFileName } from "../../src/model/policy-file.js";
import { nodeAtPath, removePropertyEdit } from "../../src/rules/util.js";

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

describe("isRepositoryPolicyFileName", () => {
  it.each(["repository-policy.json", "infra/app.repository-policy.json", "repository_policy.prod.jsonc", "RepositoryPolicy.json5"])("%s is a repository policy", (name) => {
    expect(isRepositoryPolicyFileName(name)).toBe(true);
  });
  it.each(["registry-policy.json", "myrepository-policy.json", "repository-policy/registry-policy.json", "repository-policy.yaml"])("%s is not", (name) => {
    expect(isRepositoryPolicyFileName(name)).toBe(false);
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

describe("a misspelled Statement key", () => {
  it("keeps an ECR policy in view, so that valid-policy can report the typo", () => {
    const text = '{"Version": "2012-10-17", "Statment": [{"Effect": "Allow", "Action": "ecr:ReplicateImage"}]}';
    expect(loadPolicyFile(text, "registry-policy.json").status).toBe("ours");
  });
  it("leaves other services' policies alone", () => {
    const text = '{"Version": "2012-10-17", "Statment": [{"Effect": "Allow", "Action": "s3:GetObject"}]}';
    expect(loadPolicyFile(text, "bucket-policy.json").status).toBe("not-ours");
  });
});
