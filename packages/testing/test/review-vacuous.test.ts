/**
 * Requests that named a registry, a resource or a caller the policy can never be asked about passed every Deny
 * expectation. Each is refused with an error naming the value; keys AWS puts in every request are never absent.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RequestValueError } from "@ecrlint/core/evaluator";
import { evaluatePolicy, expectAllowed, expectDenied, runCasesFile } from "../src/index.js";
import "../src/vitest.js";

const REPOSITORY = "arn:aws:ecr:us-west-2:444455556666:repository/app";
const policy = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }],
};

function casesFile(content: object): string {
  const dir = mkdtempSync(join(tmpdir(), "ecrlint-review-"));
  const file = join(dir, "p.cases.json");
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("the registry a test names is validated against the partition data", () => {
  it.each([
    ["a misspelled Region", { region: "us-wst-2" }, /registry\.region: "us-wst-2" is not a Region \(did you mean "us-west-2"\?\)/],
    ["an account that is not 12 digits", { account: "abc" }, /registry\.account: "abc" is not an account id \(12 digits\)/],
    ["a Region of another partition", { partition: "aws-cn", region: "us-west-2" }, /registry\.region: "us-west-2" is no Region of the partition aws-cn \(it is in aws\)/],
    ["a China Region in partition aws", { partition: "aws", region: "cn-north-1" }, /registry\.region: "cn-north-1" is no Region of the partition aws \(it is in aws-cn\)/],
    ["a Region of no partition", { region: "mars-1" }, /registry\.region: "mars-1" is not a Region of any partition/],
    ["an unknown partition", { partition: "aws-xx" }, /registry\.partition: "aws-xx" is not a partition/],
    ["a Region that is not a string", { region: 5 }, /registry\.region: must be a string, got number 5/],
  ] as const)("helpers throw for %s", (_, registry, message) => {
    const request = { principal: "999999999999", resource: REPOSITORY, registry: registry as never };
    expect(() => expectDenied(policy, "ecr:BatchGetImage", request)).toThrow(message);
    expect(() => expectDenied(policy, "ecr:BatchGetImage", request)).toThrow(RequestValueError);
    expect(() => expect(policy).toDeny("ecr:BatchGetImage", request)).toThrow(message);
  });

  it.each([
    ["us-wst-2", { region: "us-wst-2" }, "registry.region", /"us-wst-2" is not a Region \(did you mean "us-west-2"\?\)/],
    ["aws-cn with us-west-2", { partition: "aws-cn", region: "us-west-2" }, "registry.region", /no Region of the partition aws-cn/],
    ["cn-north-1 in aws", { partition: "aws", region: "cn-north-1" }, "registry.region", /no Region of the partition aws/],
    ["mars-1", { region: "mars-1" }, "registry.region", /not a Region of any partition/],
  ] as const)("a cases file with %s is invalid, naming the key", (_, registry, keyPath, message) => {
    const file = casesFile({ policy, registry, cases: [{ name: "outsider", principal: "999999999999", action: "ecr:BatchGetImage", expect: "deny" }] });
    const result = runCasesFile(file);
    expect(result.error?.keyPath).toBe(keyPath);
    expect(result.error?.message).toMatch(message);
    expect(result.cases).toEqual([]);
  });
});

describe("a resource outside the policy's registry is refused unless crossRegistry is set", () => {
  it.each([
    ["another Region", "arn:aws:ecr:us-east-1:444455556666:repository/app", /Region us-east-1, outside the policy's registry \(444455556666 in us-west-2\)/],
    ["another account", "arn:aws:ecr:us-west-2:999999999999:repository/app", /account 999999999999, outside the policy's registry \(444455556666 in us-west-2\)/],
  ])("inferred from the policy's Resource ARNs: %s", (_, resource, message) => {
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { principal: "111122223333", resource })).toThrow(message);
    expect(() => expect(policy).toDeny("ecr:BatchGetImage", { principal: "111122223333", resource })).toThrow(/"crossRegistry": true/);
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { principal: "111122223333", resource, crossRegistry: true })).not.toThrow();
  });

  it("against the registry given", () => {
    const open = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:BatchGetImage" }] };
    const request = { principal: "111122223333", resource: "arn:aws:ecr:eu-west-1:444455556666:repository/app", registry: { account: "444455556666", region: "us-west-2" } };
    expect(() => expectDenied(open, "ecr:BatchGetImage", request)).toThrow(/Resource "arn:aws:ecr:eu-west-1:444455556666:repository\/app" is in the Region eu-west-1, outside the policy's registry/);
    expect(() => expectAllowed(open, "ecr:BatchGetImage", { ...request, resource: REPOSITORY })).not.toThrow();
  });

  it("in a cases file, naming the case and key", () => {
    const file = casesFile({
      policy,
      cases: [{ name: "other account", principal: "111122223333", action: "ecr:BatchGetImage", resource: "arn:aws:ecr:us-west-2:999999999999:repository/app", expect: "deny" }],
    });
    const result = runCasesFile(file);
    expect(result.error?.keyPath).toBe("cases[0].resource");
    expect(result.error?.message).toMatch(/case "other account": .*outside the policy's registry/);
  });
});

describe("a request's principal is one concrete caller", () => {
  it.each(["arn:aws:iam::111122223333:role/c*", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:user/?ob"])("refuses the pattern %s, pointing at principals", (principal) => {
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { principal, resource: REPOSITORY })).toThrow(/is a pattern, but a request has one concrete caller.*"principals"/);
    expect(() => expect(policy).toAllow("ecr:BatchGetImage", { principal })).toThrow(RequestValueError);
  });

  it("refuses principal and principals together", () => {
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { principal: "999999999999", principals: { kinds: ["role"] } })).toThrow(/either "principal" \(one caller\) or "principals"/);
  });
});

describe("values of the wrong type are refused with the field's name", () => {
  it.each([
    ["principal", { principal: { AWS: "111122223333" } }, /principal must be a string .*got an object \(\{"AWS":"111122223333"\}\)/],
    ["a context value", { principal: "111122223333", context: { "aws:SourceIp": 5 } }, /context\["aws:SourceIp"\] must be a string or a list of strings .*got number 5/],
    ["the context", { principal: "111122223333", context: "aws:SourceIp=1" }, /context must be an object/],
    ["resource", { resource: 42 }, /resource must be a repository ARN string, got number 42/],
  ])("%s", (_, request, message) => {
    expect(() => expectDenied(policy, "ecr:BatchGetImage", request as never)).toThrow(message);
    expect(() => expectDenied(policy, "ecr:BatchGetImage", request as never)).toThrow(RequestValueError);
  });

  it("a flag that is not a boolean", () => {
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { crossRegistry: "yes" } as never)).toThrow(/crossRegistry must be true or false, got string "yes"/);
    expect(() => expectDenied(policy, "ecr:BatchGetImage", { anyContext: 1 } as never)).toThrow(/anyContext must be true or false, got number 1/);
  });

  it("an action that is not a string", () => {
    expect(() => expectDenied(policy, 7 as never, {})).toThrow(/action must be a string/);
  });
});

describe("keys in every request are never absent (IAM guide, global condition keys: \"included in the request context for all requests\")", () => {
  const timed = {
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:*", Resource: "*" },
      { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } },
    ],
  };

  it("aws:CurrentTime defaults to the fixed instant, so a Deny after 2020 applies", () => {
    expectDenied(timed, "ecr:BatchGetImage", { principal: "111122223333", resource: REPOSITORY, decision: "explicit" });
    expect(timed).toDeny("ecr:BatchGetImage", { principal: "111122223333", resource: REPOSITORY, decision: "explicit" });
    expectDenied(timed, "ecr:BatchGetImage", { decision: "explicit" });
  });

  it("a context that gives aws:CurrentTime wins", () => {
    expectAllowed(timed, "ecr:BatchGetImage", { principal: "111122223333", resource: REPOSITORY, context: { "aws:CurrentTime": "2019-06-01T00:00:00Z" } });
  });

  it("with anyContext, aws:CurrentTime ranges over instants but is never absent", () => {
    const evaluation = evaluatePolicy(timed, "ecr:BatchGetImage", { principal: "111122223333", resource: REPOSITORY, anyContext: true });
    expect(evaluation.decision).toBe("allow");
    expect(evaluation.query?.explicitDeny).toBeDefined();
    expect(JSON.stringify(evaluation.query?.allowed?.request.context)).toMatch(/aws:CurrentTime/);
  });

  it("aws:SecureTransport is true, aws:PrincipalType and aws:RequestedRegion follow the request", () => {
    const keyed = (condition: object) => ({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:*", Resource: "*" },
        { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: condition },
      ],
    });
    const request = { principal: "arn:aws:iam::111122223333:role/ci", resource: REPOSITORY, decision: "explicit" as const };
    expectDenied(keyed({ Bool: { "aws:SecureTransport": "true" } }), "ecr:BatchGetImage", request);
    expectDenied(keyed({ StringEquals: { "aws:PrincipalType": "AssumedRole" } }), "ecr:BatchGetImage", { ...request, principal: "arn:aws:sts::111122223333:assumed-role/ci/s" });
    expectDenied(keyed({ StringEquals: { "aws:RequestedRegion": "us-west-2" } }), "ecr:BatchGetImage", request);
    expectDenied(keyed({ Bool: { "aws:PrincipalIsAWSService": "false" } }), "ecr:BatchGetImage", request);
  });
});
