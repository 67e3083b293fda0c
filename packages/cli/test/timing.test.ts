import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { timingListSize } from "../src/timing.js";
import { runBin, runnerFixtures } from "./helpers.js";

/** The rows of the markdown table that starts with this header line, as cells. */
function tableRows(stderr: string, header: string): string[][] {
  const lines = stderr.split("\n");
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, `no "${header}" table in:\n${stderr}`).toBeGreaterThanOrEqual(0);
  expect(lines[start + 1]).toMatch(/^:-+\|(-+:\|?)+$/);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (line === "") break;
    rows.push(line.split(" | ").map((c) => c.trim()));
  }
  return rows;
}

describe("ECRLINT_TIMING", () => {
  const cwd = join(runnerFixtures, "cross-file");

  it("prints every rule's time and share and every linted file's time on stderr, leaving the report as it is", async () => {
    const plain = await runBin(["--format", "json"], { cwd });
    const timed = await runBin(["--format", "json"], { cwd, env: { ECRLINT_TIMING: "all" } });
    expect(timed.code).toBe(plain.code);
    expect(plain.stderr).toBe("");
    expect(JSON.parse(timed.stdout)).toEqual(JSON.parse(plain.stdout));

    const rules = tableRows(timed.stderr, "Rule ");
    const ids = rules.map((r) => r[0]);
    // A single-file rule and a cross-file one (its collect and its project check are both its time).
    expect(ids).toContain("@ecrlint/valid-policy");
    expect(ids).toContain("@ecrlint/replication-destination-allowed");
    for (const [id, ms, share] of rules) {
      expect(id).toMatch(/^@ecrlint\/[a-z-]+$/);
      expect(Number(ms)).toBeGreaterThanOrEqual(0);
      expect(share).toMatch(/^\d+\.\d%$/);
    }
    const times = rules.map((r) => Number(r[1]));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const shares = rules.reduce((n, r) => n + Number.parseFloat(r[2]!), 0);
    expect(shares).toBeGreaterThan(100 - rules.length * 0.05);
    expect(shares).toBeLessThan(100 + rules.length * 0.05);

    const files = tableRows(timed.stderr, "File ");
    expect(files.map((r) => r[0]).sort()).toEqual([
      "infra/dest-a/registry-policy.json",
      "infra/dest-b/registry-policy.json",
      "infra/source/replication-configuration.json",
      "infra/unrelated/registry-policy.json",
    ]);
    for (const [, ms] of files) expect(Number(ms)).toBeGreaterThan(0);
  });

  it("counts the time of the rules and files linted in worker threads, as a run in one thread counts it", async () => {
    const oneThread = await runBin(["--format", "json"], { cwd, env: { ECRLINT_TIMING: "all", ECRLINT_WORKERS: "0" } });
    const pooled = await runBin(["--format", "json"], { cwd, env: { ECRLINT_TIMING: "all", ECRLINT_WORKERS: "2" } });
    expect(pooled.stdout).toBe(oneThread.stdout);
    const ids = (stderr: string) => tableRows(stderr, "Rule ").map((r) => r[0]).sort();
    expect(ids(pooled.stderr)).toContain("@ecrlint/valid-policy");
    expect(ids(pooled.stderr)).toEqual(ids(oneThread.stderr));
    const files = (stderr: string) => tableRows(stderr, "File ").map((r) => r[0]).sort();
    expect(files(pooled.stderr)).toHaveLength(4);
    expect(files(pooled.stderr)).toEqual(files(oneThread.stderr));
  });

  it("lists the ten slowest rules for any other value, as ESLint's TIMING does", async () => {
    const r = await runBin(["--format", "json"], { cwd, env: { ECRLINT_TIMING: "1" } });
    expect(tableRows(r.stderr, "Rule ")).toHaveLength(10);
    expect(tableRows(r.stderr, "File ")).toHaveLength(4);
  });

  it("reads the variable as ESLint reads TIMING", () => {
    for (const off of [undefined, "", "0", "false"]) expect(timingListSize(off)).toBeUndefined();
    expect(timingListSize("all")).toBe(Number.POSITIVE_INFINITY);
    expect(timingListSize("ALL")).toBe(Number.POSITIVE_INFINITY);
    expect(timingListSize("25")).toBe(25);
    expect(timingListSize("3")).toBe(10);
    expect(timingListSize("yes")).toBe(10);
  });
});
