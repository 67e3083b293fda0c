import { describe, expect, it } from "vitest";
import {
  documentText,
  foreignHost,
  hasUnknownValues,
  hostEdit,
  isUnknownValue,
  loadTerraformParser,
  locateInString,
  parseJsonText,
  parseTerraformText,
  parseYamlText,
  policyValue,
  readEcrFile,
  valuePieces,
  type FileReading,
  type PolicyFile,
  type ReadOptions,
  type RegistryContext,
} from "../src/index.js";
import { policyKindFromName } from "../src/model/kinds.js";
import { terraformBlocksOf } from "../src/terraform.js";

const registry: RegistryContext = { source: "config", account: "444455556666", region: "us-west-2", partition: "aws" };

const grant = (extra: Record<string, unknown> = {}) => ({
  Sid: "ReplicationAccessCrossAccount",
  Effect: "Allow",
  Principal: { AWS: "arn:aws:iam::111122223333:root" },
  Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
  Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*",
  ...extra,
});
const registryPolicy = { Version: "2012-10-17", Statement: [grant()] };
const repositoryPolicy = { Version: "2008-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage"] }] };
const identityPolicy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:GetAuthorizationToken", "ecr:PutImage"], Resource: "arn:aws:ecr:us-east-1:444455556666:repository/app" }] };

function read(value: unknown, options: ReadOptions = {}): FileReading {
  return readEcrFile(typeof value === "string" ? value : JSON.stringify(value, null, 2), { filePath: "x.json", ...options });
}

function documents(value: unknown, options: ReadOptions = {}): PolicyFile[] {
  const reading = read(value, options);
  if (reading.status !== "ours") throw new Error(`expected documents, got ${reading.status}`);
  return reading.documents;
}

const summary = (docs: PolicyFile[]) => docs.map((d) => [d.kind, d.host.type, d.host.path, d.decision.reason]);

describe("IAM identity policies", () => {
  it("are not ours, with the reason, whatever their actions", () => {
    const reading = read(identityPolicy, { filePath: "ci/ecr-policy.json" });
    expect(reading).toEqual({ status: "not-ours", decision: { kind: "identity-policy", reason: "content", why: expect.stringMatching(/no statement has a Principal/) } });
  });

  it("stay identity policies even when named like a registry policy: the name never makes a role's policy ours", () => {
    expect(read(identityPolicy, { filePath: "registry-policy.json" }).status).toBe("not-ours");
  });

  it("one statement with a Principal makes the policy a resource policy", () => {
    expect(documents({ Statement: [...identityPolicy.Statement, grant()] }).map((d) => d.kind)).toEqual(["registry-policy"]);
  });

  it.each(["principal", "Principals", "principals", "PRINCIPAL", "Pricipal", "notprincipal", "NotPrincipals"])(
    "a statement with the misspelled key %s is a resource policy with a typo, not an identity policy",
    (key) => {
      const statement = { ...identityPolicy.Statement[0], [key]: { AWS: "arn:aws:iam::111122223333:root" } };
      expect(documents({ Version: "2012-10-17", Statement: [statement] }).map((d) => d.kind)).toEqual(["registry-policy"]);
    },
  );

  it("a statement without Resource or NotResource is no evidence of an identity policy (identity policies always have one)", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["ecr:BatchGetImage"] }] };
    expect(documents(policy, { filePath: "repo-policy.json" }).map((d) => d.kind)).toEqual(["repository-policy"]);
    expect(documents({ Statement: [...identityPolicy.Statement, policy.Statement[0]] }).map((d) => d.kind)).toEqual(["registry-policy"]);
  });

  it("a key far from Principal (Condition, Sid) does not stop a policy from being an identity policy", () => {
    const statement = { ...identityPolicy.Statement[0], Sid: "Push", Condition: { StringEquals: { "aws:PrincipalTag/team": "ci" } } };
    expect(read({ Version: "2012-10-17", Statement: [statement] }).status).toBe("not-ours");
  });

  it("can be declared in the config, and anything declared a policy is read as one", () => {
    expect(read(registryPolicy, { declaredKind: "identity-policy", declaredBy: "/r/.ecrlintrc.json" })).toMatchObject({
      status: "not-ours",
      decision: { kind: "identity-policy", reason: "config" },
    });
    const [doc] = documents(identityPolicy, { declaredKind: "registry-policy", declaredBy: "/r/.ecrlintrc.json" });
    expect(doc?.kind).toBe("registry-policy");
    expect(doc?.decision).toEqual({ kind: "registry-policy", reason: "config", why: 'the "kinds" of /r/.ecrlintrc.json declare it a registry-policy' });
  });
});

