import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { fileTree, gitInit, repoDir, runBin, tempDir } from "./helpers.js";

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

const serial = { ECRLINT_WORKERS: "0" };
const pooled = { ECRLINT_WORKERS: "2" };

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

  it("starts by itself on a run of many policies, with the same findings, exit code and cache", async () => {
    const files: Record<string, unknown> = { ".ecrlintrc.json": { registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }] } };
    for (let i = 0; i < 90; i++) {
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

  it("ECRLINT_WORKERS that is not a number is a usage error", async () => {
    const dir = fileTree({ "registry-policy.json": { Version: "2012-10-17", Statement: [] } });
    expect(await runBin([], { cwd: dir, env: { ECRLINT_WORKERS: "many" } })).toEqual({
      code: 2,
      stdout: "",
      stderr: 'ecrlint: ECRLINT_WORKERS: expected a number of worker threads (0 for none), got "many"\n',
    });
  });
});
