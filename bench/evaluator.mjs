// Decisions per second of the compiled evaluator, against a baseline measured in the same run: a plain loop doing
// the string comparisons a hand-written check of the same five statements would do. Run after `npm run build`:
//   node bench/evaluator.mjs [seconds-per-case]
import { readdirSync, readFileSync } from "node:fs";
import { compilePolicy, decide, evaluateRequest, queryPolicy } from "../packages/core/dist/evaluator/index.js";

const onlyInconclusive = process.argv.includes("--inconclusive");
const seconds = Number(process.argv.filter((a) => !a.startsWith("--"))[2] ?? 1);
const REGISTRY = "444455556666";
const policy = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Replication", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/*` },
    { Sid: "PullThroughCache", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/ptc-puller" }, Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"], Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/ecr-public/*` },
    { Sid: "Pull", Effect: "Allow", Principal: { AWS: ["arn:aws:iam::555566667777:root", "arn:aws:iam::888899990000:root"] }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/shared/*`, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } },
    { Sid: "DenyInsecure", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenyOutsideNetwork", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { NotIpAddressIfExists: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"] } } },
  ],
};
const compiled = compilePolicy(policy);

const principals = ["111122223333", "arn:aws:sts::111122223333:assumed-role/ptc-puller/s", "arn:aws:iam::555566667777:role/ci", "arn:aws:iam::999900001111:user/x"];
const actions = ["ecr:ReplicateImage", "ecr:CreateRepository", "ecr:BatchGetImage", "ecr:PutImage"];
const resources = ["app", "ecr-public/nginx", "shared/base", "team/web"].map((n) => `arn:aws:ecr:us-west-2:${REGISTRY}:repository/${n}`);
const contexts = [{ "aws:SecureTransport": "true", "aws:SourceIp": "10.1.2.3", "aws:PrincipalOrgID": "o-abc123" }, { "aws:SecureTransport": "true" }, { "aws:SecureTransport": "false", "aws:SourceIp": "8.8.8.8" }];
const requests = [];
for (let i = 0; i < 256; i++) {
  requests.push({ principal: principals[i % 4], action: actions[(i >> 2) % 4], resource: resources[(i >> 4) % 4], context: contexts[i % 3] });
}

/** A hand-written check of the same statements: what the evaluator is compared with. */
function baseline(r) {
  const ctx = r.context;
  if (ctx["aws:SecureTransport"] === "false") return "explicit-deny";
  const ip = ctx["aws:SourceIp"];
  // NotIpAddressIfExists holds when the key is absent, so the Deny applies then too.
  if (ip === undefined || (!ip.startsWith("10.") && !ip.startsWith("192.168."))) return "explicit-deny";
  const account = r.principal.startsWith("arn:") ? r.principal.split(":")[4] : r.principal;
  const a = r.action.toLowerCase();
  if (account === "111122223333" && (a === "ecr:createrepository" || a === "ecr:replicateimage") && r.resource.startsWith(`arn:aws:ecr:us-west-2:${REGISTRY}:repository/`)) return "allow";
  if (r.principal.includes(":assumed-role/ptc-puller/") && (a === "ecr:createrepository" || a === "ecr:batchimportupstreamimage") && r.resource.startsWith(`arn:aws:ecr:us-west-2:${REGISTRY}:repository/ecr-public/`)) return "allow";
  if ((account === "555566667777" || account === "888899990000") && (a === "ecr:batchgetimage" || a === "ecr:getdownloadurlforlayer") && r.resource.startsWith(`arn:aws:ecr:us-west-2:${REGISTRY}:repository/shared/`) && ctx["aws:PrincipalOrgID"] === "o-abc123") return "allow";
  return "implicit-deny";
}

for (const r of requests) {
  const ours = decide(compiled, r);
  if (ours !== baseline(r)) throw new Error(`baseline disagrees on ${JSON.stringify(r)}: ${ours} vs ${baseline(r)}`);
}