describe("registry or repository policy: config, then name, then content", () => {
  it.each(["registry-policy-for-repo-policy.json", "repo-policy.registry-policy.json"])("%s follows both conventions: the content decides, and says the name was ambiguous", (filePath) => {
    expect(policyKindFromName(filePath)).toBeUndefined();
    const [withResource] = documents(registryPolicy, { filePath });
    expect(withResource?.decision).toMatchObject({ kind: "registry-policy", reason: "content", why: expect.stringContaining(`the file name "${filePath}" is ambiguous`) });
    const [without] = documents(repositoryPolicy, { filePath });
    expect(without?.decision).toMatchObject({ kind: "repository-policy", reason: "content", why: expect.stringMatching(/is ambiguous .*no statement has a Resource/) });
  });

  it("get-repository-policy output (it names a repositoryName) is a repository policy whatever the file name", () => {
    const output = { registryId: "444455556666", repositoryName: "web", policyText: JSON.stringify(repositoryPolicy) };
    for (const filePath of ["registry-policy.json", "out/registry_policy.json", "x.json"]) {
      expect(summary(documents(output, { filePath }))).toEqual([["repository-policy", "aws-cli", "policyText", "content"]]);
    }
    const registryOutput = { registryId: "444455556666", policyText: JSON.stringify(registryPolicy) };
    expect(read(registryOutput, { filePath: "repo-policy.registry-policy.json" })).toMatchObject({ status: "ours", decision: { kind: "registry-policy", reason: "content", why: expect.stringContaining("is ambiguous") } });
  });

  it.each([
    ["repo-policy.json", "repository-policy"],
    ["repo_policy.json", "repository-policy"],
    ["repository-policy.json", "repository-policy"],
    ["api.repository-policy.json", "repository-policy"],
    ["RepositoryPolicy.jsonc", "repository-policy"],
    ["registry-policy.json", "registry-policy"],
    ["registry_policy.json", "registry-policy"],
    ["prod.registry-policy.json", "registry-policy"],
    ["repository-policy/registry-policy.json", "registry-policy"],
    ["ecr-policy.json", undefined],
    ["myrepository-policy.json", undefined],
    ["policy.json", undefined],
  ])("%s → %s", (name, kind) => {
    expect(policyKindFromName(name)).toBe(kind);
  });

  it("repo-policy.json with a Resource is a repository policy (so that the Resource ECR rejects is reported)", () => {
    const [doc] = documents(registryPolicy, { filePath: "infra/app/repo-policy.json" });
    expect([doc?.kind, doc?.decision.reason]).toEqual(["repository-policy", "name"]);
  });

  it("registry-policy.json without a Resource is a registry policy (so that the missing Resource is reported)", () => {
    const [doc] = documents(repositoryPolicy, { filePath: "infra/registry-policy.json" });
    expect([doc?.kind, doc?.decision.reason]).toEqual(["registry-policy", "name"]);
  });

  it("the config wins over the name", () => {
    const [doc] = documents(registryPolicy, { filePath: "registry-policy.json", declaredKind: "repository-policy" });
    expect([doc?.kind, doc?.decision.reason]).toEqual(["repository-policy", "config"]);
  });

  it("with neither, the content: a Resource makes a registry policy", () => {
    expect(documents(registryPolicy)[0]?.decision).toMatchObject({ kind: "registry-policy", reason: "content" });
    expect(documents(repositoryPolicy)[0]?.decision).toMatchObject({ kind: "repository-policy", reason: "content" });
  });
});

