import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoDir, runBin, tempDir } from "./helpers.js";

const failingCases = join(repoDir, "packages/testing/test/fixtures/failing.json");

function casesTree(): string {
  const dir = tempDir("ecrlint-cases-");
  cpSync(join(repoDir, "fixtures/replication/registry-policy.json"), join(dir, "registry-policy.json"));
  cpSync(join(repoDir, "fixtures/replication/registry-policy.cases.json"), join(dir, "registry-policy.cases.json"));
  return dir;
}

describe("ecrlint test", () => {
  it("runs every *.cases.json below the working directory and ends with the pass/fail line", async () => {
    const dir = casesTree();
    const { code, stdout, stderr } = await runBin(["test"], { cwd: dir });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it("prints each failure with its explanation and exits 1", async () => {
    const dir = casesTree();
    cpSync(failingCases, join(dir, "failing.cases.json"));
    writeFileSync(
      join(dir, "failing.cases.json"),
      JSON.stringify({
        policy: "./registry-policy.json",
        registry: { account: "444455556666", region: "us-west-2" },
        cases: [
          { name: "wrong Region", principal: "111122223333", action: "ecr:ReplicateImage", resource: "arn:aws:ecr:us-east-1:444455556666:repository/app", expect: "allow" },
        ],
      }),
    );
    const { code, stdout } = await runBin(["test", "--format", "stylish"], { cwd: dir });
    expect(code).toBe(1);
    expect(stdout).toContain("wrong Region");
    expect(stdout).toContain("ReplicationAccessCrossAccount");
    expect(stdout).toMatch(/us-east-1/);
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^\d+ passed, 1 failed$/);
  });

  it("speaks json and junit", async () => {
    const dir = casesTree();
    const json = await runBin(["test", "--format", "json"], { cwd: dir });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as unknown;
    expect(JSON.stringify(parsed)).toContain("registry-policy.cases.json");
    const junit = await runBin(["test", "--format", "junit"], { cwd: dir });
    expect(junit.code).toBe(0);
    expect(junit.stdout).toMatch(/^<\?xml/);
    expect(junit.stdout).toContain("<testcase");
    const toFile = await runBin(["test", "--format", "junit", "--output-file", "reports/ecrlint-test.xml"], { cwd: dir });
    expect(toFile).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(join(dir, "reports", "ecrlint-test.xml"), "utf8")).toBe(junit.stdout);
  });

  it("names an invalid cases file and its key path, exit 2", async () => {
    const dir = tempDir("ecrlint-cases-");
    writeFileSync(join(dir, "bad.cases.json"), JSON.stringify({ policy: { Version: "2012-10-17", Statement: [] }, cases: [{ name: "x", action: "ecr:ReplicateImage", expect: "maybe" }] }));
    const { code, stderr, stdout } = await runBin(["test"], { cwd: dir });
    expect(code).toBe(2);
    expect(stderr + stdout).toContain("bad.cases.json");
    expect(stderr + stdout).toContain("cases[0].expect");
  });
});

describe("ecrlint explain", () => {
  it("prints the trace of a decision", async () => {
    const { code, stdout } = await runBin(
      ["explain", "fixtures/replication/registry-policy.json", "--action", "ecr:ReplicateImage", "--principal", "111122223333", "--resource", "arn:aws:ecr:us-west-2:444455556666:repository/app"],
      { cwd: repoDir },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/allow/i);
    expect(stdout).toContain("ReplicationAccessCrossAccount");
  });

  it("explains a near miss: the Region that does not match", async () => {
    const { code, stdout } = await runBin(
      ["explain", "fixtures/replication/registry-policy.json", "--action", "ecr:ReplicateImage", "--principal", "111122223333", "--resource", "arn:aws:ecr:us-east-1:444455556666:repository/app", "--context", "aws:SourceIp=10.0.0.1"],
      { cwd: repoDir },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/implicit-deny|implicitly denied/i);
    expect(stdout).toContain("us-east-1");
  });

  it("is a usage error without --action, and a clear error for a missing file", async () => {
    const noAction = await runBin(["explain", "fixtures/replication/registry-policy.json"], { cwd: repoDir });
    expect(noAction.code).toBe(2);
    expect(noAction.stderr).toMatch(/--action/);
    const missing = await runBin(["explain", "nope.json", "--action", "ecr:ReplicateImage"], { cwd: repoDir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.json");
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
