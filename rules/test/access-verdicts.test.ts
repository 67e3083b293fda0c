/**
 * The rules whose verdict rests on who can do what (no-public-access, no-external-principal,
 * require-replicate-image) must agree with the evaluator's decisions on any policy, not only on their cases: when
 * a rule is silent, `decide` denies every request of the kind it vouches for; when it reports, the evaluator allows
 * the request the report is about.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadPolicyFile, type RegistryContext, type ReportDescriptor, type TrustContext } from "@ecrlint/core";
import { accountsNamedIn, compilePolicy, decide, findOutsiderAccess, queryPolicy, type CompiledPolicy, type ContextValue, type EvaluationRequest } from "@ecrlint/core/evaluator";
import { rules } from "../index.js";

const NUM_RUNS = Number(process.env.ECRLINT_PROPERTY_RUNS ?? 60);
const SEED = Number(process.env.ECRLINT_PROPERTY_SEED ?? 20_260_801);

const REGISTRY = "444455556666";
/** Trusted, and the configured replication source. */
const SOURCE = "111122223333";
/** Named by policies, trusted by no one. */
const PARTNER = "777788889999";
/** Named by nothing. */
const STRANGER = "999999999999";
const TRUSTED_ORG = "o-ours";

const registry: RegistryContext = { source: "config", account: REGISTRY, region: "us-west-2", partition: "aws", replicationSources: [SOURCE] };
const trust: TrustContext = { accounts: [SOURCE], orgs: [TRUSTED_ORG] };
const repository = (name: string) => `arn:aws:ecr:us-west-2:${REGISTRY}:repository/${name}`;

// ----------------------------------------------------------------------------------------------------------------
// Random policies

const awsPrincipals = [`arn:aws:iam::${SOURCE}:root`, SOURCE, `arn:aws:iam::${PARTNER}:root`, `arn:aws:iam::${PARTNER}:role/ci`, `arn:aws:iam::${REGISTRY}:role/admin`, "*"];
const principalElement = fc.oneof(
  { weight: 2, arbitrary: fc.constant<unknown>("*") },
  { weight: 6, arbitrary: fc.subarray(awsPrincipals, { minLength: 1, maxLength: 3 }).map((v): unknown => ({ AWS: v.length === 1 ? v[0] : v })) },
  { weight: 1, arbitrary: fc.constant<unknown>({ Service: "replication.ecr.amazonaws.com" }) },
);
const principal = fc.oneof(
  { weight: 8, arbitrary: principalElement.map((p) => ({ Principal: p })) },
  { weight: 1, arbitrary: fc.subarray(awsPrincipals.slice(0, 5), { minLength: 1, maxLength: 2 }).map((v) => ({ NotPrincipal: { AWS: v } })) },
);

const ACTIONS = ["ecr:BatchGetImage", "ecr:ReplicateImage", "ecr:CreateRepository", "ecr:BatchImportUpstreamImage", "ecr:*", "ecr:Get*", "ecr:GetAuthorizationToken"];
const action = fc.oneof(
  { weight: 6, arbitrary: fc.subarray(ACTIONS, { minLength: 1, maxLength: 3 }).map((a) => ({ Action: a })) },
  { weight: 1, arbitrary: fc.subarray(ACTIONS, { minLength: 1, maxLength: 2 }).map((a) => ({ NotAction: a })) },
);
const RESOURCES = ["*", repository("*"), repository("prod-*"), repository("app"), `arn:aws:ecr:us-east-1:${REGISTRY}:repository/*`];
const resource = fc.subarray(RESOURCES, { minLength: 1, maxLength: 2 }).map((r) => ({ Resource: r }));

