import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { resourcePatternCanStartWith, resourcePatternMatches } from "../../src/evaluator/match.js";
import { actionMatches, actionPatternCoversEveryAction, compilePolicy, conditionHoldsWhenAbsent, conditionValueCovers, patternCovers, failsWithoutKeys, expandActionPattern, isArnOperator, principalAccount, pullThroughCacheActionReach, resourcePatternsOverlap } from "../../src/evaluator/index.js";

describe("matching of single policy values", () => {
  it("matches actions case-insensitively with wildcards", () => {
    expect(actionMatches("ECR:replicate*", "ecr:ReplicateImage")).toBe(true);
    expect(actionMatches("ecr:Replicate", "ecr:ReplicateImage")).toBe(false);
  });

  it("reads every spelling of ecr:* as every ECR action, a wildcard service segment included", () => {
    for (const pattern of ["ecr:*", "ecr:**", "ECR:*", "ecr:?*", "ecr:*?", "*", "*:*", "e?r:*", "ec*:**"]) {
      expect(actionPatternCoversEveryAction(pattern), pattern).toBe(true);
    }
    for (const pattern of ["ecr:Batch*", "ecr:??", "s3:*", "ecr", "ecr:*Image"]) expect(actionPatternCoversEveryAction(pattern), pattern).toBe(false);
    expect(expandActionPattern("*:ReplicateImage").map((a) => a.name)).toEqual(["ecr:ReplicateImage"]);
  });

  it("measures how far an action reaches beyond the pull-through-cache pair", () => {
    expect(pullThroughCacheActionReach("ecr:GetAuthorizationToken")).toBeUndefined();
    expect(pullThroughCacheActionReach("ecr:BatchImportUpstreamImage")).toEqual({ beyond: [], everyAction: false });
    expect(pullThroughCacheActionReach("ecr:BatchImport*")).toEqual({ beyond: [], everyAction: false });
    const batch = pullThroughCacheActionReach("ECR:batch*")!;
    expect(batch.everyAction).toBe(false);
    expect(batch.beyond.map((a) => a.name).sort()).toEqual(["ecr:BatchCheckLayerAvailability", "ecr:BatchDeleteImage", "ecr:BatchGetImage", "ecr:BatchGetRepositoryScanningConfiguration"]);
    for (const pattern of ["ecr:*", "ecr:**", "*"]) {
      expect(pullThroughCacheActionReach(pattern)!.everyAction, pattern).toBe(true);
      expect(pullThroughCacheActionReach(pattern)!.beyond, pattern).toHaveLength(58);
    }
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

describe("resourcePatternCanStartWith", () => {
  it("says whether some resource the pattern matches starts with the prefix", () => {
    const repo = "arn:aws:ecr:eu-west-1:444455556666:repository/";
    expect(resourcePatternCanStartWith(`${repo}prod-*`, `${repo}prod-`)).toBe(true);
    expect(resourcePatternCanStartWith(`${repo}prod-*`, `${repo}pr`)).toBe(true);
    expect(resourcePatternCanStartWith(`${repo}prod-*`, `${repo}prod-app/x`)).toBe(true);
    expect(resourcePatternCanStartWith(`${repo}dev-*`, `${repo}prod-`)).toBe(false);
    expect(resourcePatternCanStartWith(`${repo}prod-app`, `${repo}prod-`)).toBe(true);
    expect(resourcePatternCanStartWith(`${repo}prod`, `${repo}prod-`)).toBe(false);
    expect(resourcePatternCanStartWith("arn:aws:ecr:*:*:repository/team/*", `${repo}team/`)).toBe(true);
    expect(resourcePatternCanStartWith("arn:aws:ecr:us-east-1:*:repository/*", repo)).toBe(false);
    expect(resourcePatternCanStartWith("*", repo)).toBe(true);
    expect(resourcePatternCanStartWith("", "")).toBe(true);
    expect(resourcePatternCanStartWith("", "a")).toBe(false);
  });

  it("agrees with matching every short continuation of the prefix", () => {
    const word = (max: number) => fc.array(fc.constantFrom("a", "b"), { maxLength: max }).map((cs) => cs.join(""));
    const continuations = [""];
    for (let length = 1; length <= 6; length++) for (let n = 0; n < 2 ** length; n++) continuations.push(n.toString(2).padStart(length, "0").replace(/0/g, "a").replace(/1/g, "b"));
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "*", "?"), { maxLength: 6 }).map((cs) => cs.join("")), word(5), (pattern, prefix) => {
        const brute = continuations.some((rest) => resourcePatternMatches(pattern, prefix + rest));
        expect(resourcePatternCanStartWith(pattern, prefix)).toBe(brute);
      }),
      { seed: 11, numRuns: 2000 },
    );
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

describe("patternCovers and conditionValueCovers", () => {
  it("answers from the wildcard matching: a pattern inside another, and not the reverse", () => {
    expect(patternCovers("o-a1b2c3d4e5/*", "o-a1b2c3d4e5/r-ab12/*")).toBe(true);
    expect(patternCovers("o-a1b2c3d4e5/r-ab12/*", "o-a1b2c3d4e5/*")).toBe(false);
    expect(patternCovers("repository/*-web", "repository/team-?-web")).toBe(true);
    expect(patternCovers("repository/a*", "repository/A1")).toBe(false);
    expect(patternCovers("repository/a*", "repository/A1", { ignoreCase: true })).toBe(true);
  });

  it("compares per ARN part under Arn operators, exactly under exact ones", () => {
    expect(conditionValueCovers("ArnLike", "arn:aws:codebuild:*:111122223333:project/*", "arn:aws:codebuild:us-west-2:111122223333:project/app")).toBe(true);
    expect(conditionValueCovers("ArnLike", "arn:aws:codebuild:*", "arn:aws:codebuild:us-west-2:111122223333:project/app")).toBe(false);
    expect(conditionValueCovers("StringEquals", "a*", "ab")).toBe(false);
    expect(conditionValueCovers("StringEqualsIgnoreCase", "Audit", "audit")).toBe(true);
    expect(conditionValueCovers("ForAnyValue:StringLike", "o-a1b2c3d4e5/*", "o-a1b2c3d4e5/r-ab12/*")).toBe(true);
    expect(conditionValueCovers("StringLike", "${aws:username}*", "${aws:username}-x")).toBe(false);
  });
});
