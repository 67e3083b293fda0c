import { describe, expect, it } from "vitest";
import { foreignHost, hostEdit, isUnknownValue, parseYamlText, readEcrFile, type PolicyFile, type RegistryContext } from "../src/index.js";

const registry: RegistryContext = { source: "config", account: "444455556666", region: "us-west-2", partition: "aws" };

const template = (policy: string) => `Resources:\n  Policy:\n    Type: AWS::ECR::RegistryPolicy\n    Properties:\n      PolicyText:\n${policy}`;

function documentsOf(text: string): PolicyFile[] {
  const reading = readEcrFile(text, { filePath: "stack.yaml", registry });
  if (reading.status !== "ours") throw new Error(`expected documents, got ${reading.status}`);
  return reading.documents;
}

describe("YAML templates", () => {
  it("read short-form tags as their long forms, with the tag as the key", () => {
    const parsed = parseYamlText('a: !Sub "x-${AWS::Region}"\n');
    if (!parsed.ok) throw new Error("parse");
    const root = parsed.ast.body[0]!.expression as { properties: { value: { properties: { key: { value: string; range: number[] } }[] } }[] };
    const call = root.properties[0]!.value.properties[0]!;
    expect(call.key.value).toBe("Fn::Sub");
    expect(call.key.range).toEqual([3, 7]);
  });

  it("are recognised by content only: other YAML is not ours, and is not parsed without AWS::ECR::", () => {
    expect(readEcrFile("on: push\njobs: {}\n", { filePath: ".github/workflows/ci.yml" }).status).toBe("not-ours");
    expect(readEcrFile("Resources: [\n", { filePath: "x.yaml" }).status).toBe("not-ours");
    expect(readEcrFile("Resources:\n  A:\n    Type: AWS::ECR::Repository\n   bad: [\n", { filePath: "x.yaml" }).status).toBe("parse-error");
  });

  it("resolve pseudo parameters to the registry and leave other references unknown", () => {
    const [doc] = documentsOf(template("        Statement:\n          - Effect: Allow\n            Principal: { AWS: !Ref Reader }\n            Action: ecr:*\n            Resource: !Sub arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*\n"));
    if (doc?.kind !== "registry-policy") throw new Error("kind");
    const statement = doc.policy.statements[0]!;
    expect(statement.resource!.values[0]!.value).toBe("arn:aws:ecr:us-west-2:444455556666:repository/*");
    expect(isUnknownValue(statement.resource!.values[0]!.node)).toBe(false);
    expect(isUnknownValue(statement.principal!.entries[0]!.values[0]!.node)).toBe(true);
  });

  it("offer an edit only inside a verbatim scalar, and only when the new value keeps its meaning there", () => {
    const text = template('        Statement:\n          - Resource: arn:aws:ecr:us-east-1:1:repository/*\n            Sid: "a b"\n            Action: \'ecr:x\'\n');
    const [doc] = documentsOf(text);
    const host = foreignHost(doc!.ast)!;
    expect(host.syntax).toBe("yaml");
    const plain = text.indexOf("us-east-1");
    expect(hostEdit(doc!, { range: [plain, plain + 9], text: "us-west-2" })).toEqual({ range: [plain, plain + 9], text: "us-west-2" });
    expect(hostEdit(doc!, { range: [plain, plain + 9], text: "a: b" })).toBeUndefined();
    const start = text.indexOf("arn:aws:ecr");
    expect(hostEdit(doc!, { range: [start, start + 1], text: "1" })).toBeUndefined();
    const quoted = text.indexOf('"a b"');
    expect(hostEdit(doc!, { range: [quoted, quoted + 5], text: '"c d"' })).toEqual({ range: [quoted + 1, quoted + 4], text: "c d" });
    expect(hostEdit(doc!, { range: [quoted, quoted + 5], text: '"c\\"d"' })).toBeUndefined();
    const property = text.indexOf("Sid:");
    expect(hostEdit(doc!, { range: [property, property + 12], text: "" })).toBeUndefined();
  });

  it("refuse aliases and merge keys at the first one, as CloudFormation does, and never expand them (an alias bomb costs nothing)", () => {
    const text = template("        Statement:\n          - &pull { Effect: Allow, Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: ecr:BatchGetImage, Resource: '*' }\n          - *pull\n");
    const alias = readEcrFile(text, { filePath: "stack.yaml", registry });
    const aliasLine = text.split("\n").findIndex((l) => l.includes("- *pull")) + 1;
    expect(alias).toEqual({
      status: "parse-error",
      error: { message: 'Parsing error: Alias "*pull": CloudFormation does not allow YAML aliases or merge keys (<<) in a template: write the values out', line: aliasLine, column: 13 },
    });
    const merge = readEcrFile(template("        Statement:\n          - &pull { Effect: Allow }\n          - <<: *pull\n            Sid: B\n"), { filePath: "stack.yaml", registry });
    expect(merge).toMatchObject({ status: "parse-error", error: { message: 'Parsing error: Merge key "<<": CloudFormation does not allow YAML aliases or merge keys (<<) in a template: write the values out', column: 13 } });
    // A quoted "<<" is a plain key in every YAML version.
    const quoted = readEcrFile(template('        Statement:\n          - "<<": x\n'), { filePath: "stack.yaml", registry });
    expect(quoted.status).toBe("ours");
    const undefinedAlias = readEcrFile(template("        Statement:\n          - *nowhere\n"), { filePath: "stack.yaml", registry });
    expect(undefinedAlias).toMatchObject({ status: "parse-error", error: { message: 'Parsing error: Alias "*nowhere" names no anchor defined before it', column: 13 } });
    let bomb = template("        a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (let i = 1; i < 10; i++) bomb += `        a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(", ")}]\n`;
    bomb += "        Statement: *a9\n";
    expect(readEcrFile(bomb, { filePath: "stack.yaml", registry })).toMatchObject({ status: "parse-error", error: { message: expect.stringContaining('Alias "*a0"') } });
  });
});
