import { describe, expect, it } from "vitest";
import { formatJson, formatJunit, formatStylish, runCases, runCasesFile, validateCasesFile } from "../src/index.js";
import { definePolicyTests } from "../src/vitest.js";

describe("cases files", () => {
  it("runs the repository's fixtures", () => {
    // One level down only: fixtures/hostile/ holds cases files that are invalid on purpose (the hostile corpus).
    const run = runCases(["fixtures/*/*.cases.json"], { cwd: "../.." });
    expect(run.files.map((f) => f.file)).toEqual(["fixtures/pull-through-cache/registry-policy.cases.json", "fixtures/replication/registry-policy.cases.json"]);
    expect(run).toMatchObject({ failed: 0, invalid: 0 });
    expect(run.passed).toBeGreaterThan(10);
  });

  it("reports failures, invalid files and the totals in each format", () => {
    // These files are not named *.cases.json, so that `ecrlint test` at the repository root stays green.
    const run = runCases(["test/fixtures/*.json"]);
    expect(run).toMatchObject({ passed: 4, failed: 2, invalid: 2 });
    expect(formatStylish(run)).toMatchSnapshot();
    expect(formatStylish(run).trimEnd().split("\n").at(-1)).toBe("4 passed, 2 failed, 2 invalid files");
    expect(formatJunit(run)).toMatchSnapshot();
    expect(JSON.parse(formatJson(run))).toMatchObject({ passed: 4, failed: 2, invalid: 2 });
  });

  it("names the file and the key path of a schema problem", () => {
    expect(runCasesFile("test/fixtures/invalid.json").error).toEqual({
      file: "test/fixtures/invalid.json",
      keyPath: "cases[1].expect",
      message: 'must be one of "allow", "deny", "explicit-deny", "implicit-deny"',
    });
    expect(validateCasesFile({ policy: 3, cases: [{ name: "x", action: "ReplicateImage", expect: "allow", extra: 1 }] }, "f.json")).toEqual([
      { file: "f.json", keyPath: "policy", message: "must be a path to a policy file or a policy object" },
      { file: "f.json", keyPath: "cases[0].extra", message: "unknown key" },
      { file: "f.json", keyPath: "cases[0].action", message: 'must be an action such as "ecr:ReplicateImage"' },
    ]);
  });

  it("makes a missing policy file an invalid cases file", () => {
    const result = runCasesFile("test/fixtures/missing-policy.json");
    expect(result.error?.keyPath).toBe("policy");
    expect(result.error?.message).toContain("Cannot read the policy file");
  });
});

describe("definePolicyTests", () => {
  definePolicyTests(["fixtures/*/*.cases.json", "test/fixtures/inline.cases.json"], { cwd: "../.." });
});
