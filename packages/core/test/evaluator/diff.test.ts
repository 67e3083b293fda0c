import { describe, expect, it } from "vitest";
import { compilePolicy, describeActions, diffAccess, evaluateRequest, summarizeAccessDiff, type AccessDiff } from "../../src/evaluator/index.js";
import type { RegistryContext } from "../../src/config/registry.js";

const registry: RegistryContext = { account: "444455556666", region: "us-west-2", partition: "aws", source: "config" };
const repo = (name: string, region = "us-west-2") => `arn:aws:ecr:${region}:444455556666:repository/${name}`;
const policy = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });
const ROLE = "arn:aws:iam::111122223333:role/ci";
const PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"];

/** Every row's witness, evaluated on both versions, tells them apart the way the row says. */
function verifyWitnesses(before: unknown, after: unknown, diff: AccessDiff): void {
  const old = compilePolicy(before, { registry });
  const now = compilePolicy(after, { registry });
  for (const row of diff.gained) {
    expect(evaluateRequest(now, row.witness).decision, JSON.stringify(row.witness)).toBe("allow");
    expect(evaluateRequest(old, row.witness).decision, JSON.stringify(row.witness)).not.toBe("allow");
  }
  for (const row of diff.lost) {
    expect(evaluateRequest(old, row.witness).decision, JSON.stringify(row.witness)).toBe("allow");
    expect(evaluateRequest(now, row.witness).decision, JSON.stringify(row.witness)).not.toBe("allow");
  }
}

function diff(before: unknown, after: unknown): AccessDiff {
  const result = diffAccess(before, after, { registry });
  verifyWitnesses(before, after, result);
  return result;
}

describe("diffAccess on paired policies", () => {
  const pull = { Sid: "Pull", Effect: "Allow", Principal: { AWS: ROLE }, Action: PULL, Resource: repo("*") };

  it("a Sid renamed only: no change", () => {
    const result = diff(policy(pull), policy({ ...pull, Sid: "PullForCi" }));
    expect(result).toEqual({ status: "exact", gained: [], lost: [], inconclusive: [] });
    expect(summarizeAccessDiff(result)).toBe("no change in access");
  });

  it("a condition removed: the gain is named with its witness", () => {
    const vpcOnly = { ...pull, Condition: { StringEquals: { "aws:SourceVpc": "vpc-1a2b3c4d" } } };
    const result = diff(policy(vpcOnly), policy(pull));
    expect(result.status).toBe("exact");
    expect(result.lost).toEqual([]);
    expect(result.gained).toHaveLength(1);
    const [row] = result.gained;
    expect(row).toMatchObject({
      change: "gain",
      principal: { kind: "principal", text: ROLE },
      actions: { groups: ["pull"], text: "all pull actions" },
      repositories: { text: "every repository" },
      condition: "StringEquals aws:SourceVpc vpc-1a2b3c4d no longer required",
      before: "implicit-deny",
      after: "allow",
      public: false,
      external: true,
    });
    expect(row!.witness.context?.["aws:SourceVpc"]).not.toBe("vpc-1a2b3c4d");
  });

  it("a Region fixed: the previously dead statement now grants", () => {
    const dead = { ...pull, Resource: repo("prod-*", "us-east-1") };
    const result = diff(policy(dead), policy({ ...dead, Resource: repo("prod-*") }));
    expect(result.lost).toEqual([]);
    expect(result.gained).toHaveLength(1);
    // The condition column says what now holds, not "no condition": the Region now matching the registry's.
    expect(result.gained[0]).toMatchObject({ repositories: { text: "repositories starting with prod-" }, condition: "the Resource now names this registry's Region us-west-2 (was us-east-1)" });
    expect(result.gained[0]!.witness.resource).toMatch(/^arn:aws:ecr:us-west-2:444455556666:repository\/prod-/);
  });

  it("a Region broken, an account fixed: the condition column says which segment moved", () => {
    const live = { ...pull, Resource: repo("prod-*") };
    const broken = diff(policy(live), policy({ ...live, Resource: repo("prod-*", "eu-west-1") }));
    expect(broken.gained).toEqual([]);
    expect(broken.lost.map((r) => r.condition)).toEqual(["the Resource no longer names this registry's Region us-west-2 (now eu-west-1)"]);
    const wrongAccount = { ...pull, Resource: "arn:aws:ecr:us-west-2:444455556660:repository/prod-*" };
    const fixed = diff(policy(wrongAccount), policy(live));
    expect(fixed.gained.map((r) => r.condition)).toEqual(["the Resource now names this registry's account 444455556666 (was 444455556660)"]);
  });

  it("a new statement says its own conditions; a widened Resource names what it adds", () => {
    const push = { Sid: "Push", Effect: "Allow", Principal: { AWS: ROLE }, Action: ["ecr:PutImage"], Resource: repo("app"), Condition: { Bool: { "aws:SecureTransport": "true" } } };
    const added = diff(policy(pull), policy(pull, push));
    expect(added.gained.map((r) => r.condition)).toEqual(["when Bool aws:SecureTransport true"]);
    const widened = diff(policy(push), policy({ ...push, Resource: [repo("app"), repo("web")] }));
    expect(widened.gained.map((r) => r.condition)).toEqual([`Resource ${repo("web")} added; when Bool aws:SecureTransport true`]);
  });

  it("ecr:ReplicateImage dropped: replication is lost for the source account", () => {
    const replication = { Sid: "Replication", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: repo("*") };
    const result = diff(policy(replication), policy({ ...replication, Action: ["ecr:CreateRepository"] }));
    expect(result.gained).toEqual([]);
    expect(result.lost).toHaveLength(1);
    expect(result.lost[0]).toMatchObject({
      change: "loss",
      principal: { kind: "account", account: "111122223333" },
      actions: { names: ["ecr:ReplicateImage"] },
      replication: true,
      before: "allow",
      after: "implicit-deny",
      condition: "Action ecr:ReplicateImage removed",
    });
    expect(summarizeAccessDiff(result)).toBe("replication from 111122223333 stops");
  });

  it("a principal widened from a role to its account: the gain is named", () => {
    const result = diff(policy(pull), policy({ ...pull, Principal: { AWS: "111122223333" } }));
    expect(result.lost).toEqual([]);
    expect(result.gained).toHaveLength(1);
    expect(result.gained[0]).toMatchObject({
      principal: { kind: "account", text: "account 111122223333" },
      actions: { groups: ["pull"] },
      condition: `Principal 111122223333 added (replacing ${ROLE})`,
    });
    expect(result.gained[0]!.witness.principal).not.toBe(ROLE);
    expect(summarizeAccessDiff(result)).toBe("1 principal gains access");
  });

  it("a Principal * limited to an organization reads as the organization; without it, anyone", () => {
    const org = { ...pull, Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } };
    const toOrg = diff(policy(pull), policy(org));
    expect(toOrg.gained.map((r) => [r.principal.text, r.public])).toEqual([["any principal in organization o-a1b2c3d4e5", false]]);
    const toAnyone = diff(policy(org), policy({ ...pull, Principal: "*" }));
    expect(toAnyone.gained.map((r) => [r.principal.text, r.public])).toEqual([["anyone", true]]);
    expect(summarizeAccessDiff(toAnyone)).toBe("1 principal gains access; public access granted");
  });

  it("a Deny removed is searched where it and the Allow intersect as one statement", () => {
    const denyPush = { Sid: "NoPush", Effect: "Deny", Principal: "*", Action: "ecr:PutImage", Resource: "*" };
    const all = { ...pull, Action: "ecr:*" };
    const result = diff(policy(all, denyPush), policy(all));
    expect(result.status).toBe("exact");
    expect(result.gained.map((r) => r.actions.names)).toEqual([["ecr:PutImage"]]);
    const added = diff(policy(all), policy(all, denyPush));
    expect(added.lost.map((r) => r.actions.names)).toEqual([["ecr:PutImage"]]);
  });

  it("says inconclusive, and why, where a removed Deny crosses an Allow", () => {
    const deny = { Sid: "NoProd", Effect: "Deny", Principal: { AWS: "arn:aws:iam::111122223333:role/other" }, Action: "ecr:PutImage", Resource: repo("prod-*") };
    const allow = { ...pull, Action: "ecr:*", Resource: repo("*"), Principal: { AWS: ["arn:aws:iam::111122223333:role/other", ROLE] } };
    const result = diff(policy(allow, deny), policy(allow));
    expect(result.status).toBe("inconclusive");
    expect(result.inconclusive[0]).toMatchObject({ change: "gain", statement: { sid: "NoProd" } });
    expect(result.inconclusive[0]!.reason).toMatch(/cross/);
  });
});

