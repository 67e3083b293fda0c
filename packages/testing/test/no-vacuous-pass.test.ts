/**
 * A misspelled test is worse than none: a request the evaluator cannot decide anything about (an action no ECR
 * policy decides, a resource that is no repository, an unreadable principal, a scope with no principal in it) is
 * refused with an error that names the value, never evaluated into a deny that passes.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EmptyQueryError, RequestValueError } from "@ecrlint/core/evaluator";
import { expectAllowed, expectDenied, runCasesFile } from "../src/index.js";
import "../src/vitest.js";

const REPOSITORY = "arn:aws:ecr:us-west-2:444455556666:repository/app";
const policy = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: ["ecr:BatchGetImage", "ecr:PutImage"], Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" },
    { Sid: "DenyAll", Effect: "Deny", Principal: "*", Action: "ecr:DeleteRepository", Resource: "*" },
  ],
};

describe("expectAllowed / expectDenied / toAllow / toDeny refuse a request that would pass vacuously", () => {
  it.each([
    ["an unknown action", "ecr:PutImagee", {}, /"ecr:PutImagee" is not an action of the ECR catalog \(did you mean "ecr:PutImage"\?\)/],
    ["an action of another service", "s3:GetObject", {}, /"s3:GetObject" is not an ECR action/],
    ["a misspelled resource type", "ecr:PutImage", { resource: "arn:aws:ecr:us-west-2:444455556666:repositry/app" }, /resource type "repositry", not repository \(did you mean "repository"\?\)/],
    ["a resource of another partition", "ecr:PutImage", { resource: "arn:aws-cn:ecr:cn-north-1:444455556666:repository/app" }, /partition "aws-cn", but the policy is in "aws"/],
    ["a resource with a Region of another partition", "ecr:PutImage", { resource: "arn:aws:ecr:cn-north-1:444455556666:repository/app" }, /"cn-north-1", which is no Region of the partition aws/],
    ["a repository name ECR would refuse", "ecr:PutImage", { resource: "arn:aws:ecr:us-west-2:444455556666:repository/App" }, /"App", which is not a repository name/],
    ["an unparseable principal", "ecr:PutImage", { principal: "arn:aws:iam:111122223333:role/ci" }, /Cannot read the principal "arn:aws:iam:111122223333:role\/ci"/],
  ] as const)("%s", (_, action, request, message) => {
    expect(() => expectDenied(policy, action, request)).toThrow(message);
    expect(() => expectDenied(policy, action, request)).toThrow(RequestValueError);
    expect(() => expectAllowed(policy, action, request)).toThrow(message);
    expect(() => expect(policy).toDeny(action, request)).toThrow(message);
    expect(() => expect(policy).toAllow(action, request)).toThrow(message);
  });

  it("asks about GetAuthorizationToken, which acts on no resource type, only with the resource *", () => {
    expect(() => expectDenied(policy, "ecr:GetAuthorizationToken", { principal: "111122223333", resource: "*" })).not.toThrow();
    expect(() => expectDenied(policy, "ecr:GetAuthorizationToken", { principal: "111122223333", resource: REPOSITORY })).toThrow(/acts on no resource type/);
  });

  it("warns about a context key that neither ECR requests nor the policy know, with a did-you-mean", () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on("warning", listener);
    try {
      const evaluation = expectAllowed(policy, "ecr:PutImage", { principal: "111122223333", resource: REPOSITORY, context: { "aws:SourceIpp": "10.0.0.1" } });
      expect(evaluation.warnings).toEqual(['Context key "aws:SourceIpp" is neither a condition key of ECR requests nor one the policy uses, so it changes nothing (did you mean "aws:SourceIp"?).']);
    } finally {
      process.off("warning", listener);
    }
  });

  it("warns about a Region of the partition's shape that does not exist today", () => {
    const evaluation = expectDenied(policy, "ecr:PutImage", { principal: "111122223333", resource: "arn:aws:ecr:us-wset-2:444455556666:repository/app" });
    expect(evaluation.warnings?.[0]).toMatch(/"us-wset-2", which is not a Region of the partition aws today \(did you mean "us-west-2"\?\)/);
  });

  // Nothing evaluated is an error, never "explicitly denied".
  it("refuses a principal scope that yields no request, even where every request would be explicitly denied", () => {
    expect(() => expectDenied(policy, "ecr:DeleteRepository", { principals: { kinds: ["service"], accounts: ["111122223333"] }, decision: "explicit" })).toThrow(EmptyQueryError);
    expect(() => expectDenied(policy, "ecr:DeleteRepository", { principals: { kinds: ["role"], accounts: ["111122223333"] }, decision: "explicit" })).not.toThrow();
  });
});

describe("cases files refuse such values: the file is invalid, naming the case and the key", () => {
  const run = (cases: unknown[]) => {
    const dir = mkdtempSync(join(tmpdir(), "ecrlint-vacuous-"));
    writeFileSync(join(dir, "p.cases.json"), JSON.stringify({ policy, cases }));
    return runCasesFile(join(dir, "p.cases.json"), { cwd: dir });
  };

  it.each([
    [{ name: "push is denied", action: "ecr:PutImagee", expect: "deny" }, "cases[1].action", 'case "push is denied": "ecr:PutImagee" is not an action of the ECR catalog (did you mean "ecr:PutImage"?).'],
    [{ name: "s3 is denied", action: "s3:GetObject", expect: "deny" }, "cases[1].action", 'case "s3 is denied": "s3:GetObject" is not an ECR action, so an ECR policy never decides it.'],
    [{ name: "typo", action: "ecr:PutImage", resource: "arn:aws:ecr:us-west-2:444455556666:repositry/app", expect: "deny" }, "cases[1].resource", 'case "typo": Resource "arn:aws:ecr:us-west-2:444455556666:repositry/app" names the resource type "repositry", not repository (did you mean "repository"?).'],
  ])("%j", (bad, keyPath, message) => {
    const result = run([{ name: "fine", principal: "111122223333", action: "ecr:PutImage", expect: "allow" }, bad]);
    expect(result.error).toEqual({ file: "p.cases.json", keyPath, message });
  });
});

describe("request options and context values that would be ignored", () => {
  it("an unknown request option throws with a did-you-mean instead of asking about every principal", () => {
    expect(() => expectAllowed(policy, "ecr:BatchGetImage", { principle: "999999999999" } as never)).toThrow(
      'Unknown request option "principle" (did you mean "principal"?); the options are principal, resource, context, anyContext, principals, registry, crossRegistry.',
    );
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { resorce: REPOSITORY } as never)).toThrow('(did you mean "resource"?)');
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { zzz: 1 } as never)).toThrow('Unknown request option "zzz"; the options are');
  });

  it.each([
    ["aws:CurrentTime", "9000000000000x", "an ISO 8601 date"],
    ["aws:CurrentTime", "9000000000000", "an ISO 8601 date"],
    ["aws:EpochTime", "2024-02-30", "an ISO 8601 date"],
    ["aws:MultiFactorAuthAge", "an hour", "a number"],
    ["aws:SecureTransport", "yes", '"true" or "false"'],
    ["aws:SourceIp", "10.0.0.300", "an IPv4 or IPv6 address"],
  ])("a context value %s=%s that its type cannot read is an error naming the key and the form", (key, value, form) => {
    let error: unknown;
    try {
      expectDenied(policy, "ecr:BatchGetImage", { principal: "111122223333", resource: REPOSITORY, context: { [key]: value } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RequestValueError);
    expect((error as RequestValueError).key).toBe(`context.${key}`);
    expect((error as Error).message).toContain(`Context key "${key}" takes ${form}`);
    expect((error as Error).message).toContain(`${JSON.stringify(value)} is not one.`);
  });

  it("valid typed values still evaluate", () => {
    expect(() => expectAllowed(policy, "ecr:BatchGetImage", { principal: "111122223333", resource: REPOSITORY, context: { "aws:CurrentTime": "2024-05-01T12:00:00Z", "aws:EpochTime": "1714564800", "aws:SecureTransport": "true", "aws:SourceIp": ["10.0.0.1", "2001:db8::/32"] } })).not.toThrow();
  });
});
