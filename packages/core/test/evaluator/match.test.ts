import { describe, expect, it } from "vitest";
import { actionMatches, compilePolicy, conditionHoldsWhenAbsent, failsWithoutKeys, isArnOperator, principalAccount, resourcePatternsOverlap } from "../../src/evaluator/index.js";

describe("matching of single policy values", () => {
  it("matches actions case-insensitively with wildcards", () => {
    expect(actionMatches("ECR:replicate*", "ecr:ReplicateImage")).toBe(true);
    expect(actionMatches("ecr:Replicate", "ecr:ReplicateImage")).toBe(false);
  });

  it("tells whether two Resource patterns share a resource", () => {
    expect(resourcePatternsOverlap("re*x", "repository/*")).toBe(true);
    expect(resourcePatternsOverlap("repo?x/a", "repository/*")).toBe(false);
    expect(resourcePatternsOverlap("a?x:*", "arn:*")).toBe(false);
    expect(resourcePatternsOverlap("image/*", "repository/*")).toBe(false);
  });

  it("reads the account of a principal and the family of an operator", () => {
    expect(principalAccount("arn:aws:sts::111122223333:assumed-role/ci/s")).toBe("111122223333");
    expect(principalAccount("*")).toBeUndefined();
    expect(isArnOperator("ForAnyValue:ArnNotLikeIfExists")).toBe(true);
    expect(isArnOperator("StringLike")).toBe(false);
  });
});

describe("a condition without its key (REFERENCE §6)", () => {
  it.each([
    ["StringEquals", ["x"], false],
    ["StringNotEquals", ["x"], true],
    ["StringEqualsIfExists", ["x"], true],
    ["ForAllValues:StringEquals", ["x"], true],
    ["ForAnyValue:StringEquals", ["x"], false],
    ["ForAnyValue:StringEqualsIfExists", ["x"], true],
    ["Null", ["true"], true],
    ["Null", ["false"], false],
    ["StringEqualz", ["x"], undefined],
  ] as const)("%s %j: %s", (operator, values, expected) => {
    expect(conditionHoldsWhenAbsent(operator, values)).toBe(expected);
  });

  it("makes a statement that requires the key unable to match without it", () => {
    const policy = compilePolicy({
      Statement: { Effect: "Allow", Principal: "*", Action: "ecr:*", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": "team" }, Null: { "aws:TagKeys": "false" } } },
    });
    expect(failsWithoutKeys(policy.statements[0]!, ["AWS:TagKeys"])).toBe(true);
    expect(failsWithoutKeys(policy.statements[0]!, ["aws:SourceIp"])).toBe(false);
  });
});