interface KeySpec {
  key: string;
  operators: string[];
  values: string[];
}
const STRING_OPERATORS = ["StringEquals", "StringNotEquals", "StringLike"];
const KEYS: KeySpec[] = [
  // Keys that say where a caller comes from.
  { key: "aws:PrincipalOrgID", operators: STRING_OPERATORS, values: [TRUSTED_ORG, "o-partner", "o-*", "o-abc*"] },
  { key: "aws:SourceAccount", operators: STRING_OPERATORS, values: [SOURCE, PARTNER, "7777*"] },
  { key: "aws:SourceVpce", operators: STRING_OPERATORS, values: ["vpce-1a2b3c4d", "vpce-*"] },
  // Keys that follow the principal, and keys any caller chooses.
  { key: "aws:PrincipalAccount", operators: STRING_OPERATORS, values: [SOURCE, PARTNER] },
  { key: "aws:SourceIp", operators: ["IpAddress", "NotIpAddress"], values: ["203.0.113.0/24"] },
  { key: "aws:PrincipalTag/team", operators: STRING_OPERATORS, values: ["blue"] },
  // Keys the registry decides: its Region and, for actions on a repository, its account.
  { key: "aws:RequestedRegion", operators: STRING_OPERATORS, values: ["us-west-2", "eu-west-1"] },
  { key: "aws:ResourceAccount", operators: STRING_OPERATORS, values: [REGISTRY, PARTNER] },
];
const condition = fc
  .tuple(fc.constantFrom(...KEYS), fc.constantFrom("", "", "ForAnyValue:", "ForAllValues:"), fc.boolean(), fc.nat())
  .chain(([spec, set, ifExists, pick]) => {
    const operator = `${set}${spec.operators[pick % spec.operators.length]}${ifExists ? "IfExists" : ""}`;
    return fc.oneof(
      { weight: 5, arbitrary: fc.subarray(spec.values, { minLength: 1 }).map((values) => [operator, spec.key, values] as const) },
      { weight: 1, arbitrary: fc.constantFrom("true", "false").map((v) => ["Null", spec.key, [v]] as const) },
    );
  });
const conditions = fc.array(condition, { maxLength: 2 }).map((list) => {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, key, values] of list) out[operator] = { ...out[operator], [key]: [...values] };
  return list.length ? { Condition: out } : {};
});

const statement = fc
  .tuple(fc.constantFrom("Allow", "Allow", "Allow", "Deny"), principal, action, resource, conditions)
  .map(([Effect, p, a, r, c]) => ({ Effect, ...p, ...a, ...r, ...c }));
const policyArbitrary = fc.array(statement, { minLength: 1, maxLength: 3 }).map((Statement) => ({ Version: "2012-10-17", Statement }));

// ----------------------------------------------------------------------------------------------------------------
// Requests of outsiders, in every class the policies above tell apart

const REQUEST_ACTIONS = ["ecr:BatchGetImage", "ecr:ReplicateImage", "ecr:CreateRepository", "ecr:BatchImportUpstreamImage", "ecr:PutImage", "ecr:GetAuthorizationToken"];
const strangers = ["anonymous", STRANGER, `arn:aws:iam::${STRANGER}:user/x`, `arn:aws:iam::${STRANGER}:role/ci`, `arn:aws:sts::${STRANGER}:assumed-role/ci/s`];
const partners = [PARTNER, `arn:aws:iam::${PARTNER}:role/ci`, `arn:aws:iam::${PARTNER}:user/x`];

