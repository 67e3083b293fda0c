// `npm run bench`: the runner on generated monorepo trees (bench/generate-tree.mjs) of 1k, 10k and 50k files where
// half, and then 2%, of the files are ECR files, each row measured side by side in the same rounds: the floor
// (walk + read + JSON.parse), ecrlint cold (pooled, and in one thread), warm --cache, warm with one file changed, ESLint with the plugin, one
// file against `node -e 0`; peak RSS, the slowest file and each rule's share of the time (ECRLINT_TIMING, ESLint's
// TIMING; the slowest files again alone, bench/slowest.mjs; the CPU per ECR file and where it goes, bench/per-file.mjs).
// Then the 50-statement and 10 KB policies, in a tree run and named alone (bench/large-policies.mjs, against the 50 ms per-file target),
// the evaluator (bench/evaluator.mjs, against
// iam-simulate) and the hostile files (bench/hostile.mjs); `npm run bench` then runs bench/diff.mjs.
// Writes bench/results.md after each tree. Asserts nothing about time: the targets are printed beside the figures.
//
// Environment (defaults: the full set the performance issue asks for):
//   BENCH_SIZES=1k,10k,50k   tree sizes            BENCH_SHARES=50,10,2 percent of files that are ECR files (the
//                            targets are for trees where at least 10% are)
//   BENCH_ROUNDS=3           runs per row          BENCH_SEED=1         generator seed
//   BENCH_ESLINT_MAX=10k     largest tree ESLint runs on           BENCH_ESLINT_ROUNDS=BENCH_ROUNDS
//   BENCH_IAC=0              share of files that are Terraform / CloudFormation YAML (BENCH_TF=1 is 0.1) in every tree
//   BENCH_IAC_TREES=10k:10   trees measured once more with 10% of their files Terraform / CloudFormation YAML
//                            (size:share,…; "none" for none; not with BENCH_IAC, which makes every tree one)
//   BENCH_PARTS=trees,large,evaluator,hostile BENCH_EVALUATOR_SECONDS=1    BENCH_LARGE_FILES=20 per shape
//   (without trees, the tree sections of the results file already there are kept)
//   BENCH_OUTPUT=bench/results.md        BENCH_TREES=bench/.tree (where the trees are generated and kept)
// A quick look: BENCH_SIZES=1k BENCH_SHARES=50 BENCH_ROUNDS=1 BENCH_PARTS=trees npm run bench
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { commitTree, treeCommitted } from "./commit-tree.mjs";
import { generateTree, parseSize } from "./generate-tree.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const env = process.env;
const SIZES = (env.BENCH_SIZES ?? "1k,10k,50k").split(",").map(parseSize);
const SHARES = (env.BENCH_SHARES ?? "50,10,2").split(",").map(Number);
const ROUNDS = Math.max(1, Number(env.BENCH_ROUNDS ?? env.BENCH_RUNS ?? 3));
const SEED = Number(env.BENCH_SEED ?? 1);
const ESLINT_MAX = parseSize(env.BENCH_ESLINT_MAX ?? "10k");
/** Workers of the pooled row: what the default uses from 3 cores, and one on a smaller machine. */
const POOLED_WORKERS = Math.max(1, availableParallelism() - 1);
const ESLINT_ROUNDS = Math.max(1, Math.min(ROUNDS, Number(env.BENCH_ESLINT_ROUNDS ?? ROUNDS)));
/**
 * Up to this size a registry policy named alone is timed too (once: the run reads its project's facts, a good part
 * of a cold run): a pre-commit hook on a changed registry policy meets this, not the one-file row's repository policy.
 */
const CROSS_FILE_ONE_MAX = 50_000;
const IAC = Number(env.BENCH_IAC ?? (env.BENCH_TF === "1" ? 0.1 : 0));
/** The share of Terraform / CloudFormation YAML files in the trees of BENCH_IAC_TREES. */
const IAC_TREE_SHARE = 0.1;
const IAC_TREES = IAC || env.BENCH_IAC_TREES === "none" ? [] : (env.BENCH_IAC_TREES ?? "10k:10").split(",").map((spec) => {
  const [size, share] = spec.split(":");
  return { files: parseSize(size), share: Number(share ?? 10) };
});
const PARTS = new Set((env.BENCH_PARTS ?? "trees,large,evaluator,hostile").split(","));
const OUTPUT = env.BENCH_OUTPUT ?? join(here, "results.md");
const TREES = env.BENCH_TREES ?? join(here, ".tree");
const EVALUATOR_SECONDS = env.BENCH_EVALUATOR_SECONDS ?? "1";

