import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { flagChosen, HEAP_GROWING_PERCENT, INTERRUPT_BUDGET } from "../src/v8-flags.js";
import { binPath, fileTree, packageDir, runNode, tempDir } from "./helpers.js";

const policy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage" }],
};

/**
 * Runs Node with a preloaded script that records every V8 flag the process sets at run time (the ES module facade of
 * node:v8 is made from its CommonJS exports when first imported, after the preload) and prints them at exit.
 */
async function flagsSet(args: string[]): Promise<{ code: number | null; flags: string[] }> {
  const probe = join(tempDir("ecrlint-flags-"), "probe.cjs");
  writeFileSync(
    probe,
    `const v8 = require("node:v8");\nconst set = v8.setFlagsFromString;\nconst flags = [];\nv8.setFlagsFromString = (f) => { flags.push(f); return set(f); };\nprocess.on("exit", () => process.stderr.write("\\nFLAGS " + JSON.stringify(flags) + "\\n"));\n`,
  );
  const dir = fileTree({ "registry-policy.json": policy });
  const run = await runNode(["--require", probe, ...args], { cwd: dir });
  const line = /FLAGS (.*)/.exec(run.stderr);
  expect(line, run.stderr).not.toBeNull();
  return { code: run.code, flags: JSON.parse(line![1]!) as string[] };
}

describe("the V8 flags of the command line: the heap's growing factor and the budget before optimising", () => {
  it("the command line sets it for its own process, before it lints", async () => {
    const run = await flagsSet([binPath, "registry-policy.json"]);
    // The policy names no Resource: a finding, so the run did lint.
    expect(run.code).toBe(1);
    expect(run.flags).toEqual([`--heap-growing-percent=${HEAP_GROWING_PERCENT}`, `--interrupt-budget=${INTERRUPT_BUDGET}`]);
  });

  it("leaves a flag the user gave Node on its command line alone, and sets the other", async () => {
    const run = await flagsSet(["--heap-growing-percent=80", binPath, "registry-policy.json"]);
    expect(run.code).toBe(1);
    expect(run.flags).toEqual([`--interrupt-budget=${INTERRUPT_BUDGET}`]);
    const both = await flagsSet(["--heap_growing_percent=80", "--interrupt-budget=100000", binPath, "registry-policy.json"]);
    expect(both.code).toBe(1);
    expect(both.flags).toEqual([]);
  });

  it("the programmatic API leaves the host's process alone", async () => {
    const api = pathToFileURL(join(packageDir, "dist", "index.js")).href;
    const run = await flagsSet(["--input-type=module", "-e", `const { lint } = await import(${JSON.stringify(api)}); const r = await lint({ patterns: ["registry-policy.json"] }); if (r.results.length !== 1) process.exit(3);`]);
    expect(run.code).toBe(0);
    expect(run.flags).toEqual([]);
  });

  it("tells the user's own choice by its name, with dashes or underscores, and nothing else for it", () => {
    const growth = "--heap-growing-percent";
    expect(flagChosen(growth, ["--heap-growing-percent=10"])).toBe(true);
    expect(flagChosen(growth, ["--trace-gc", "--heap_growing_percent=10"])).toBe(true);
    expect(flagChosen(growth, ["--heap-growing-percent", "10"])).toBe(true);
    expect(flagChosen(growth, ["--max-old-space-size=4096", "--heap-growing-percentage=1"])).toBe(false);
    expect(flagChosen(growth, ["--interrupt-budget=1000"])).toBe(false);
    expect(flagChosen("--interrupt-budget", ["--interrupt_budget=1000"])).toBe(true);
    expect(flagChosen(growth, [])).toBe(false);
  });
});
