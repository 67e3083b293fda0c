// A seeded generator of monorepo-like trees for the benchmark: ECR policy files of realistic shapes (registry and
// repository policies, replication configurations, pull-through-cache rules, creation templates, CLI output,
// CloudFormation) mixed with the JSON, YAML and source files a monorepo keeps, at a chosen share.
//
//   node bench/generate-tree.mjs <dir> [--files 10000] [--policy-share 0.5] [--seed 1] [--iac-share 0]
//
// The same options always write the same tree, byte for byte: the only source of variation is the seeded PRNG.
// `--iac-share` (off by default) turns that share of the files into Terraform (`.tf`) and CloudFormation YAML
// templates, with and without ECR resources, for runners that read them.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** mulberry32: small, fast, and well enough mixed for picking shapes. Returns floats in [0, 1). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const ACCOUNTS = ["111122223333", "444455556666", "777788889999", "222233334444"];
const REGIONS = ["us-west-2", "us-east-1", "eu-west-1", "ap-southeast-2"];
const ORG_ID = "o-a1b2c3d4e5";
const PARTNERS = ["555566667777", "888899990000", "123456789012"];
const TEAMS = ["payments", "search", "identity", "checkout", "ml", "data", "web", "mobile", "platform", "observability", "billing", "growth"];
const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];
const PUSH = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", ...PULL];
const READ = ["ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:GetRepositoryPolicy", "ecr:DescribeImageScanFindings"];
const ADMIN = ["ecr:DeleteRepository", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:PutLifecyclePolicy"];
/** The accounts a registry of this account takes replicated images from (its config's `replicationSources`). */
const replicationSources = (account) => ACCOUNTS.filter((a) => a !== account).slice(0, 2);
/** A VPC or VPC endpoint id: the prefix and 17 hexadecimal digits. */
const resourceId = (p, prefix) => `${prefix}-0${Array.from({ length: 16 }, () => "0123456789abcdef"[p.int(16)]).join("")}`;
const UPSTREAMS = [
  { prefix: "ecr-public", url: "public.ecr.aws" },
  { prefix: "docker-hub", url: "registry-1.docker.io" },
  { prefix: "quay", url: "quay.io" },
  { prefix: "ghcr", url: "ghcr.io" },
  { prefix: "k8s", url: "registry.k8s.io" },
];

/** The ECR kinds the generator writes, with their weights among policy files. */
const POLICY_SHAPES = [
  ["registry-policy", 30],
  ["repository-policy", 35],
  ["replication-configuration", 8],
  ["pull-through-cache-rule", 6],
  ["creation-template", 6],
  ["cli-output", 7],
  ["cloudformation-json", 8],
];

/** The files a monorepo keeps besides policies, with their weights. */
const OTHER_SHAPES = [
  ["package-json", 14],
  ["tsconfig", 10],
  ["source-ts", 22],
  ["data-json", 10],
  ["locale-json", 6],
  ["s3-bucket-policy", 3],
  ["identity-policy", 3],
  ["openapi-json", 3],
  ["renovate-json", 2],
  ["workflow-yaml", 5],
  ["compose-yaml", 3],
  ["markdown", 10],
  ["dockerfile", 6],
  ["jsonc-settings", 3],
];

const IAC_SHAPES = [
  ["tf-registry-policy", 3],
  ["tf-replication", 2],
  ["tf-repository-policy", 3],
  ["cfn-yaml-registry-policy", 2],
  ["cfn-yaml-repository", 2],
];
const IAC_OTHER_SHAPES = [
  ["tf-other", 3],
  ["cfn-yaml-other", 1],
];

function picker(random) {
  const int = (n) => Math.floor(random() * n);
  const pick = (list) => list[int(list.length)];
  const chance = (p) => random() < p;
  const weighted = (pairs) => {
    const total = pairs.reduce((n, [, w]) => n + w, 0);
    let r = random() * total;
    for (const [value, w] of pairs) if ((r -= w) < 0) return value;
    return pairs.at(-1)[0];
  };
  const subset = (list, min, max) => {
    const n = Math.min(list.length, min + int(max - min + 1));
    const copy = [...list];
    const out = [];
    for (let i = 0; i < n; i++) out.push(copy.splice(int(copy.length), 1)[0]);
    return out;
  };
  return { int, pick, chance, weighted, subset };
}

/**
 * Statements per policy: 1 to 20, most policies short (a quarter have one or two statements, a tenth have more
 * than twelve), as registry and repository policies are in practice.
 */
function statementCount(p) {
  return 1 + Math.floor(19 * Math.pow(p.int(1000) / 1000, 2.2));
}

/** One statement of a registry or repository policy, drawn from the shapes real ones take. */
function statement(p, ctx, index, { repositoryPolicy }) {
  const { account, region } = ctx;
  const repo = (name, r = region, a = account) => `arn:aws:ecr:${r}:${a}:repository/${name}`;
  const team = p.pick(TEAMS);
  const role = (a, name) => `arn:aws:iam::${a}:role/${name}`;
  const one = (list) => (list.length === 1 ? list[0] : list);
  const withResource = (s, resource) => (repositoryPolicy ? s : { ...s, Resource: resource });
  const shape = p.weighted([
    ["replication", repositoryPolicy ? 0 : 3],
    ["ptc", repositoryPolicy ? 0 : 2],
    ["org-pull", 4],
    ["team-push", 5],
    ["ci-roles", 4],
    ["partner-pull", 3],
    ["tag-governance", 2],
    ["deny-insecure", 2],
    ["deny-network", 2],
    ["break-glass", 1],
    ["service", 2],
    ["lambda", 1],
    ["mfa-timed", 1],
  ]);
  const sid = `${shape.replace(/(^|-)(\w)/g, (_, _d, c) => c.toUpperCase())}${index}`;
  switch (shape) {
    case "replication": {
      const source = p.pick(ACCOUNTS.filter((a) => a !== account));
      return withResource({ Sid: sid, Effect: "Allow", Principal: { AWS: p.chance(0.5) ? `arn:aws:iam::${source}:root` : source }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"] }, repo(p.chance(0.7) ? "*" : `${team}/*`));
    }
    case "ptc": {
      const upstream = p.pick(UPSTREAMS);
      return withResource({ Sid: sid, Effect: "Allow", Principal: { AWS: role(account, `${team}-ptc`) }, Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"] }, repo(`${upstream.prefix}/*`));
    }
    case "org-pull":
      return withResource(
        { Sid: sid, Effect: "Allow", Principal: "*", Action: PULL, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID }, ...(p.chance(0.3) ? { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": [`${ORG_ID}/r-ab12/ou-ab12-${team}/*`] } } : {}) } },
        repo(p.chance(0.5) ? "shared/*" : `${team}/*`),
      );
    case "team-push":
      return withResource(
        {
          Sid: sid,
          Effect: "Allow",
          Principal: { AWS: one(p.subset([role(account, `${team}-ci`), role(account, `${team}-deploy`), role(account, `${team}-dev`)], 1, 3)) },
          Action: p.chance(0.2) ? "ecr:*" : PUSH,
          ...(p.chance(0.4) ? { Condition: { StringEquals: { "aws:SourceVpc": resourceId(p, "vpc") } } } : {}),
        },
        repo(`${team}/*`),
      );
    case "ci-roles":
      return withResource(
        {
          Sid: sid,
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: PUSH,
          Condition: { ArnLike: { "aws:PrincipalArn": [`arn:aws:iam::${account}:role/ci-*`, `arn:aws:iam::${account}:role/github-actions-${team}-*`] } },
        },
        repo(`${team}/*`),
      );
    case "partner-pull":
      return withResource(
        { Sid: sid, Effect: "Allow", Principal: { AWS: one(p.subset(PARTNERS, 1, 3).map((a) => (p.chance(0.5) ? a : `arn:aws:iam::${a}:root`))) }, Action: [...PULL, ...p.subset(READ, 0, 2)] },
        repo(`partners/${team}/*`),
      );
    case "tag-governance":
      return withResource(
        {
          Sid: sid,
          Effect: "Deny",
          Principal: "*",
          Action: ["ecr:TagResource", "ecr:UntagResource"],
          Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["owner", "cost-center"] }, StringNotEquals: { "aws:PrincipalTag/team": "platform" } },
        },
        repo("*"),
      );
    case "deny-insecure":
      return withResource({ Sid: sid, Effect: "Deny", Principal: "*", Action: "ecr:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }, "*");
    case "deny-network":
      return withResource(
        // Outside the office's public ranges and not through the endpoint: both conditions must hold for the Deny.
        { Sid: sid, Effect: "Deny", Principal: "*", Action: p.chance(0.5) ? "ecr:*" : PUSH, Condition: { NotIpAddressIfExists: { "aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"] }, StringNotEqualsIfExists: { "aws:SourceVpce": resourceId(p, "vpce") } } },
        "*",
      );
    case "break-glass":
      return withResource({ Sid: sid, Effect: "Allow", Principal: { AWS: role(account, "break-glass") }, Action: [...ADMIN, ...PUSH], Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }, repo("*"));
    case "service":
      return withResource(
        { Sid: sid, Effect: "Allow", Principal: { Service: p.pick(["codebuild.amazonaws.com", "ecs-tasks.amazonaws.com", "sagemaker.amazonaws.com"]) }, Action: PULL, Condition: { StringEquals: { "aws:SourceAccount": account } } },
        repo(`${team}/*`),
      );
    case "lambda":
      return withResource(
        { Sid: sid, Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Condition: { StringLike: { "aws:sourceARN": `arn:aws:lambda:${region}:${account}:function:${team}-*` } } },
        repo(`${team}/lambda-*`),
      );
    default:
      return withResource(
        {
          Sid: sid,
          Effect: "Allow",
          Principal: { AWS: role(account, `${team}-oncall`) },
          Action: [...ADMIN.slice(0, 2), ...PULL],
          Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" }, NumericLessThan: { "aws:MultiFactorAuthAge": "3600" }, DateLessThan: { "aws:CurrentTime": "2027-12-31T23:59:59Z" } },
        },
        repo(`${team}/*`),
      );
  }
}

/**
 * Mistakes people make, one per defective policy: a Region or account that is not the registry's, a repeated Sid,
 * a misspelled action, a public grant, a replication grant without ecr:ReplicateImage, an unknown condition key, a
 * repository policy with a Resource.
 */
function addDefect(p, policy, ctx, repositoryPolicy) {
  const s = policy.Statement;
  const first = s[0];
  const defect = p.pick(["region", "duplicate-sid", "action-typo", "public", "replication-half", "condition-key", "resource-in-repo-policy", "old-version"]);
  switch (defect) {
    case "region":
      if (!repositoryPolicy) first.Resource = `arn:aws:ecr:${REGIONS.find((r) => r !== ctx.region)}:${ctx.account}:repository/*`;
      break;
    case "duplicate-sid":
      if (s.length > 1) s[1].Sid = first.Sid;
      else s.push({ ...first });
      break;
    case "action-typo":
      first.Action = ["ecr:BatchGetImages", "ecr:GetDownloadUrlForLayers"];
      break;
    case "public":
      s.push({ Sid: "Public", Effect: "Allow", Principal: "*", Action: PULL, ...(repositoryPolicy ? {} : { Resource: `arn:aws:ecr:${ctx.region}:${ctx.account}:repository/*` }) });
      break;
    case "replication-half":
      s.push({ Sid: "ReplicationHalf", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNTS.find((a) => a !== ctx.account)}:root` }, Action: ["ecr:CreateRepository"], ...(repositoryPolicy ? {} : { Resource: `arn:aws:ecr:${ctx.region}:${ctx.account}:repository/*` }) });
      break;
    case "condition-key":
      first.Condition = { StringEquals: { "aws:PrincipalOrgId ": ORG_ID } };
      break;
    case "resource-in-repo-policy":
      if (repositoryPolicy) first.Resource = `arn:aws:ecr:${ctx.region}:${ctx.account}:repository/*`;
      break;
    default:
      policy.Version = "2008-10-17";
  }
  return defect;
}

function policyDocument(p, ctx, { repositoryPolicy, defective }) {
  const n = statementCount(p);
  const policy = { Version: "2012-10-17", Statement: Array.from({ length: n }, (_, i) => statement(p, ctx, i + 1, { repositoryPolicy })) };
  // Most registry policies exist for replication: they grant the registry's replication sources first.
  if (!repositoryPolicy && p.chance(0.85)) {
    policy.Statement.unshift({
      Sid: "ReplicationAccessCrossAccount",
      Effect: "Allow",
      Principal: { AWS: replicationSources(ctx.account).map((a) => `arn:aws:iam::${a}:root`) },
      Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
      Resource: `arn:aws:ecr:${ctx.region}:${ctx.account}:repository/*`,
    });
  }
  if (defective) addDefect(p, policy, ctx, repositoryPolicy);
  return policy;
}

/**
 * A registry (or repository) policy of exactly `statements` statements in the shapes the trees hold, without
 * defects, for the evaluator's benchmark. Deterministic for a seed.
 */
export function samplePolicy({ seed = 1, statements, repositoryPolicy = false, account = ACCOUNTS[1], region = REGIONS[0] }) {
  const p = picker(rng(seed));
  const ctx = { account, region };
  return { Version: "2012-10-17", Statement: Array.from({ length: statements }, (_, i) => statement(p, ctx, i + 1, { repositoryPolicy })) };
}

/** The accounts, Regions, teams and action groups the trees use, for requests against their policies. */
export const VOCABULARY = { ACCOUNTS, REGIONS, TEAMS, PARTNERS, ORG_ID, PULL, PUSH, READ, ADMIN, UPSTREAMS };

/** JSON as people and tools write it: two-space indent mostly, some minified, some four-space. */
function json(p, value) {
  const style = p.int(10);
  return `${style === 0 ? JSON.stringify(value) : JSON.stringify(value, null, style === 1 ? 4 : 2)}\n`;
}

function replicationConfiguration(p, ctx) {
  const rules = Array.from({ length: 1 + p.int(3) }, () => ({
    // Cross-Region within the account, or to an account whose registries take this one's images.
    destinations: p.subset(REGIONS.filter((r) => r !== ctx.region), 1, 2).map((region) => ({ region, registryId: p.chance(0.6) ? ctx.account : p.pick(ACCOUNTS.filter((a) => replicationSources(a).includes(ctx.account))) })),
    ...(p.chance(0.7) ? { repositoryFilters: [{ filter: `${p.pick(TEAMS)}-`, filterType: "PREFIX_MATCH" }] } : {}),
  }));
  return p.chance(0.3) ? { replicationConfiguration: { rules } } : { rules };
}

/** Writes one ECR file of the given shape; returns its path relative to the tree and its text. */
function policyFile(p, shape, ctx, defective) {
  const dir = `infra/${ctx.account}/${ctx.region}/${ctx.folder}`;
  switch (shape) {
    case "registry-policy":
      return [`${dir}/${p.chance(0.8) ? "registry-policy.json" : `${p.pick(["prod", "shared", "ci"])}.registry-policy.json`}`, json(p, policyDocument(p, ctx, { repositoryPolicy: false, defective }))];
    case "repository-policy":
      return [`${dir}/${p.pick(["repository-policy.json", "repo-policy.json", `${p.pick(TEAMS)}.repository-policy.json`])}`, json(p, policyDocument(p, ctx, { repositoryPolicy: true, defective }))];
    case "replication-configuration":
      return [`${dir}/replication-configuration.json`, json(p, replicationConfiguration(p, ctx))];
    case "pull-through-cache-rule": {
      const rules = p.subset(UPSTREAMS, 1, 3).map((u) => ({ ecrRepositoryPrefix: defective && p.chance(0.5) ? `${u.prefix}/` : u.prefix, upstreamRegistryUrl: u.url, ...(u.prefix === "docker-hub" ? { credentialArn: `arn:aws:secretsmanager:${ctx.region}:${ctx.account}:secret:ecr-pullthroughcache/docker-hub-AbCdEf` } : {}) }));
      return [`${dir}/pull-through-cache-rule${rules.length > 1 ? "s" : ""}.json`, json(p, rules.length > 1 ? { pullThroughCacheRules: rules } : rules[0])];
    }
    case "creation-template": {
      const upstream = p.pick(UPSTREAMS);
      const template = {
        prefix: p.chance(0.7) ? upstream.prefix : "ROOT",
        description: `${upstream.url} pull through cache`,
        appliedFor: p.chance(0.5) ? ["PULL_THROUGH_CACHE"] : ["PULL_THROUGH_CACHE", "REPLICATION"],
        imageTagMutability: "IMMUTABLE",
        repositoryPolicy: JSON.stringify(policyDocument(p, ctx, { repositoryPolicy: true, defective })),
        lifecyclePolicy: JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } }] }),
      };
      return [`${dir}/creation-template-${upstream.prefix}.json`, json(p, template)];
    }
    case "cli-output": {
      const repositoryPolicy = p.chance(0.5);
      const body = { registryId: ctx.account, ...(repositoryPolicy ? { repositoryName: `${p.pick(TEAMS)}/api` } : {}), policyText: JSON.stringify(policyDocument(p, ctx, { repositoryPolicy, defective }), null, 2) };
      return [`${dir}/${repositoryPolicy ? "get-repository-policy" : "get-registry-policy"}.json`, json(p, body)];
    }
    default: {
      const team = p.pick(TEAMS);
      const template = {
        AWSTemplateFormatVersion: "2010-09-09",
        Description: `ECR repositories of ${team}`,
        Resources: Object.fromEntries(
          Array.from({ length: 1 + p.int(3) }, (_, i) => [
            `Repo${i}`,
            {
              Type: "AWS::ECR::Repository",
              Properties: { RepositoryName: `${team}/svc-${i}`, ImageScanningConfiguration: { ScanOnPush: true }, RepositoryPolicyText: policyDocument(p, ctx, { repositoryPolicy: true, defective: defective && i === 0 }) },
            },
          ]),
        ),
      };
      return [`${dir}/${team}-ecr.template.json`, json(p, template)];
    }
  }
}

/** Terraform and CloudFormation YAML, with ECR resources (a policy each) or without. */
function iacFile(p, shape, ctx, defective) {
  const dir = `infra/${ctx.account}/${ctx.region}/${ctx.folder}`;
  const hcl = (value, indent) => JSON.stringify(value, null, 2).replace(/\n/g, `\n${" ".repeat(indent)}`).replace(/"([^"]+)": /g, (_, key) => `${/^[A-Za-z]\w*$/.test(key) ? key : `"${key}"`} = `);
  const awsVars = (s) => s.replaceAll(`:${ctx.region}:${ctx.account}:`, ":${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:");
  const dataBlocks = `data "aws_caller_identity" "current" {}\ndata "aws_region" "current" {}\n`;
  switch (shape) {
    case "tf-registry-policy":
      return [`${dir}/ecr-registry.tf`, `${dataBlocks}\nresource "aws_ecr_registry_policy" "this" {\n  policy = jsonencode(${awsVars(hcl(policyDocument(p, ctx, { repositoryPolicy: false, defective }), 2))})\n}\n`];
    case "tf-repository-policy": {
      const team = p.pick(TEAMS);
      return [
        `${dir}/ecr-${team}.tf`,
        `resource "aws_ecr_repository" "${team}" {\n  name                 = "${team}/api"\n  image_tag_mutability = "IMMUTABLE"\n\n  image_scanning_configuration {\n    scan_on_push = true\n  }\n}\n\nresource "aws_ecr_repository_policy" "${team}" {\n  repository = aws_ecr_repository.${team}.name\n  policy = jsonencode(${hcl(policyDocument(p, ctx, { repositoryPolicy: true, defective }), 2)})\n}\n`,
      ];
    }
    case "tf-replication": {
      const rules = replicationConfiguration(p, ctx);
      const list = rules.rules ?? rules.replicationConfiguration.rules;
      const blocks = list
        .map(
          (r) =>
            `    rule {\n${r.destinations.map((d) => `      destination {\n        region      = "${d.region}"\n        registry_id = "${d.registryId}"\n      }\n`).join("")}${(r.repositoryFilters ?? []).map((f) => `      repository_filter {\n        filter      = "${f.filter}"\n        filter_type = "${f.filterType}"\n      }\n`).join("")}    }\n`,
        )
        .join("");
      return [`${dir}/ecr-replication.tf`, `resource "aws_ecr_replication_configuration" "this" {\n  replication_configuration {\n${blocks}  }\n}\n`];
    }
    case "cfn-yaml-registry-policy":
      return [`${dir}/registry-policy.yaml`, `AWSTemplateFormatVersion: "2010-09-09"\nDescription: ECR registry policy\nResources:\n  RegistryPolicy:\n    Type: AWS::ECR::RegistryPolicy\n    Properties:\n      PolicyText:\n${yaml(policyDocument(p, ctx, { repositoryPolicy: false, defective }), 8)}`];
    case "cfn-yaml-repository": {
      const team = p.pick(TEAMS);
      return [
        `${dir}/${team}-ecr.yaml`,
        `AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  Team:\n    Type: String\n    Default: ${team}\nResources:\n  Repository:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: !Sub "\${Team}/api"\n      RepositoryPolicyText:\n${yaml(policyDocument(p, ctx, { repositoryPolicy: true, defective }), 8)}`,
      ];
    }
    case "tf-other": {
      const team = p.pick(TEAMS);
      return [`${dir}/${team}-bucket.tf`, `variable "environment" {\n  type = string\n}\n\nresource "aws_s3_bucket" "${team}" {\n  bucket = "${team}-\${var.environment}-artifacts"\n  tags   = { team = "${team}" }\n}\n`];
    }
    default:
      return [`${dir}/queue.yaml`, `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n`];
  }
}

/** A plain value as block YAML at the given indent (strings quoted, so ARNs and "*" stay strings). */
export function yaml(value, indent) {
  const pad = " ".repeat(indent);
  // A mapping in a sequence starts on the dash's line, as people write it (`- Sid: Pull`).
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" && v !== null ? `${pad}- ${yaml(v, indent + 2).slice(indent + 2)}` : `${pad}- ${JSON.stringify(v)}\n`)).join("");
  return Object.entries(value)
    .map(([k, v]) => {
      const key = /^[A-Za-z][\w-]*$/.test(k) ? k : JSON.stringify(k);
      return typeof v === "object" && v !== null ? `${pad}${key}:\n${yaml(v, indent + 2)}` : `${pad}${key}: ${JSON.stringify(v)}\n`;
    })
    .join("");
}

/** A file that is not ours: the bulk of a monorepo, some of it JSON that looks a little like a policy. */
function otherFile(p, shape, n) {
  const pkg = `packages/group-${n % 40}/pkg-${Math.floor(n / 7)}`;
  const team = p.pick(TEAMS);
  switch (shape) {
    case "package-json": {
      const deps = Object.fromEntries(Array.from({ length: 3 + p.int(25) }, (_, k) => [`dep-${k}-${p.int(97)}`, `^${p.int(9)}.${p.int(20)}.${p.int(10)}`]));
      return [`${pkg}/package.json`, json(p, { name: `@bench/pkg-${n}`, version: "1.0.0", private: true, type: "module", scripts: { build: "tsc -b", test: "vitest run", lint: "eslint ." }, dependencies: deps, devDependencies: { typescript: "6.0.3", vitest: "4.1.12" } })];
    }
    case "tsconfig":
      return [`${pkg}/tsconfig.json`, `{\n  // generated for the benchmark\n  "extends": "../../../tsconfig.base.json",\n  "compilerOptions": { "outDir": "dist", "rootDir": "src", "composite": true },\n  "include": ["src"],\n}\n`];
    case "source-ts":
      return [`${pkg}/src/module-${n}.ts`, `import { readFile } from "node:fs/promises";\n\n/** Loads the ${team} settings. */\nexport async function load${n}(path: string): Promise<unknown> {\n  const text = await readFile(path, "utf8");\n  return JSON.parse(text) as unknown;\n}\n`.repeat(1 + p.int(4))];
    case "data-json":
      return [`${pkg}/fixtures/data-${n}.json`, json(p, { items: Array.from({ length: 5 + p.int(80) }, (_, k) => ({ id: k, label: `item ${k}`, enabled: p.chance(0.5), score: p.int(1000) / 10 })) })];
    case "locale-json":
      return [`${pkg}/locales/${p.pick(["en", "de", "fr", "ja", "pt-BR"])}-${n}.json`, json(p, Object.fromEntries(Array.from({ length: 10 + p.int(60) }, (_, k) => [`${team}.message${k}`, `Message number ${k} for ${team}`])))];
    case "s3-bucket-policy":
      // Has a "Statement": passes the marker test, is parsed, and is then recognised as not ours.
      return [`${pkg}/policies/bucket-policy-${n}.json`, json(p, { Version: "2012-10-17", Statement: [{ Sid: "ReadOnly", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${p.pick(ACCOUNTS)}:root` }, Action: ["s3:GetObject", "s3:ListBucket"], Resource: [`arn:aws:s3:::${team}-assets`, `arn:aws:s3:::${team}-assets/*`] }] })];
    case "identity-policy":
      return [`${pkg}/iam/ci-role-policy-${n}.json`, json(p, { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }, { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: `arn:aws:sqs:us-west-2:${p.pick(ACCOUNTS)}:${team}-queue` }] })];
    case "openapi-json":
      return [`${pkg}/openapi-${n}.json`, json(p, { openapi: "3.1.0", info: { title: `${team} API`, version: "1.0.0" }, paths: Object.fromEntries(Array.from({ length: 3 + p.int(15) }, (_, k) => [`/v1/${team}/${k}`, { get: { operationId: `get${k}`, responses: { 200: { description: "OK" } } } }])) })];
    case "renovate-json":
      return [`${pkg}/renovate.json`, json(p, { $schema: "https://docs.renovatebot.com/renovate-schema.json", extends: ["config:recommended"], packageRules: [{ matchPackagePatterns: ["^@bench/"], groupName: "internal" }] })];
    case "workflow-yaml":
      return [`.github/workflows/${team}-${n}.yml`, `name: ${team}\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test\n`];
    case "compose-yaml":
      return [`${pkg}/docker-compose.yml`, `services:\n  app:\n    image: 444455556666.dkr.ecr.us-west-2.amazonaws.com/${team}/api:latest\n    ports:\n      - "8080:8080"\n`];
    case "markdown":
      return [`${pkg}/README-${n}.md`, `# ${team} package ${n}\n\nBuild with \`npm run build\`. Images are pushed to ECR by CI.\n`];
    case "dockerfile":
      return [`${pkg}/Dockerfile.${n}`, `FROM public.ecr.aws/docker/library/node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nCMD ["node", "dist/index.js"]\n`];
    default:
      return [`${pkg}/.vscode/settings-${n}.jsonc`, `{\n  // editor settings\n  "editor.formatOnSave": true,\n  "files.exclude": { "dist": true },\n}\n`];
  }
}

/**
 * Writes a tree of exactly `files` files (plus .ecrlintrc.json, eslint.config.mjs and .gitignore at its root) into
 * `dir`, replacing what is there. `policyShare` (0 to 1) of them are ECR files; `iacShare` of them (0 by default) are
 * Terraform or CloudFormation YAML, holding ECR resources in the same proportion. Returns what it wrote:
 * `{ files, policies, byShape, policyFiles, defective }`, `policyFiles` being relative paths.
 */
export function generateTree({ dir, files = 1000, policyShare = 0.5, seed = 1, iacShare = 0, git = true }) {
  if (!(files > 0) || !(policyShare >= 0 && policyShare <= 1) || !(iacShare >= 0 && iacShare <= 1)) throw new Error(`bad tree options: files ${files}, policy share ${policyShare}, iac share ${iacShare}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const random = rng(seed);
  const p = picker(random);
  const registries = [];
  for (const account of ACCOUNTS) {
    for (const region of REGIONS) {
      registries.push({ files: [`infra/${account}/${region}/**`], account, region, replicationSources: replicationSources(account), pullThroughCachePrefixes: UPSTREAMS.map((u) => u.prefix) });
    }
  }
  writeFileSync(join(dir, ".ecrlintrc.json"), `${JSON.stringify({ registries, trustedAccounts: ACCOUNTS }, null, 2)}\n`);
  writeFileSync(join(dir, ".gitignore"), "dist/\n.ecrlintcache\n");
  writeFileSync(join(dir, "eslint.config.mjs"), `import plugin from "@ecrlint/eslint-plugin";\n\nexport default [{ ignores: ["dist/**"] }, ...plugin.configs.recommended];\n`);

  const policies = Math.round(files * policyShare);
  const iacPolicies = Math.round(policies * iacShare);
  const iacOthers = Math.round((files - policies) * iacShare);
  const plan = [
    ...Array.from({ length: policies - iacPolicies }, () => ["policy", false]),
    ...Array.from({ length: iacPolicies }, () => ["policy", true]),
    ...Array.from({ length: files - policies - iacOthers }, () => ["other", false]),
    ...Array.from({ length: iacOthers }, () => ["other", true]),
  ];
  // Interleaved, so that policies sit among other files as in a real tree rather than all first.
  for (let i = plan.length - 1; i > 0; i--) {
    const j = p.int(i + 1);
    [plan[i], plan[j]] = [plan[j], plan[i]];
  }
  const written = new Set();
  const byShape = {};
  const policyFiles = [];
  let defective = 0;
  let folder = 0;
  const ctx = { account: ACCOUNTS[0], region: REGIONS[0], folder: "" };
  plan.forEach(([role, iac], n) => {
    let path;
    let text;
    let shape;
    if (role === "policy") {
      // A new folder every few files: each holds a team's or service's ECR files, as in a monorepo.
      if (ctx.folder === "" || p.chance(0.3)) {
        ctx.account = p.pick(ACCOUNTS);
        ctx.region = p.pick(REGIONS);
        ctx.folder = `${p.chance(0.5) ? "teams" : "services"}/${p.pick(TEAMS)}-${folder++}`;
      }
      const isDefective = p.chance(0.12);
      shape = p.weighted(iac ? IAC_SHAPES : POLICY_SHAPES);
      [path, text] = iac ? iacFile(p, shape, ctx, isDefective) : policyFile(p, shape, ctx, isDefective);
      // Two files of one name in a folder: the second goes to a folder of its own.
      while (written.has(path)) path = path.replace(/\/([^/]+)$/, `/${folder++}/$1`);
      if (isDefective) defective++;
      policyFiles.push(path);
    } else {
      shape = p.weighted(iac ? IAC_OTHER_SHAPES : OTHER_SHAPES);
      [path, text] = iac ? iacFile(p, shape, { ...ctx, folder: `stacks/${n}` }, false) : otherFile(p, shape, n);
      while (written.has(path)) path = path.replace(/\/([^/]+)$/, `/${n}/$1`);
    }
    written.add(path);
    byShape[shape] = (byShape[shape] ?? 0) + 1;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  });
  // A repository of its own, so that the runner's .gitignore handling stops here and not at ecrlint's own root.
  if (git) execFileSync("git", ["init", "-q"], { cwd: dir });
  return { files: written.size, policies: policyFiles.length, byShape, policyFiles, defective };
}

/** `1k`, `10k`, `50k`, `2500` → a number of files. */
export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)(k?)$/i.exec(String(text).trim());
  if (!m) throw new Error(`bad size "${text}": expected a number of files such as 1000, 1k or 50k`);
  return Math.round(Number(m[1]) * (m[2] ? 1000 : 1));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const dir = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
  if (!dir) {
    process.stderr.write("usage: node bench/generate-tree.mjs <dir> [--files 10k] [--policy-share 0.5] [--seed 1] [--iac-share 0]\n");
    process.exit(2);
  }
  const result = generateTree({ dir, files: parseSize(option("files", "1k")), policyShare: Number(option("policy-share", "0.5")), seed: Number(option("seed", "1")), iacShare: Number(option("iac-share", "0")) });
  process.stdout.write(`${result.files} files, ${result.policies} ECR files (${result.defective} with a defect) in ${dir}\n${JSON.stringify(result.byShape)}\n`);
}