describe("AWS CLI and API output", () => {
  it("get-registry-policy: the policyText string is a registry policy located in the host", () => {
    const text = JSON.stringify({ registryId: "444455556666", policyText: JSON.stringify(registryPolicy, null, 4) }, null, 4);
    const docs = documents(text);
    expect(summary(docs)).toEqual([["registry-policy", "aws-cli", "policyText", "content"]]);
    const doc = docs[0]!;
    if (doc.kind !== "registry-policy") throw new Error(doc.kind);
    const resource = doc.policy.statements[0]!.resource!.values[0]!;
    expect(resource.value).toBe("arn:aws:ecr:us-west-2:444455556666:repository/*");
    expect(text.slice(resource.node.range[0], resource.node.range[1])).toBe('\\"arn:aws:ecr:us-west-2:444455556666:repository/*\\"');
    expect(resource.node.loc.start.line).toBe(3);
    expect(documentText(doc, text, resource.node.range)).toBe('"arn:aws:ecr:us-west-2:444455556666:repository/*"');
    expect(policyValue(doc.policy)).toEqual(registryPolicy);
  });

  it("get-repository-policy: a policyText with its repositoryName is a repository policy", () => {
    const docs = documents({ registryId: "444455556666", repositoryName: "app", policyText: JSON.stringify(repositoryPolicy) });
    expect(summary(docs)).toEqual([["repository-policy", "aws-cli", "policyText", "content"]]);
  });

  it("a policyText that is not JSON is a document whose one problem sits where the parser stopped", () => {
    const text = JSON.stringify({ registryId: "444455556666", policyText: '{"Version": "2012-10-17", "Statement": [' }, null, 2);
    const [doc] = documents(text);
    if (doc?.kind !== "registry-policy") throw new Error("not a policy");
    expect(doc.policy.statements).toEqual([]);
    expect(doc.policy.problems.map((p) => p.code)).toEqual(["unparsable-text"]);
    expect(doc.policy.problems[0]!.message).toMatch(/^"policyText" is not valid JSON: /);
    expect(doc.policy.problems[0]!.node.loc.start.line).toBe(3);
  });

  it("describe-repository-creation-templates: each template, and each template's policy as a repository policy", () => {
    const docs = documents({
      registryId: "444455556666",
      repositoryCreationTemplates: [
        { prefix: "ROOT", appliedFor: ["PULL_THROUGH_CACHE"], repositoryPolicy: JSON.stringify(repositoryPolicy) },
        { prefix: "prod", appliedFor: ["REPLICATION"] },
      ],
    });
    expect(summary(docs)).toEqual([
      ["repository-creation-template", "aws-cli", "repositoryCreationTemplates[0]", "content"],
      ["repository-policy", "aws-cli", "repositoryCreationTemplates[0].repositoryPolicy", "content"],
      ["repository-creation-template", "aws-cli", "repositoryCreationTemplates[1]", "content"],
    ]);
  });

  it("a creation template file carries its policy and its role, tags and encryption", () => {
    const docs = documents({
      prefix: "ecr-public",
      appliedFor: ["PULL_THROUGH_CACHE"],
      resourceTags: [{ Key: "team", Value: "platform" }],
      encryptionConfiguration: { encryptionType: "KMS" },
      repositoryPolicy: JSON.stringify(repositoryPolicy),
    });
    expect(summary(docs)).toEqual([
      ["repository-creation-template", "file", "", "content"],
      ["repository-policy", "file", "repositoryPolicy", "content"],
    ]);
    const template = docs[0]!;
    if (template.kind !== "repository-creation-template") throw new Error(template.kind);
    expect(template.template.encryptionType?.value).toBe("KMS");
    expect(template.template.resourceTags).toBeDefined();
    expect(template.template.customRoleArn).toBeUndefined();
  });

  it("describe-pull-through-cache-rules and describe-registry output keep their kinds", () => {
    expect(documents({ pullThroughCacheRules: [{ ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" }] }).map((d) => d.kind)).toEqual(["pull-through-cache-rules"]);
    const replication = { registryId: "444455556666", replicationConfiguration: { rules: [{ destinations: [{ region: "eu-west-1", registryId: "777788889999" }] }] } };
    expect(documents(replication).map((d) => d.kind)).toEqual(["replication-configuration"]);
  });
});

const cfnTemplate = (resources: Record<string, unknown>) => ({ AWSTemplateFormatVersion: "2010-09-09", Resources: resources });

describe("CloudFormation templates", () => {
  const template = cfnTemplate({
    Policy: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: registryPolicy } },
    Repo: { Type: "AWS::ECR::Repository", Properties: { RepositoryName: "app", RepositoryPolicyText: JSON.stringify(repositoryPolicy) } },
    Replication: {
      Type: "AWS::ECR::ReplicationConfiguration",
      Properties: { ReplicationConfiguration: { Rules: [{ Destinations: [{ Region: "eu-west-1", RegistryId: { Ref: "AWS::AccountId" } }], RepositoryFilters: [{ Filter: "prod", FilterType: "PREFIX_MATCH" }] }] } },
    },
    Cache: { Type: "AWS::ECR::PullThroughCacheRule", Properties: { EcrRepositoryPrefix: "ecr-public", UpstreamRegistryUrl: "public.ecr.aws" } },
    Template: { Type: "AWS::ECR::RepositoryCreationTemplate", Properties: { Prefix: "ROOT", AppliedFor: ["REPLICATION"], RepositoryPolicy: JSON.stringify(repositoryPolicy) } },
    Bucket: { Type: "AWS::S3::Bucket" },
    Role: { Type: "AWS::IAM::Role", Properties: { Policies: [{ PolicyDocument: identityPolicy }] } },
  });

  it("give one document per ECR resource, each as the kind it is", () => {
    const reading = read(template, { filePath: "cdk.out/Stack.template.json", registry });
    expect(reading.status === "ours" && reading.decision).toEqual({ kind: "cloudformation-template", reason: "content", why: "a CloudFormation template with 5 AWS::ECR resources" });
    expect(summary(documents(template, { registry }))).toEqual([
      ["registry-policy", "cloudformation", "Resources.Policy.Properties.PolicyText", "content"],
      ["repository-policy", "cloudformation", "Resources.Repo.Properties.RepositoryPolicyText", "content"],
      ["replication-configuration", "cloudformation", "Resources.Replication.Properties.ReplicationConfiguration", "content"],
      ["pull-through-cache-rules", "cloudformation", "Resources.Cache.Properties", "content"],
      ["repository-creation-template", "cloudformation", "Resources.Template.Properties", "content"],
      ["repository-policy", "cloudformation", "Resources.Template.Properties.RepositoryPolicy", "content"],
    ]);
  });

  it("read PascalCase properties and resolve AWS::AccountId to the stack's registry", () => {
    const replication = documents(template, { registry }).find((d) => d.kind === "replication-configuration");
    if (replication?.kind !== "replication-configuration") throw new Error("no replication");
    expect(replication.replication.rules[0]!.destinations[0]!.registryId).toMatchObject({ value: "444455556666" });
    expect(replication.replication.rules[0]!.filters[0]!.filter?.value).toBe("prod");
    const unknownRegistry = documents(template).find((d) => d.kind === "replication-configuration");
    if (unknownRegistry?.kind !== "replication-configuration") throw new Error("no replication");
    expect(unknownRegistry.replication.rules[0]!.destinations[0]!.registryId).toMatchObject({ value: "${AWS.AccountId}", unknown: true });
  });

  it("a template without ECR resources is not ours, even with IAM policies in it", () => {
    expect(read(cfnTemplate({ Role: { Type: "AWS::IAM::Role", Properties: { Policies: [{ PolicyDocument: identityPolicy }] } } })).status).toBe("not-ours");
  });
});

describe("CloudFormation Fn::ToJsonString", () => {
  const encoded = { "Fn::ToJsonString": repositoryPolicy };
  const template = cfnTemplate({
    Policy: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: { "Fn::ToJsonString": registryPolicy } } },
    Repo: { Type: "AWS::ECR::Repository", Properties: { RepositoryPolicyText: encoded } },
    Template: { Type: "AWS::ECR::RepositoryCreationTemplate", Properties: { Prefix: "ROOT", AppliedFor: ["REPLICATION"], RepositoryPolicy: encoded } },
    Computed: { Type: "AWS::ECR::RepositoryCreationTemplate", Properties: { Prefix: "computed", AppliedFor: ["REPLICATION"], RepositoryPolicy: { "Fn::ToJsonString": { Ref: "Policy" } } } },
  });

  it("is a string whose encoded value is read as the policy, known where it is written; of a computed value, no document", () => {
    const docs = documents(template, { registry });
    expect(summary(docs).map(([kind, , path]) => [kind, path])).toEqual([
      ["registry-policy", "Resources.Policy.Properties.PolicyText"],
      ["repository-policy", "Resources.Repo.Properties.RepositoryPolicyText"],
      ["repository-creation-template", "Resources.Template.Properties"],
      ["repository-policy", "Resources.Template.Properties.RepositoryPolicy"],
      ["repository-creation-template", "Resources.Computed.Properties"],
    ]);
    for (const doc of docs) {
      if (doc.kind === "registry-policy" || doc.kind === "repository-policy") expect(doc.policy.statements.map((s) => [s.sid?.value, s.unknown])).toEqual([[doc.policy.statements[0]!.sid?.value, false]]);
      if (doc.kind === "repository-creation-template") expect(doc.template.repositoryPolicy).toMatchObject({ value: "${Fn.ToJsonString}", unknown: true });
    }
  });
});

describe("CloudFormation values", () => {
  const withResource = (resource: unknown, extra: Record<string, unknown> = {}) =>
    cfnTemplate({ Policy: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: { Version: "2012-10-17", Statement: [grant({ Resource: resource, ...extra })] } } } });
  const firstPolicy = (value: unknown, options: ReadOptions = { registry }) => {
    const doc = documents(value, options)[0];
    if (doc?.kind !== "registry-policy") throw new Error("no policy");
    return doc.policy;
  };

  it("Fn::Sub, Fn::Join and Ref of the pseudo parameters resolve to the stack's registry", () => {
    const sub = firstPolicy(withResource({ "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*" }));
    expect(sub.statements[0]!.resource!.values[0]).toMatchObject({ value: "arn:aws:ecr:us-west-2:444455556666:repository/*" });
    expect(sub.statements[0]!.resource!.values[0]!.unknown).toBeUndefined();
    expect(hasUnknownValues(sub)).toBe(false);
    const join = firstPolicy(withResource({ "Fn::Join": [":", ["arn", { Ref: "AWS::Partition" }, "ecr", { Ref: "AWS::Region" }, { Ref: "AWS::AccountId" }, "repository/*"]] }));
    expect(join.statements[0]!.resource!.values[0]!.value).toBe("arn:aws:ecr:us-west-2:444455556666:repository/*");
    expect((policyValue(join) as { Statement: { Resource: string }[] }).Statement[0]!.Resource).toBe("arn:aws:ecr:us-west-2:444455556666:repository/*");
  });

  it("a hard-coded Region inside Fn::Sub stays what it is", () => {
    const policy = firstPolicy(withResource({ "Fn::Sub": "arn:aws:ecr:us-east-1:${AWS::AccountId}:repository/*" }));
    expect(policy.statements[0]!.resource!.values[0]).toMatchObject({ value: "arn:aws:ecr:us-east-1:444455556666:repository/*" });
  });

  it("locates the characters of a hard-coded Region written inside Fn::Sub or Fn::Join, and nothing a template computes", () => {
    for (const resource of [
      { "Fn::Sub": "arn:${AWS::Partition}:ecr:us-east-1:${AWS::AccountId}:repository/*" },
      { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":ecr:us-east-1:", { Ref: "AWS::AccountId" }, ":repository/*"]] },
      { "Fn::Join": [":", ["arn", { Ref: "AWS::Partition" }, "ecr", "us-east-1", { Ref: "AWS::AccountId" }, "repository/*"]] },
    ]) {
      const text = JSON.stringify(withResource(resource), null, 2);
      const doc = documents(text, { registry })[0];
      if (doc?.kind !== "registry-policy") throw new Error("no policy");
      const value = doc.policy.statements[0]!.resource!.values[0]!;
      expect(value.value).toBe("arn:aws:ecr:us-east-1:444455556666:repository/*");
      const at = locateInString(value.node, 12, 21)!;
      expect(text.slice(at.range[0], at.range[1])).toBe("us-east-1");
      expect(text.split("\n")[at.loc.start.line - 1]!.slice(at.loc.start.column, at.loc.end.column)).toBe("us-east-1");
      // The account comes from AWS::AccountId: it has no place of its own.
      expect(locateInString(value.node, 22, 34)).toBeUndefined();
    }
  });

  it("${!Literal} keeps an IAM policy variable", () => {
    const policy = firstPolicy(withResource({ "Fn::Sub": "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/${!aws:username}/*" }));
    expect(policy.statements[0]!.resource!.values[0]).toMatchObject({ value: "arn:aws:ecr:us-west-2:444455556666:repository/${aws:username}/*" });
  });

  it.each([
    ["a parameter", { Ref: "RepositoryArn" }, "${RepositoryArn}"],
    ["Fn::GetAtt", { "Fn::GetAtt": ["Repo", "Arn"] }, "${Repo.Arn}"],
    ["Fn::ImportValue", { "Fn::ImportValue": "shared-repo-arn" }, "${Fn.ImportValue}"],
    ["Fn::If", { "Fn::If": ["IsProd", "arn:aws:ecr:us-west-2:444455556666:repository/*", "*"] }, "${Fn.If}"],
    ["a Sub of a parameter", { "Fn::Sub": "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/${Prefix}/*" }, "arn:aws:ecr:us-west-2:444455556666:repository/${Prefix}/*"],
  ])("%s is an unknown value, never guessed", (_name, resource, written) => {
    const policy = firstPolicy(withResource(resource));
    const value = policy.statements[0]!.resource!.values[0]!;
    expect(value).toMatchObject({ value: written, unknown: true });
    expect(isUnknownValue(value.node)).toBe(true);
    expect(policy.statements[0]!.unknown).toBe(true);
    expect(hasUnknownValues(policy)).toBe(true);
    expect(policy.problems).toEqual([]);
  });

  it("pseudo parameters are unknown when the registry is", () => {
    const policy = firstPolicy(withResource({ "Fn::Sub": "arn:aws:ecr:${AWS::Region}:${AWS::AccountId}:repository/*" }), {});
    expect(policy.statements[0]!.resource!.values[0]).toMatchObject({ value: "arn:aws:ecr:${AWS.Region}:${AWS.AccountId}:repository/*", unknown: true });
  });

  it("a statement, a principal or a condition computed by the template is unknown, not malformed", () => {
    const policy = firstPolicy(
      cfnTemplate({
        Policy: {
          Type: "AWS::ECR::RegistryPolicy",
          Properties: {
            PolicyText: {
              Version: "2012-10-17",
              Statement: [
                grant({ Principal: { "Fn::If": ["IsProd", { AWS: "111122223333" }, { Ref: "AWS::NoValue" }] }, Condition: { "Fn::If": ["C", {}, {}] } }),
                { "Fn::If": ["IsProd", grant(), { Ref: "AWS::NoValue" }] },
                grant({ Principal: { AWS: [{ Ref: "SourceAccount" }] }, Action: { Ref: "Actions" } }),
              ],
            },
          },
        },
      }),
    );
    expect(policy.problems).toEqual([]);
    expect(policy.statements.map((s) => [s.index, s.unknown])).toEqual([
      [0, true],
      [2, true],
    ]);
    expect(policy.statements[1]!.principal!.entries[0]!.values[0]).toMatchObject({ value: "${SourceAccount}", unknown: true });
    expect(policy.statements[1]!.action!.values).toMatchObject([{ value: "${Actions}", unknown: true }]);
    expect(policy.unknownParts.length).toBe(5);
  });
});

