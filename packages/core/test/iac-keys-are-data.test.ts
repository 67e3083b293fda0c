import { beforeAll, describe, expect, it } from "vitest";
import { loadTerraformParser, policyValue, readEcrFile, type PolicyFile, type RegistryContext } from "../src/index.js";

const registry: RegistryContext = { source: "config", account: "444455556666", region: "us-west-2", partition: "aws" };

function policyOf(text: string, filePath: string): Record<string, unknown> {
  const reading = readEcrFile(text, { filePath, registry });
  if (reading.status !== "ours") throw new Error(`expected documents, got ${reading.status}`);
  const doc = reading.documents[0] as PolicyFile & { kind: "registry-policy" };
  return policyValue(doc.policy) as Record<string, unknown>;
}

beforeAll(loadTerraformParser);

// A policy whose only grant hides under "__proto__": read as data it is one more key, never the statement's prototype.
describe("every key of a YAML or Terraform policy is data", () => {
  it("YAML: __proto__, constructor and toString are own keys of null-prototype objects", () => {
    const text = [
      "Resources:",
      "  P:",
      "    Type: AWS::ECR::RegistryPolicy",
      "    Properties:",
      "      PolicyText:",
      "        Version: '2012-10-17'",
      "        Statement:",
      "          - __proto__: { Effect: Allow, Principal: '*', Action: 'ecr:*', Resource: '*' }",
      "            constructor: [x]",
      "            toString: 1",
      "",
    ].join("\n");
    const value = policyOf(text, "stack.yaml");
    const statement = (value.Statement as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(statement)).toBeNull();
    expect(Object.keys(statement)).toEqual(["__proto__", "constructor", "toString"]);
    expect(statement.Effect).toBeUndefined();
    expect(statement.constructor).toEqual(["x"]);
  });

  it("Terraform: jsonencode keys named __proto__ and constructor are own keys", () => {
    const text = [
      'resource "aws_ecr_registry_policy" "p" {',
      "  policy = jsonencode({",
      '    Version = "2012-10-17"',
      '    Statement = [{ "__proto__" = { Effect = "Allow" }, constructor = ["x"] }]',
      "  })",
      "}",
      "",
    ].join("\n");
    const value = policyOf(text, "ecr.tf");
    const statement = (value.Statement as Record<string, unknown>[])[0]!;
    expect(Object.getPrototypeOf(statement)).toBeNull();
    expect(Object.keys(statement)).toEqual(["__proto__", "constructor"]);
    expect(statement.Effect).toBeUndefined();
  });
});
