// One large policy file linted alone, its first time, in a warm process: the per-file budget of the performance
// issue (50 ms for parse, every rule and the cross-file rules' facts) on the files that strain it most. Policies of
// 50 statements and policies grown to the 10,240-character limit of put-registry-policy (minified, as the API
// counts), in the shapes the trees hold (bench/generate-tree.mjs `samplePolicy`), seeded. The process first lints
// other policies, so the JIT is warm; before each measured file the kept answers of the evaluator are dropped, so the
// file pays for its own analysis as it does the first time a run sees it. CPU time, not wall time: the machine may
// be shared. Prints the worst and median per shape, and the files whose analysis ran out of its budget.
//   node bench/large-policies.mjs [files per shape] [--json]
import { parseEcrFile, runRules } from "../packages/core/dist/index.js";
import { forgetKeptAnswers } from "../packages/core/dist/evaluator/index.js";
import { rules } from "../rules/dist/index.js";
import { samplePolicy, VOCABULARY } from "./generate-tree.mjs";

const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
const json = process.argv.includes("--json");
const account = VOCABULARY.ACCOUNTS[1];
const region = VOCABULARY.REGIONS[0];
const registry = { source: "config", account, region, partition: "aws", replicationSources: [VOCABULARY.ACCOUNTS[0]] };
const trust = { accounts: [account, VOCABULARY.ACCOUNTS[0]], orgs: [VOCABULARY.ORG_ID] };
const configured = Object.values(rules).map((rule) => ({ rule, severity: 2, options: undefined }));
const crossFile = Object.values(rules).filter((rule) => rule.project);
const minified = (p) => JSON.stringify(p).length;

function tenKilobytes(seed) {
  let statements = 10;
  while (minified(samplePolicy({ seed, statements: statements + 1, account, region })) <= 10_240) statements++;
  return samplePolicy({ seed, statements, account, region });
}

const SHAPES = [
  { shape: "50 statements", make: (seed) => samplePolicy({ seed, statements: 50, account, region }) },
  { shape: "10 KB (10,240 characters minified)", make: tenKilobytes },
];

/** Parse, every rule, every cross-file rule's facts: what one file costs a run. Findings as text, to count. */
function lintOne(name, text) {
  const reading = parseEcrFile(text, { filePath: name, registry });
  if (reading.status !== "ours") throw new Error(`${name} is not read as a policy`);
  const out = [];
  for (const doc of reading.documents) {
    for (const m of runRules({ file: doc, text, filePath: name, registry, trust, rules: configured })) out.push(m.message);
    for (const rule of crossFile) if (rule.kinds.includes(doc.kind)) rule.project.collect(doc);
  }
  return out;
}

const cpuMs = (work) => {
  const start = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(start);
  return { value, ms: (used.user + used.system) / 1000 };
};

// Warm-up on seeds no shape measures.
for (const { make } of SHAPES) for (let seed = 10_000; seed < 10_005; seed++) lintOne("warm.json", JSON.stringify(make(seed), null, 2));

const rows = SHAPES.map(({ shape, make }) => {
  const files = [];
  for (let seed = 1; seed <= count; seed++) {
    const text = JSON.stringify(make(seed), null, 2);
    forgetKeptAnswers();
    const { value, ms } = cpuMs(() => lintOne(`${seed}.json`, text));
    files.push({ seed, ms, characters: text.length, inconclusive: value.filter((m) => m.startsWith("Inconclusive:")).length });
  }
  const sorted = files.map((f) => f.ms).sort((a, b) => a - b);
  const worst = files.reduce((a, b) => (b.ms > a.ms ? b : a));
  return { shape, files: files.length, worstMs: worst.ms, worstSeed: worst.seed, medianMs: sorted[Math.floor(sorted.length / 2)], overTarget: files.filter((f) => f.ms > 50).length, inconclusiveFiles: files.filter((f) => f.inconclusive > 0).length, targetMs: 50 };
});

if (json) process.stdout.write(`${JSON.stringify({ rows })}\n`);
else for (const r of rows) console.log(`${r.shape}: ${r.files} files, worst ${r.worstMs.toFixed(1)} ms CPU (seed ${r.worstSeed}), median ${r.medianMs.toFixed(1)} ms, ${r.overTarget} over the ${r.targetMs} ms target, ${r.inconclusiveFiles} with an inconclusive finding`);
