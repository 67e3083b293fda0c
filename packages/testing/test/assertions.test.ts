import { AssertionError } from "node:assert";
import { describe, expect, it } from "vitest";
import { evaluatePolicy, expectAllowed, expectDenied } from "../src/index.js";

const POLICY = "../../fixtures/replication/registry-policy.json";
const registry = { account: "444455556666", region: "us-west-2" };
const inline = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "AllowPull", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:BatchGetImage", Resource: "*" },
    { Sid: "DenyLatest", Effect: "Deny", Principal: "*", Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/secret" },
  ],
};

function failureOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    return (error as Error).message;
  }
  throw new Error("expected an assertion error");
}

describe("expectAllowed / expectDenied", () => {
  it("accept a policy file path, an object and JSON text", () => {
    expect(expectAllowed(POLICY, "ecr:ReplicateImage", { principal: "111122223333", registry }).decision).toBe("allow");
    expect(expectAllowed(inline, "ecr:BatchGetImage", { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app" }).decision).toBe("allow");
    expect(expectDenied(JSON.stringify(inline), "ecr:BatchGetImage", { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/secret", decision: "explicit" }).decision).toBe("explicit-deny");
  });

  it("returns the witness of a quantified allow", () => {
    const evaluation = expectAllowed(POLICY, "ecr:ReplicateImage", { registry });
    expect(evaluation.query?.allowed?.request.principal).toContain("111122223333");
    expect(evaluation.quantified).toEqual(["principal", "resource"]);
  });

  it("explains a failed allow by the near-miss statement, part and reason", () => {
    const message = failureOf(() => expectAllowed(POLICY, "ecr:ReplicateImage", { principal: "111122223333", resource: "arn:aws:ecr:us-east-1:444455556666:repository/app", registry, crossRegistry: true }));
    expect(message).toContain('"ReplicationAccessCrossAccount" (line 4): resource: Region us-east-1 does not match us-west-2');
    expect(message).toMatchSnapshot();
  });

  it("gives an allowed counterexample when a deny for every value fails", () => {
    const message = failureOf(() => expectDenied(POLICY, "ecr:ReplicateImage", { registry }));
    expect(message).toMatchSnapshot();
  });

  it("requires an explicit deny when asked", () => {
    expect(() => expectDenied(POLICY, "ecr:PutImage", { registry })).not.toThrow();
    const message = failureOf(() => expectDenied(POLICY, "ecr:PutImage", { registry, decision: "explicit" }));
    expect(message).toMatchSnapshot();
  });

  it("reports an inconclusive search instead of guessing", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringLike: { "aws:PrincipalTag/team": "${aws:ResourceTag/team}-*" } } },
    };
    const request = { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/app", anyContext: true };
    const evaluation = evaluatePolicy(policy, "ecr:PutImage", request);
    expect(evaluation.decision).toBe("inconclusive");
    expect(evaluation.reason).toContain("${aws:resourcetag/team}");
    expect(failureOf(() => expectDenied(policy, "ecr:PutImage", request))).toContain("inconclusive: ");
    // A witness, once found, is certain even where the search as a whole is not exact.
    const given = { ...request, context: { "aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "blue-x" } };
    expect(expectAllowed(policy, "ecr:PutImage", given).decision).toBe("allow");
  });
});
