// The access review of one change, in process and as a user runs it: two versions of a 20-statement registry policy
// (teams, CI roles, partners, replication, an organization pull, denies), the second with five edits a pull request
// makes: a Sid renamed, a condition removed, a Region fixed, ecr:ReplicateImage dropped, a principal widened from a
// role to its account. Target (issue 15): well under a second. Run after `npm run build`:
//   node bench/diff.mjs
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compilePolicy, diffAccess } from "../packages/core/dist/evaluator/index.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 1000;
const REGISTRY = "444455556666";
const registry = { source: "config", account: REGISTRY, region: "us-west-2", partition: "aws" };

function twentyStatements() {
  const repo = (name, region = "us-west-2") => `arn:aws:ecr:${region}:${REGISTRY}:repository/${name}`;
  const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];
  const PUSH = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", ...PULL];
  const statements = [
    { Sid: "Replication", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: repo("*") },
    { Sid: "OrgPull", Effect: "Allow", Principal: "*", Action: PULL, Resource: repo("shared/*"), Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } },
    { Sid: "DeadRegion", Effect: "Allow", Principal: { AWS: "arn:aws:iam::222233334444:role/mirror" }, Action: PULL, Resource: repo("mirror/*", "us-east-1") },
    { Sid: "DenyInsecure", Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Sid: "DenyDeleteProd", Effect: "Deny", Principal: "*", Action: ["ecr:DeleteRepository", "ecr:BatchDeleteImage"], Resource: repo("prod/*") },
  ];
  for (let i = 0; statements.length < 20; i++) {
    const team = `team${i}`;
    statements.push(
      i % 3 === 0
        ? { Sid: `Push${team}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${REGISTRY}:role/${team}-ci` }, Action: PUSH, Resource: repo(`${team}/*`), Condition: { StringEquals: { "aws:SourceVpc": `vpc-${team}` } } }
        : i % 3 === 1
          ? { Sid: `Pull${team}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::5555666677${String(i).padStart(2, "0")}:role/deploy` }, Action: PULL, Resource: repo(`${team}/*`) }
          : { Sid: `Read${team}`, Effect: "Allow", Principal: { AWS: `arn:aws:iam::${REGISTRY}:role/${team}-dev` }, Action: ["ecr:DescribeImages", "ecr:ListImages", ...PULL], Resource: repo(`${team}/*`) },
    );
  }
  const before = { Version: "2012-10-17", Statement: statements };
  const after = structuredClone(before);
  after.Statement[5].Sid = "PushTeam0Renamed";
  delete after.Statement[5].Condition;
  after.Statement[2].Resource = repo("mirror/*");
  after.Statement[0].Action = ["ecr:CreateRepository"];
  after.Statement[6].Principal = { AWS: "555566667701" };
  return { before, after };
}

/**
 * The median wall time of a measure, and for work in this process its CPU time too: on a shared machine the wall
 * time counts other people's work, the CPU time only ours.
 */
function median(measure) {
  const wall = [];
  const cpu = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const used = process.cpuUsage();
    last = measure();
    const spent = process.cpuUsage(used);
    wall.push(performance.now() - start);
    cpu.push((spent.user + spent.system) / 1000);
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: mid(wall), cpuMs: mid(cpu), last };
}

const row = (name, ms, note) => console.log(`${name.padEnd(44)} ${`${ms.toFixed(0)} ms`.padStart(9)}  ${ms < TARGET_MS ? "ok" : "OVER"} (target < ${TARGET_MS} ms)  ${note}`);
const { before, after } = twentyStatements();
console.log(`access review of a 20-statement policy with 5 edits, median of ${RUNS}, node ${process.version}`);

const inProcess = median(() => diffAccess(compilePolicy(before, { registry }), compilePolicy(after, { registry }), { registry }));
const d = inProcess.last;
row("diffAccess(two 20-statement policies)", inProcess.cpuMs, `CPU time (${inProcess.ms.toFixed(0)} ms wall); ${d.gained.length} gained, ${d.lost.length} lost, ${d.inconclusive.length} inconclusive (${d.status})`);

// As a user runs it: a git repository whose main branch holds the base, the working tree the change.
const dir = mkdtempSync(join(tmpdir(), "ecrlint-bench-diff-"));
try {
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "bench@example.com");
  git("config", "user.name", "bench");
  writeFileSync(join(dir, "ecrlint.config.json"), JSON.stringify({ registries: [{ files: ["**"], account: REGISTRY, region: "us-west-2" }] }));
  writeFileSync(join(dir, "registry-policy.json"), `${JSON.stringify(before, null, 2)}\n`);
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  writeFileSync(join(dir, "registry-policy.json"), `${JSON.stringify(after, null, 2)}\n`);
  const bin = new URL("../packages/cli/bin/ecrlint.js", import.meta.url).pathname;
  const cli = median(() => JSON.parse(execFileSync(process.execPath, [bin, "diff", "main", "--format", "json"], { cwd: dir, encoding: "utf8" })));
  // What starting the command costs before it diffs anything, measured the same way, so the row can be read net of it.
  const startup = median(() => execFileSync(process.execPath, [bin, "--version"], { cwd: dir, encoding: "utf8" }));
  const rows = cli.last.files.flatMap((f) => f.documents.flatMap((doc) => [...doc.gained, ...doc.lost]));
  row("ecrlint diff main, net of starting ecrlint", cli.ms - startup.ms, `wall time (${cli.ms.toFixed(0)} ms, of which ${startup.ms.toFixed(0)} ms start-up); ${rows.length} rows: ${cli.last.summary}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
