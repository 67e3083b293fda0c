// The per-policy cost of the rules, on policies of realistic shapes: seeded, 1-20 statements with conditions and
// wildcards, plus 50-statement policies and policies near the 10,240-character limit of put-registry-policy. Each
// file is read and every rule runs on it (the single-file checks, and the cross-file rule's per-file facts), as the
// runner does for one file. Reports time per file, the slowest files, and the quantified queries asked against
// those run. Run after `npm run build`:
//   node bench/engine.mjs [count] [seed] [--findings file]
// With --findings, the findings are written to the file, or, when it exists, compared with it (to check that a
// change of the evaluator keeps them).
// Never fails on timing; it fails only when a run of the same files gives other findings than the first.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseEcrFile, runRules } from "../packages/core/dist/index.js";
import * as evaluator from "../packages/core/dist/evaluator/index.js";
import { rules } from "../rules/dist/index.js";

const at = process.argv.indexOf("--findings");
const findingsFile = at > 0 ? process.argv[at + 1] : undefined;
const args = process.argv.slice(2).filter((a, i, all) => a !== "--findings" && all[i - 1] !== "--findings");
const count = Number(args[0] ?? 1000);
let seed = Number(args[1] ?? 17);

function random() {
  // mulberry32: small, seeded, good enough to vary shapes.
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const some = (list, max) => {
  const n = 1 + Math.floor(random() * max);
  return [...new Set(Array.from({ length: n }, () => pick(list)))];
};
const one = (list) => (list.length === 1 ? list[0] : list);

const HOME = "444455556666";
const REGION = "us-west-2";
const ACCOUNTS = ["111122223333", "555566667777", "888899990000", "123456789012", "210987654321"];
const repo = (name) => `arn:aws:ecr:${REGION}:${HOME}:repository/${name}`;
const REPOSITORIES = ["*", "prod-*", "team/*", "shared/base", "app-?", "ecr-public/*", "team/web", "svc-*-api", "dev/*/cache"].map(repo);
const ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:Describe*", "ecr:List*", "ecr:Batch*", "ecr:*", "ecr:CreateRepository", "ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:DeleteRepository"];
const principals = () =>
  pick([
    () => "*",
    () => ({ AWS: one(some(ACCOUNTS, 3).map((a) => `arn:aws:iam::${a}:root`)) }),
    () => ({ AWS: one(some(ACCOUNTS, 2).map((a) => `arn:aws:iam::${a}:role/${pick(["ci", "deploy", "puller"])}`)) }),
    () => ({ AWS: pick(ACCOUNTS) }),
    () => ({ Service: pick(["lambda.amazonaws.com", "codebuild.amazonaws.com"]) }),
  ])();
const CONDITIONS = [
  () => ({ StringEquals: { "aws:PrincipalOrgID": pick(["o-abc123", "o-partner1"]) } }),
  () => ({ StringLike: { "aws:PrincipalArn": `arn:aws:iam::${pick(ACCOUNTS)}:role/${pick(["ci-*", "deploy", "*-puller"])}` } }),
  () => ({ ArnLike: { "aws:SourceArn": `arn:aws:codebuild:${REGION}:${pick(ACCOUNTS)}:project/*` } }),
  () => ({ IpAddress: { "aws:SourceIp": some(["10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24"], 2) } }),
  () => ({ Bool: { "aws:SecureTransport": pick(["true", "false"]) } }),
  () => ({ StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } }),
  () => ({ DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }),
  () => ({ StringNotEquals: { "aws:PrincipalAccount": some(ACCOUNTS, 2) } }),
  () => ({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abc123/r-ab12/ou-*" } }),
  () => ({ StringEquals: { "aws:SourceAccount": pick(ACCOUNTS) } }),
];

function statement(i) {
  const replication = random() < 0.15;
  const s = {
    Sid: `S${i}`,
    Effect: random() < 0.2 ? "Deny" : "Allow",
    Principal: replication ? { AWS: `arn:aws:iam::${pick(ACCOUNTS)}:root` } : principals(),
    Action: replication ? ["ecr:CreateRepository", ...(random() < 0.6 ? ["ecr:ReplicateImage"] : [])] : one(some(ACTIONS, 4)),
    Resource: one(some(REPOSITORIES, replication ? 4 : 3)),
  };
  if (!replication && random() < 0.6) {
    const condition = {};
    for (const make of some(CONDITIONS, 3)) {
      for (const [op, keys] of Object.entries(make())) condition[op] = { ...condition[op], ...keys };
    }
    s.Condition = condition;
  }
  return s;
}

function policy(statements) {
  return JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: statements }, (_, i) => statement(i)) }, null, 2);
}

