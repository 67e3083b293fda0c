// Decisions per second of the compiled evaluator, against a baseline measured in the same run (a plain loop doing
// the string comparisons a hand-written check of the same five statements would do) and against
// @cloud-copilot/iam-simulate on the same requests to policies of 1, 5 and 50 statements, with the decisions of
// both compared; how often quantified queries come back inconclusive on realistic policies (the access review of a
// change is bench/diff.mjs). Run after `npm run build`:
//   node bench/evaluator.mjs [seconds-per-case] [--json] [--inconclusive]
// --json prints one JSON object instead of the tables (what bench/run.mjs reads for bench/results.md).
import { readdirSync, readFileSync } from "node:fs";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { parseArn } from "../packages/core/dist/arn.js";
import { compilePolicy, decide, DEFAULT_CURRENT_TIME, evaluateRequest, parseCaller, queryPolicy } from "../packages/core/dist/evaluator/index.js";
import { samplePolicy, VOCABULARY } from "./generate-tree.mjs";

const onlyInconclusive = process.argv.includes("--inconclusive");
const asJson = process.argv.includes("--json");
const out = { node: process.version };
const print = (line) => {
  if (!asJson) console.log(line);
};
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
function measure(fn, list = requests) {
  return Math.max(measureOnce(fn, list), measureOnce(fn, list), measureOnce(fn, list));
}

function measureOnce(fn, list) {
  for (let i = 0; i < 2_000; i++) fn(list[i % list.length]);
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let sink = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 256; i++) sink += fn(list[(n + i) % list.length]).length;
    n += 256;
  }
  if (sink < 0) console.log(sink);
  return n / ((performance.now() - start) / 1000);
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
  out.baseline = { statements: 5, requests: requests.length, rows: rows.map(([name, rate]) => ({ name, rate })), queriesPerSecond: qps };
  print(`5-statement policy, ${requests.length} distinct requests, ${seconds}s per case, node ${process.version}`);
  print(`${"case".padEnd(48)} ${"decisions/s".padStart(12)}  ratio to baseline`);
  for (const [name, rate] of rows) print(`${name.padEnd(48)} ${fmt(rate)}  ${(rate / base).toFixed(2)}`);
  print(`${"queryPolicy(principal and resource left out)".padEnd(48)} ${fmt(qps)}  (queries/s)`);
}

/**
 * Requests against the generated policies (bench/generate-tree.mjs): callers of the registry's account, its
 * partners, the replication sources, strangers and services; the actions those policies name; repositories under
 * the teams' prefixes; contexts with and without the keys their conditions read.
 */
function simulatorRequests() {
  const { ACCOUNTS, PARTNERS, ORG_ID, TEAMS } = VOCABULARY;
  const principals = [
    REGISTRY,
    ACCOUNTS[0],
    `arn:aws:iam::${ACCOUNTS[0]}:root`,
    `arn:aws:iam::${REGISTRY}:role/${TEAMS[0]}-ci`,
    `arn:aws:sts::${REGISTRY}:assumed-role/${TEAMS[1]}-deploy/build-7`,
    `arn:aws:iam::${REGISTRY}:role/ci-main`,
    `arn:aws:iam::${REGISTRY}:role/break-glass`,
    `arn:aws:iam::${PARTNERS[0]}:root`,
    `arn:aws:iam::${PARTNERS[1]}:role/deploy`,
    "arn:aws:iam::999900001111:user/stranger",
    "ecs-tasks.amazonaws.com",
    "codebuild.amazonaws.com",
  ];
  const actions = ["ecr:BatchGetImage", "ecr:PutImage", "ecr:ReplicateImage", "ecr:CreateRepository", "ecr:BatchImportUpstreamImage", "ecr:DeleteRepository", "ecr:TagResource", "ecr:DescribeImages"];
  const repositories = [`${TEAMS[0]}/api`, `${TEAMS[1]}/web`, "shared/base", "ecr-public/nginx", `partners/${TEAMS[2]}/x`, `${TEAMS[3]}/lambda-fn`];
  const contexts = [
    {},
    { "aws:PrincipalOrgID": ORG_ID, "aws:SecureTransport": "true", "aws:SourceIp": "203.0.113.7" },
    { "aws:SecureTransport": "false", "aws:SourceIp": "8.8.8.8" },
    { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "600", "aws:SourceAccount": REGISTRY, "aws:PrincipalTag/team": "platform", "aws:TagKeys": ["owner"] },
  ];
  const out = [];
  for (let i = 0; i < 384; i++) {
    out.push({
      principal: principals[i % principals.length],
      action: actions[Math.floor(i / 3) % actions.length],
      resource: `arn:aws:ecr:us-west-2:${REGISTRY}:repository/${repositories[Math.floor(i / 7) % repositories.length]}`,
      context: contexts[Math.floor(i / 5) % contexts.length],
    });
  }
  return out;
}

