// The runner on the small files that once took minutes (issue 16, class 3): wildcard-heavy ARN conditions and
// resources, hundreds of public statements with conditions, a one-megabyte operator name. Each is linted alone by
// the runner's lint() (every rule on) in a fresh folder; the table shows the median of three runs, and the last row
// names the slowest policy under put-registry-policy's 10,240-character limit. Run after `npm run build`:
//   node bench/hostile.mjs [--json]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lint, describeRules } from "../packages/cli/dist/index.js";
import { samplePolicy } from "./generate-tree.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const LIMIT = 10_240;
const REGISTRY = "infra/444455556666/us-west-2";
const everyRule = Object.fromEntries(Object.keys(describeRules()).map((id) => [id.slice("@ecrlint/".length), "error"]));

const statement = (extra) => ({ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:BatchGetImage", Resource: "*", ...extra });
const policy = (statements) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** The generated policy with as many statements as fit in `limit` characters (put-registry-policy's). */
function largestUnder(limit) {
  let text = "";
  for (let n = 1; ; n++) {
    const next = JSON.stringify(samplePolicy({ seed: 10, statements: n }));
    if (next.length > limit) return text;
    text = next;
  }
}

const cases = [
  ...[100, 1_000, 10_000].map((n) => [
    `ArnLike aws:PrincipalArn with ${n} *`,
    policy([{ ...statement(), Principal: "*", Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${"*".repeat(n)}:role/x` } } }]),
  ]),
  ...[100, 1_000].map((n) => [
    `a Resource with ${n} * (left open in queries)`,
    policy([statement({ Action: ["ecr:CreateRepository"], Resource: `arn:aws:ecr:us-west-2:444455556666:repository/${"*a".repeat(n / 2)}` })]),
  ]),
  ...[40, 400].map((n) => [
    `${n} Principal "*" statements with conditions`,
    policy(
      Array.from({ length: n }, (_, i) => ({
        Effect: "Allow",
        Principal: "*",
        Action: "ecr:BatchGetImage",
        Resource: "*",
        Condition: { StringEquals: { "aws:PrincipalOrgID": `o-${String(i).padStart(10, "0")}` }, IpAddress: { "aws:SourceIp": `10.${i % 250}.0.0/16` } },
      })),
    ),
  ]),
  ["50 generated statements", JSON.stringify(samplePolicy({ seed: 50, statements: 50 }))],
  ["generated statements up to 10 KB", largestUnder(LIMIT)],
  ["a 1 MB condition operator (did-you-mean)", policy([statement({ Condition: { ["StringEquals".padEnd(1024 * 1024, "x")]: { "aws:SourceVpce": "vpce-1" } } })])],
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const [name, text] of cases) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "ecrlint-bench-hostile-"));
    const file = join(dir, REGISTRY, "registry-policy.json");
    mkdirSync(join(dir, REGISTRY), { recursive: true });
    writeFileSync(file, text);
    const start = process.hrtime.bigint();
    const report = await lint({ cwd: dir, rules: everyRule });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (i === 0) rows.push({ name, chars: text.length, findings: report.results.reduce((n, r) => n + r.messages.length, 0), times });
    else rows.at(-1).times = times;
    rmSync(dir, { recursive: true, force: true });
  }
}

const small = rows.filter((r) => r.chars <= LIMIT).sort((a, b) => median(b.times) - median(a.times));
if (process.argv.includes("--json")) {
  process.stdout.write(`${JSON.stringify({ limit: LIMIT, rows: rows.map((r) => ({ name: r.name, chars: r.chars, findings: r.findings, ms: median(r.times), min: Math.min(...r.times), max: Math.max(...r.times) })) })}\n`);
} else {
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`${pad("policy", 50)} ${pad("characters", 11)} ${pad("findings", 9)} median ms`);
  for (const r of rows) console.log(`${pad(r.name, 50)} ${pad(r.chars, 11)} ${pad(r.findings, 9)} ${median(r.times).toFixed(0)}`);
  if (small[0]) console.log(`${pad(`slowest under ${LIMIT} characters: ${small[0].name}`, 72)} ${median(small[0].times).toFixed(0)} ms`);
}