const files = [];
for (let i = 0; i < count; i++) files.push({ name: `realistic/${String(i).padStart(4, "0")}.json`, text: policy(1 + Math.floor(random() * 20)) });
for (let i = 0; i < 5; i++) files.push({ name: `large/50-statements-${i}.json`, text: policy(50) });
for (let i = 0; i < 5; i++) {
  // Grown a statement at a time up to the 10,240-character limit (indentation not counted, as the API minifies).
  let n = 10;
  let text = policy(n);
  while (JSON.stringify(JSON.parse(text)).length < 10_000) text = policy(++n);
  files.push({ name: `large/10kb-${i}.json`, text });
}

const registry = { source: "config", account: HOME, region: REGION, partition: "aws", replicationSources: ["111122223333"] };
const trust = { accounts: [HOME, "123456789012"], orgs: ["o-abc123"] };
const configured = Object.values(rules).map((rule) => ({ rule, severity: 2, options: undefined }));
const crossFile = Object.values(rules).filter((rule) => rule.project);

const ruleTime = new Map();

function lintOne(file) {
  const reading = parseEcrFile(file.text, { filePath: file.name, registry });
  if (reading.status !== "ours") throw new Error(`${file.name} is not read as a policy`);
  const messages = [];
  for (const doc of reading.documents) {
    for (const configuredRule of configured) {
      const t0 = performance.now();
      messages.push(...runRules({ file: doc, text: file.text, filePath: file.name, registry, trust, rules: [configuredRule] }));
      ruleTime.set(configuredRule.rule.id, (ruleTime.get(configuredRule.rule.id) ?? 0) + performance.now() - t0);
    }
    for (const rule of crossFile) {
      if (!rule.kinds.includes(doc.kind)) continue;
      const t0 = performance.now();
      messages.push(JSON.stringify(rule.project.collect(doc) ?? null));
      ruleTime.set(`${rule.id} (collect)`, (ruleTime.get(`${rule.id} (collect)`) ?? 0) + performance.now() - t0);
    }
  }
  return messages.map((m) => (typeof m === "string" ? m : `${m.ruleId} ${m.line}:${m.column} ${m.message}`)).sort();
}