const node = process.execPath;
const ecrlint = join(repo, "packages", "cli", "bin", "ecrlint.js");
const eslint = join(repo, "node_modules", "eslint", "bin", "eslint.js");
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const scratch = mkdtempSync(join(tmpdir(), "ecrlint-bench-"));
const generatorHash = createHash("sha256").update(readFileSync(join(here, "generate-tree.mjs"))).digest("hex").slice(0, 12);

const started = new Date();
const load = { before: loadavg(), after: undefined };
const results = { trees: [], large: undefined, evaluator: undefined, hostile: undefined, notes: [] };

const log = (line) => process.stdout.write(`${line}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * The tree for these options, generated unless the stamp says it is there already, and committed (once: see
 * commitTree) so that the one-file rows run in a git work tree, as a pre-commit hook does.
 */
function tree(files, share, iac) {
  const dir = join(TREES, `${files}-${share}pct-seed${SEED}${iac ? `-iac${iac}` : ""}`);
  const stamp = JSON.stringify({ files, share, seed: SEED, iac, generatorHash });
  const stampFile = join(dir, ".bench-shape");
  let manifest;
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) manifest = JSON.parse(readFileSync(join(dir, ".bench-manifest"), "utf8"));
  else {
    log(`generating ${files} files (${share}% ECR files) in ${relative(repo, dir)} ...`);
    const made = generateTree({ dir, files, policyShare: share / 100, seed: SEED, iacShare: iac });
    manifest = { files: made.files, policies: made.policies, defective: made.defective, byShape: made.byShape, policyFiles: made.policyFiles };
    writeFileSync(join(dir, ".bench-manifest"), JSON.stringify(manifest));
    writeFileSync(stampFile, stamp);
  }
  if (!treeCommitted(dir, stamp)) {
    log(`committing ${relative(repo, dir)} (once per generated tree) ...`);
    commitTree(dir, stamp);
  }
  return { dir, ...manifest };
}

/**
 * One run of a command in `cwd`: wall time in ms, peak RSS in MB (from /usr/bin/time -v: the largest resident set of
 * the process and the children it waited for), exit code and output. A crash is recorded, never thrown.
 */
function runOnce(args, cwd, extraEnv = {}) {
  const childEnv = { ...env, ...extraEnv };
  delete childEnv.NODE_OPTIONS;
  const command = TIME ? TIME : node;
  const argv = TIME ? ["-v", node, ...args] : args;
  const start = process.hrtime.bigint();
  const r = spawnSync(command, argv, { cwd, env: childEnv, encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let stderr = r.stderr ?? "";
  let rss;
  let cpu;
  if (TIME) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    if (m) rss = Number(m[1]) / 1024;
    const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
    const system = /System time \(seconds\): ([\d.]+)/.exec(stderr);
    if (user && system) cpu = (Number(user[1]) + Number(system[1])) * 1000;
    stderr = stderr.replace(/\n?\tCommand being timed:[\s\S]*$/, "");
  }
  const code = r.status ?? (r.signal ? `signal ${r.signal}` : "error");
  return { ms, rss, cpu, code, stdout: r.stdout ?? "", stderr };
}

/** A row's samples: times and peak RSS of each round, whether every run ended as expected. */
function row(label, ok = (code) => code === 0 || code === 1) {
  return { label, ms: [], rss: [], cpu: [], failures: [], findings: undefined, ok };
}

function record(r, run) {
  r.ms.push(run.ms);
  if (run.rss !== undefined) r.rss.push(run.rss);
  if (run.cpu !== undefined) r.cpu.push(run.cpu);
  if (!r.ok(run.code)) r.failures.push(`exit ${run.code}: ${run.stderr.trim().split("\n").slice(-3).join(" / ").slice(0, 300)}`);
}

/** Findings in an ESLint-shaped JSON report file. */
function findingsIn(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8")).reduce((n, r) => n + r.messages.length, 0);
  } catch {
    return undefined;
  }
}

/** The rows of a markdown timing table (ECRLINT_TIMING's or ESLint's TIMING) that starts with `header`. */
function timingTable(text, header) {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) return [];
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.includes("|")) break;
    rows.push(line.split("|").map((c) => c.trim()));
  }
  return rows;
}

/** A Sid edited (or a newline added): the one-file change a warm run then has to lint again. */
function changeOneFile(path, round) {
  const text = readFileSync(path, "utf8");
  const changed = /"Sid":\s*"[^"]*/.test(text) ? text.replace(/("Sid":\s*"[^"]*)/, `$1Edit${round}`) : `${text}${"\n".repeat(round + 1)}`;
  writeFileSync(path, changed);
  return text;
}

/** A tree's name in the log and the results: its size and ECR share, and its Terraform / CloudFormation YAML share. */
function treeName(t) {
  return `${thousands(t.files)} files, ${t.share}%${t.iac ? ` (${t.iac * 100}% IaC)` : ""}`;
}

function measureTree(files, share, iac = IAC) {
  const t = tree(files, share, iac);
  const cwd = t.dir;
  const name = treeName({ files, share, iac });
  const out = (part) => join(scratch, `${files}-${share}-${iac}-${part}.json`);
  // The pre-commit case: a repository policy (no cross-file rule reads it) and a registry policy (they do).
  const repositoryPolicy = t.policyFiles.find((f) => /repo(sitory)?-policy\.json$/.test(f));
  const registryPolicy = t.policyFiles.find((f) => /(^|\/)registry-policy\.json$/.test(f));
  const withEslint = files <= ESLINT_MAX;
  const rows = {
    floor: row("floor: walk + read + JSON.parse", (c) => c === 0),
    cold: row(`ecrlint, cold (${availableParallelism() > 2 ? `${availableParallelism() - 1} worker threads once 512 files are to be linted` : `one thread: the default on ${availableParallelism()} CPU${availableParallelism() === 1 ? "" : "s"}`})`),
    coldOneThread: row("ecrlint cold, one thread (ECRLINT_WORKERS=0)"),
    coldPooled: row(`ecrlint cold, pooled (ECRLINT_WORKERS=${POOLED_WORKERS}: the reading thread and ${POOLED_WORKERS} worker${POOLED_WORKERS === 1 ? "" : "s"})`),
    warm: row("ecrlint --cache, warm"),
    changed: row("ecrlint --cache, one file changed"),
    ...(withEslint ? { eslint: row(`ESLint + @ecrlint/eslint-plugin${ESLINT_ROUNDS < ROUNDS ? ` (${ESLINT_ROUNDS} run${ESLINT_ROUNDS === 1 ? "" : "s"})` : ""}`) } : {}),
    oneFile: row(`one file: ecrlint ${repositoryPolicy ? "<repository policy>" : "<file>"}`),
    node: row("one file: node -e 0", (c) => c === 0),
  };
  for (const cache of [".ecrlintcache-warm", ".ecrlintcache-changed"]) rmSync(join(cwd, cache), { force: true });
  log(`${name}: priming the caches ...`);
  const primeWarm = runOnce([ecrlint, "--format", "json", "-o", out("prime"), "--cache", "--cache-location", ".ecrlintcache-warm"], cwd);
  // The same entries serve the one-file-changed row: the cache is keyed by path and content, not by its location.
  copyFileSync(join(cwd, ".ecrlintcache-warm"), join(cwd, ".ecrlintcache-changed"));
  const changedFile = join(cwd, registryPolicy ?? t.policyFiles[0]);
  let timed;
  let eslintRules;
  for (let round = 0; round < ROUNDS; round++) {
    log(`${name}: round ${round + 1} of ${ROUNDS} ...`);
    record(rows.floor, runOnce([join(here, "baseline.mjs"), "."], cwd));
    // The last cold run also says where its time went (ECRLINT_TIMING costs a clock read per rule call).
    const last = round === ROUNDS - 1;
    const cold = runOnce([ecrlint, "--format", "json", "-o", out("cold")], cwd, last ? { ECRLINT_TIMING: "all" } : {});
    record(rows.cold, cold);
    if (last) timed = cold;
    record(rows.coldOneThread, runOnce([ecrlint, "--format", "json", "-o", out("cold-one")], cwd, { ECRLINT_WORKERS: "0" }));
    record(rows.coldPooled, runOnce([ecrlint, "--format", "json", "-o", out("cold-pooled")], cwd, { ECRLINT_WORKERS: String(POOLED_WORKERS) }));
    record(rows.warm, runOnce([ecrlint, "--format", "json", "-o", out("warm"), "--cache", "--cache-location", ".ecrlintcache-warm"], cwd));
    const original = changeOneFile(changedFile, round);
    try {
      record(rows.changed, runOnce([ecrlint, "--format", "json", "-o", out("changed"), "--cache", "--cache-location", ".ecrlintcache-changed"], cwd));
    } finally {
      writeFileSync(changedFile, original);
    }
    if (rows.eslint && round < ESLINT_ROUNDS) {
      // ESLint's own TIMING on its last run in the first tree it runs on (the table goes to stdout; the report to -o).
      const timing = round === ESLINT_ROUNDS - 1 && results.trees.every((x) => !x.eslintRules);
      const r = runOnce([eslint, "--format", "json", "-o", out("eslint"), "."], cwd, timing ? { TIMING: "all" } : {});
      record(rows.eslint, r);
      if (timing) eslintRules = timingTable(r.stdout, "Rule ").map(([id, ms, share]) => ({ id, ms: Number(ms), share }));
    }
    if (repositoryPolicy) record(rows.oneFile, runOnce([ecrlint, repositoryPolicy], cwd));
    record(rows.node, runOnce(["-e", "0"], cwd));
  }
  rows.cold.findings = findingsIn(out("cold"));
  rows.coldOneThread.findings = findingsIn(out("cold-one"));
  rows.coldPooled.findings = findingsIn(out("cold-pooled"));
  // Pooled or not, the report is the same, byte for byte.
  if (readFileSync(out("cold"), "utf8") !== readFileSync(out("cold-one"), "utf8")) results.notes.push(`${name}: the pooled and the one-thread reports differ.`);
  rows.warm.findings = findingsIn(out("warm"));
  rows.changed.findings = findingsIn(out("changed"));
  if (rows.eslint) rows.eslint.findings = findingsIn(out("eslint"));

  const ruleRows = timingTable(timed.stderr, "Rule ").map(([id, ms, share]) => ({ id, ms: Number(ms), share }));
  const fileRows = timingTable(timed.stderr, "File ").map(([path, ms]) => ({ path, ms: Number(ms) }));
  // The slowest files again, each alone in a warm process: their own cost, without the loading a tree run pays first.
  const alone = fileRows.length ? spawnSync(node, [join(here, "slowest.mjs"), cwd, String(ROUNDS), ...fileRows.slice(0, 3).map((f) => f.path)], { cwd: repo, encoding: "utf8" }) : undefined;
  try {
    for (const { file, ms } of JSON.parse(alone?.stdout ?? "[]")) fileRows.find((f) => f.path === file).alone = median(ms);
  } catch {
    results.notes.push(`bench/slowest.mjs failed on ${files} files: ${(alone?.stderr ?? "").trim().split("\n").pop()}`);
  }
  let crossFileOne;
  let crossFileOneCached;
  // A registry policy named alone: the cross-file rules read the rest of the project (their facts only), from the
  // cache when there is one (a copy of the warm one: a run keeps in its cache the files it read).
  if (registryPolicy && files <= CROSS_FILE_ONE_MAX) {
    log(`${name}: one registry policy named alone ...`);
    crossFileOne = runOnce([ecrlint, registryPolicy], cwd);
    copyFileSync(join(cwd, ".ecrlintcache-warm"), join(cwd, ".ecrlintcache-named"));
    crossFileOneCached = runOnce([ecrlint, "--cache", "--cache-location", ".ecrlintcache-named", registryPolicy], cwd);
  }
  for (const cache of [".ecrlintcache-warm", ".ecrlintcache-changed", ".ecrlintcache-named"]) rmSync(join(cwd, cache), { force: true });
  log(`${name}: CPU per ECR file (bench/per-file.mjs) ...`);
  const perFileRun = childJson("per-file.mjs", [cwd, String(Math.max(2, ROUNDS))]);
  return {
    perFile: perFileRun,
    files: t.files,
    share,
    iac,
    policies: t.policies,
    defective: t.defective,
    byShape: t.byShape,
    rows,
    primeWarmMs: primeWarm.ms,
    ruleRows,
    slowest: fileRows.slice(0, 3),
    filesTimed: fileRows.length,
    crossFileOne: crossFileOne && { file: registryPolicy, ms: crossFileOne.ms, rss: crossFileOne.rss, code: crossFileOne.code },
    crossFileOneCached: crossFileOneCached && { ms: crossFileOneCached.ms, rss: crossFileOneCached.rss, code: crossFileOneCached.code },
    repositoryPolicy,
    eslintRules,
  };
}

// ---- rendering ------------------------------------------------------------------------------------------------

const seconds = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const mb = (x) => (x === undefined ? "–" : `${x.toFixed(0)} MB`);
const thousands = (n) => n.toLocaleString("en-US");
/** Milliseconds per file, in the unit that reads best for the few hundred microseconds a file takes. */
const perFile = (ms) => (ms >= 10 ? `${ms.toFixed(1)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(0)} µs`);
const ratio = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

function cell(r) {
  if (!r || r.ms.length === 0) return "–";
  return seconds(median(r.ms));
}

/** Whether a row has figures to compare: every run of it ended as expected (a failed run's time is not the row's). */
function measured(r) {
  return r !== undefined && r.ms.length > 0 && r.failures.length === 0;
}

function spread(r) {
  if (!r || r.ms.length < 2) return "–";
  return `${seconds(Math.min(...r.ms))} – ${seconds(Math.max(...r.ms))}`;
}

function treeSection(t) {
  const floor = median(t.rows.floor.ms);
  const lines = [];
  lines.push(`### ${thousands(t.files)} files, ${t.share}% ECR files${t.iac ? `, ${t.iac * 100}% of the files Terraform / CloudFormation YAML` : ""} (${thousands(t.policies)}, ${t.defective} with a defect)`);
  lines.push("");
  lines.push("| row | median | spread (min – max) | × floor | CPU, user + system (median) | peak RSS (median) | findings |");
  lines.push("|---|--:|--:|--:|--:|--:|--:|");
  for (const r of Object.values(t.rows)) {
    const m = r.ms.length ? median(r.ms) : undefined;
    const failed = r.failures.length ? ` **(${r.failures.length} failed: ${r.failures[0]})**` : "";
    lines.push(`| ${r.label}${failed} | ${cell(r)} | ${spread(r)} | ${m === undefined ? "–" : ratio(m / floor)} | ${r.cpu.length ? seconds(median(r.cpu)) : "–"} | ${mb(r.rss.length ? median(r.rss) : undefined)} | ${r.findings ?? "–"} |`);
  }
  lines.push("");
  const cold = median(t.rows.cold.ms);
  const facts = [];
  if (measured(t.rows.eslint)) facts.push(`ESLint / ecrlint cold: **${ratio(median(t.rows.eslint.ms) / cold)}x**`);
  facts.push(`cold / warm: **${ratio(cold / median(t.rows.warm.ms))}x**`);
  facts.push(`one thread / pooled cold: **${ratio(median(t.rows.coldOneThread.ms) / median(t.rows.coldPooled.ms))}x** wall, ${t.rows.coldPooled.cpu.length ? `${ratio(median(t.rows.coldOneThread.cpu) / median(t.rows.coldPooled.cpu))}x CPU` : "CPU not measured"}`);
  if (t.rows.oneFile.ms.length) facts.push(`one repository policy over Node's start-up: **${seconds(median(t.rows.oneFile.ms) - median(t.rows.node.ms))}** (\`${t.repositoryPolicy}\`)`);
  if (t.crossFileOne) facts.push(`one registry policy named alone (cross-file rules read the facts of the rest of the project; 1 run): ${seconds(t.crossFileOne.ms)}, ${mb(t.crossFileOne.rss)}`);
  if (t.crossFileOneCached) facts.push(`the same with --cache (the facts from a warm cache; 1 run): ${seconds(t.crossFileOneCached.ms)}, ${mb(t.crossFileOneCached.rss)}`);
  facts.push(`first run with --cache (writing it): ${seconds(t.primeWarmMs)}`);
  if (t.rows.coldOneThread.cpu.length && t.rows.floor.cpu.length) {
    facts.push(`CPU per ECR file, one thread, above the floor's: **${perFile((median(t.rows.coldOneThread.cpu) - median(t.rows.floor.cpu)) / t.policies)}** (the command; medians)`);
  }
  if (t.perFile?.error) facts.push(`bench/per-file.mjs failed: ${t.perFile.error}`);
  else if (t.perFile) {
    const p = t.perFile.perPolicyUs;
    const us = (x) => perFile(x / 1000);
    const top = t.perFile.ruleRows.slice(0, 6).map((r) => `${r.id} ${us(r.cold)} / ${us(r.warm)}`).join(", ");
    facts.push(`CPU per ECR file in one process, cold / warm (bench/per-file.mjs, ${t.perFile.rounds} rounds): above the floor ${us(p.aboveFloor.cold)} / ${us(p.aboveFloor.warm)}; parse and model ${us(p.parse.cold)} / ${us(p.parse.warm)}; rules ${us(p.rules.cold)} / ${us(p.rules.warm)}, most: ${top}`);
  }
  if (t.slowest.length) {
    const alone = (f) => (f.alone === undefined ? "" : `, alone in a warm process ${f.alone.toFixed(0)} ms`);
    facts.push(`slowest files (parse, rules and facts in the cold run, from ECRLINT_TIMING): ${t.slowest.map((f) => `\`${f.path}\` ${f.ms.toFixed(0)} ms${alone(f)}`).join("; ")}`);
  }
  lines.push(...facts.map((f) => `- ${f}`));
  if (t.ruleRows.length) {
    const total = t.ruleRows.reduce((n, r) => n + r.ms, 0);
    lines.push(`- rule time ${seconds(total)} of the cold run; by rule: ${t.ruleRows.slice(0, 6).map((r) => `${r.id.replace("@ecrlint/", "")} ${r.share}`).join(", ")}`);
  }
  lines.push("");
  return lines.join("\n");
}

function summaryTable() {
  const lines = [];
  lines.push("| files (ECR share) | floor | ecrlint cold | ESLint + plugin | warm `--cache` | warm, one file changed | one file − `node -e 0` | peak RSS cold | slowest file |");
  lines.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const t of results.trees) {
    const floor = median(t.rows.floor.ms);
    const cold = median(t.rows.cold.ms);
    const x = (r) => (r && r.ms.length ? `${cell(r)} (${ratio(median(r.ms) / floor)}x)` : "–");
    const eslintCell = measured(t.rows.eslint) ? `${cell(t.rows.eslint)} (${ratio(median(t.rows.eslint.ms) / cold)}x ecrlint)` : t.rows.eslint ? "failed" : "–";
    const one = t.rows.oneFile.ms.length ? seconds(median(t.rows.oneFile.ms) - median(t.rows.node.ms)) : "–";
    lines.push(
      `| ${thousands(t.files)} (${t.share}%${t.iac ? `, ${t.iac * 100}% IaC` : ""}) | ${cell(t.rows.floor)} | ${x(t.rows.cold)} | ${eslintCell} | ${x(t.rows.warm)} | ${x(t.rows.changed)} | ${one} | ${mb(t.rows.cold.rss.length ? median(t.rows.cold.rss) : undefined)} | ${t.slowest[0] ? `${t.slowest[0].ms.toFixed(0)} ms` : "–"} |`,
    );
  }
  return lines.join("\n");
}

/** The issue's targets beside what this run measured; informational, never a failure. */
function targets() {
  const lines = [];
  const at = (files, share, iac) => results.trees.find((t) => t.files === files && t.share === share && t.iac === iac);
  for (const t of results.trees.filter((x) => x.share >= 10)) {
    const floor = median(t.rows.floor.ms);
    const cold = median(t.rows.cold.ms);
    const checks = [`cold ${ratio(cold / floor)}x floor (target at 10k: ≤ 2x)`];
    if (measured(t.rows.eslint)) checks.push(`ESLint ${ratio(median(t.rows.eslint.ms) / cold)}x ecrlint (target ≥ 5x)`);
    checks.push(`cold / warm ${ratio(cold / median(t.rows.warm.ms))}x (target ≥ 10x)`);
    if (t.slowest[0]) checks.push(`slowest file ${t.slowest[0].ms.toFixed(0)} ms (target ≤ 50 ms)`);
    if (t.rows.oneFile.ms.length) checks.push(`one file +${seconds(median(t.rows.oneFile.ms) - median(t.rows.node.ms))} over Node (target ≤ 0.3 s)`);
    // A registry policy takes part in the cross-file rules: named alone, the run reads the facts of its project.
    if (t.crossFileOne && t.rows.node.ms.length) checks.push(`one registry policy +${seconds(t.crossFileOne.ms - median(t.rows.node.ms))} over Node, +${seconds(t.crossFileOneCached.ms - median(t.rows.node.ms))} with --cache (target ≤ 0.3 s)`);
    const ten = at(10_000, t.share, t.iac);
    if (t.files === 50_000 && ten) checks.push(`50k / 10k ${ratio(cold / median(ten.rows.cold.ms))}x (target ≤ 5.5x), peak RSS ${mb(median(t.rows.cold.rss))} (target < 300 MB)`);
    lines.push(`- ${treeName(t)}: ${checks.join("; ")}`);
  }
  return lines.join("\n");
}

function ruleShareTable() {
  const trees = results.trees.filter((t) => t.ruleRows.length);
  if (!trees.length) return "";
  const ids = [...new Set(trees.flatMap((t) => t.ruleRows.slice(0, 10).map((r) => r.id)))];
  const eslintTree = results.trees.find((t) => t.eslintRules?.length);
  const header = ["rule", ...trees.map((t) => `ecrlint ${thousands(t.files)} (${t.share}%${t.iac ? `, ${t.iac * 100}% IaC` : ""})`), ...(eslintTree ? [`ESLint ${thousands(eslintTree.files)} (${eslintTree.share}%)`] : [])];
  const lines = [`| ${header.join(" | ")} |`, `|---|${header.slice(1).map(() => "--:").join("|")}|`];
  for (const id of ids) {
    const cells = trees.map((t) => {
      const r = t.ruleRows.find((x) => x.id === id);
      return r ? `${r.share} (${seconds(r.ms)})` : "–";
    });
    if (eslintTree) {
      const r = eslintTree.eslintRules.find((x) => x.id === id);
      cells.push(r ? `${r.share} (${seconds(r.ms)})` : "–");
    }
    lines.push(`| ${id.replace("@ecrlint/", "")} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

function largeSection() {
  const l = results.large;
  if (!l) return "";
  if (l.error) return `The large-policy benchmark failed: ${l.error}\n`;
  const lines = ["| shape | files | worst file in a tree run | median | over the target | with an inconclusive finding | target |", "|---|--:|--:|--:|--:|--:|--:|"];
  for (const r of l.rows) lines.push(`| ${r.shape} | ${r.files} | ${r.worstMs.toFixed(1)} ms (seed ${r.worstSeed}) | ${r.medianMs.toFixed(1)} ms | ${r.overTarget} | ${r.inconclusiveFiles} | ≤ ${r.targetMs} ms |`);
  const o = l.oneFile;
  if (o) {
    lines.push("", `Named alone (the first file of its process; a registry policy, so the cross-file rules read the facts of the rest of the 1,000-file tree): \`${o.path}\` itself ${o.ownMs.toFixed(1)} ms (target ≤ ${o.ownTargetMs} ms); the run ${o.ms.toFixed(0)} ms against \`node -e 0\` ${o.nodeMs.toFixed(0)} ms, ${o.overNodeMs.toFixed(0)} ms over Node (target ≤ ${o.targetMs} ms).`);
  }
  return `${lines.join("\n")}\n`;
}

function evaluatorSection() {
  const e = results.evaluator;
  if (!e) return "";
  if (e.error) return `The evaluator benchmark failed: ${e.error}\n`;
  const fmt = (n) => Math.round(n).toLocaleString("en-US");
  const lines = [];
  lines.push("| policy | requests | ours, compiled once | ours, compiling each time | iam-simulate | ours / iam-simulate | compared | allow / explicit deny | disagreements |");
  lines.push("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const r of e.simulator ?? []) {
    lines.push(`| ${r.statements} statement${r.statements === 1 ? "" : "s"} | ${r.requests} | ${fmt(r.oursCompiled)}/s | ${fmt(r.oursCompiling)}/s | ${fmt(r.simulator)}/s | ${ratio(r.oursCompiled / r.simulator)}x (${ratio(r.oursCompiling / r.simulator)}x compiling) | ${r.compared} | ${r.decisions.allow} / ${r.decisions["explicit-deny"]} | ${r.disagreements.length} |`);
  }
  lines.push("");
  for (const r of e.simulator ?? []) {
    for (const d of r.disagreements.slice(0, 5)) lines.push(`- ${r.statements} statements: ours ${d.ours}, iam-simulate ${d.theirs}: \`${JSON.stringify(d.request)}\``);
    for (const [error, n] of Object.entries(r.simulatorErrors)) lines.push(`- ${r.statements} statements: ${n} requests not compared, simulator error: ${error}`);
  }
  if (e.baseline) {
    lines.push("");
    lines.push(`Against a hand-written check of a 5-statement policy: ${e.baseline.rows.map((r) => `${r.name} ${fmt(r.rate)}/s`).join("; ")}; queryPolicy ${fmt(e.baseline.queriesPerSecond)} queries/s.`);
  }
  const rate = (r) => `${r.inconclusive} of ${fmt(r.asked)} (${((100 * r.inconclusive) / r.asked).toFixed(1)}%; at least one in ${r.policiesWithInconclusive} of the ${r.policies} policies), ${(r.ms / r.asked).toFixed(2)} ms per query`;
  lines.push("");
  lines.push(`Quantified queries (\`queryPolicy\`, any context; 17 actions × 5 principals per policy) inconclusive: on the ${e.inconclusive.handWritten.policies} hand-written policies of bench/policies ${rate(e.inconclusive.handWritten)}; on ${e.inconclusive.generated.policies} generated policies of 1-20 statements ${rate(e.inconclusive.generated)}.`);
  const reasons = Object.entries(e.inconclusive.generated.reasons)
    .map(([k, n]) => [k.replace(/^[^:]*: /, ""), n])
    .reduce((m, [k, n]) => m.set(k, (m.get(k) ?? 0) + n), new Map());
  for (const [reason, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 3)) lines.push(`- ${n} × ${reason}`);
  return `${lines.join("\n")}\n`;
}

function hostileSection() {
  const h = results.hostile;
  if (!h) return "";
  if (h.error) return `The hostile-files benchmark failed: ${h.error}\n`;
  const lines = ["| policy | characters | findings | median | spread |", "|---|--:|--:|--:|--:|"];
  for (const r of h.rows) lines.push(`| ${r.name} | ${thousands(r.chars)} | ${r.findings} | ${seconds(r.ms)} | ${seconds(r.min)} – ${seconds(r.max)} |`);
  return `${lines.join("\n")}\n`;
}

/** The tree sections: the summary, the targets, each tree, and where rule time goes. */
function treeParts() {
  return [
    "## Trees",
    "",
    "Ratios in brackets are to the floor of the same tree (ESLint's to ecrlint cold). Peak RSS is the largest resident set (`/usr/bin/time -v`).",
    "",
    summaryTable(),
    "",
    "Targets (issue 17), beside this run's figures:",
    "",
    targets(),
    "",
    ...results.trees.map(treeSection),
    "## Where rule time goes",
    "",
    "Each rule's share of all rule time in the last cold run (`ECRLINT_TIMING=all`; ESLint's `TIMING=all` in its last run on the first tree it runs on).",
    "",
    ruleShareTable(),
    "",
  ];
}

/**
 * Without the trees part (BENCH_PARTS=evaluator,hostile), the tree sections of the results file already there are
 * kept, with the line that says which run measured them.
 */
const previous = (() => {
  if (PARTS.has("trees") || !existsSync(OUTPUT)) return undefined;
  const text = readFileSync(OUTPUT, "utf8");
  const start = text.indexOf("## Trees");
  const end = text.search(/^## (Large policies|Evaluator|Hostile files)/m);
  const written = /^Written by .*$/m.exec(text);
  return start < 0 || !written ? undefined : { trees: text.slice(start, end < 0 ? undefined : end).trim(), written: written[0] };
})();

function render() {
  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repo, encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })();
  const la = (l) => (l ? l.map((x) => x.toFixed(2)).join(", ") : "–");
  const parts = [
    "# Benchmark results",
    "",
    `Written by \`npm run bench\` (bench/run.mjs) on ${started.toISOString().slice(0, 16).replace("T", " ")} UTC at commit ${commit}: node ${process.version}, ${availableParallelism()} CPUs, ` +
      `load average (1, 5, 15 min) ${la(load.before)} at the start and ${la(load.after ?? loadavg())} at the end. ${ROUNDS} round${ROUNDS === 1 ? "" : "s"} per row, the rows of a round run one after another, so ` +
      `each row meets the same load; medians, with the fastest and slowest run as the spread. Trees from bench/generate-tree.mjs, seed ${SEED}${IAC ? `, ${IAC * 100}% Terraform / CloudFormation YAML` : ""}.`,
    "",
    ...results.notes.map((n) => `> ${n}\n`),
  ];
  if (previous) {
    parts.push(`The tree sections are kept from the previous run. ${previous.written.replace(/^Written by/, "It was written by")}`, "", previous.trees, "");
  } else {
    parts.push(...treeParts());
  }
  if (PARTS.has("large")) parts.push("## Large policies", "", "The largest policy files among the 100 ECR files of a seeded 1,000-file tree, linted cold by the command: each file's parse, rules and cross-file facts as ECRLINT_TIMING times them, the slowest of the rounds (`bench/large-policies.mjs`, shapes of `samplePolicy`, seeds 1 to the count).", "", largeSection());
  if (PARTS.has("evaluator")) parts.push("## Evaluator", "", "Decisions per second on the same requests to generated registry policies (requests aimed at each statement, with and without the values its conditions name, from a stranger, plus a grid of callers, actions, repositories and contexts), and the decisions of both engines compared (`bench/evaluator.mjs`).", "", evaluatorSection());
  if (PARTS.has("hostile")) parts.push("## Hostile files", "", "Each file linted alone by `lint()` with every rule on, in a fresh folder (`bench/hostile.mjs`).", "", hostileSection());
  return `${parts.join("\n")}`.replace(/\n{3,}/g, "\n\n");
}

