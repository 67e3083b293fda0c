import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Log } from "sarif";
import { describe, expect, it } from "vitest";
import { ruleList } from "@ecrlint/rules";
import { POSITIONAL_DATA, positionFreeMessage } from "../src/formatters/fingerprint.js";
import { copyFixture, fileTree, gitInit, runBin, runnerFixtures, sarifValidator as validator } from "./helpers.js";

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

  it("partialFingerprints stay the same when lines move, for every finding whose message names a line", async () => {
    const statement = (sid: string, extra = "") => `    {\n      "Sid": "${sid}",\n      "Effect": "Allow",${extra}\n      "Principal": { "AWS": "arn:aws:iam::111122223333:root" },\n      "Action": "ecr:BatchGetImage",\n      "Resource": "*"\n    }`;
    const condition = '\n      "Condition": { "StringEquals": { "aws:PrincipalTag/team": "a",\n        "aws:principaltag/team": "b" } },';
    const policy = (gap: string) =>
      `{\n  "Version": "2012-10-17",\n  "Version": "2012-10-17",\n  "Statement": [\n${statement("Pull")},${gap}\n${statement("Pull")},\n${statement("Third")},\n${statement("Other", condition)}\n  ]\n}\n`;
    const dir = fileTree({ ".ecrlintrc.json": { rules: { "no-redundant-entry": "warn" } }, "registry-policy.json": policy("") });
    gitInit(dir);
    const results = async () => (JSON.parse((await runBin(["--format", "sarif"], { cwd: dir })).stdout) as Log).runs[0]!.results!;
    const before = await results();
    const positional = before.filter((r) => /\bline \d+/.test(r.message.text!));
    expect(new Set(positional.map((r) => r.ruleId))).toEqual(new Set(["@ecrlint/no-duplicate-sid", "@ecrlint/valid-policy", "@ecrlint/valid-condition-block", "@ecrlint/no-redundant-entry"]));
    // Lines added at the top and between the statements: every "line N" in the messages moves.
    writeFileSync(join(dir, "registry-policy.json"), `\n\n\n${policy("\n\n")}`);
    const after = await results();
    expect(after.map((r) => r.message.text)).not.toEqual(before.map((r) => r.message.text));
    expect(after.map((r) => [r.ruleId, r.partialFingerprints])).toEqual(before.map((r) => [r.ruleId, r.partialFingerprints]));
    // What a finding says still counts: another Sid is another finding.
    writeFileSync(join(dir, "registry-policy.json"), policy("").replaceAll('"Pull"', '"Push"'));
    const renamed = await results();
    const sid = (list: typeof before) => list.find((r) => r.ruleId === "@ecrlint/no-duplicate-sid")!.partialFingerprints;
    expect(sid(renamed)).not.toEqual(sid(before));
  });

  it("every message that names a line or column takes it from positional data", () => {
    for (const rule of ruleList) {
      for (const [id, template] of Object.entries(rule.meta.messages as Record<string, string>)) {
        for (const [, name] of template.matchAll(/\b(?:line|column)s? \{\{\s*(\w+)\s*\}\}/giu)) {
          expect(POSITIONAL_DATA.test(name!), `${rule.id}.${id}: {{${name}}}`).toBe(true);
        }
      }
    }
    expect(positionFreeMessage('Sid "a" is already used by the statement on line 7; x.', 'Sid "{{sid}}" is already used by the statement on line {{firstLine}}; x.')).toBe('Sid "a" is already used by the statement on line {{firstLine}}; x.');
  });
});
