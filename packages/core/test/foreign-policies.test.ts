import { describe, expect, it } from "vitest";
import { parseEcrFile, parseJsonText, plainlyForeignFile, plainlyForeignPolicy, readAst, type FileReading } from "../src/index.js";
import { FOREIGN_CASES } from "./foreign-policies.js";

/** What a reading decides, without its trees: the status, the file's decision, and each document's kind and place. */
function verdict(reading: FileReading) {
  if (reading.status === "parse-error") return { status: reading.status, error: reading.error };
  if (reading.status === "not-ours") return { status: reading.status, decision: reading.decision };
  return { status: reading.status, decision: reading.decision, documents: reading.documents.map((d) => ({ kind: d.kind, host: d.host.type, path: d.host.path })) };
}

/** How the ESLint plugin reads the file: its own tree, then readAst (no shortcut on the text). */
function fromTree(text: string, filePath: string): ReturnType<typeof verdict> {
  const parsed = parseJsonText(text);
  return parsed.ok ? verdict(readAst(parsed.ast, { filePath })) : { status: "parse-error", error: parsed.error };
}

describe("policy documents about something else are dropped before their tree, as the tree would decide", () => {
  it.each(FOREIGN_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    for (const filePath of ["policies/document.json", "registry-policy.json", "repo-policy.json"]) {
      const named = filePath !== "policies/document.json";
      expect(plainlyForeignPolicy(c.text), filePath).toBe(c.early);
      // A file named as a policy of ours is never dropped by its text alone.
      expect(plainlyForeignFile(c.text, { filePath }), filePath).toBe(c.early && !named);
      const read = verdict(parseEcrFile(c.text, { filePath }));
      expect(read.status, filePath).toBe((named && c.named) || c.status);
      expect(read, filePath).toEqual(fromTree(c.text, filePath));
    }
  });

  it("a file whose kind is declared, a template, YAML and Terraform are never judged by the text", () => {
    const bucket = FOREIGN_CASES.find((c) => c.name === "an S3 bucket policy")!.text;
    expect(plainlyForeignFile(bucket, { filePath: "p.json" })).toBe(true);
    expect(plainlyForeignFile(bucket, { filePath: "p.json", declaredKind: "registry-policy" })).toBe(false);
    expect(plainlyForeignFile(bucket, { filePath: "p.json", terraformTemplate: true })).toBe(false);
    expect(plainlyForeignFile(bucket, { filePath: "main.tf.json" })).toBe(false);
    expect(plainlyForeignFile(bucket, { filePath: "main.tf" })).toBe(false);
    expect(plainlyForeignFile(bucket, { filePath: "template.yaml" })).toBe(false);
    expect(plainlyForeignFile(bucket, { filePath: "infra/prod.registry-policy.json" })).toBe(false);
    // The config's kinds decide over the content: a declared bucket policy is linted as what it is declared.
    const declared = parseEcrFile(bucket, { filePath: "p.json", declaredKind: "registry-policy", declaredBy: "ecrlint.config.jsonc" });
    expect(declared).toMatchObject({ status: "ours", decision: { kind: "registry-policy", reason: "config" } });
  });
});

describe("a policy of only NotAction statements is ours when its file is named as one", () => {
  const allButS3 = FOREIGN_CASES.find((c) => c.named && c.name.includes("every action but S3's"))!.text;

  it("takes the kind its name gives, and says so", () => {
    expect(parseEcrFile(allButS3, { filePath: "infra/registry-policy.json" })).toMatchObject({
      status: "ours",
      decision: { kind: "registry-policy", reason: "name" },
      documents: [{ kind: "registry-policy" }],
    });
    expect(parseEcrFile(allButS3, { filePath: "infra/app.repository-policy.json" })).toMatchObject({ status: "ours", decision: { kind: "repository-policy", reason: "name" } });
  });

  it("leaves the same text alone under any other name", () => {
    for (const filePath of ["infra/policy.json", "infra/registry.json", "infra/bucket-policy.json"]) expect(parseEcrFile(allButS3, { filePath }).status, filePath).toBe("not-ours");
  });
});
