// The per-file budget of the performance issue (50 ms for parse, every rule and the cross-file rules' facts) on the
// policy files that strain it most: 50-statement policies and policies grown to the 10,240-character limit of
// put-registry-policy (minified, as the API counts), in the shapes the trees hold (bench/generate-tree.mjs
// `samplePolicy`), seeded. They are measured where a user meets them, in runs of the command:
// - in a tree: a seeded tree of 1,000 files (10% ECR files) with the large policies among them, linted cold by the
//   command; each file's time is ECRLINT_TIMING's (parse, rules and facts, as the trees' "slowest file"), the
//   slowest of the rounds;
// - alone: the slowest of them named alone (a pre-commit hook), the first file its process lints (ECRLINT_TIMING,
//   the slowest of the rounds), and the run against `node -e 0` (the one-file budget, 0.3 s): a registry policy
//   named alone still has the cross-file rules read the facts of the rest of its project.
// Prints the worst and median per shape, and the files whose analysis ran out of its budget.
//   node bench/large-policies.mjs [files per shape] [--json]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateTree, samplePolicy, VOCABULARY } from "./generate-tree.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const ecrlint = join(here, "..", "packages", "cli", "bin", "ecrlint.js");
const count = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const json = process.argv.includes("--json");
const TARGET_MS = 50;
const ONE_FILE_TARGET_MS = 300;
const account = VOCABULARY.ACCOUNTS[1];
const region = VOCABULARY.REGIONS[0];
const minified = (p) => JSON.stringify(p).length;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function tenKilobytes(seed) {
  let statements = 10;
  while (minified(samplePolicy({ seed, statements: statements + 1, account, region })) <= 10_240) statements++;
  return samplePolicy({ seed, statements, account, region });
}

const SHAPES = [
  { key: "s50", shape: "50 statements", make: (seed) => samplePolicy({ seed, statements: 50, account, region }) },
  { key: "kb10", shape: "10 KB (10,240 characters minified)", make: tenKilobytes },
];

/** File times from ECRLINT_TIMING's table on standard error, by path relative to the tree. */
function fileTimes(stderr) {
  const lines = stderr.split("\n");
  const start = lines.findIndex((l) => l.startsWith("File "));
  const times = new Map();
  if (start < 0) return times;
  for (const line of lines.slice(start + 2)) {
    if (!line.includes("|")) break;
    const [path, ms] = line.split("|").map((c) => c.trim());
    times.set(path, Number(ms));
  }
  return times;
}

function run(args, cwd, extraEnv = {}) {
  const childEnv = { ...process.env, ...extraEnv };
  delete childEnv.NODE_OPTIONS;
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env: childEnv, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")}: exit ${r.status ?? r.signal}: ${(r.stderr ?? "").trim().split("\n").slice(-3).join(" / ")}`);
  return { ms, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

const dir = mkdtempSync(join(tmpdir(), "ecrlint-large-"));
try {
  generateTree({ dir, files: 1000, policyShare: 0.1, seed: 1, git: false });
  const large = [];
  for (const { key, make } of SHAPES) {
    for (let seed = 1; seed <= count; seed++) {
      const path = `infra/${account}/${region}/large/${key}-${seed}/registry-policy.json`;
      mkdirSync(join(dir, dirname(path)), { recursive: true });
      writeFileSync(join(dir, path), `${JSON.stringify(make(seed), null, 2)}\n`);
      large.push({ key, seed, path, ms: [] });
    }
  }
  const report = join(dir, "report.json");
  for (let round = 0; round < rounds; round++) {
    const { stderr } = run([ecrlint, "--format", "json", "-o", report], dir, { ECRLINT_TIMING: "all" });
    const times = fileTimes(stderr);
    for (const f of large) {
      if (!times.has(f.path)) throw new Error(`ECRLINT_TIMING has no time for ${f.path}: is it linted?`);
      f.ms.push(times.get(f.path));
    }
  }
  const messages = new Map(JSON.parse(readFileSync(report, "utf8")).map((r) => [r.filePath.slice(dir.length + 1), r.messages]));
  const rows = SHAPES.map(({ key, shape }) => {
    const files = large.filter((f) => f.key === key).map((f) => ({ ...f, worst: Math.max(...f.ms), inconclusive: (messages.get(f.path) ?? []).filter((m) => m.message.startsWith("Inconclusive:")).length }));
    const worst = files.reduce((a, b) => (b.worst > a.worst ? b : a));
    return { shape, files: files.length, worstMs: worst.worst, worstSeed: worst.seed, worstPath: worst.path, medianMs: median(files.map((f) => f.worst)), overTarget: files.filter((f) => f.worst > TARGET_MS).length, inconclusiveFiles: files.filter((f) => f.inconclusive > 0).length, targetMs: TARGET_MS };
  });
  // The slowest large file named alone, cold, interleaved with Node's own start-up.
  const slowest = rows.reduce((a, b) => (b.worstMs > a.worstMs ? b : a));
  const alone = [];
  const own = [];
  const node = [];
  for (let round = 0; round < rounds; round++) {
    const r = run([ecrlint, "--format", "json", "-o", report, slowest.worstPath], dir, { ECRLINT_TIMING: "all" });
    alone.push(r.ms);
    own.push(fileTimes(r.stderr).get(slowest.worstPath));
    node.push(run(["-e", "0"], dir).ms);
  }
  // The file's own time in a process that has linted nothing before it: the compiler has warmed up on nothing.
  const oneFile = { path: slowest.worstPath, ms: median(alone), nodeMs: median(node), overNodeMs: median(alone) - median(node), targetMs: ONE_FILE_TARGET_MS, ownMs: Math.max(...own), ownTargetMs: TARGET_MS };
  if (json) process.stdout.write(`${JSON.stringify({ rows, oneFile, rounds })}\n`);
  else {
    for (const r of rows) console.log(`${r.shape}: ${r.files} files in a tree run, worst ${r.worstMs.toFixed(1)} ms (seed ${r.worstSeed}), median ${r.medianMs.toFixed(1)} ms, ${r.overTarget} over the ${r.targetMs} ms target, ${r.inconclusiveFiles} with an inconclusive finding`);
    console.log(`alone: ${oneFile.path} ${oneFile.ms.toFixed(0)} ms, node -e 0 ${oneFile.nodeMs.toFixed(0)} ms: ${oneFile.overNodeMs.toFixed(0)} ms over Node (target ≤ ${oneFile.targetMs} ms); the file itself at most ${oneFile.ownMs.toFixed(1)} ms (target ≤ ${oneFile.ownTargetMs} ms)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
