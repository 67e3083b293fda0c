import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generateTree } from "../generate-tree.mjs";

const scratch = mkdtempSync(join(tmpdir(), "ecrlint-bench-per-file-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const script = fileURLToPath(new URL("../per-file.mjs", import.meta.url));

describe("bench/per-file.mjs", () => {
  it("reports the CPU per ECR file of a tree, above the floor, of the parse and by rule, cold and warm, with the same findings in each round", () => {
    const dir = join(scratch, "tree");
    const generated = generateTree({ dir, files: 120, policyShare: 0.5, seed: 3, git: false });
    const run = spawnSync(process.execPath, [script, dir, "2", "--json"], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      policies: number;
      rounds: number;
      perPolicyUs: Record<"aboveFloor" | "parse" | "rules", { cold: number; warm: number }>;
      ruleRows: { id: string; cold: number; warm: number }[];
    };
    // Every generated ECR file is linted; the runner may read a few more (an ECR file the generator counts otherwise).
    expect(result.policies).toBeGreaterThanOrEqual(generated.policies);
    expect(result.rounds).toBe(2);
    for (const part of ["aboveFloor", "parse", "rules"] as const) {
      expect(result.perPolicyUs[part].cold, part).toBeGreaterThan(0);
      expect(result.perPolicyUs[part].warm, part).toBeGreaterThan(0);
    }
    const ids = result.ruleRows.map((r) => r.id);
    // Single-file checks, and both halves of a cross-file rule.
    expect(ids).toEqual(expect.arrayContaining(["valid-policy", "no-public-access", "replication-destination-allowed (collect)", "replication-destination-allowed (project check)"]));
    // Slowest first, in the cold round.
    expect(result.ruleRows.map((r) => r.cold)).toEqual([...result.ruleRows.map((r) => r.cold)].sort((a, b) => b - a));
  });

  it("says how it is run when no tree is given", () => {
    const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^usage: node bench\/per-file\.mjs <tree>/);
  });
});
