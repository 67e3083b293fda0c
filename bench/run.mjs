// Benchmark of the ecrlint runner against a plain read-and-JSON.parse script and against ESLint with the plugin,
// on a generated monorepo-like tree (bench/.tree, git-ignored). Run with `npm run bench` at the root.
// Prints a table of median wall-clock times and ratios to the baseline measured in the same run; asserts nothing.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { terraformFile } from "./terraform-files.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
// BENCH_TF=1: a tenth of the files are Terraform (`.tf`), a tenth of those with aws_ecr_ resources.
const TF = process.env.BENCH_TF === "1";
const tree = join(here, TF ? ".tree-tf" : ".tree");
const TOTAL = Number(process.env.BENCH_FILES ?? 20_000);
const POLICIES = Number(process.env.BENCH_POLICIES ?? 400);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SHAPE = `v3:${TOTAL}:${POLICIES}:${TF ? "tf" : "json"}`;

/** A small deterministic generator, so every run lints the same tree. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function generate() {
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const random = rng(42);
  const accounts = ["111122223333", "444455556666", "777788889999", "222233334444"];
  const regions = ["us-west-2", "us-east-1", "eu-west-1", "ap-southeast-2"];
  const registries = [];
  for (const account of accounts) {
    for (const region of regions) registries.push({ files: [`infra/${account}/${region}/**`], account, region });
  }
  writeFileSync(join(tree, ".ecrlintrc.json"), JSON.stringify({ registries }, null, 2));
  writeFileSync(join(tree, ".gitignore"), "dist/\n");
  writeFileSync(
    join(tree, "eslint.config.mjs"),
    `import plugin from "@ecrlint/eslint-plugin";\nexport default [{ ignores: ["dist/**"] }, ...plugin.configs.recommended];\n`,
  );
  let written = 0;
  for (let i = 0; i < POLICIES; i++) {
    const account = accounts[i % accounts.length];
    const region = regions[Math.floor(i / accounts.length) % regions.length];
    const dir = join(tree, "infra", account, region, `team-${i}`);
    mkdirSync(dir, { recursive: true });
    const source = accounts[(i + 1) % accounts.length];
    const resourceRegion = random() < 0.1 ? "us-east-2" : region;
    const kind = i % 4;
    let body;
    if (kind === 3) {
      body = { rules: [{ destinations: [{ region: regions[(i + 1) % regions.length], registryId: source }], repositoryFilters: [{ filter: "prod-", filterType: "PREFIX_MATCH" }] }] };
    } else {
      body = {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReplicationAccessCrossAccount",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${source}:root` },
            Action: kind === 1 ? ["ecr:CreateRepository"] : ["ecr:CreateRepository", "ecr:ReplicateImage"],
            Resource: `arn:aws:ecr:${resourceRegion}:${account}:repository/*`,
          },
        ],
      };
    }
    writeFileSync(join(dir, kind === 3 ? "replication-configuration.json" : "registry-policy.json"), JSON.stringify(body, null, 2));
    written++;
  }
  for (let p = 0; written < TOTAL; p++) {
    const dir = join(tree, "packages", `group-${p % 50}`, `pkg-${p}`);
    mkdirSync(join(dir, "src"), { recursive: true });
    const deps = Object.fromEntries(Array.from({ length: 5 + Math.floor(random() * 20) }, (_, k) => [`dep-${k}-${p % 97}`, `^${k}.${p % 10}.0`]));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `@bench/pkg-${p}`, version: "1.0.0", type: "module", scripts: { build: "tsc -b", test: "vitest run" }, dependencies: deps }, null, 2));
    writeFileSync(join(dir, "tsconfig.json"), `{\n  // generated\n  "extends": "../../tsconfig.base.json",\n  "compilerOptions": { "outDir": "dist", "rootDir": "src" },\n  "include": ["src"]\n}\n`);
    writeFileSync(join(dir, "src", "fixture.json"), JSON.stringify({ items: Array.from({ length: 30 }, (_, k) => ({ id: k, label: `item ${k}`, enabled: k % 2 === 0 })) }));
    written += 3;
    if (TF && p % 3 === 0 && written < TOTAL) {
      writeFileSync(join(dir, "main.tf"), terraformFile(p / 3));
      written++;
    }
  }
  // A repository of its own, so that the runner's .gitignore handling stops here and not at ecrlint's own root.
  execFileSync("git", ["init", "-q"], { cwd: tree });
  writeFileSync(join(tree, ".bench-shape"), SHAPE);
  return written;
}

function time(label, command, args) {
  const samples = [];
  let output = "";
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd: tree, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0 && r.status !== 1) throw new Error(`${label} failed (${r.status}): ${r.stderr}`);
    output = r.stdout;
  }
  samples.sort((a, b) => a - b);
  return { label, ms: samples[Math.floor(samples.length / 2)], output };
}

if (!existsSync(join(tree, ".bench-shape")) || readFileSync(join(tree, ".bench-shape"), "utf8") !== SHAPE) {
  process.stdout.write(`generating ${TOTAL} files into bench/${TF ? ".tree-tf" : ".tree"} ...\n`);
  generate();
}

const node = process.execPath;
const ecrlint = join(repo, "packages", "cli", "bin", "ecrlint.js");
const rows = [
  time("baseline: read + JSON.parse", node, [join(here, "baseline.mjs"), "."]),
  time("ecrlint", node, [ecrlint, "--format", "json"]),
  time("ecrlint --cache (warm)", node, [ecrlint, "--format", "json", "--cache"]),
  time("eslint + @ecrlint/eslint-plugin", node, [join(repo, "node_modules", "eslint", "bin", "eslint.js"), "--format", "json", "."]),
];
const findings = (out) => {
  try {
    return JSON.parse(out).reduce((n, r) => n + r.messages.length, 0);
  } catch {
    return "";
  }
};
const base = rows[0].ms;
const eslintMs = rows[3].ms;
const table = [["", "median ms", "x baseline", "eslint / this", "findings"]];
for (const r of rows) table.push([r.label, r.ms.toFixed(0), (r.ms / base).toFixed(2), (eslintMs / r.ms).toFixed(1), String(findings(r.output))]);
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
process.stdout.write(`\n${TOTAL} files (${POLICIES} policy files${TF ? ", a tenth of all files .tf" : ""}), median of ${RUNS} runs, node ${process.version}\n\n`);
for (const row of table) process.stdout.write(`${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}\n`);
process.stdout.write(`\ntargets: ecrlint within 2.00x of the baseline, eslint / ecrlint at least 5\n`);
