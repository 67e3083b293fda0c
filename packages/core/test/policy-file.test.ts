import { describe, expect, it } from "vitest";
import { isRepositoryPolicyFileName } from "../src/model/policy-file.js";
import { loadPolicyFile, mightBeEcrFile, parsePolicyFile, policyValue, type PolicyFile } from "../src/index.js";

function load(value: unknown | string, path = "x.json") {
  return loadPolicyFile(typeof value === "string" ? value : JSON.stringify(value, null, 2), path);
}

function ours(value: unknown | string): PolicyFile {
  const result = load(value);
  if (result.status !== "ours") throw new Error(`expected a policy file, got ${result.status}`);
  return result.file;
}

const registryPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "ReplicationAccessCrossAccount",
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::111122223333:root" },
      Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
      Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*",
    },
  ],
};

describe("file kinds (REFERENCE §1)", () => {
  it("a registry policy", () => {
    const file = ours(registryPolicy);
    expect(file.kind).toBe("registry-policy");
    if (file.kind !== "registry-policy") return;
    const [s] = file.policy.statements;
    expect(s?.sid?.value).toBe("ReplicationAccessCrossAccount");
    expect(s?.action?.values.map((v) => v.value)).toEqual(["ecr:CreateRepository", "ecr:ReplicateImage"]);
    expect(s?.resource?.isList).toBe(false);
    expect(s?.principal?.entries[0]?.type).toBe("AWS");
    expect(s?.sid?.node.loc.start).toEqual({ line: 5, column: 13 });
  });

  it("a repository policy: no Resource", () => {
    const file = ours({
      Version: "2008-10-17",
      Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage"] }],
    });
    expect(file.kind).toBe("repository-policy");
  });

  it("a repository policy by its file name, even with a Resource (which ECR rejects)", () => {
    const text = JSON.stringify(registryPolicy);
    const named = loadPolicyFile(text, "infra/app/repository-policy.json");
    expect(named.status === "ours" && named.file.kind).toBe("repository-policy");
    const plain = loadPolicyFile(text, "infra/app/registry-policy.json");
    expect(plain.status === "ours" && plain.file.kind).toBe("registry-policy");
  });

  it("a replication configuration, bare or wrapped", () => {
    const rules = [{ destinations: [{ region: "eu-west-1", registryId: "777788889999" }], repositoryFilters: [{ filter: "prod-", filterType: "PREFIX_MATCH" }] }];
    const bare = ours({ rules });
    const wrapped = ours({ registryId: "444455556666", replicationConfiguration: { rules } });
    for (const file of [bare, wrapped]) {
      expect(file.kind).toBe("replication-configuration");
      if (file.kind !== "replication-configuration") continue;
      expect(file.replication.rules[0]?.destinations[0]?.registryId?.value).toBe("777788889999");
      expect(file.replication.rules[0]?.filters[0]?.filter?.value).toBe("prod-");
    }
  });

  it("pull-through-cache rules: one, a list, or describe output", () => {
    const rule = { ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" };
    for (const value of [rule, [rule, { ecrRepositoryPrefix: "quay", upstreamRegistry: "quay" }], { pullThroughCacheRules: [rule] }]) {
      const file = ours(value);
      expect(file.kind).toBe("pull-through-cache-rules");
      if (file.kind === "pull-through-cache-rules") expect(file.pullThroughCacheRules[0]?.prefix?.value).toBe("ecr-public");
    }
  });

  it("a repository creation template", () => {
    const file = ours({ prefix: "ROOT", appliedFor: ["REPLICATION", "PULL_THROUGH_CACHE"], repositoryPolicy: "{}" });
    expect(file.kind).toBe("repository-creation-template");
    if (file.kind === "repository-creation-template") expect(file.template.appliedFor.map((a) => a.value)).toEqual(["REPLICATION", "PULL_THROUGH_CACHE"]);
  });

  it.each([
    ["package.json", { name: "web", version: "1.0.0", scripts: { build: "tsc" } }],
    ["tsconfig.json", { compilerOptions: { strict: true } }],
    ["an S3 bucket policy", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] }],
    ["renovate.json with rules", { rules: [{ matchPackageNames: ["x"] }] }],
    ["a JSON list", [1, 2, 3]],
  ])("%s is not ours", (_name, value) => {
    expect(load(value).status).toBe("not-ours");
  });

  it("skips text without any marker before parsing, even when it is not JSON", () => {
    expect(mightBeEcrFile('{"name": "x"}')).toBe(false);
    expect(load("\u0000\u0001binary").status).toBe("not-ours");
  });

  it("takes text with any one marker, anywhere, as maybe ours, and text with none or a near miss as not", () => {
    const markers = ["Statement", "ecrRepositoryPrefix", "EcrRepositoryPrefix", "destinations", "Destinations", "appliedFor", "AppliedFor", "ecr:", "AWS::ECR::", "policyText"];
    const filler = '{"name": "x", "list": [1, 2, 3]}\n'.repeat(20);
    for (const marker of markers) {
      for (const text of [marker, `${marker}${filler}`, `${filler}${marker}`, `${filler}"${marker}"${filler}`]) expect(mightBeEcrFile(text, "data.json"), marker).toBe(true);
    }
    for (const miss of ["statement", "Statemen", "ECR:", "ecr :", "ecr", "aws:ecr", "AWS::ECR:", "policytext", "destination", "appliedfor", "EcrRepository", ".*+?", "Statement".split("").join(" ")]) {
      expect(mightBeEcrFile(`${filler}${miss}${filler}`, "data.json"), miss).toBe(false);
    }
  });

  it("takes a file named by a policy convention as ours whatever it holds, so that a broken or empty one is reported", () => {
    const broken = '{"name": "x" "version": "1"}';
    for (const name of ["registry-policy.json", "infra/app.repo-policy.jsonc", "RepositoryPolicy.json5", "registry-policy-for-repo-policy.json"]) expect(mightBeEcrFile(broken, name), name).toBe(true);
    expect(mightBeEcrFile("", "registry-policy.json")).toBe(true);
    // Other JSON needs a marker; YAML and Terraform need their ECR marker, whatever their name.
    for (const name of ["tsconfig.json", "sub/package.json", "png.json", "policy-registry.json"]) expect(mightBeEcrFile(broken, name), name).toBe(false);
    expect(mightBeEcrFile('{"Statement": [', "policy.json")).toBe(true);
    expect(mightBeEcrFile("{ broken", "registry-policy.yaml")).toBe(false);
    expect(mightBeEcrFile("{ broken", "registry-policy.tf.json")).toBe(false);
    expect(mightBeEcrFile('{"Statement": [', "main.tf.json")).toBe(false);
    expect(mightBeEcrFile('{"resource": {"aws_ecr_repository_policy": ', "main.tf.json")).toBe(true);
  });

  it("parsePolicyFile leaves the marker test to its caller, which ran it already", () => {
    expect(parsePolicyFile("{ broken", "x.json").status).toBe("parse-error");
    expect(parsePolicyFile('{"name": "x"}', "package.json").status).toBe("not-ours");
    expect(parsePolicyFile(JSON.stringify({ Version: "2012-10-17", Statement: [] }), "registry-policy.json").status).toBe("ours");
  });
});

