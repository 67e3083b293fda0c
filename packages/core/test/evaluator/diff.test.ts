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
    const after = policy({ ...replication, Action: ["ecr:CreateRepository"] });
    const result = diffAccess(policy(replication), after, { registry: { ...registry, replicationSources: ["111122223333"] } });
    verifyWitnesses(policy(replication), after, result);
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
    // With no replicationSources configured the account is not known to replicate: the summary says what it can no longer do.
    expect(summarizeAccessDiff(diff(policy(replication), after))).toBe("111122223333 can no longer replicate (ecr:ReplicateImage)");
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

  it("a removed Deny on some repositories and principals over a wider Allow: the gain is their overlap", () => {
    const deny = { Sid: "NoProd", Effect: "Deny", Principal: { AWS: "arn:aws:iam::111122223333:role/other" }, Action: "ecr:PutImage", Resource: repo("prod-*") };
    const allow = { ...pull, Action: "ecr:*", Resource: repo("*"), Principal: { AWS: ["arn:aws:iam::111122223333:role/other", ROLE] } };
    const result = diff(policy(allow, deny), policy(allow));
    expect(result.status).toBe("exact");
    expect(result.gained.map((r) => [r.principal.text, r.actions.names, r.repositories.text, r.condition])).toEqual([
      ["arn:aws:iam::111122223333:role/other", ["ecr:PutImage"], "repositories starting with prod-", "the Deny statement NoProd no longer refuses it"],
    ]);
  });
});