const list = (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** A value a pattern matches (its wildcards filled in), or the pattern itself. */
const instance = (pattern) => pattern.replaceAll("*", "x1").replaceAll("?", "y");

/**
 * Requests aimed at each statement of the policy, so that both engines meet allows and explicit denies and not only
 * requests nothing matches: the statement's own principal (a role of the account for "*", a service for a service),
 * action and resource, with its conditions' keys set to values they name, then the same without a context, from a
 * stranger, and with a key's value changed.
 */
function statementRequests(policy) {
  const out = [];
  // Values under which the policy's Deny statements do not apply: a Not… operator given its own value, a Bool
  // its other value, any other key a value it does not name.
  const spared = {};
  for (const s of policy.Statement.filter((x) => x.Effect === "Deny")) {
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(block)) {
        if (operator.startsWith("Bool")) spared[key] = list(value)[0] === "true" ? "false" : "true";
        else if (/^(String|Ip|Arn)?Not|^NotIp/.test(operator)) spared[key] = instance(list(value)[0]);
        else spared[key] = key === "aws:TagKeys" ? ["unrelated"] : "unrelated";
      }
    }
  }
  for (const s of policy.Statement) {
    const principal = s.Principal === "*" || list(s.Principal?.AWS).includes("*") ? `arn:aws:iam::${REGISTRY}:role/ci-main` : list(s.Principal?.AWS)[0] ?? list(s.Principal?.Service)[0];
    const action = list(s.Action)[0] === "ecr:*" ? "ecr:PutImage" : list(s.Action)[0];
    const resource = s.Resource === "*" || s.Resource === undefined ? `arn:aws:ecr:us-west-2:${REGISTRY}:repository/app` : instance(list(s.Resource)[0]);
    const context = s.Effect === "Allow" ? { ...spared } : {};
    for (const block of Object.values(s.Condition ?? {})) for (const [key, value] of Object.entries(block)) context[key] = key === "aws:TagKeys" || key === "aws:PrincipalOrgPaths" ? list(value).map(instance) : instance(list(value)[0]);
    const caller = principal.startsWith("arn:aws:iam::") && principal.endsWith(":root") ? principal.split(":")[4] : principal;
    out.push({ principal: caller, action, resource, context });
    out.push({ principal: caller, action, resource, context: {} });
    out.push({ principal: "arn:aws:iam::999900001111:role/stranger", action, resource, context });
    const [first] = Object.keys(context);
    if (first) out.push({ principal: caller, action, resource, context: { ...context, [first]: Array.isArray(context[first]) ? ["other"] : "other" } });
  }
  return out;
}

/**
 * The request as both engines get it, as the differential test builds it (packages/core/test/evaluator): the
 * principal's own keys (aws:PrincipalArn, aws:PrincipalAccount) and the keys AWS puts in every request that the
 * policy reads, so that the comparison is about evaluation alone.
 */
function fullRequest(policyText, request) {
  const caller = parseCaller(request.principal);
  const context = { ...request.context };
  if (caller.principalArn) context["aws:PrincipalArn"] = caller.principalArn;
  if (caller.account) context["aws:PrincipalAccount"] = caller.account;
  const defaults = {
    "aws:CurrentTime": DEFAULT_CURRENT_TIME,
    "aws:SecureTransport": "true",
    "aws:RequestedRegion": parseArn(request.resource)?.region,
    "aws:PrincipalIsAWSService": caller.kind === "service" ? "true" : caller.account !== undefined ? "false" : undefined,
  };
  const has = (key) => Object.keys(context).some((k) => k.toLowerCase() === key.toLowerCase());
  for (const [key, value] of Object.entries(defaults)) if (value && policyText.includes(key.toLowerCase()) && !has(key)) context[key] = value;
  return { ...request, context, caller };
}

/** The simulator's resource-policy verdict in our terms, or why it gave none. */
async function simulate(policy, request) {
  const { caller } = request;
  const result = await runSimulation(
    {
      request: {
        principal: caller.kind === "account" ? `arn:aws:iam::${caller.account}:root` : request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: parseArn(request.resource).account },
        contextVariables: request.context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    },
    { simulationMode: "Strict" },
  );
  if (result.resultType === "error") return { error: result.errors.message ?? JSON.stringify(result.errors) };
  if (result.resultType !== "single") return { error: `unexpected ${result.resultType} result` };
  switch (result.result.analysis.resourceAnalysis?.result) {
    case "Allowed":
    case "AllowedForAccount":
      return "allow";
    case "ExplicitlyDenied":
    case "DeniedForAccount":
      return "explicit-deny";
    default:
      return "implicit-deny";
  }
}

/**
 * Decisions per second of both engines on policies of 1, 5 and 50 statements and the same requests, and every
 * request where their decisions differ. Ours is timed on a policy compiled once (as rules use it) and compiling
 * every time (as the simulator, which takes policy JSON, does).
 */
