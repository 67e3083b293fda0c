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

describe("toGrantNoMoreThan / toGrantExactly", () => {
  const repo = "arn:aws:ecr:us-west-2:444455556666:repository/*";
  const ci = "arn:aws:iam::111122223333:role/ci";
  const pull = { Sid: "Pull", Effect: "Allow", Principal: { AWS: ci }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], Resource: repo };
  const policy = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
  const options = { registry: { account: "444455556666", region: "us-west-2" } };
  const before = policy(pull);
  const renamed = policy({ ...pull, Sid: "PullForCi" });
  const widened = policy({ ...pull, Principal: { AWS: "111122223333" } });
  const narrowed = policy({ ...pull, Action: "ecr:BatchGetImage" });

  it("pass", () => {
    expect(renamed).toGrantNoMoreThan(before, options);
    expect(narrowed).toGrantNoMoreThan(before, options);
    expect(renamed).toGrantExactly(before, options);
    expect(widened).toGrantExactly(before, { ...options, plus: [{ principal: "111122223333", actions: pull.Action }] });
    expect(narrowed).toGrantExactly(before, { ...options, minus: [{ principal: ci, actions: ["ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], repositories: repo }] });
  });

  it("an added Deny on some repositories: exactly their overlap with the Allow is lost", () => {
    const noDev = { Sid: "NoDev", Effect: "Deny", Principal: { AWS: ci }, Action: pull.Action, Resource: repo.replace("*", "dev-*") };
    const denied = policy(pull, noDev);
    expect(denied).toGrantNoMoreThan(before, options);
    expect(denied).toGrantExactly(before, { ...options, minus: [{ principal: ci, actions: pull.Action, repositories: repo.replace("*", "dev-*") }] });
    // The loss is on dev-* only: naming every repository does not match it.
    expect(denied).not.toGrantExactly(before, { ...options, minus: [{ principal: ci, repositories: repo }] });
  });

  it("negate with .not", () => {
    expect(widened).not.toGrantNoMoreThan(before, options);
    expect(narrowed).not.toGrantExactly(before, options);
  });

  it("fail with a message pinned by snapshot", () => {
    expect(() => expect(widened).toGrantNoMoreThan(before, options)).toThrowErrorMatchingSnapshot();
    expect(() => expect(widened).toGrantExactly(before, { ...options, plus: [{ principal: "*" }] })).toThrowErrorMatchingSnapshot();
    expect(() => expect(renamed).not.toGrantNoMoreThan(before, options)).toThrowErrorMatchingSnapshot();
  });
});