describe("diffAccess: an added Deny loses exactly what it shares with each Allow", () => {
  const CI = "arn:aws:iam::777788889999:role/ci";
  const SOURCE = "arn:aws:iam::111122223333:root";
  const replication = { Sid: "Repl", Effect: "Allow", Principal: { AWS: SOURCE }, Action: ["ecr:ReplicateImage", "ecr:CreateRepository"], Resource: repo("*") };
  const ci = { Sid: "Ci", Effect: "Allow", Principal: { AWS: CI }, Action: PULL, Resource: repo("*") };
  const rows = (d: AccessDiff["lost"]) => d.map((r) => [r.principal.text, r.actions.text, r.repositories.text, r.condition]);

  it("a Deny on dev-* of the same principal and actions: pull lost on dev-* only", () => {
    const noDev = { Sid: "NoDev", Effect: "Deny", Principal: { AWS: CI }, Action: PULL, Resource: repo("dev-*") };
    const result = diff(policy(replication, ci), policy(replication, ci, noDev));
    expect(result.status).toBe("exact");
    expect(result.gained).toEqual([]);
    expect(rows(result.lost)).toEqual([[CI, "all pull actions", "repositories starting with dev-", "the Deny statement NoDev now refuses it"]]);
    expect(result.lost[0]!.witness.resource).toMatch(/:repository\/dev-/);
  });

  it("a Deny identical to an Allow: everything it granted is lost", () => {
    const result = diff(policy(replication, ci), policy(replication, ci, { ...ci, Sid: "NoCi", Effect: "Deny" }));
    expect(result.status).toBe("exact");
    expect(rows(result.lost)).toEqual([[CI, "all pull actions", "every repository", "the Deny statement NoCi now refuses it"]]);
  });

  it("a Deny of ecr:ReplicateImage to the source account: replication lost, the CI Allow untouched", () => {
    const noRepl = { Sid: "NoRepl", Effect: "Deny", Principal: { AWS: SOURCE }, Action: "ecr:ReplicateImage", Resource: repo("*") };
    const result = diffAccess(policy(replication, ci), policy(replication, ci, noRepl), { registry: { ...registry, replicationSources: ["111122223333"] } });
    verifyWitnesses(policy(replication, ci), policy(replication, ci, noRepl), result);
    expect(result.status).toBe("exact");
    expect(result.lost.map((r) => [r.principal.text, r.actions.names, r.replication, r.replicationSource])).toEqual([["account 111122223333", ["ecr:ReplicateImage"], true, "111122223333"]]);
    expect(summarizeAccessDiff(result)).toBe("replication from 111122223333 stops");
  });

  it("a Deny with NotPrincipal: the accounts it does not exempt lose what they had", () => {
    const other = { ...ci, Sid: "Other", Principal: { AWS: "arn:aws:iam::222233334444:root" } };
    const allButCi = { Sid: "AllButCi", Effect: "Deny", NotPrincipal: { AWS: [SOURCE, CI] }, Action: PULL, Resource: repo("*") };
    const result = diff(policy(replication, ci, other), policy(replication, ci, other, allButCi));
    expect(result.status).toBe("exact");
    // The CI role is listed without its account 777788889999, so AWS does not exempt it (IAM User Guide, NotPrincipal).
    expect(rows(result.lost)).toEqual([
      [CI, "all pull actions", "every repository", "the Deny statement AllButCi now refuses it"],
      ["account 222233334444", "all pull actions", "every repository", "the Deny statement AllButCi now refuses it"],
    ]);
    expect(result.lost[1]!.witness.principal).toMatch(/^arn:aws:iam::222233334444:/);
  });

  it("a NotPrincipal that exempts part of an Allow's account is inconclusive, and may touch replication", () => {
    const allBut = { Sid: "AllButSource", Effect: "Deny", NotPrincipal: { AWS: SOURCE }, Action: "ecr:*", Resource: repo("*") };
    const result = diff(policy(replication), policy(replication, allBut));
    expect(result.status).toBe("inconclusive");
    expect(result.inconclusive).toEqual([
      expect.objectContaining({ change: "loss", statement: expect.objectContaining({ sid: "AllButSource" }), reason: expect.stringMatching(/NotPrincipal lists the account of arn:aws:iam::111122223333:root/), replication: true, public: false }),
    ]);
  });

  it("Resource globs that cross (team-* and *-prod) lose exactly the repositories both match", () => {
    const team = { ...ci, Resource: repo("team-*") };
    const noProd = { Sid: "NoProd", Effect: "Deny", Principal: "*", Action: "ecr:BatchGetImage", Resource: repo("*-prod") };
    const result = diff(policy(team), policy(team, noProd));
    expect(result.status).toBe("exact");
    expect(result.lost.map((r) => [r.actions.names, r.repositories.text])).toEqual([[["ecr:BatchGetImage"], `repositories starting with team- that match ${repo("*-prod")}`]]);
    expect(result.lost[0]!.witness.resource).toMatch(/:repository\/team-(.*-)?prod$/);
  });

  it("a Deny with NotResource loses what the Allow grants outside it; disjoint actions lose nothing", () => {
    const outsideApp = { Sid: "OnlyApp", Effect: "Deny", Principal: "*", Action: PULL, NotResource: repo("app/*") };
    const result = diff(policy(ci), policy(ci, outsideApp));
    expect(result.status).toBe("exact");
    expect(result.lost.map((r) => r.repositories.text)).toEqual([`repositories except ${repo("app/*")}`]);
    expect(result.lost[0]!.witness.resource).not.toMatch(/:repository\/app\//);
    const push = diff(policy(ci), policy(ci, { ...outsideApp, Action: "ecr:PutImage" }));
    expect(push).toEqual({ status: "exact", gained: [], lost: [], inconclusive: [] });
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

describe("diffAccess: Not* elements, public and external", () => {
  const CI = "arn:aws:iam::777788889999:role/ci";
  const ci = { Sid: "CiPull", Effect: "Allow", Principal: { AWS: CI }, Action: PULL, Resource: repo("app/*") };

  it("an Allow with NotPrincipal grants anyone but the listed principals: public and external", () => {
    const allBut = { Sid: "AllBut", Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::333344445555:root" }, Action: "ecr:BatchGetImage", Resource: repo("*") };
    const result = diff(policy(ci), policy(ci, allBut));
    expect(result.gained.map((r) => [r.principal.kind, r.principal.text, r.public, r.external])).toEqual([["anyone", "any principal but arn:aws:iam::333344445555:root", true, true]]);
    expect(summarizeAccessDiff(result)).toMatch(/public access granted/);
  });

  it("Action replaced by NotAction: the condition names both sides, the actions what is left out", () => {
    const after = { Sid: "CiAll", Effect: "Allow", Principal: { AWS: CI }, NotAction: "ecr:DeleteRepository", Resource: repo("app/*") };
    const result = diff(policy(ci), policy(after));
    expect(result.lost).toEqual([]);
    expect(result.gained).toHaveLength(1);
    const [row] = result.gained;
    expect(row!.condition).toBe(`NotAction ecr:DeleteRepository replaces Action ${PULL.join(", ")}`);
    expect(row!.actions.text).toBe("every repository action except all pull actions, ecr:DeleteRepository");
    // Not a replication source (none configured): the summary does not claim replication starts from it.
    expect(summarizeAccessDiff(result)).not.toMatch(/replication from/);
    const back = diff(policy(after), policy(ci));
    expect(back.lost[0]!.condition).toBe(`NotAction ecr:DeleteRepository was replaced by Action ${PULL.join(", ")}`);
    const shrunk = diff(policy({ ...after, NotAction: ["ecr:DeleteRepository", "ecr:PutImage"] }), policy(after));
    expect(shrunk.gained.map((r) => [r.actions.names, r.condition])).toEqual([[["ecr:PutImage"], "NotAction ecr:PutImage no longer listed"]]);
    const grown = diff(policy(after), policy({ ...after, NotAction: ["ecr:DeleteRepository", "ecr:PutImage"] }));
    expect(grown.lost.map((r) => [r.actions.names, r.condition])).toEqual([[["ecr:PutImage"], "NotAction ecr:PutImage now listed"]]);
  });

  it("replication: only a configured replication source replicates; others are said to be able to", () => {
    const repl = { Sid: "Repl", Effect: "Allow", Principal: { AWS: "777788889999" }, Action: "ecr:ReplicateImage", Resource: repo("*") };
    const sources = { registry: { ...registry, replicationSources: ["111122223333"] } };
    const notSource = diffAccess(policy(ci), policy(ci, repl), sources);
    expect(notSource.gained.map((r) => r.replication)).toEqual([false]);
    expect(summarizeAccessDiff(notSource)).toBe("1 principal gains access");
    const unknown = diff(policy(ci), policy(ci, repl));
    expect(summarizeAccessDiff(unknown)).toBe("1 principal gains access; 777788889999 may now replicate (ecr:ReplicateImage)");
  });

  it("a trusted account is not external", () => {
    const widened = policy({ ...ci, Principal: { AWS: "777788889999" } });
    expect(diffAccess(policy(ci), widened, { registry }).gained.map((r) => r.external)).toEqual([true]);
    expect(diffAccess(policy(ci), widened, { registry, trustedAccounts: ["777788889999"] }).gained.map((r) => r.external)).toEqual([false]);
  });
});