// Best of three runs: the machine may be busy, and the best run is the least disturbed one.
function measure(fn) {
  return Math.max(measureOnce(fn), measureOnce(fn), measureOnce(fn));
}

function measureOnce(fn) {
  for (let i = 0; i < 20_000; i++) fn(requests[i & 255]);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  let sink = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 4096; i++) sink += fn(requests[(n + i) & 255]).length;
    n += 4096;
  }
  if (sink < 0) console.log(sink);
  return n / seconds;
}

if (!onlyInconclusive) {
  const rows = [
    ["baseline: hand-written string checks", measure(baseline)],
    ["decide(compiled, request)", measure((r) => decide(compiled, r))],
    ["evaluateRequest(compiled, request) with trace", measure((r) => evaluateRequest(compiled, r).decision)],
  ];
  const base = rows[0][1];
  const queryStart = performance.now();
  let queries = 0;
  while (performance.now() - queryStart < seconds * 1000) {
    queryPolicy(compiled, { action: actions[queries % 4], context: contexts[0] });
    queries++;
  }
  const qps = queries / ((performance.now() - queryStart) / 1000);

  const fmt = (n) => Math.round(n).toLocaleString("en-US").padStart(12);
  console.log(`5-statement policy, ${requests.length} distinct requests, ${seconds}s per case, node ${process.version}`);
  console.log(`${"case".padEnd(48)} ${"decisions/s".padStart(12)}  ratio to baseline`);
  for (const [name, rate] of rows) console.log(`${name.padEnd(48)} ${fmt(rate)}  ${(rate / base).toFixed(2)}`);
  console.log(`${"queryPolicy(principal and resource left out)".padEnd(48)} ${fmt(qps)}  (queries/s)`);
}

/**
 * How often a quantified question comes back inconclusive, on the registry policies under bench/policies (written
 * after real ones: replication, pull through cache, organization pulls, team prefixes, CI roles, break-glass…):
 * every question "some principal / this principal, some repository, any context: is the action allowed?".
 */
function inconclusiveRate() {
  const dir = new URL("./policies/", import.meta.url);
  const registry = { source: "config", account: REGISTRY, region: "us-west-2", partition: "aws" };
  const askedActions = [
    "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:DeleteRepository",
    "ecr:BatchDeleteImage", "ecr:CreateRepository", "ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:TagResource",
    "ecr:SetRepositoryPolicy", "ecr:DescribeImages", "ecr:PutLifecyclePolicy", "ecr:StartImageScan", "ecr:GetAuthorizationToken", "ecr:PutRegistryPolicy", "ecr:ListImages",
  ];
  const askedPrincipals = [undefined, REGISTRY, `arn:aws:iam::${REGISTRY}:role/ci-build`, `arn:aws:sts::${REGISTRY}:assumed-role/platform/deploy`, "111122223333"];
  let asked = 0;
  let inconclusive = 0;
  const reasons = new Map();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const compiled = compilePolicy(readFileSync(new URL(file, dir), "utf8"), { registry });
    for (const action of askedActions) {
      for (const principal of askedPrincipals) {
        const result = queryPolicy(compiled, { action, anyContext: true, ...(principal ? { principal } : {}) });
        asked++;
        if (result.status === "inconclusive") {
          inconclusive++;
          const key = `${file}: ${result.reason}`;
          reasons.set(key, (reasons.get(key) ?? 0) + 1);
        }
      }
    }
  }
  return { asked, inconclusive, reasons };
}

const rate = inconclusiveRate();
console.log(`${"queryPolicy anyContext on bench/policies".padEnd(48)} ${`${rate.inconclusive}/${rate.asked}`.padStart(12)}  inconclusive (${((100 * rate.inconclusive) / rate.asked).toFixed(1)}%)`);
if (process.env.BENCH_REASONS) for (const [reason, n] of rate.reasons) console.log(`  ${n} × ${reason}`);