describe("diffAccess on a repository policy (no Resource) with no registry known", () => {
  it("names a Principal * as anyone, public and external, on every repository", () => {
    const before = { Version: "2008-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: ROLE }, Action: "ecr:BatchGetImage" }] };
    const after = { Version: "2008-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: "*", Action: ["ecr:BatchGetImage", "ecr:PutImage"] }] };
    const result = diffAccess(before, after);
    expect(result.status).toBe("exact");
    expect(result.gained.map((r) => [r.principal.text, r.actions.text, r.repositories.text, r.public, r.external])).toEqual([["anyone", "ecr:BatchGetImage, ecr:PutImage", "every repository", true, true]]);
    for (const row of result.gained) {
      expect(evaluateRequest(compilePolicy(after), row.witness).decision).toBe("allow");
      expect(evaluateRequest(compilePolicy(before), row.witness).decision).not.toBe("allow");
    }
  });
});

describe("diffAccess among many statements", () => {
  it("searches each change against the statements it can meet, and stays exact", () => {
    const teams = Array.from({ length: 12 }, (_, i) => ({
      Sid: `Team${i}`,
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::5555666677${String(i).padStart(2, "0")}:role/deploy` },
      Action: [...PULL, "ecr:PutImage"],
      Resource: repo(`team${i}/*`),
      Condition: { StringEquals: { "aws:SourceVpc": `vpc-team${i}` } },
    }));
    const before = policy(...teams);
    const after = policy(...teams.map((t, i) => (i === 3 ? { ...t, Condition: undefined } : i === 7 ? { ...t, Principal: { AWS: "555566667707" } } : t)));
    const result = diff(before, after);
    expect(result.status).toBe("exact");
    expect(result.gained.map((r) => [r.principal.text, r.repositories.text, r.condition])).toEqual([
      ["arn:aws:iam::555566667703:role/deploy", "repositories starting with team3/", "StringEquals aws:SourceVpc vpc-team3 no longer required"],
      ["account 555566667707", "repositories starting with team7/", "Principal 555566667707 added (replacing arn:aws:iam::555566667707:role/deploy); when StringEquals aws:SourceVpc vpc-team7"],
    ]);
    expect(result.lost).toEqual([]);
  });
});

describe("describeActions", () => {
  it("collapses whole groups and lists the rest", () => {
    expect(describeActions(["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:DescribeImages"]).text).toBe("all push actions, ecr:DescribeImages");
  });
});
