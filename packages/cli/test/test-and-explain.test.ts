import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageDir, repoDir, runBin, tempDir } from "./helpers.js";

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
          { name: "wrong Region", principal: "111122223333", action: "ecr:ReplicateImage", resource: "arn:aws:ecr:us-east-1:444455556666:repository/app", crossRegistry: true, expect: "allow" },
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

  it("unmatched patterns: a notice and exit 0 with no pattern or only other files, exit 2 for a named pattern unless allowed", async () => {
    const empty = tempDir("ecrlint-no-cases-");
    writeFileSync(join(empty, "registry-policy.json"), readFileSync(join(repoDir, "fixtures/replication/registry-policy.json")));
    const notice = /^ecrlint test: no \*\.cases\.json files .*; no access tests to run\.\n$/;
    const byDefault = await runBin(["test"], { cwd: empty });
    expect(byDefault).toMatchObject({ code: 0, stdout: "" });
    expect(byDefault.stderr).toMatch(notice);
    // What a hook passes: staged files, none of them a cases file.
    const staged = await runBin(["test", "registry-policy.json"], { cwd: empty });
    expect(staged).toMatchObject({ code: 0, stdout: "" });
    expect(staged.stderr).toMatch(notice);
    const named = await runBin(["test", "tests/**/*.cases.json"], { cwd: empty });
    expect(named).toEqual({ code: 2, stdout: "", stderr: 'No cases files match "tests/**/*.cases.json" (--no-error-on-unmatched-pattern to allow it).\n' });
    const allowed = await runBin(["test", "--no-error-on-unmatched-pattern", "tests/**/*.cases.json"], { cwd: empty });
    expect(allowed).toMatchObject({ code: 0, stdout: "" });
    expect(allowed.stderr).toMatch(notice);
    // A JUnit report is still written, empty, for CI steps and task caches that expect the file.
    const junit = await runBin(["test", "--format", "junit", "--output-file", "ecrlint-test.xml"], { cwd: empty });
    expect(junit.code).toBe(0);
    expect(readFileSync(join(empty, "ecrlint-test.xml"), "utf8")).toMatch(/^<\?xml/);
    // Other files next to a cases file: the cases file runs, the others are left out.
    const dir = casesTree();
    const mixed = await runBin(["test", "registry-policy.json", "registry-policy.cases.json"], { cwd: dir });
    expect(mixed.code).toBe(0);
    expect(mixed.stdout.trimEnd().split("\n").at(-1)).toMatch(/^[1-9]\d* passed, 0 failed$/);
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
      ["explain", "fixtures/replication/registry-policy.json", "--action", "ecr:ReplicateImage", "--principal", "111122223333", "--resource", "arn:aws:ecr:us-east-1:444455556666:repository/app", "--cross-registry", "--context", "aws:SourceIp=10.0.0.1"],
      { cwd: repoDir },
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/implicit-deny|implicitly denied/i);
    expect(stdout).toContain("us-east-1");
  });

  it("shows the escape sequences a policy's Sid holds as escapes, never sends them to the terminal", async () => {
    const dir = tempDir("ecrlint-explain-controls-");
    const statement = { Sid: "Pull\u001b[2K\r\u2714 allowed\u202e", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage", Resource: "*" };
    writeFileSync(join(dir, "registry-policy.json"), JSON.stringify({ Version: "2012-10-17", Statement: [statement] }));
    const { code, stdout } = await runBin(["explain", "registry-policy.json", "--action", "ecr:BatchGetImage", "--principal", "111122223333"], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain('"Pull\\u001b[2K\\r\u2714 allowed\\u202e"');
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
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

describe("no vacuous passes from the command line", () => {
  it("a cases file with an unknown action, a non-ECR action or a malformed resource exits 2 naming the case and the key", async () => {
    const dir = tempDir("ecrlint-cases-");
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:PutImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }] };
    const cases = [
      { name: "push typo", action: "ecr:PutImagee", expect: "deny" },
      { name: "s3 read", action: "s3:GetObject", expect: "deny" },
      { name: "bad resource", action: "ecr:PutImage", resource: "arn:aws:ecr:us-west-2:444455556666:repositry/app", expect: "deny" },
    ];
    for (const [i, c] of cases.entries()) writeFileSync(join(dir, `c${i}.cases.json`), JSON.stringify({ policy, cases: [c] }));
    const { code, stdout } = await runBin(["test"], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toContain('c0.cases.json cases[0].action: case "push typo": "ecr:PutImagee" is not an action of the ECR catalog (did you mean "ecr:PutImage"?).');
    expect(stdout).toContain('c1.cases.json cases[0].action: case "s3 read": "s3:GetObject" is not an ECR action');
    expect(stdout).toContain('c2.cases.json cases[0].resource: case "bad resource": Resource "arn:aws:ecr:us-west-2:444455556666:repositry/app" names the resource type "repositry", not repository (did you mean "repository"?).');
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("0 passed, 0 failed, 3 invalid files");
  });

  it("a context key no ECR request carries is a warning beside the passing case, exit 0", async () => {
    const dir = tempDir("ecrlint-cases-");
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:PutImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }] };
    const cases = [{ name: "push from the office", principal: "111122223333", action: "ecr:PutImage", context: { "aws:SourceIpp": "10.0.0.1" }, expect: "allow" }];
    writeFileSync(join(dir, "w.cases.json"), JSON.stringify({ policy, cases }));
    const { code, stdout } = await runBin(["test"], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain('  ! push from the office (line 1): Context key "aws:SourceIpp" is neither a condition key of ECR requests nor one the policy uses, so it changes nothing (did you mean "aws:SourceIp"?).');
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 0 failed");
  });

  it("a context value that is no date is refused in cases files and by explain, naming the key and the form", async () => {
    const dir = tempDir("ecrlint-cases-");
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:PutImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*", Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } } }] };
    const cases = [{ name: "after the cut-off", principal: "111122223333", action: "ecr:PutImage", context: { "aws:CurrentTime": "9000000000000x" }, expect: "deny" }];
    writeFileSync(join(dir, "registry-policy.json"), JSON.stringify(policy));
    writeFileSync(join(dir, "d.cases.json"), JSON.stringify({ policy: "registry-policy.json", cases }));
    const form = 'takes an ISO 8601 date (2024-05-01, 2024-05-01T12:00:00Z) or epoch seconds (1714564800); "9000000000000x" is not one.';
    const test = await runBin(["test"], { cwd: dir });
    expect(test.code).toBe(2);
    expect(test.stdout).toContain(`d.cases.json cases[0].context.aws:CurrentTime: case "after the cut-off": Context key "aws:CurrentTime" ${form}`);
    const explain = await runBin(["explain", "registry-policy.json", "-a", "ecr:PutImage", "-p", "111122223333", "-c", "aws:CurrentTime=9000000000000x"], { cwd: dir });
    expect(explain).toEqual({ code: 2, stdout: "", stderr: `Context key "aws:CurrentTime" ${form}\n` });
  });

  it("explain refuses an action outside the catalog, with a did-you-mean, exit 2", async () => {
    const { code, stdout, stderr } = await runBin(["explain", "fixtures/replication/registry-policy.json", "-a", "ecr:ReplicateImages"], { cwd: repoDir });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe('"ecr:ReplicateImages" is not an action of the ECR catalog (did you mean "ecr:ReplicateImage"?).\n');
  });

  it("explain says what a made-up witness principal stands for", async () => {
    const dir = tempDir("ecrlint-explain-");
    const policy = { Version: "2012-10-17", Statement: [{ Sid: "Open", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }] };
    writeFileSync(join(dir, "registry-policy.json"), JSON.stringify(policy, null, 2));
    const { stdout } = await runBin(["explain", "registry-policy.json", "-a", "ecr:BatchGetImage"], { cwd: dir });
    expect(stdout).toMatch(/\n {10}\(arn:aws:iam::\d{12}:root stands for any account that neither the policy nor the question names\)\n/);
  });

  it("explain warns about an unknown context key", async () => {
    const { code, stderr } = await runBin(
      ["explain", "fixtures/replication/registry-policy.json", "-a", "ecr:ReplicateImage", "-p", "111122223333", "-r", "arn:aws:ecr:us-west-2:444455556666:repository/app", "-c", "aws:SourceIpp=10.0.0.1"],
      { cwd: repoDir },
    );
    expect(code).toBe(0);
    expect(stderr).toContain('warning: Context key "aws:SourceIpp" is neither a condition key of ECR requests nor one the policy uses, so it changes nothing (did you mean "aws:SourceIp"?).');
  });

  it('explain says "explicitly denied for some values" when a Deny covers only some of them', async () => {
    const dir = tempDir("ecrlint-explain-");
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/public/*" },
        { Sid: "NoSecrets", Effect: "Deny", Principal: "*", Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/secret/*" },
      ],
    };
    writeFileSync(join(dir, "registry-policy.json"), JSON.stringify(policy, null, 2));
    const allowed = await runBin(["explain", "registry-policy.json", "-a", "ecr:BatchGetImage", "-p", "111122223333"], { cwd: dir });
    expect(allowed.stdout).toContain("Decision: allowed for some value; explicitly denied for some values");
    const denied = await runBin(["explain", "registry-policy.json", "-a", "ecr:BatchGetImage", "-p", "222233334444"], { cwd: dir });
    expect(denied.stdout).toContain("Decision: denied for every value: explicitly denied for some values, implicitly denied (no statement allows them) for the others");
  });
});

// IAM User Guide, condition operators: date values are "one of the W3C implementations of the ISO 8601 date formats or
// in epoch (UNIX) time"; a value without a zone is read as UTC, never in the machine's time zone.
describe("dates do not depend on the machine's time zone", () => {
  it("a cases file gives the same answers under TZ=UTC and TZ=Asia/Kolkata", async () => {
    const cases = join(packageDir, "test/fixtures/dates.cases.json");
    const utc = await runBin(["test", cases, "--format", "json"], { cwd: repoDir, env: { TZ: "UTC" } });
    const kolkata = await runBin(["test", cases, "--format", "json"], { cwd: repoDir, env: { TZ: "Asia/Kolkata" } });
    expect(utc.code).toBe(0);
    expect(kolkata.code).toBe(0);
    expect(kolkata.stdout).toBe(utc.stdout);
    expect(JSON.parse(utc.stdout)).toMatchObject({ passed: 5, failed: 0, invalid: 0 });
    // An impossible date in a request is refused (a test of it would test nothing), whatever the time zone.
    const impossible = join(tempDir("ecrlint-cases-"), "impossible.cases.json");
    const content = JSON.parse(readFileSync(cases, "utf8")) as { policy: object; cases: object[] };
    writeFileSync(impossible, JSON.stringify({ policy: content.policy, cases: [{ name: "30 February", principal: "111122223333", action: "ecr:PutImage", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app", context: { "aws:CurrentTime": "2024-02-30T00:00:00Z" }, expect: "implicit-deny" }] }));
    for (const TZ of ["UTC", "Asia/Kolkata"]) {
      const r = await runBin(["test", impossible], { cwd: repoDir, env: { TZ } });
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('Context key "aws:CurrentTime" takes an ISO 8601 date (2024-05-01, 2024-05-01T12:00:00Z) or epoch seconds (1714564800); "2024-02-30T00:00:00Z" is not one.');
    }
  });
});

describe("no vacuous passes from a registry, a resource or a caller the policy cannot be asked about", () => {
  const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:PutImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }] };

  it("a cases file with a registry that is not one exits 2 naming the key", async () => {
    const dir = tempDir("ecrlint-cases-");
    const registries = [{ region: "us-wst-2" }, { partition: "aws-cn", region: "us-west-2" }, { partition: "aws", region: "cn-north-1" }, { region: "mars-1" }, { account: "abc" }];
    for (const [i, registry] of registries.entries()) {
      writeFileSync(join(dir, `r${i}.cases.json`), JSON.stringify({ policy, registry, cases: [{ name: "outsider", principal: "999999999999", action: "ecr:PutImage", expect: "deny" }] }));
    }
    const { code, stdout } = await runBin(["test"], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toContain('r0.cases.json registry.region: "us-wst-2" is not a Region (did you mean "us-west-2"?)');
    expect(stdout).toContain('r1.cases.json registry.region: "us-west-2" is no Region of the partition aws-cn (it is in aws)');
    expect(stdout).toContain('r2.cases.json registry.region: "cn-north-1" is no Region of the partition aws (it is in aws-cn)');
    expect(stdout).toContain('r3.cases.json registry.region: "mars-1" is not a Region of any partition');
    expect(stdout).toContain("r4.cases.json registry.account: must be a 12-digit account id");
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("0 passed, 0 failed, 5 invalid files");
  });

  it("a case with a resource outside the registry, or a wildcard principal, exits 2 naming the case and key; crossRegistry opts in", async () => {
    const dir = tempDir("ecrlint-cases-");
    const resource = "arn:aws:ecr:us-east-1:444455556666:repository/app";
    writeFileSync(join(dir, "a.cases.json"), JSON.stringify({ policy, cases: [{ name: "other Region", principal: "999999999999", action: "ecr:PutImage", resource, expect: "deny" }] }));
    writeFileSync(join(dir, "b.cases.json"), JSON.stringify({ policy, cases: [{ name: "any c role", principal: "arn:aws:iam::111122223333:role/c*", action: "ecr:PutImage", expect: "deny" }] }));
    const { code, stdout } = await runBin(["test"], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toContain(`a.cases.json cases[0].resource: case "other Region": Resource "${resource}" is in the Region us-east-1, outside the policy's registry (444455556666 in us-west-2)`);
    expect(stdout).toContain('b.cases.json cases[0].principal: case "any c role": The principal "arn:aws:iam::111122223333:role/c*" is a pattern');
    writeFileSync(join(dir, "a.cases.json"), JSON.stringify({ policy, cases: [{ name: "other Region", principal: "999999999999", action: "ecr:PutImage", resource, crossRegistry: true, expect: "deny" }] }));
    const optedIn = await runBin(["test", "a.cases.json"], { cwd: dir });
    expect(optedIn.code).toBe(0);
  });

  it("explain --any-context answers a policy whose Allow and Deny read five independent keys exactly", async () => {
    const dir = tempDir("ecrlint-explain-");
    cpSync(join(repoDir, "bench/policies/11-timed-mfa-network.json"), join(dir, "registry-policy.json"));
    const { code, stdout } = await runBin(["explain", "registry-policy.json", "-a", "ecr:ListImages", "--any-context"], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).not.toContain("inconclusive");
    expect(stdout).toMatch(/Decision: allowed for some value; explicitly denied for some values/);
    expect(stdout).toContain("Witness:  principal arn:aws:iam::111122223333:role/ci");
  });

  it("explain refuses a resource outside the registry without --cross-registry, and a wildcard principal", async () => {
    const dir = tempDir("ecrlint-explain-");
    writeFileSync(join(dir, "registry-policy.json"), JSON.stringify(policy));
    const other = await runBin(["explain", "registry-policy.json", "-a", "ecr:PutImage", "-p", "111122223333", "-r", "arn:aws:ecr:us-west-2:999999999999:repository/app"], { cwd: dir });
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("is in the account 999999999999, outside the policy's registry");
    const wildcard = await runBin(["explain", "registry-policy.json", "-a", "ecr:PutImage", "-p", "arn:aws:iam::111122223333:role/*"], { cwd: dir });
    expect(wildcard.code).toBe(2);
    expect(wildcard.stderr).toContain('leave "principal" out and narrow the callers with "principals"');
  });
});
