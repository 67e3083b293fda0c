import { readFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { ESLint as ESLint10 } from "eslint";
import { ESLint as ESLint9 } from "eslint9";
import plugin from "../src/index.js";

// fixtures/runner/ holds the runner's own trees (cross-file checks, bad input); the parity test covers them.
// fixtures/hostile/ is the hostile corpus, with its own expectations per front end (packages/cli/test/hostile).
const fixturesDir = resolve(import.meta.dirname, "../../../fixtures");
const expected = JSON.parse(readFileSync(join(fixturesDir, "expected.json"), "utf8")) as {
  recommended: Record<string, { ruleId: string | null; messageId?: string; line: number; column: number; endLine?: number; endColumn?: number }[]>;
};

type LintResult = { filePath: string; messages: { ruleId: string | null; messageId?: string; line: number; column: number; endLine?: number; endColumn?: number }[] };

async function lintFixtures(ESLint: typeof ESLint10): Promise<Record<string, unknown[]>> {
  const eslint = new ESLint({ cwd: fixturesDir, overrideConfigFile: true, overrideConfig: [{ ignores: ["runner/**", "hostile/**"] }, ...plugin.configs.recommended] as never });
  const results = (await eslint.lintFiles(["."])) as LintResult[];
  const out: Record<string, unknown[]> = {};
  for (const r of results) {
    const key = relative(fixturesDir, r.filePath).split(sep).join("/");
    if (key.endsWith(".ecrlintrc.json") || key === "expected.json" || key.endsWith(".cases.json")) continue;
    out[key] = r.messages.map(({ ruleId, messageId, line, column, endLine, endColumn }) => ({
      ruleId,
      ...(messageId ? { messageId } : {}),
      line,
      column,
      ...(endLine ? { endLine } : {}),
      ...(endColumn ? { endColumn } : {}),
    }));
  }
  return out;
}

for (const [version, ESLint] of [["10", ESLint10], ["9", ESLint9 as unknown as typeof ESLint10]] as const) {
  describe(`ESLint ${version} with the recommended config over fixtures/`, () => {
    it("reports exactly the expected findings, and nothing on files that are not policies", async () => {
      expect(await lintFixtures(ESLint)).toEqual(expected.recommended);
    });
  });
}

describe("the strict config", () => {
  it("finds nothing in the seed's two example policies", async () => {
    const eslint = new ESLint10({ cwd: fixturesDir, overrideConfigFile: true, overrideConfig: [...plugin.configs.strict] as never });
    const results = await eslint.lintFiles(["replication/registry-policy.json", "pull-through-cache/registry-policy.json"]);
    expect(results.map((r) => r.messages)).toEqual([[], []]);
    expect(Object.keys(plugin.configs.strict[0]!.rules!).length).toBeGreaterThan(Object.keys(plugin.configs.recommended[0]!.rules!).length);
  });
});

describe("the issue's scenarios", () => {
  const findings = (path: string) => expected.recommended[path]!.map((m) => `${m.ruleId}:${m.messageId ?? "fatal"}`);

  it("the seed's replication and pull-through-cache policies are clean", () => {
    expect(findings("replication/registry-policy.json")).toEqual([]);
    expect(findings("pull-through-cache/registry-policy.json")).toEqual([]);
  });

  it("flags the seed's policy with a us-east-1 ARN under a us-west-2 registry", () => {
    expect(findings("flagged/wrong-region.json")).toEqual(["@ecrlint/no-region-mismatch:regionMismatch"]);
  });

  it("flags duplicate Sids, a CreateRepository-only replication grant and a repository/* pull-through-cache grant", () => {
    expect(findings("flagged/duplicate-sids.json")).toEqual(["@ecrlint/no-duplicate-sid:duplicateSid"]);
    expect(findings("flagged/create-repository-only.json")).toEqual(["@ecrlint/require-replicate-image:missingReplicateImage"]);
    expect(findings("flagged/pull-through-cache-every-repository.json")).toEqual(["@ecrlint/no-broad-pull-through-cache-scope:broadResource"]);
  });

  it("reads the registry of a multi-account layout from directory names", () => {
    expect(findings("multi-account/infra/444455556666/us-west-2/registry-policy.json")).toEqual([]);
    expect(findings("multi-account/infra/777788889999/eu-west-1/registry-policy.json")).toEqual([
      "@ecrlint/no-region-mismatch:regionMismatch",
      "@ecrlint/no-account-mismatch:accountMismatch",
    ]);
  });

  it("reports malformed JSON as a parsing error, not a crash", () => {
    expect(findings("malformed/syntax-error.json")).toEqual(["null:fatal"]);
  });

  it("reports a Statement that is a number and an Action that is an object at the offending value", () => {
    expect(findings("malformed/statement-number.json")).toEqual(["@ecrlint/valid-policy:wrongType"]);
    expect(findings("malformed/action-object.json")).toEqual(["@ecrlint/valid-policy:wrongType"]);
  });
});

describe("real repositories (fixtures/real-world)", () => {
  const findings = (path: string) => expected.recommended[path]!.map((m) => `${m.ruleId}:${m.messageId ?? "fatal"}@${m.line}:${m.column}`);

  it("leaves the CI role's identity policy alone and lints the registry policy beside it", () => {
    expect(expected.recommended["real-world/registry/ci-push-policy.json"]).toEqual([]);
    expect(findings("real-world/registry/registry-policy.json")).toEqual([]);
  });

  it("reads repo-policy.json as a repository policy and registry-policy.json without Resource as a registry policy", () => {
    expect(findings("real-world/repos/web/repo-policy.json")).toEqual(["@ecrlint/no-repository-policy-resource:resourceInRepositoryPolicy@14:7"]);
    expect(findings("real-world/no-resource/registry-policy.json")).toEqual(["@ecrlint/valid-policy:missingElement@4:5"]);
  });

  it("finds what is wrong inside CLI output, at its place inside the policyText string", () => {
    // With the wrong Region, no statement lets the configured source account replicate here either.
    expect(findings("real-world/aws-cli/get-registry-policy.json")).toEqual([
      "@ecrlint/require-replicate-image:sourceNotAllowed@3:58",
      "@ecrlint/no-region-mismatch:regionMismatch@3:390",
    ]);
    const line = readFileSync(join(fixturesDir, "real-world/aws-cli/get-registry-policy.json"), "utf8").split("\n")[2]!;
    expect(line.slice(389, 398)).toBe("us-east-1");
    expect(findings("real-world/aws-cli/get-repository-policy.json")).toEqual(["@ecrlint/no-public-access:publicAccess@4:169"]);
  });

  it("lints creation templates and the repository policy each carries", () => {
    expect(findings("real-world/creation-templates/docker-hub.json")).toEqual([
      "@ecrlint/valid-repository-creation-template:invalidPrefix@2:13",
      "@ecrlint/valid-repository-creation-template:invalidAppliedFor@6:5",
      "@ecrlint/valid-repository-creation-template:customRoleRequired@9:23",
      "@ecrlint/no-duplicate-sid:duplicateSid@12:261",
      "@ecrlint/no-repository-policy-resource:resourceInRepositoryPolicy@12:398",
    ]);
    expect(findings("real-world/aws-cli/describe-repository-creation-templates.json")).toEqual(["@ecrlint/valid-repository-creation-template:customRoleRequired@9:13"]);
  });

  it("lints the ECR resources of a CloudFormation template and of cdk.out, judging nothing a parameter gives", () => {
    expect(findings("real-world/cloudformation/ecr-stack.json")).toEqual([
      "@ecrlint/no-region-mismatch:regionMismatch@63:55",
      "@ecrlint/no-repository-policy-resource:resourceInRepositoryPolicy@74:259",
    ]);
    expect(findings("real-world/cdk.out/PlatformStack.template.json")).toEqual([
      "@ecrlint/require-replicate-image:sourceNotAllowed@7:6",
      "@ecrlint/no-region-mismatch:regionMismatch@36:17",
      "@ecrlint/no-public-access:publicAccess@67:16",
    ]);
  });

  it("eslint --fix inside a policyText writes an escaped edit: the policy still parses", async () => {
    const filePath = join(fixturesDir, "real-world/aws-cli/get-registry-policy.json");
    const eslint = new ESLint10({ cwd: fixturesDir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] as never, fix: true });
    const [result] = await eslint.lintText(readFileSync(filePath, "utf8"), { filePath });
    const policy = JSON.parse((JSON.parse(result!.output!) as { policyText: string }).policyText) as { Statement: { Resource: string }[] };
    expect(policy.Statement[0]!.Resource).toBe("arn:aws:ecr:us-west-2:444455556666:repository/*");
  });
});