function save() {
  writeFileSync(OUTPUT, render());
}

function childJson(script, args) {
  const r = spawnSync(node, [join(here, script), ...args, "--json"], { cwd: repo, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const last = (r.stdout ?? "").trim().split("\n").pop();
  try {
    return JSON.parse(last);
  } catch {
    return { error: `exit ${r.status}: ${(r.stderr || r.stdout || "").trim().split("\n").slice(-3).join(" / ")}` };
  }
}

if (!existsSync(join(repo, "packages", "cli", "dist", "cli.js"))) {
  process.stderr.write("bench: build first (npm run build); npm run bench does.\n");
  process.exit(2);
}
if (!TIME) results.notes.push("/usr/bin/time is not installed here: no peak RSS figures.");
if (PARTS.has("trees")) {
  for (const files of SIZES) {
    for (const share of SHARES) {
      results.trees.push(measureTree(files, share));
      save();
      log(`${treeName({ files, share, iac: IAC })}: done; ${OUTPUT} updated`);
    }
  }
  // The same shapes with ECR resources in Terraform and CloudFormation YAML among them (the HCL grammar, YAML).
  for (const { files, share } of IAC_TREES) {
    results.trees.push(measureTree(files, share, IAC_TREE_SHARE));
    save();
    log(`${treeName({ files, share, iac: IAC_TREE_SHARE })}: done; ${OUTPUT} updated`);
  }
}
if (PARTS.has("evaluator")) {
  log("evaluator ...");
  results.evaluator = childJson("evaluator.mjs", [EVALUATOR_SECONDS]);
  save();
}
if (PARTS.has("large")) {
  log("large policies ...");
  results.large = childJson("large-policies.mjs", [env.BENCH_LARGE_FILES ?? "20"]);
}
if (PARTS.has("hostile")) {
  log("hostile files ...");
  results.hostile = childJson("hostile.mjs", []);
}
load.after = loadavg();
save();
rmSync(scratch, { recursive: true, force: true });
process.stdout.write(`\n${render()}`);
