import { describe, expect, it } from "vitest";
import { compilePolicy, replicationGrant, type ReplicationGrantQuery } from "../../src/evaluator/index.js";

const SOURCE = "111122223333";
const destination = { partition: "aws", account: "444455556666", region: "eu-west-1" };
const arn = (name: string) => `arn:aws:ecr:eu-west-1:444455556666:repository/${name}`;
const allow = (resource: string, extra: Record<string, unknown> = {}) => ({
  Effect: "Allow",
  Principal: { AWS: `arn:aws:iam::${SOURCE}:root` },
  Action: ["ecr:CreateRepository", "ecr:ReplicateImage"],
  Resource: resource,
  ...extra,
});
const grant = (statements: unknown[], repositories: ReplicationGrantQuery["repositories"], over: Partial<ReplicationGrantQuery> = {}) =>
  replicationGrant(compilePolicy({ Version: "2012-10-17", Statement: statements }), { source: SOURCE, destination, repositories, ...over });

describe("replicationGrant", () => {
  it("is granted by an Allow on the repositories, and missing without one", () => {
    expect(grant([allow(arn("*"))], { prefix: "" })).toEqual({ status: "granted" });
    expect(grant([{ ...allow(arn("*")), Action: "ecr:CreateRepository" }], { prefix: "" })).toEqual({ status: "missing" });
  });

  it("names the Deny statement that cancels the grant", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: "*" };
    expect(grant([allow(arn("*")), deny], { prefix: "" })).toMatchObject({ status: "cancelled", deny: { index: 1 } });
  });

  it("is missing, not cancelled, when a Deny stands where no Allow is", () => {
    const deny = { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: "*" };
    expect(grant([deny], { prefix: "" })).toEqual({ status: "missing" });
  });

  it("counts a grant that some request context reaches, and a Deny some context escapes does not cancel it", () => {
    const orgOnly = { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    const denyOutside = { Effect: "Deny", Principal: "*", Action: "ecr:*", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    expect(grant([allow(arn("*"), orgOnly), denyOutside], { prefix: "" })).toEqual({ status: "granted" });
  });

  it("with a prefix, finds some repository under it that is granted, however the grant is written", () => {
    expect(grant([allow(arn("prod-*"))], { prefix: "dev-" })).toEqual({ status: "missing" });
    expect(grant([allow(arn("prod-*"))], { prefix: "prod-" })).toEqual({ status: "granted" });
    expect(grant([allow(arn("prod-?x"))], { prefix: "prod" })).toEqual({ status: "granted" });
    expect(grant([allow(arn("team/app"))], { prefix: "team/" })).toEqual({ status: "granted" });
  });

  it("with a pattern, asks about a repository of the pattern that no policy names, so a narrower grant does not count", () => {
    expect(grant([allow(arn("prod-*"))], { pattern: arn("*") })).toEqual({ status: "missing" });
    expect(grant([allow(arn("*"))], { pattern: arn("prod-*") })).toEqual({ status: "granted" });
  });

  it("never grants in another Region, account or partition than the destination's (REFERENCE §2)", () => {
    expect(grant([allow("arn:aws:ecr:us-east-1:444455556666:repository/*")], { prefix: "" })).toEqual({ status: "missing" });
    expect(grant([allow("arn:aws:ecr:eu-west-1:999988887777:repository/*")], { prefix: "" })).toEqual({ status: "missing" });
  });

  it("cannot answer for a pattern whose Region is a wildcard when the destination's Region is unknown", () => {
    expect(grant([allow("*")], { pattern: "arn:aws:ecr:*:444455556666:repository/*" }, { destination: { account: "444455556666" } })).toEqual({ status: "undetermined" });
  });
});