/** `pinned`: values an outsider can have for the keys that say where a caller comes from (absent is always one). */
function outsiderRequest(principals: string[], pinned: { org: string[]; account: string[]; vpce: string[] }): fc.Arbitrary<EvaluationRequest> {
  const maybe = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: undefined });
  return fc
    .record({
      principal: fc.constantFrom(...principals),
      action: fc.constantFrom(...REQUEST_ACTIONS),
      name: fc.constantFrom("app", "prod-x", "zz-fresh"),
      org: maybe(pinned.org),
      sourceAccount: maybe(pinned.account),
      vpce: maybe(pinned.vpce),
      ip: maybe(["203.0.113.7", "198.51.100.1"]),
      team: maybe(["blue", "red"]),
    })
    .map((r) => {
      const context: Record<string, ContextValue> = {};
      if (r.org !== undefined) context["aws:PrincipalOrgID"] = r.org;
      if (r.sourceAccount !== undefined) context["aws:SourceAccount"] = r.sourceAccount;
      if (r.vpce !== undefined) context["aws:SourceVpce"] = r.vpce;
      if (r.ip !== undefined) context["aws:SourceIp"] = r.ip;
      if (r.team !== undefined) context["aws:PrincipalTag/team"] = r.team;
      // Actions that act on no repository are asked on `*` (REFERENCE §5).
      const resource = r.action === "ecr:GetAuthorizationToken" ? "*" : repository(r.name);
      // The account that owns a repository of the registry (IAM User Guide, global condition keys).
      if (resource !== "*") context["aws:ResourceAccount"] = REGISTRY;
      return { principal: r.principal, action: r.action, resource, context };
    });
}

// ----------------------------------------------------------------------------------------------------------------

function reportsOf(ruleId: string, policy: unknown): ReportDescriptor[] {
  const text = JSON.stringify(policy, null, 2);
  const loaded = loadPolicyFile(text, "registry-policy.json");
  if (loaded.status !== "ours") throw new Error(`not read as a policy: ${loaded.status}`);
  const rule = rules[ruleId]!;
  const reports: ReportDescriptor[] = [];
  rule.check!({ file: loaded.file, text, getText: (range) => text.slice(range[0], range[1]), filePath: "/repo/registry-policy.json", registry, trust, options: rule.defaultOptions, report: (d) => reports.push(d) });
  return reports;
}

/**
 * The principal a message names: `"arn:…"` (a principal of an account the policy names), `an anonymous caller`, or
 * undefined for a made-up witness, which the message describes ("any principal outside …") instead of naming.
 */
