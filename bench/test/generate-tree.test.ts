import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseEcrFile, registryForFile, type LoadedConfig } from "@ecrlint/core";
import { generateTree, parseSize, samplePolicy } from "../generate-tree.mjs";

const scratch = mkdtempSync(join(tmpdir(), "ecrlint-bench-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file under `dir` (relative path → sha256 of its content), without the config files at the root. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else out.set(relative(dir, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
    }
  };
  walk(dir);
  for (const root of [".ecrlintrc.json", ".gitignore", "eslint.config.mjs"]) out.delete(root);
  return out;
}

function tree(name: string, options: { files: number; policyShare?: number; seed?: number; iacShare?: number }) {
  const dir = join(scratch, name);
  return { dir, ...generateTree({ dir, git: false, ...options }) };
}

describe("the benchmark's tree generator", () => {
  const a = tree("a", { files: 400, seed: 7 });

  it("writes the same tree, byte for byte, for the same seed, and another for another seed", () => {
    const again = tree("a-again", { files: 400, seed: 7 });
    const other = tree("other-seed", { files: 400, seed: 8 });
    const first = snapshot(a.dir);
    expect(first.size).toBe(400);
    expect(snapshot(again.dir)).toEqual(first);
    expect(readFileSync(join(again.dir, ".ecrlintrc.json"), "utf8")).toBe(readFileSync(join(a.dir, ".ecrlintrc.json"), "utf8"));
    const second = snapshot(other.dir);
    const same = [...second].filter(([path, hash]) => first.get(path) === hash).length;
    expect(same).toBeLessThan(second.size / 4);
  });

  it("makes the share of ECR files the one asked for, and every one of them is read as ours, in its registry", () => {
    const config = JSON.parse(readFileSync(join(a.dir, ".ecrlintrc.json"), "utf8")) as LoadedConfig["config"];
    const loaded = { filePath: join(a.dir, ".ecrlintrc.json"), baseDir: a.dir, config } as LoadedConfig;
    expect(a.files).toBe(400);
    expect(a.policies).toBe(200);
    expect(a.policyFiles).toHaveLength(200);
    const kinds = new Map<string, number>();
    let statements = 0;
    let longest = 0;
    for (const file of a.policyFiles) {
      const path = join(a.dir, file);
      const registry = registryForFile(path, loaded);
      expect(registry.source, file).toBe("config");
      const reading = parseEcrFile(readFileSync(path, "utf8"), { filePath: path, registry });
      expect(reading.status, file).toBe("ours");
      if (reading.status !== "ours") continue;
      for (const doc of reading.documents) {
        kinds.set(doc.kind, (kinds.get(doc.kind) ?? 0) + 1);
        if (doc.kind === "registry-policy" || doc.kind === "repository-policy") {
          statements += doc.policy.statements.length;
          longest = Math.max(longest, doc.policy.statements.length);
        }
      }
    }
    // Every kind of ECR file, policies of 1 to 20 statements (a defect may add one).
    expect([...kinds.keys()].sort()).toEqual(["pull-through-cache-rules", "registry-policy", "replication-configuration", "repository-creation-template", "repository-policy"]);
    expect(longest).toBeGreaterThanOrEqual(12);
    expect(longest).toBeLessThanOrEqual(21);
    expect(statements / (kinds.get("registry-policy")! + kinds.get("repository-policy")!)).toBeGreaterThan(3);
    // The other files: none of them is ours, though some are IAM policies of other services.
    const others = [...snapshot(a.dir).keys()].filter((f) => !a.policyFiles.includes(f));
    expect(others).toHaveLength(200);
    let iamPolicies = 0;
    for (const file of others.filter((f) => /\.json[c5]?$/.test(f))) {
      const text = readFileSync(join(a.dir, file), "utf8");
      if (text.includes("Statement")) iamPolicies++;
      expect(parseEcrFile(text, { filePath: join(a.dir, file) }).status, file).not.toBe("ours");
    }
    expect(iamPolicies).toBeGreaterThan(0);
  });

  it("keeps the old view at a 2% share", () => {
    const sparse = tree("sparse", { files: 300, policyShare: 0.02 });
    expect(sparse.policies).toBe(6);
    expect(snapshot(sparse.dir).size).toBe(300);
  });

  it("writes policies with conditions, wildcards and defects", () => {
    const texts = a.policyFiles.map((f) => readFileSync(join(a.dir, f), "utf8"));
    expect(texts.filter((t) => t.includes('"Condition"')).length).toBeGreaterThan(50);
    expect(texts.filter((t) => /repository\/[^"]*\*/.test(t)).length).toBeGreaterThan(50);
    expect(a.defective).toBeGreaterThan(10);
    expect(a.defective).toBeLessThan(50);
  });

  it("writes Terraform and CloudFormation YAML only when asked, as well-formed files holding ECR resources", () => {
    expect([...snapshot(a.dir).keys()].some((f) => f.endsWith(".tf"))).toBe(false);
    const iac = tree("iac", { files: 600, iacShare: 0.2, seed: 3 });
    const files = [...snapshot(iac.dir).keys()];
    const tf = files.filter((f) => f.endsWith(".tf"));
    const cfn = files.filter((f) => f.startsWith("infra/") && f.endsWith(".yaml"));
    expect(tf.length + cfn.length).toBe(120);
    expect(iac.policies).toBe(300);
    const ecrTf = tf.map((f) => readFileSync(join(iac.dir, f), "utf8")).filter((t) => t.includes('resource "aws_ecr_'));
    expect(ecrTf.some((t) => t.includes('"aws_ecr_registry_policy"') && t.includes("jsonencode("))).toBe(true);
    expect(ecrTf.some((t) => t.includes('"aws_ecr_replication_configuration"'))).toBe(true);
    for (const text of ecrTf) expect(text.split("{").length).toBe(text.split("}").length);
    let registryPolicies = 0;
    for (const file of cfn) {
      const doc = parseDocument(readFileSync(join(iac.dir, file), "utf8"), { customTags: [{ tag: "!Sub", resolve: (s: string) => ({ "Fn::Sub": s }) }] });
      expect(doc.errors, file).toEqual([]);
      const resources = Object.values((doc.toJS() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources);
      for (const r of resources) {
        if (r.Type === "AWS::ECR::RegistryPolicy") {
          registryPolicies++;
          expect((r.Properties.PolicyText as { Statement: unknown[] }).Statement.length).toBeGreaterThan(0);
        }
      }
    }
    expect(registryPolicies).toBeGreaterThan(0);
  });

  it("samples defect-free policies of an exact size for the evaluator's benchmark", () => {
    const policy = samplePolicy({ seed: 5, statements: 50 });
    expect(policy.Statement).toHaveLength(50);
    expect(samplePolicy({ seed: 5, statements: 50 })).toEqual(policy);
    const reading = parseEcrFile(JSON.stringify(policy), { filePath: "registry-policy.json" });
    expect(reading.status).toBe("ours");
  });

  it("reads sizes as 1k, 10k, 50k or a number, and refuses anything else", () => {
    expect([parseSize("1k"), parseSize("10K"), parseSize("50k"), parseSize("2500"), parseSize("1.5k")]).toEqual([1000, 10_000, 50_000, 2500, 1500]);
    expect(() => parseSize("ten")).toThrow('bad size "ten"');
    expect(() => generateTree({ dir: join(scratch, "bad"), files: 10, policyShare: 2 })).toThrow("policy share 2");
  });
});
