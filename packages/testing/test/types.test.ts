import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);

describe("types", () => {
  it("type-checks the matchers and helpers, and rejects wrong usage (test-d/matchers.ts)", () => {
    const tsc = require.resolve("typescript/bin/tsc");
    const project = fileURLToPath(new URL("../test-d/tsconfig.json", import.meta.url));
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "--noEmit", "-p", project], { encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe("");
  }, 60_000);
});
