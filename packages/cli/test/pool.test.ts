import { execFile, spawnSync } from "node:child_process";
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { availableParallelism } from "node:os";
import { defaultWorkers, earlyPoolSize, LintPool, MAX_WORKERS_PER_CPU, POOL_THRESHOLD, poolSize, type WorkerReply } from "../dist/pool.js";
import { binPath, fileTree, gitInit, packageDir, repoDir, runBin, tempDir } from "./helpers.js";

/** fixtures/ without the hostile corpus (its FIFOs and devices are made by its own tests), in a repository of its own. */
function fixturesCopy(): string {
  const dir = tempDir("ecrlint-pool-");
  cpSync(join(repoDir, "fixtures"), dir, { recursive: true, filter: (src) => !relative(join(repoDir, "fixtures"), src).startsWith("hostile") });
  gitInit(dir);
  return dir;
}

/** Every file under a folder (without .git) and its bytes, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name === ".git") continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path, "latin1");
    }
  };
  walk(dir);
  return out;
}

/** A script that runs `body` with the built `lint` and `LintPool` imported: one LintPool class, as in the command. */
function poolScript(body: string[]): string {
  const url = (file: string) => JSON.stringify(pathToFileURL(join(packageDir, "dist", file)).href);
  return [`import { lint } from ${url("index.js")};`, `import { LintPool } from ${url("pool.js")};`, ...body].join("\n");
}

const serial = { ECRLINT_WORKERS: "0" };
const pooled = { ECRLINT_WORKERS: "2" };

/** A registry policy of 150,000 actions (3.7 MB): more syntax tree than a worker's heap holds, well under the size limit. */
function hugePolicy(): string {
  const Action = Array.from({ length: 150_000 }, () => "ecr:BatchGetImage");
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action, Resource: "*" }] }, null, 1);
}

/** `count` registry policies of a few shapes, with findings, directives and fixes, and as many files that are not ours. */
function manyPolicies(count: number): Record<string, unknown> {
  const files: Record<string, unknown> = { ".ecrlintrc.json": { registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }] } };
  for (let i = 0; i < count; i++) {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Pull", Effect: "Allow", Principal: i % 3 === 0 ? "*" : { AWS: `arn:aws:iam::44445555666${i % 10}:root` }, Action: ["ecr:BatchGetImage", i % 7 === 0 ? "ecr:BatchGetImages" : "ecr:Describe*"], Resource: "*" },
        ...(i % 4 === 0 ? [{ Sid: "Pull", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] : []),
      ],
    };
    files[`team-${i}/registry-policy.json`] = i % 5 === 0 ? `// eslint-disable-next-line @ecrlint/no-public-access\n${JSON.stringify(policy, null, 2)}\n` : policy;
    files[`team-${i}/package.json`] = { name: `team-${i}` };
  }
  return files;
}

