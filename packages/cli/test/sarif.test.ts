import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Log } from "sarif";
import { describe, expect, it } from "vitest";
import { copyFixture, runBin, runnerFixtures, sarifValidator as validator } from "./helpers.js";

describe("sarif", () => {
  it("passes the official SARIF 2.1.0 schema, with rule metadata and paths relative to the repository root", async () => {
    const dir = copyFixture("basic");
    execFileSync("git", ["init", "-q"], { cwd: dir });
    mkdirSync(join(dir, "policies", "broken"));
    copyFileSync(join(runnerFixtures, "malformed", "broken-policy.json"), join(dir, "policies", "broken", "policy.json"));
    const r = await runBin(["--format", "sarif"], { cwd: join(dir, "policies") });
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout) as Log;
    const validate = validator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver.name).toBe("ecrlint");
    const rule = run.tool.driver.rules!.find((x) => x.id === "@ecrlint/replication-destination-allowed")!;
    expect(rule.shortDescription!.text).toMatch(/^Require the registry policy of each cross-account replication destination/);
    expect(rule.helpUri).toBe("https://github.com/ecrlint/ecrlint/blob/main/rules/replication-destination-allowed/README.md");
    const arn = run.tool.driver.rules!.find((x) => x.id === "@ecrlint/valid-arn")!;
    expect(arn.properties).toMatchObject({ tags: ["recommended", "error"], accessAnalyzerChecks: expect.arrayContaining(["Missing ARN field"]) });
    const region = run.results!.find((x) => x.ruleId === "@ecrlint/no-region-mismatch")!;
    expect(region.level).toBe("error");
    expect(run.tool.driver.rules![region.ruleIndex!]!.id).toBe("@ecrlint/no-region-mismatch");
    expect(region.locations![0]!.physicalLocation).toEqual({
      artifactLocation: { uri: "policies/wrong-region.json", uriBaseId: "%SRCROOT%", index: expect.any(Number) },
      region: { startLine: 9, startColumn: 32, endLine: 9, endColumn: 41 },
    });
    expect(run.originalUriBaseIds!["%SRCROOT%"]!.uri).toBe(`file://${dir}/`);
    expect(run.results!.find((x) => x.ruleId === "@ecrlint/no-duplicate-sid")!.level).toBe("warning");
    const notification = run.invocations![0]!.toolExecutionNotifications![0]!;
    expect(notification).toMatchObject({ level: "error", message: { text: expect.stringMatching(/^Parsing error: /) }, descriptor: { id: "parse-error" } });
    expect(notification.locations![0]!.physicalLocation!.artifactLocation!.uri).toBe("policies/broken/policy.json");
  });

  it("the schema check is real: a log missing its version fails", () => {
    expect(validator()({ runs: [] })).toBe(false);
  });
});
