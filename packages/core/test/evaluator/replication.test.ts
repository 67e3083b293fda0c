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

describe("replicationGrant asked about many principals of one source", () => {
  const roles = Array.from({ length: 40 }, (_, i) => `arn:aws:iam::${SOURCE}:role/replicator-${i}`);
  const ask = (policy: ReturnType<typeof compilePolicy>, source: string) => replicationGrant(policy, { source, destination, repositories: { pattern: arn("prod-*") } });

  it("answers principals the policy tells apart by their own statements, not by one principal asked first", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: roles }, Action: "ecr:CreateRepository", Resource: arn("*") },
        { Effect: "Allow", Principal: { AWS: roles.slice(0, 20) }, Action: "ecr:ReplicateImage", Resource: arn("*") },
        { Effect: "Deny", Principal: { AWS: roles[3]! }, Action: "ecr:ReplicateImage", Resource: arn("prod-*") },
      ],
    });
    const answers = roles.map((r) => ask(policy, r));
    expect(answers[0]).toEqual({ status: "granted" });
    expect(answers[3]).toMatchObject({ status: "cancelled", deny: { index: 2 } });
    expect(answers[19]).toEqual({ status: "granted" });
    expect(answers[20]).toEqual({ status: "missing" });
    expect(answers.filter((a) => a.status === "granted")).toHaveLength(19);
  });

  it("tells principals apart by the conditions on aws:PrincipalArn, which a query with the principal given does not range over", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: { AWS: SOURCE }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: arn("*") },
        { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: "*", Condition: { StringNotLike: { "aws:PrincipalArn": `arn:aws:iam::${SOURCE}:role/replicator-1*` } } },
      ],
    });
    const statuses = roles.map((r) => ask(policy, r).status);
    // replicator-1 and replicator-10 … 19 escape the Deny; every other role is cancelled.
    expect(statuses.filter((s) => s === "granted")).toHaveLength(11);
    expect(statuses[1]).toBe("granted");
    expect(statuses[2]).toBe("cancelled");
    expect(ask(policy, `arn:aws:iam::${SOURCE}:role/replicator-15`).status).toBe("granted");
  });

  it("asks a principal as itself when a policy variable may read the keys it gives", () => {
    const policy = compilePolicy({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: SOURCE }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: arn("${aws:PrincipalAccount}-*") }],
    });
    expect(replicationGrant(policy, { source: SOURCE, destination, repositories: { pattern: arn(`${SOURCE}-*`) } }).status).toBe("granted");
    expect(replicationGrant(policy, { source: "555566667777", destination, repositories: { pattern: arn(`${SOURCE}-*`) } }).status).toBe("missing");
  });
});