describe("the worker pool", () => {
  it.each([["json"], ["stylish"], ["sarif"]])("reports over fixtures/ exactly what one thread does (--format %s)", async (format) => {
    const dir = fixturesCopy();
    const one = await runBin(["--format", format], { cwd: dir, env: serial });
    const two = await runBin(["--format", format], { cwd: dir, env: pooled });
    expect(one.stdout.length).toBeGreaterThan(1000);
    // Cross-file rules see every file whichever thread read it.
    if (format === "json") expect(one.stdout).toContain("@ecrlint/replication-destination-allowed");
    expect({ code: two.code, stdout: two.stdout.replace(/"durationMs":\d+/g, ""), stderr: two.stderr }).toEqual({ code: one.code, stdout: one.stdout.replace(/"durationMs":\d+/g, ""), stderr: one.stderr });
  });

  it("fixes files exactly as one thread does", async () => {
    const [a, b] = [fixturesCopy(), fixturesCopy()];
    const one = await runBin(["--fix", "--format", "json"], { cwd: a, env: serial });
    const two = await runBin(["--fix", "--format", "json"], { cwd: b, env: pooled });
    expect(two.code).toBe(one.code);
    expect(two.stdout.replaceAll(b, "<dir>")).toBe(one.stdout.replaceAll(a, "<dir>"));
    const [before, afterOne, afterTwo] = [snapshot(join(repoDir, "fixtures")), snapshot(a), snapshot(b)];
    expect(afterTwo).toEqual(afterOne);
    // The fixes did change something, so the comparison compared fixed files.
    expect(Object.keys(afterOne).some((path) => before[path] !== undefined && before[path] !== afterOne[path])).toBe(true);
  });

  it("uses workers by default from 3 cores, one per core but the reading thread's, and none on 2", () => {
    expect([1, 2, 3, 4, 8].map(defaultWorkers)).toEqual([0, 0, 2, 3, 7]);
  });

  it("by default on a run of many policies (pooled from 3 cores), gives the same findings, exit code and cache", async () => {
    const files: Record<string, unknown> = { ".ecrlintrc.json": { registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }] } };
    // More policies than a run lints in its own thread (POOL_THRESHOLD).
    for (let i = 0; i < POOL_THRESHOLD + 40; i++) {
      files[`team-${i}/registry-policy.json`] = {
        Version: "2012-10-17",
        Statement: [
          { Sid: "Pull", Effect: "Allow", Principal: i % 3 === 0 ? "*" : { AWS: `arn:aws:iam::44445555666${i % 10}:root` }, Action: ["ecr:BatchGetImage", "ecr:Describe*"], Resource: `arn:aws:ecr:${i % 5 === 0 ? "eu-west-1" : "us-west-2"}:111122223333:repository/*` },
          ...(i % 4 === 0 ? [{ Sid: "Pull", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] : []),
        ],
      };
      files[`team-${i}/package.json`] = { name: `team-${i}` };
    }
    const dir = fileTree(files);
    const one = await runBin(["--format", "json", "--cache", "--cache-location", ".serial-cache"], { cwd: dir, env: serial });
    const auto = await runBin(["--format", "json", "--cache", "--cache-location", ".auto-cache"], { cwd: dir, env: { ECRLINT_WORKERS: undefined } });
    expect(one.code).toBe(1);
    expect({ code: auto.code, stdout: auto.stdout, stderr: auto.stderr }).toEqual({ code: one.code, stdout: one.stdout, stderr: one.stderr });
    const entries = (file: string) => readFileSync(join(dir, file), "utf8").split("\n").slice(1).sort();
    expect(entries(".auto-cache")).toEqual(entries(".serial-cache"));
    // And warm, from either cache.
    const warm = await runBin(["--format", "json", "--cache", "--cache-location", ".auto-cache"], { cwd: dir, env: pooled });
    expect(warm.stdout).toBe(one.stdout);
  });

  it.each([["1"], ["3"]])("hands %s worker(s) the files in batches and reports what one thread does", async (workers) => {
    // More files than a batch holds, for every worker, so that batches are full, shared out and answered in any order.
    const dir = fileTree(manyPolicies(300));
    const one = await runBin(["--format", "json", "--fix-dry-run"], { cwd: dir, env: serial });
    const pool = await runBin(["--format", "json", "--fix-dry-run"], { cwd: dir, env: { ECRLINT_WORKERS: workers } });
    expect(one.code).toBe(1);
    expect(JSON.parse(one.stdout)).toHaveLength(300);
    expect(one.stdout).toContain("@ecrlint/valid-action");
    expect({ code: pool.code, stdout: pool.stdout, stderr: pool.stderr }).toEqual({ code: one.code, stdout: one.stdout, stderr: one.stderr });
  });

  it("lints the files of a worker that dies in the main thread, and reports what one thread does", async () => {
    const dir = fileTree({ ...manyPolicies(40), "huge/registry-policy.json": hugePolicy() });
    const one = await runBin(["--format", "json"], { cwd: dir, env: serial });
    const pool = await runBin(["--format", "json"], { cwd: dir, env: { ECRLINT_WORKERS: "1" } });
    expect(JSON.parse(one.stdout).find((r: { filePath: string }) => r.filePath.endsWith("huge/registry-policy.json")).messages.map((m: { ruleId: string }) => m.ruleId)).toEqual(["@ecrlint/max-policy-size"]);
    expect({ code: pool.code, stdout: pool.stdout, stderr: pool.stderr }).toEqual({ code: one.code, stdout: one.stdout, stderr: one.stderr });
  });

  it("hands back as lost the jobs of a worker that runs out of memory, and the other workers answer the rest", async () => {
    const dir = fileTree({ "huge/registry-policy.json": hugePolicy(), "small/registry-policy.json": { Version: "2012-10-17", Statement: [] } });
    const pool = new LintPool(2, { cwd: dir, options: { cwd: dir } });
    const replies = new Map<number, WorkerReply>();
    const small = readFileSync(join(dir, "small/registry-policy.json"), "utf8");
    try {
      await pool.submit({ id: 0, filePath: join(dir, "huge/registry-policy.json"), text: readFileSync(join(dir, "huge/registry-policy.json"), "utf8") }, (r) => replies.set(0, r));
      for (let id = 1; id <= 100; id++) await pool.submit({ id, filePath: join(dir, "small/registry-policy.json"), text: small }, (r) => replies.set(id, r));
      await pool.drain();
    } finally {
      await pool.close();
    }
    expect(replies.size).toBe(101);
    expect(replies.get(0)).toEqual({ id: 0, lost: true });
    const answered = [...replies.values()].filter((r) => "result" in r);
    // The worker that took the huge file lost its batch with it; the other one answered what was left.
    expect(answered.length).toBeGreaterThan(0);
    expect([...replies.values()].every((r) => "result" in r || "lost" in r)).toBe(true);
  });

  it("is backlogged while more text waits for the workers than its limit, until the reader takes jobs back", async () => {
    const dir = fileTree({ "team/registry-policy.json": { Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*" }] } });
    const filePath = join(dir, "team/registry-policy.json");
    const text = readFileSync(filePath, "utf8");
    const limit = LintPool.maxQueuedChars;
    LintPool.maxQueuedChars = text.length * 3;
    const pool = new LintPool(1, { cwd: dir, options: { cwd: dir } });
    const replies = new Map<number, WorkerReply>();
    try {
      // Fewer than a batch wait in the queue: none goes out before the run says it is finishing.
      for (let id = 0; id < 3; id++) pool.submit({ id, filePath, text }, (r) => replies.set(id, r));
      expect(pool.backlogged).toBe(false);
      pool.submit({ id: 3, filePath, text }, (r) => replies.set(3, r));
      expect(pool.backlogged).toBe(true);
      const back = pool.takeBack()!;
      expect(back.id).toBe(3);
      expect(pool.backlogged).toBe(false);
      back.done({ id: 3, lost: true });
      await pool.drain();
    } finally {
      LintPool.maxQueuedChars = limit;
      await pool.close();
    }
    expect([0, 1, 2].map((id) => { const r = replies.get(id)!; return "result" in r && r.result.outcome.status; })).toEqual(["ours", "ours", "ours"]);
  });

  it("lints in the reading thread while the workers are backlogged, with what a serial run reports", () => {
    const dir = fixturesCopy();
    // In a process of its own, as the command runs.
    const script = poolScript([
      `const serial = await lint({ cwd: ${JSON.stringify(dir)}, workers: 0 });`,
      // Any text waiting is a backlog: the reading thread lints each file that no worker has taken yet.
      "LintPool.maxQueuedChars = 0;",
      // Counted until the run has read its last file (it then says the pool is finishing).
      "let taken = 0, reading = true;",
      "const { takeBack, finishing } = LintPool.prototype;",
      "LintPool.prototype.takeBack = function () { const job = takeBack.call(this); if (job && reading) taken++; return job; };",
      "LintPool.prototype.finishing = function () { reading = false; return finishing.call(this); };",
      `const pooled = await lint({ cwd: ${JSON.stringify(dir)}, workers: 1 });`,
      "console.log(JSON.stringify({ taken, files: serial.results.length, same: JSON.stringify(pooled.results) === JSON.stringify(serial.results) }));",
    ]);
    // A file, not `node -e`: a worker thread inherits the process's exec arguments, and refuses `--input-type`.
    const file = join(tempDir("ecrlint-backlog-"), "run.mjs");
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    const { taken, files, same } = JSON.parse(run.stdout) as { taken: number; files: number; same: boolean };
    expect(files).toBeGreaterThan(40);
    // Jobs were taken back while files were still being read, not only once the last one was.
    expect(taken).toBeGreaterThan(10);
    expect(same).toBe(true);
  });

  it("keeps its workers in a process whose code is a module given on standard input (node --input-type=module)", () => {
    const dir = fixturesCopy();
    const script = poolScript([
      // A worker lost while the pool is open (not closed at the end of the run) died: its files went back to this thread.
      "let died = 0;",
      "const { lose } = LintPool.prototype;",
      "LintPool.prototype.lose = function (slot) { if (!this.closing && this.slots.includes(slot)) died++; return lose.call(this, slot); };",
      `const serial = await lint({ cwd: ${JSON.stringify(dir)}, workers: 0 });`,
      `const pooled = await lint({ cwd: ${JSON.stringify(dir)}, workers: 2 });`,
      "console.log(JSON.stringify({ died, same: JSON.stringify(pooled.results) === JSON.stringify(serial.results) }));",
    ]);
    const run = spawnSync(process.execPath, ["--input-type=module"], { input: script, encoding: "utf8", timeout: 60_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ died: 0, same: true });
  });

  it("takes back the jobs still waiting for a worker, last first, and the worker answers the others", async () => {
    const dir = fileTree({ "team/registry-policy.json": { Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*" }] } });
    const filePath = join(dir, "team/registry-policy.json");
    const text = readFileSync(filePath, "utf8");
    const pool = new LintPool(1, { cwd: dir, options: { cwd: dir } });
    const replies = new Map<number, WorkerReply>();
    const taken: number[] = [];
    try {
      for (let id = 0; id < 100; id++) await pool.submit({ id, filePath, text }, (r) => replies.set(id, r));
      // The worker holds a batch to work on and one waiting; the rest wait in the queue until the reader takes them.
      for (let back = pool.takeBack(); back; back = pool.takeBack()) {
        taken.push(back.id);
        back.done({ id: back.id, lost: true });
      }
      await pool.drain();
    } finally {
      await pool.close();
    }
    expect(taken.length).toBeGreaterThan(0);
    expect(taken).toEqual(Array.from({ length: taken.length }, (_, i) => 99 - i));
    expect(pool.outstanding).toBe(0);
    for (let id = 0; id < 100; id++) {
      const reply = replies.get(id)!;
      if (taken.includes(id)) expect(reply).toEqual({ id, lost: true });
      else expect("result" in reply && reply.result.outcome.status).toBe("ours");
    }
  });

  it("lints alongside its worker once every file is read, with what one thread reports", async () => {
    // More files than the worker takes in its two batches, so that the reading thread has jobs left to take back.
    const dir = fileTree(manyPolicies(200));
    const one = await runBin(["--format", "json"], { cwd: dir, env: serial });
    const pool = await runBin(["--format", "json"], { cwd: dir, env: { ECRLINT_WORKERS: "1" } });
    expect(JSON.parse(one.stdout)).toHaveLength(200);
    expect({ code: pool.code, stdout: pool.stdout, stderr: pool.stderr }).toEqual({ code: one.code, stdout: one.stdout, stderr: one.stderr });
  });

  it("closes workers started ahead of a run that lints nothing, and exits on its own", async () => {
    // Asked for, workers start before discovery; by default, once discovery finds 4,096 files. Neither is used here.
    const files: Record<string, unknown> = {};
    for (let i = 0; i < 700; i++) files[`pkg-${i}/package.json`] = { name: `pkg-${i}` };
    const dir = fileTree(files);
    for (const env of [serial, pooled, { ECRLINT_WORKERS: undefined }]) expect(await runBin(["--format", "json"], { cwd: dir, env })).toMatchObject({ code: 0, stderr: "" });
    // lint() returns with no worker left running: a script that awaits it ends by itself (the test would time out).
    const script = `import { lint } from ${JSON.stringify(pathToFileURL(join(packageDir, "dist", "index.js")).href)};\nconst report = await lint({ cwd: ${JSON.stringify(dir)}, workers: 2 });\nconsole.log(report.results.length);`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
    expect(stdout).toBe("0\n");
  });

  it("closes workers started ahead of a run that fails, with the usage error and no stack trace", async () => {
    const dir = fileTree({ "registry-policy.json": { Version: "2012-10-17", Statement: [] } });
    const run = await runBin(["no-such-folder/"], { cwd: dir, env: pooled });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ecrlint: .*no-such-folder/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("never starts more workers than the files it reads, nor more than a few per core, whatever a run asks for", async () => {
    const cpus = availableParallelism();
    expect(poolSize({ workers: 100_000 }, 1, 3)).toBe(3);
    expect(poolSize({ workers: 100_000 }, 1, 1_000_000)).toBe(MAX_WORKERS_PER_CPU * cpus);
    expect(poolSize({ workers: 2 }, 1, 1_000_000)).toBe(2);
    expect(poolSize({ workers: 0 }, 10_000, 1_000_000)).toBe(0);
    // Ahead of reading, one from the first file found: the rest once the run knows how many files it reads.
    expect(earlyPoolSize({ workers: 100_000 }, 0)).toBe(0);
    expect(earlyPoolSize({ workers: 100_000 }, 1)).toBe(1);
    expect(earlyPoolSize({ workers: 0 }, 1)).toBe(0);
    // ECRLINT_WORKERS=100000 once started every worker and died out of memory before reading a file.
    const dir = fixturesCopy();
    const one = await runBin(["--format", "json", "flagged/duplicate-sids.json"], { cwd: dir, env: serial });
    const many = await runBin(["--format", "json", "flagged/duplicate-sids.json"], { cwd: dir, env: { ECRLINT_WORKERS: "100000" } });
    expect(many.stderr).toBe("");
    expect({ code: many.code, stdout: many.stdout }).toEqual({ code: one.code, stdout: one.stdout });
    expect(one.code).toBe(1);
  });

  it("starts no more workers than the run has files (none for none), whatever ECRLINT_WORKERS asks", async () => {
    // Counts the workers the process constructs: the preload wraps worker_threads' Worker for the ES modules too.
    const preload = join(tempDir("ecrlint-count-workers-"), "count.cjs");
    writeFileSync(
      preload,
      'const wt = require("node:worker_threads"); const Base = wt.Worker; let n = 0;\n' +
        "wt.Worker = class extends Base { constructor(...a) { super(...a); n++; } };\n" +
        'require("node:module").syncBuiltinESMExports();\nprocess.on("exit", () => process.stderr.write(`workers: ${n}\\n`));\n',
    );
    const policy = { Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "ecr:BatchGetImage", Resource: "*" }] };
    const workers = (dir: string, args: string[]) => {
      const r = spawnSync(process.execPath, ["-r", preload, binPath, "--format", "json", ...args], { cwd: dir, env: { ...process.env, ECRLINT_WORKERS: "8" }, encoding: "utf8" });
      return Number(/workers: (\d+)/.exec(r.stderr)?.[1]);
    };
    expect(workers(fileTree({ "README.md": "no policies" }), [])).toBe(0);
    expect(workers(fileTree({ "registry-policy.json": policy }), [])).toBe(1);
    expect(workers(fileTree({ "registry-policy.json": policy }), ["registry-policy.json"])).toBe(1);
    expect(workers(fileTree({ "a/registry-policy.json": policy, "b/registry-policy.json": policy, "c/registry-policy.json": policy }), [])).toBe(3);
  });

  it("grows a pool started early to the size the run needs", async () => {
    const dir = fileTree({ "registry-policy.json": { Version: "2012-10-17", Statement: [] } });
    const pool = new LintPool(1, { cwd: dir, options: { cwd: dir } });
    try {
      expect(pool.size).toBe(1);
      pool.grow(3);
      expect(pool.size).toBe(3);
      // Never smaller: a pool does not stop workers it has.
      pool.grow(2);
      expect(pool.size).toBe(3);
      const replies: WorkerReply[] = [];
      const text = readFileSync(join(dir, "registry-policy.json"), "utf8");
      for (let id = 0; id < 6; id++) await pool.submit({ id, filePath: join(dir, "registry-policy.json"), text }, (r) => replies.push(r));
      await pool.drain();
      expect(replies.map((r) => r.id).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      expect(replies.every((r) => "result" in r)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it("ECRLINT_WORKERS that is not a number is a usage error", async () => {
    const dir = fileTree({ "registry-policy.json": { Version: "2012-10-17", Statement: [] } });
    expect(await runBin([], { cwd: dir, env: { ECRLINT_WORKERS: "many" } })).toEqual({
      code: 2,
      stdout: "",
      stderr: 'ecrlint: ECRLINT_WORKERS: expected a number of worker threads (0 for none), got "many"\n',
    });
  });
});
