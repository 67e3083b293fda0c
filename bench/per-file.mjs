// What one policy file costs the runner, in CPU, and where it goes: the one-thread path (`lint()` with no worker
// threads) run in this process over a tree, beside the floor (walk + read + JSON.parse, bench/baseline.mjs) run
// the same way. Per policy file: the run's CPU above the floor, the parse and model of its text, and each rule's
// check (single-file rules), facts (`collect`) and cross-file check (`project.check`, shared by the files, divided
// among them). CPU, not wall time (`process.cpuUsage`, every thread of the process): on a shared machine wall time
// says more about the neighbours. A rule's CPU includes the garbage collections that happen while it runs, so
// allocation shows up as time where it is paid. The first round is cold (JIT and module loading included, as in a
// run of the command), the later ones warm.
//   node bench/per-file.mjs <tree> [rounds] [--json]
// Run after `npm run build`. Never fails on timing; it fails when two rounds give different findings.
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { readAndParse } from "./baseline.mjs";
import { parseEcrFile } from "../packages/core/dist/index.js";
import { lint } from "../packages/cli/dist/index.js";
import { ruleList } from "../rules/dist/index.js";

const json = process.argv.includes("--json");
const [treeArg, roundsArg] = process.argv.slice(2).filter((a) => a !== "--json");
if (!treeArg) {
  process.stderr.write("usage: node bench/per-file.mjs <tree> [rounds] [--json]\n");
  process.exit(2);
}
const tree = resolve(treeArg);
const rounds = Math.max(1, Number(roundsArg ?? 3));

/** Microseconds of CPU this process has used, all threads. */
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
function cpuOf(run) {
  const start = cpuNow();
  const value = run();
  return { value, us: cpuNow() - start };
}

// Each hook of each rule, timed where the runner calls it (the rule objects are the ones the runner imports).
const ruleUs = new Map();
const timed = (key, hook, self) =>
  function (...args) {
    const start = cpuNow();
    try {
      return hook.apply(self, args);
    } finally {
      ruleUs.set(key, (ruleUs.get(key) ?? 0) + cpuNow() - start);
    }
  };
for (const rule of ruleList) {
  if (rule.check) rule.check = timed(rule.id, rule.check, rule);
  if (rule.project) {
    const { collect, check } = rule.project;
    rule.project = { collect: timed(`${rule.id} (collect)`, collect, rule.project), check: timed(`${rule.id} (project check)`, check, rule.project) };
  }
}

const runs = [];
for (let round = 0; round < rounds; round++) {
  const floor = cpuOf(() => readAndParse(tree));
  ruleUs.clear();
  const start = cpuNow();
  const report = await lint({ cwd: tree, workers: 0 });
  const lintUs = cpuNow() - start;
  const policyFiles = report.results.map((r) => r.filePath);
  // The parse and model alone, from text already read: what every policy file pays before any rule.
  const texts = policyFiles.map((path) => ({ filePath: relative(tree, path), text: readFileSync(path, "utf8").replace(/^\uFEFF/, "") }));
  const parse = cpuOf(() => {
    for (const { filePath, text } of texts) parseEcrFile(text, { filePath });
  });
  const findings = report.results.flatMap((r) => r.messages.map((m) => `${relative(tree, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`)).join("\n");
  runs.push({ floorUs: floor.us, lintUs, parseUs: parse.us, policies: policyFiles.length, documents: report.stats.documents, rules: new Map(ruleUs), findings });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const warm = runs.length > 1 ? runs.slice(1) : runs;
const policies = runs[0].policies;
const per = (us) => us / Math.max(1, policies);
const ids = [...new Set(runs.flatMap((r) => [...r.rules.keys()]))];
const ruleRows = ids
  .map((id) => ({ id, cold: per(runs[0].rules.get(id) ?? 0), warm: per(median(warm.map((r) => r.rules.get(id) ?? 0))) }))
  .sort((a, b) => b.cold - a.cold || a.id.localeCompare(b.id));
const result = {
  tree,
  policies,
  documents: runs[0].documents,
  rounds,
  floorMs: { cold: runs[0].floorUs / 1000, warm: median(warm.map((r) => r.floorUs)) / 1000 },
  lintMs: { cold: runs[0].lintUs / 1000, warm: median(warm.map((r) => r.lintUs)) / 1000 },
  perPolicyUs: {
    aboveFloor: { cold: per(runs[0].lintUs - runs[0].floorUs), warm: per(median(warm.map((r) => r.lintUs - r.floorUs))) },
    parse: { cold: per(runs[0].parseUs), warm: per(median(warm.map((r) => r.parseUs))) },
    rules: { cold: per([...runs[0].rules.values()].reduce((a, b) => a + b, 0)), warm: per(median(warm.map((r) => [...r.rules.values()].reduce((a, b) => a + b, 0)))) },
  },
  ruleRows,
};
const differ = runs.findIndex((r) => r.findings !== runs[0].findings);
if (differ > 0) {
  process.stderr.write(`per-file: round ${differ + 1} gave other findings than the first\n`);
  process.exitCode = 1;
}

if (json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const us = (x) => `${x.toFixed(0)} µs`;
  const p = result.perPolicyUs;
  console.log(`${tree}: ${policies} policy files (${result.documents} documents); ${rounds} rounds, the first cold`);
  console.log(`floor (walk + read + JSON.parse): ${result.floorMs.cold.toFixed(0)} ms cold, ${result.floorMs.warm.toFixed(0)} ms warm CPU; lint(): ${result.lintMs.cold.toFixed(0)} ms cold, ${result.lintMs.warm.toFixed(0)} ms warm`);
  console.log(`per policy file, CPU (cold / warm): above the floor ${us(p.aboveFloor.cold)} / ${us(p.aboveFloor.warm)}; parse + model ${us(p.parse.cold)} / ${us(p.parse.warm)}; rules ${us(p.rules.cold)} / ${us(p.rules.warm)}`);
  for (const r of ruleRows) console.log(`  ${r.id.padEnd(48)} ${us(r.cold).padStart(8)} ${us(r.warm).padStart(8)}`);
}