describe("bad input gives results, never exceptions", () => {
  it("malformed JSON that might be a policy is a parse error with a location", () => {
    const result = load('{\n  "Statement": [\n    { "Effect": "Allow", }\n  ]\n', "p.json");
    expect(result.status).toBe("parse-error");
    if (result.status === "parse-error") {
      expect(result.error.message).toMatch(/^Parsing error: /);
      expect(result.error.line).toBeGreaterThan(1);
    }
  });

  it("a Statement that is a number", () => {
    const file = ours('{ "Version": "2012-10-17", "Statement": 42 }');
    if (file.kind !== "registry-policy" && file.kind !== "repository-policy") throw new Error(file.kind);
    expect(file.policy.statements).toEqual([]);
    expect(file.policy.problems.map((p) => [p.code, p.message])).toEqual([["statement-wrong-type", '"Statement" must be an object or a list of objects, not a number.']]);
  });

  it("an Action that is an object", () => {
    const file = ours({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: { ecr: "ReplicateImage" }, Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }] });
    if (file.kind !== "registry-policy") throw new Error(file.kind);
    expect(file.policy.problems.map((p) => p.message)).toEqual(['"Action" must be a string or a list of strings, not an object.']);
    expect(file.policy.statements[0]?.action?.values).toEqual([]);
  });

  it("wrong types inside lists, principals and conditions", () => {
    const file = ours({
      Version: "2012-10-17",
      Statement: [
        7,
        { Sid: 3, Effect: "Allow", Principal: ["*"], Action: ["ecr:ReplicateImage", 5], Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*", Condition: { StringEquals: "x" } },
      ],
    });
    if (file.kind !== "registry-policy") throw new Error(file.kind);
    expect(file.policy.problems.map((p) => p.code)).toEqual(["statement-not-object", "wrong-type", "element-wrong-type", "element-wrong-type", "element-wrong-type"]);
    expect(file.policy.statements).toHaveLength(1);
  });

  it("survives deep nesting and huge lists", () => {
    const deep = '{"Statement": ' + "[".repeat(5000) + "]".repeat(5000) + "}";
    expect(["ours", "parse-error"]).toContain(load(deep).status);
    const many = { Version: "2012-10-17", Statement: Array.from({ length: 5000 }, (_, i) => ({ Sid: `S${i}`, Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*" })) };
    const file = ours(many);
    if (file.kind === "registry-policy") expect(file.policy.statements).toHaveLength(5000);
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

describe("a policy's plain value", () => {
  const read = (text: string) => {
    const loaded = loadPolicyFile(text, "registry-policy.json");
    if (loaded.status !== "ours" || !("policy" in loaded.file)) throw new Error("not read as a policy");
    return loaded.file.policy;
  };
  const TEXT = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]}';

  it("is built once per document, and is the document's own", () => {
    const policy = read(TEXT);
    const value = policyValue(policy);
    expect(value).toEqual(JSON.parse(TEXT));
    expect(policyValue(policy)).toBe(value);
    expect(policyValue(read(TEXT))).not.toBe(value);
    // Nothing of it shows on the document: not a key, not in its JSON, not copied with it.
    expect(Object.keys(policy)).not.toContain("value");
    expect(Object.getOwnPropertySymbols(policy).every((s) => !Object.getOwnPropertyDescriptor(policy, s)!.enumerable)).toBe(true);
    const copy = { ...policy, statements: [] };
    expect(policyValue(copy)).toBe(policyValue(copy));
    expect(policyValue(copy)).not.toBe(value);
  });

  it("is built for a frozen document too, without keeping it", () => {
    const policy = Object.freeze(read(TEXT));
    expect(policyValue(policy)).toEqual(JSON.parse(TEXT));
  });
});
