import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

describe("failures in a user's Vitest run", () => {
  it("point at the user's test line or cases-file line, not at this package", () => {
    const project = fileURLToPath(new URL("fixtures/frames/", import.meta.url));
    const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
    const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined, VITEST: undefined, VITEST_POOL_ID: undefined, VITEST_WORKER_ID: undefined, TEST: undefined, NODE_ENV: undefined };
    const run = spawnSync(process.execPath, [vitest, "run", "--config", "vitest.config.ts"], { cwd: project, encoding: "utf8", env });
    const output = run.stdout + run.stderr;
    expect(run.status, output).toBe(1);
    const frames = output.split("\n").filter((l) => l.trim().startsWith("❯ ") && /:\d+:\d+/.test(l)).map((l) => l.trim());
    expect(frames).toEqual(["❯ failing-tests.ts:8:18", "❯ failing-tests.ts:12:3", "❯ failing.cases.json:5:5"]);
    expect(output).not.toMatch(/@ecrlint\/testing\/(dist|src)|packages\/testing\/(dist|src)/);
  }, 60_000);
});
