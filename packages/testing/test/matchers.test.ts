import { describe, expect, it } from "vitest";

const POLICY = "../../fixtures/pull-through-cache/registry-policy.json";
const registry = { account: "111122223333", region: "us-east-1" };
const PULLER = "arn:aws:iam::111122223333:role/ptc-puller";

describe("toAllow / toDeny (registered by setupFiles)", () => {
  it("pass", () => {
    expect(POLICY).toAllow("ecr:BatchImportUpstreamImage", { principal: PULLER, registry });
    expect(POLICY).toDeny("ecr:PutImage", { principal: PULLER, registry });
    expect(POLICY).toDeny("ecr:BatchImportUpstreamImage", { principal: "arn:aws:iam::111122223333:role/developer", registry, decision: "implicit" });
  });

  it("negate with .not", () => {
    expect(POLICY).not.toAllow("ecr:PutImage", { principal: PULLER, registry });
    expect(POLICY).not.toDeny("ecr:CreateRepository", { principal: PULLER, registry });
  });

  it("fail with a message pinned by snapshot", () => {
    expect(() =>
      expect(POLICY).toAllow("ecr:BatchImportUpstreamImage", {
        principal: PULLER,
        resource: "arn:aws:ecr:us-east-1:111122223333:repository/docker-hub/library/nginx",
        registry,
      }),
    ).toThrowErrorMatchingSnapshot();
    expect(() => expect(POLICY).toDeny("ecr:CreateRepository", { registry })).toThrowErrorMatchingSnapshot();
    expect(() => expect(POLICY).not.toAllow("ecr:CreateRepository", { principal: PULLER, registry })).toThrowErrorMatchingSnapshot();
  });
});