describe("edits of embedded documents", () => {
  it("are escaped for the host string, and an edit outside the string is refused", () => {
    const text = JSON.stringify({ registryId: "444455556666", policyText: JSON.stringify(registryPolicy) }, null, 2);
    const [doc] = documents(text);
    if (doc?.kind !== "registry-policy") throw new Error("no policy");
    const sid = doc.policy.statements[0]!.sid!;
    const edit = hostEdit(doc, { range: sid.node.range, text: '"Renamed"' })!;
    const fixed = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
    expect(JSON.parse((JSON.parse(fixed) as { policyText: string }).policyText).Statement[0].Sid).toBe("Renamed");
    expect(hostEdit(doc, { range: [0, 1], text: "[" })).toBeUndefined();
  });

  it("of a document written as an object are the host's own", () => {
    const [doc] = documents(cfnTemplate({ P: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: registryPolicy } } }), { registry });
    const edit = { range: [10, 12] as [number, number], text: '"x"' };
    expect(doc && hostEdit(doc, edit)).toBe(edit);
  });
});

describe("what a host keeps per file sits on its tree, hidden, never in a WeakMap that would promote the tree", () => {
  /** The own fields of an object that a walk, a spread or JSON.stringify would see, symbols included. */
  const visibleKeys = (o: object) => Reflect.ownKeys(o).filter((k) => Object.getOwnPropertyDescriptor(o, k)!.enumerable);

  it("an assembled CloudFormation value's pieces, on the expression, set again when read again", () => {
    const resource = { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":ecr:us-east-1:", { Ref: "AWS::AccountId" }, ":repository/*"]] };
    const text = JSON.stringify(cfnTemplate({ Policy: { Type: "AWS::ECR::RegistryPolicy", Properties: { PolicyText: { Statement: [grant({ Resource: resource })] } } } }), null, 2);
    const doc = documents(text, { registry })[0];
    if (doc?.kind !== "registry-policy") throw new Error("no policy");
    const node = doc.policy.statements[0]!.resource!.values[0]!.node;
    const pieces = valuePieces(node)!;
    expect(pieces.map((p) => p.literal && text.slice(p.literal.range[0], p.literal.range[1]))).toContain('":ecr:us-east-1:"');
    expect(visibleKeys(node)).toEqual(["type", "start", "end", "loc", "range", "properties", "parent"]);
    expect(Object.getOwnPropertySymbols({ ...node })).toEqual([]);
    // Read again (a second rule), the value is assembled again and its pieces replace the first ones.
    doc.policy.values.string(node);
    expect(valuePieces(node)).not.toBe(pieces);
    expect(valuePieces(node)).toEqual(pieces);
  });

  it("a YAML or Terraform tree's host strings and blocks, on its Program", async () => {
    await loadTerraformParser();
    const yaml = parseYamlText("Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n");
    const hcl = parseTerraformText('resource "aws_ecr_repository" "app" {\n  name = "app"\n}\n', registry);
    if (!yaml.ok || !hcl.ok) throw new Error("not parsed");
    expect(foreignHost(yaml.ast)?.syntax).toBe("yaml");
    expect(foreignHost(hcl.ast)?.syntax).toBe("hcl");
    expect(terraformBlocksOf(hcl.ast)?.map((b) => `${b.kind}.${b.type}.${b.name}`)).toEqual(["resource.aws_ecr_repository.app"]);
    for (const ast of [yaml.ast, hcl.ast]) expect(visibleKeys(ast).filter((k) => typeof k === "symbol")).toEqual([]);
    const plain = parseJsonText("{}");
    if (!plain.ok) throw new Error("not parsed");
    expect(terraformBlocksOf(plain.ast)).toBeUndefined();
    expect(foreignHost(plain.ast)).toBeUndefined();
  });
});
