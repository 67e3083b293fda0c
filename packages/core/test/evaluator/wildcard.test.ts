import { describe, expect, it } from "vitest";
import { wildcardMatch } from "../../src/evaluator/wildcard.js";

describe("wildcardMatch", () => {
  it.each([
    ["ecr:*", "ecr:ReplicateImage", true],
    ["ecr:Replicate*", "ecr:ReplicateImage", true],
    ["ecr:Replicate?mage", "ecr:ReplicateImage", true],
    ["ecr:Replicate", "ecr:ReplicateImage", false],
    ["arn:aws:ecr:*:*:repository/*", "arn:aws:ecr:us-west-2:111122223333:repository/a/b", true],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXbYY", false],
    ["*", "", true],
    ["?", "", false],
    ["a?c", "abc", true],
    ["*a?c*", "zzabczz", true],
    ["ab*ba", "aba", false],
  ])("%s ~ %s → %s", (pattern, value, expected) => {
    expect(wildcardMatch(pattern, value)).toBe(expected);
  });

  it("ignores case only when asked", () => {
    expect(wildcardMatch("ECR:replicate*", "ecr:ReplicateImage")).toBe(false);
    expect(wildcardMatch("ECR:replicate*", "ecr:ReplicateImage", true)).toBe(true);
  });

  it("does not backtrack on long star patterns", () => {
    const pattern = "*a".repeat(5000);
    const value = "a".repeat(9999) + "b";
    expect(wildcardMatch(pattern, value)).toBe(false);
    expect(wildcardMatch("*".repeat(10_000), "x".repeat(10_000))).toBe(true);
  });
});