async function againstSimulator() {
  const grid = simulatorRequests();
  const rows = [];
  for (const statements of [1, 5, 50]) {
    const policy = samplePolicy({ seed: statements, statements, account: REGISTRY, region: "us-west-2" });
    const text = JSON.stringify(policy).toLowerCase();
    const full = [...statementRequests(policy), ...grid].map((r) => fullRequest(text, r));
    const compiledPolicy = compilePolicy(policy);
    const disagreements = [];
    const errors = new Map();
    const decisions = { allow: 0, "explicit-deny": 0, "implicit-deny": 0 };
    for (const r of full) {
      const theirs = await simulate(policy, r);
      if (typeof theirs !== "string") {
        errors.set(theirs.error, (errors.get(theirs.error) ?? 0) + 1);
        continue;
      }
      const ours = decide(compiledPolicy, r);
      decisions[ours]++;
      if (ours !== theirs) disagreements.push({ request: { principal: r.principal, action: r.action, resource: r.resource, context: r.context }, ours, theirs });
    }
    const oursCompiled = measure((r) => decide(compiledPolicy, r), full);
    const oursCompiling = measure((r) => decide(compilePolicy(policy), r), full);
    let simulated = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      await simulate(policy, full[simulated % full.length]);
      simulated++;
    }
    const simulatorRate = simulated / ((performance.now() - start) / 1000);
    rows.push({ statements, requests: full.length, oursCompiled, oursCompiling, simulator: simulatorRate, compared: full.length - [...errors.values()].reduce((a, b) => a + b, 0), decisions, disagreements, simulatorErrors: Object.fromEntries(errors) });
  }
  return rows;
}

/**
 * How often a quantified question comes back inconclusive: every question "some principal / this principal, some
 * repository, any context: is the action allowed?" on each policy.
 */
function inconclusiveRate(policies) {
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
  const start = performance.now();
  let policiesWithInconclusive = 0;
  for (const [name, policy] of policies) {
    const before = inconclusive;
    const compiled = compilePolicy(policy, { registry });
    for (const action of askedActions) {
      for (const principal of askedPrincipals) {
        const result = queryPolicy(compiled, { action, anyContext: true, ...(principal ? { principal } : {}) });
        asked++;
        if (result.status === "inconclusive") {
          inconclusive++;
          const key = `${name}: ${result.reason}`;
          reasons.set(key, (reasons.get(key) ?? 0) + 1);
        }
      }
    }
    if (inconclusive > before) policiesWithInconclusive++;
  }
  return { policies: policies.length, policiesWithInconclusive, asked, inconclusive, ms: performance.now() - start, reasons: Object.fromEntries(reasons) };
}

/** The registry policies under bench/policies, written after real ones (replication, pull through cache, break-glass…). */
function handWritten() {
  const dir = new URL("./policies/", import.meta.url);
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => [f, readFileSync(new URL(f, dir), "utf8")]);
}

/** 120 policies of the generated trees' shapes, 1 to 20 statements, half of them repository policies. */
function generated() {
  return Array.from({ length: 120 }, (_, i) => {
    const statements = 1 + ((i * 7) % 20);
    return [`generated #${i} (${statements} statements)`, samplePolicy({ seed: 1000 + i, statements, repositoryPolicy: i % 2 === 1, account: REGISTRY, region: "us-west-2" })];
  });
}

const fmtRate = (r) => `${r.inconclusive}/${r.asked}`.padStart(12) + `  inconclusive (${((100 * r.inconclusive) / r.asked).toFixed(1)}%; ${r.policiesWithInconclusive} of ${r.policies} policies), ${(r.ms / r.asked).toFixed(2)} ms per query`;
out.inconclusive = { handWritten: inconclusiveRate(handWritten()) };
print(`${"queryPolicy anyContext on bench/policies".padEnd(48)} ${fmtRate(out.inconclusive.handWritten)}`);
out.inconclusive.generated = inconclusiveRate(generated());
print(`${"queryPolicy anyContext on 120 generated".padEnd(48)} ${fmtRate(out.inconclusive.generated)}`);
if (process.env.BENCH_REASONS) for (const r of Object.values(out.inconclusive)) for (const [reason, n] of Object.entries(r.reasons)) print(`  ${n} × ${reason}`);

if (!onlyInconclusive) {
  out.simulator = await againstSimulator();
  const fmt = (n) => Math.round(n).toLocaleString("en-US").padStart(12);
  print(`\nagainst @cloud-copilot/iam-simulate, the same requests (decisions/s; ours compiled once / compiling each time)`);
  for (const r of out.simulator) {
    print(`${`${r.statements} statement${r.statements === 1 ? "" : "s"}`.padEnd(14)} ours ${fmt(r.oursCompiled)} / ${fmt(r.oursCompiling)}   iam-simulate ${fmt(r.simulator)}   ${r.compared}/${r.requests} compared (${r.decisions.allow} allow, ${r.decisions["explicit-deny"]} explicit deny), ${r.disagreements.length} disagree`);
    for (const d of r.disagreements.slice(0, 5)) print(`    ours ${d.ours}, theirs ${d.theirs}: ${JSON.stringify(d.request)}`);
    for (const [error, n] of Object.entries(r.simulatorErrors)) print(`    ${n} × simulator error: ${error}`);
  }
}

if (asJson) process.stdout.write(`${JSON.stringify(out)}\n`);