function round(label) {
  const times = [];
  const findings = [];
  ruleTime.clear();
  const before = evaluator.analysisCounts?.();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (const file of files) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    findings.push(lintOne(file).join("\n"));
    const c1 = process.cpuUsage(c0);
    times.push({ name: file.name, ms: performance.now() - t0, cpu: (c1.user + c1.system) / 1000 });
  }
  const total = performance.now() - start;
  const cpuUsed = process.cpuUsage(cpuStart);
  const after = evaluator.analysisCounts?.();
  const sorted = [...times].sort((a, b) => a.ms - b.ms);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].ms.toFixed(2);
  const slowest = sorted.slice(-3).reverse().map((t) => `${t.name} ${t.ms.toFixed(1)} ms`).join(", ");
  const large = times.filter((t) => t.name.startsWith("large/"));
  console.log(`${label}: ${files.length} files in ${(total / 1000).toFixed(2)} s, ${(total / files.length).toFixed(2)} ms per file (median ${at(0.5)}, p99 ${at(0.99)}); slowest: ${slowest}`);
  // CPU time beside wall time: on a machine shared with other work the wall time of one file says little.
  console.log(`  CPU ${((cpuUsed.user + cpuUsed.system) / 1000).toFixed(0)} ms; slowest by CPU: ${[...times].sort((a, b) => b.cpu - a.cpu).slice(0, 3).map((t) => `${t.name} ${t.cpu.toFixed(1)} ms`).join(", ")}`);
  console.log(`  large policies: max ${Math.max(...large.map((t) => t.ms)).toFixed(1)} ms (CPU ${Math.max(...large.map((t) => t.cpu)).toFixed(1)} ms), mean ${(large.reduce((n, t) => n + t.ms, 0) / large.length).toFixed(1)} ms`);
  const ruleTotal = [...ruleTime.values()].reduce((n, t) => n + t, 0);
  const shares = [...ruleTime].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([id, t]) => `${id} ${t.toFixed(0)} ms (${((t / ruleTotal) * 100).toFixed(0)}%)`);
  console.log(`  rule time ${ruleTotal.toFixed(0)} ms: ${shares.join(", ")}`);
  // A rule that could not judge a statement says "Inconclusive:": on realistic policies that is noise, not an answer.
  const inconclusive = new Map();
  let inconclusiveFiles = 0;
  for (const lines of findings) {
    const hits = lines.split("\n").filter((line) => line.includes(" Inconclusive: "));
    if (hits.length) inconclusiveFiles++;
    for (const line of hits) inconclusive.set(line.split(" ")[0], (inconclusive.get(line.split(" ")[0]) ?? 0) + 1);
  }
  const byRule = [...inconclusive].map(([id, n]) => `${id.replace("@ecrlint/", "")} ${n}`).join(", ");
  console.log(`  inconclusive findings: ${[...inconclusive.values()].reduce((n, k) => n + k, 0)} in ${inconclusiveFiles} of ${files.length} files${byRule ? ` (${byRule})` : ""}`);
  if (before && after) {
    const { queries: q0, searches: s0 } = before;
    const { queries: q1, searches: s1 } = after;
    console.log(`  quantified queries: ${q1.asked - q0.asked} asked, ${q1.run - q0.run} run; class searches: ${s1.asked - s0.asked} asked, ${s1.run - s0.run} run`);
  }
  return findings;
}

if (process.env.ENGINE_DUMP) { const { mkdirSync } = await import("node:fs"); for (const f of files) { mkdirSync(`${process.env.ENGINE_DUMP}/${f.name.split("/")[0]}`, { recursive: true }); writeFileSync(`${process.env.ENGINE_DUMP}/${f.name}`, f.text); } process.exit(0); }
const first = round("cold");
const second = round("again");
const differ = first.findIndex((f, i) => f !== second[i]);
if (differ >= 0) {
  console.error(`findings differ between runs on ${files[differ].name}`);
  process.exitCode = 1;
}
if (findingsFile && existsSync(findingsFile)) {
  const pinned = JSON.parse(readFileSync(findingsFile, "utf8"));
  for (const name of Object.keys(pinned)) pinned[name] = pinned[name].split("\n").sort().join("\n");
  const changed = files.filter((f, i) => pinned[f.name] !== first[i]).map((f) => f.name);
  console.log(changed.length ? `findings changed in ${changed.length} files: ${changed.slice(0, 5).join(", ")}` : `findings identical to ${findingsFile}`);
  if (changed.length && process.env.ENGINE_SHOW) { const i = files.findIndex((f) => f.name === changed[0]); const a = pinned[changed[0]].split("\n"), b = first[i].split("\n"); console.log("was:", a.filter((l) => !b.includes(l)).join("\n"), "\nnow:", b.filter((l) => !a.includes(l)).join("\n")); }
  if (changed.length) process.exitCode = 1;
} else if (findingsFile) writeFileSync(findingsFile, JSON.stringify(Object.fromEntries(files.map((f, i) => [f.name, first[i]]))));
const flagged = first.filter((f) => f.length > 0).length;
console.log(`${flagged} of ${files.length} files with findings`);