const principalIn = (report: ReportDescriptor) => {
  const text = String(report.data?.principal);
  if (text.startsWith("any principal ")) return undefined;
  return text.startsWith('"') ? (JSON.parse(/^"[^"]*"/.exec(text)![0]) as string) : "anonymous";
};

function allowedFor(compiled: CompiledPolicy, principal: string, action: string, resource?: string) {
  return queryPolicy(compiled, { principal, action, ...(resource ? { resource } : {}), anyContext: true });
}

/** Silent: no outsider request is allowed. Reporting: the evaluator allows what the report names, and each witness. */
function holdOutsiderRule(ruleId: string, policy: unknown, requests: EvaluationRequest[], insiders: (principal: string) => boolean, witnesses: () => ReturnType<typeof findOutsiderAccess>) {
  const compiled = compilePolicy(policy, { registry });
  const reports = reportsOf(ruleId, policy);
  if (reports.length === 0) {
    for (const request of requests) expect(decide(compiled, request), JSON.stringify(request)).not.toBe("allow");
    return;
  }
  // Findings that say the answer is not known (tooComplex, inconclusive) claim no access: only access findings are checked.
  for (const report of reports.filter((r) => r.messageId === "publicAccess" || r.messageId === "externalPrincipal")) {
    const principal = principalIn(report);
    if (principal === undefined) continue;
    expect(insiders(principal), principal).toBe(false);
    const found = allowedFor(compiled, principal, String(report.data?.action)).allowed;
    expect(found, `${principal} ${report.data?.action}`).toBeDefined();
    expect(decide(compiled, found!.request)).toBe("allow");
  }
  for (const w of witnesses()) expect(decide(compiled, w.witness.request), JSON.stringify(w.witness.request)).toBe("allow");
}

const accountOf = (principal: string) => (/^\d{12}$/.test(principal) ? principal : principal.split(":")[4]);

describe("rule verdicts that rest on access hold to the evaluator's decisions", () => {
  it("no-public-access: silent means no stranger is allowed; a report names an allowed stranger", () => {
    const requests = fc.array(outsiderRequest(strangers, { org: ["o-fresh", "o-abcdef12345"], account: ["000000000099", "777700000000"], vpce: ["vpce-0f0f0f0f"] }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(policyArbitrary, requests, (policy, batch) => {
        const named = JSON.stringify(policy);
        const insiders = (p: string) => p !== "anonymous" && [REGISTRY, SOURCE].some((a) => a === accountOf(p) || named.includes(accountOf(p)!));
        const witnesses = () => {
          const compiled = compilePolicy(policy, { registry });
          return findOutsiderAccess(compiled, { trustedAccounts: [REGISTRY, SOURCE, ...accountsNamedIn(compiled)] });
        };
        holdOutsiderRule("no-public-access", policy, batch, insiders, witnesses);
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });

  it("no-external-principal: silent means no untrusted principal is allowed, whatever untrusted organization or account it comes with", () => {
    const requests = fc.array(outsiderRequest([...strangers, ...partners], { org: ["o-fresh", "o-partner", "o-abcdef12345"], account: ["000000000099", PARTNER, "777700000000"], vpce: ["vpce-0f0f0f0f"] }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(policyArbitrary, requests, (policy, batch) => {
        const insiders = (p: string) => p !== "anonymous" && [REGISTRY, SOURCE].includes(accountOf(p)!);
        const witnesses = () => findOutsiderAccess(compilePolicy(policy, { registry }), { trustedAccounts: [REGISTRY, SOURCE], trustedOrgs: [TRUSTED_ORG], tryNamedValues: true });
        holdOutsiderRule("no-external-principal", policy, batch, insiders, witnesses);
      }),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });

  it("require-replicate-image: a report means no request context lets the source replicate; silence means one does", () => {
    /** A repository of the pattern that no policy names: `repository/prod-*` → `repository/prod-zz-fresh`. */
    const inside = (pattern: string) => (pattern === "*" ? repository("zz-fresh") : pattern.replaceAll("*", "zz-fresh"));
    fc.assert(
      fc.property(policyArbitrary, (policy) => {
        const compiled = compilePolicy(policy, { registry });
        const reports = reportsOf("require-replicate-image", policy);
        const sourceReported = reports.some((r) => r.messageId === "sourceNotAllowed");
        // One cause, one finding: a statement already reported for the source account says why it fails.
        const causeReported = reports.some((r) => r.messageId !== "sourceNotAllowed" && r.data?.account === SOURCE);
        if (causeReported) expect(sourceReported).toBe(false);
        else expect(allowedFor(compiled, SOURCE, "ecr:ReplicateImage", repository("zz-fresh")).allowed !== undefined).toBe(!sourceReported);
        for (const r of reports.filter((x) => x.messageId !== "sourceNotAllowed")) {
          const answer = allowedFor(compiled, String(r.data?.principal), "ecr:ReplicateImage", inside(String(r.data?.resource)));
          expect(answer.allowed, JSON.stringify(r.data)).toBeUndefined();
          if (r.messageId === "cancelledReplicateImage") expect(answer.explicitDeny).toBeDefined();
        }
        // Every cross-account CreateRepository grant the rule passes over can replicate on each of its resources.
        for (const s of policy.Statement as Record<string, unknown>[]) {
          const actions = s.Action as string[] | undefined;
          if (s.Effect !== "Allow" || !actions?.includes("ecr:CreateRepository") || actions.some((a) => a === "ecr:*" || a === "ecr:BatchImportUpstreamImage")) continue;
          const principals = ((s.Principal as { AWS?: string | string[] } | undefined)?.AWS ?? []) as string | string[];
          for (const p of typeof principals === "string" ? [principals] : principals) {
            if (p === "*" || accountOf(p) === REGISTRY || reports.some((r) => r.data?.principal === p)) continue;
            for (const pattern of s.Resource as string[]) {
              expect(allowedFor(compiled, p, "ecr:ReplicateImage", inside(pattern)).allowed, `${p} on ${pattern}`).toBeDefined();
            }
          }
        }
      }),
      { numRuns: NUM_RUNS * 2, seed: SEED },
    );
  });
});
