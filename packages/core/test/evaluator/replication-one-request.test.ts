import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compilePolicy, decide, queryPolicy, replicationGrant, type CompiledPolicy, type PolicyQuery } from "../../src/evaluator/index.js";
import { certainlyRefused, requestsToTry } from "../../src/evaluator/replication.js";
// @ts-expect-error: the benchmark's generator is plain JavaScript, without type declarations.
import { samplePolicy, VOCABULARY } from "../../../../bench/generate-tree.mjs";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "hostile") jsonFiles(path, out);
    else if (entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

/**
 * Every policy of the fixtures and examples that speaks of replication, and generated ones in the shapes of the
 * benchmark's trees, with the accounts, Regions and names each writes.
 */
function replicationPolicies(): { file: string; policy: CompiledPolicy; accounts: string[]; regions: string[]; prefixes: string[] }[] {
  const out = [];
  const written: [string, unknown][] = [];
  for (const file of [...jsonFiles(join(repoRoot, "fixtures")), ...jsonFiles(join(repoRoot, "examples"))]) {
    const text = readFileSync(file, "utf8");
    if (!text.includes("ReplicateImage")) continue;
    try {
      const value = JSON.parse(text) as unknown;
      written.push([file, value], [file, JSON.parse((value as { policyText?: string }).policyText ?? "null")]);
    } catch {
      continue;
    }
  }
  const { ACCOUNTS, REGIONS } = VOCABULARY as { ACCOUNTS: string[]; REGIONS: string[] };
  for (let seed = 1; seed <= 60; seed++) {
    written.push([`samplePolicy #${seed}`, samplePolicy({ seed, statements: 1 + (seed % 12), account: ACCOUNTS[seed % ACCOUNTS.length], region: REGIONS[seed % REGIONS.length] })]);
  }
  for (const [file, candidate] of written) {
    {
      if (typeof candidate !== "object" || candidate === null || !("Statement" in candidate)) continue;
      let policy: CompiledPolicy;
      try {
        policy = compilePolicy(candidate);
      } catch {
        continue;
      }
      const written = JSON.stringify(candidate);
      const accounts = [...new Set([...written.matchAll(/\b\d{12}\b/g)].map((m) => m[0]))];
      const regions = [...new Set([...written.matchAll(/\b[a-z]{2}-[a-z]+-\d\b/g)].map((m) => m[0]))];
      const prefixes = [...new Set(["", ...[...written.matchAll(/repository\/([a-z0-9._/-]*)/g)].map((m) => m[1]!)])];
      out.push({ file, policy, accounts, regions, prefixes });
    }
  }
  return out;
}

describe("the requests a replication question tries before searching", () => {
  const policies = replicationPolicies();

  it("are found allowed by the search too whenever they are allowed, and a certain refusal is one: the shortcuts never answer what the search would not", () => {
    expect(policies.length).toBeGreaterThan(20);
    let tried = 0;
    let allowed = 0;
    let withContext = 0;
    let refused = 0;
    for (const { file, policy, accounts, regions, prefixes } of policies) {
      for (const source of accounts) {
        for (const account of accounts) {
          for (const region of regions) {
            for (const prefix of prefixes) {
              const base = `arn:aws:ecr:${region}:${account}:repository/`;
              const queries: PolicyQuery[] = [
                { principal: `arn:aws:iam::${source}:root`, action: "ecr:ReplicateImage", anyContext: true, resourcePrefix: base + prefix },
                { principal: source, action: "ecr:ReplicateImage", anyContext: true, resource: `${base}${prefix}x9` },
              ];
              for (const query of queries) {
                const plain = requestsToTry(policy, query)[0]!;
                if (certainlyRefused(policy, plain, query.resourcePrefix)) {
                  refused++;
                  const searched = queryPolicy(policy, query);
                  expect(searched.allowed, `${file}: refused ${JSON.stringify(plain)}`).toBeUndefined();
                }
                for (const one of requestsToTry(policy, query)) {
                  tried++;
                  if (decide(policy, one) !== "allow") continue;
                  allowed++;
                  if (one.context) withContext++;
                  const searched = queryPolicy(policy, query);
                  expect(searched.allowed !== undefined || searched.tooComplex, `${file}: ${JSON.stringify(one)}`).toBe(true);
                }
              }
            }
          }
        }
      }
    }
    // Both outcomes occur, so the check above is not vacuous.
    expect(allowed).toBeGreaterThan(50);
    expect(tried - allowed).toBeGreaterThan(50);
    expect(withContext).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(50);
  });

  it("leave a refused request to the search, which still finds a grant elsewhere under the prefix or the Deny that cancels", () => {
    const SOURCE = "111122223333";
    const destination = { partition: "aws", account: "444455556666", region: "eu-west-1" };
    const arn = (name: string) => `arn:aws:ecr:eu-west-1:444455556666:repository/${name}`;
    const allow = (resource: string) => ({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${SOURCE}:root` }, Action: "ecr:ReplicateImage", Resource: resource });
    const ask = (statements: unknown[], prefix: string) => replicationGrant(compilePolicy({ Version: "2012-10-17", Statement: statements }), { source: SOURCE, destination, repositories: { prefix } }).status;
    // The name tried (`prod-` and a filler) is not the one granted: the search finds `prod-app`.
    expect(ask([allow(arn("prod-app"))], "prod-")).toBe("granted");
    // The name tried is denied, another under the prefix is not.
    const denyProbe = { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: arn("prod-ecrlint-*") };
    expect(ask([allow(arn("prod-*")), denyProbe], "prod-")).toBe("granted");
    const denyAll = { Effect: "Deny", Principal: "*", Action: "ecr:ReplicateImage", Resource: arn("*") };
    expect(ask([allow(arn("prod-*")), denyAll], "prod-")).toBe("cancelled");
    // A Deny that the values the policy writes escape: a request from inside the listed range is not refused.
    const denyOutside = { ...denyAll, Condition: { NotIpAddressIfExists: { "aws:SourceIp": ["203.0.113.0/24"] } } };
    expect(ask([allow(arn("prod-*")), denyOutside], "prod-")).toBe("granted");
    expect(requestsToTry(compilePolicy({ Statement: [allow(arn("*")), denyOutside] }), { principal: SOURCE, action: "ecr:ReplicateImage", resource: arn("a") })[1]?.context).toEqual({ "aws:sourceip": "203.0.113.0" });
    // Keys the principal sets, and values that stand for several, are not written into the context.
    const pinned = { ...allow(arn("*")), Condition: { StringEquals: { "aws:PrincipalAccount": "999988887777" }, StringLike: { "aws:SourceVpce": "vpce-*" } } };
    expect(requestsToTry(compilePolicy({ Statement: [pinned] }), { principal: SOURCE, action: "ecr:ReplicateImage", resource: arn("a") })).toHaveLength(1);
    expect(ask([pinned], "")).toBe("missing");
  });
});
