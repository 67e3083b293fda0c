import { defineRule } from "@ecrlint/core";
import { type CompiledPolicy, type CompiledStatement, compilePolicy, type ContextValue, failsWithoutKeys, keyConditionsHoldFor } from "@ecrlint/core/evaluator";
import { check, DOCS } from "../_shared/docs.js";
import { isAllow, policyOf } from "../_shared/util.js";

/**
 * The keys that tie a service's request to the account, resource or organization it acts for, each with a value of
 * its shape that no policy names (`ecrlint` ids): a guard that admits it admits any caller (`StringLike "*"`,
 * `arn:aws:*:*:*:*`, `o-*`), and so is no guard.
 */
const GUARD_KEYS: [string, (account: string) => ContextValue][] = [
  ["aws:SourceAccount", (account) => account],
  ["aws:SourceArn", (account) => `arn:aws:sns:us-east-1:${account}:ecrlint-any-caller`],
  ["aws:SourceOrgID", () => "o-ecrlint0any"],
  ["aws:SourceOrgPaths", () => ["o-ecrlint0any/r-ecrl/ou-ecrl-anycaller/"]],
];
const UNNAMED_ACCOUNT = "000000000000";

/**
 * The values of an aws:SourceArn condition with another account in place of theirs (`arn:aws:codebuild:*:*:project/*`
 * becomes `arn:aws:codebuild:x:000000000000:project/x`): when the evaluator admits one, the condition does not pin
 * the account.
 */
function arnsOfAnotherAccount(statement: CompiledStatement): string[] {
  const out: string[] = [];
  for (const c of statement.conditions) {
    if (c.key !== "aws:sourcearn") continue;
    for (const v of c.values) {
      const parts = v.source.split(":");
      while (parts.length < 6) parts.push("*");
      parts[4] = UNNAMED_ACCOUNT;
      out.push(parts.map((p) => p.replace(/\$\{[^}]*\}|[*?]/g, "x")).join(":"));
    }
  }
  return out;
}

/** How the statement's conditions on one guard key fall short of pinning the caller, or undefined when they pin it. */
function guardGap(statement: CompiledStatement, key: string, fresh: ContextValue): { operator: string; why: string } | undefined {
  const lower = key.toLowerCase();
  const conditions = statement.conditions.filter((c) => c.key === lower);
  const first = conditions[0];
  if (!first) return { operator: "", why: "" };
  if (!failsWithoutKeys(statement, [key])) {
    return { operator: first.operatorText, why: first.operator?.base.negated ? "admits every value but the ones it names (and requests without the key)" : "holds for requests without the key" };
  }
  const candidates = lower === "aws:sourcearn" ? [fresh, ...arnsOfAnotherAccount(statement)] : [fresh];
  if (!candidates.some((value) => keyConditionsHoldFor(statement, key, value))) return undefined;
  const written = conditions.flatMap((c) => c.values.map((v) => `"${v.source}"`)).join(", ");
  return { operator: first.operatorText, why: `admits an account it does not name (${written} matches any)` };
}

/** How each guard key falls short, in the order of `GUARD_KEYS`; undefined as soon as one pins the caller. */
function guardGaps(statement: CompiledStatement): { key: string; gap: { operator: string; why: string } }[] | undefined {
  const gaps: { key: string; gap: { operator: string; why: string } }[] = [];
  for (const [key, fresh] of GUARD_KEYS) {
    const gap = guardGap(statement, key, fresh(UNNAMED_ACCOUNT));
    if (!gap) return undefined;
    gaps.push({ key, gap });
  }
  return gaps;
}

export const noUnguardedServicePrincipal = defineRule({
  id: "no-unguarded-service-principal",
  meta: {
    type: "problem",
    docs: {
      description: "Require a grant to a service principal to name the account, resource or organization it acts for (aws:SourceAccount, aws:SourceArn, aws:SourceOrgID)",
      config: "recommended",
      findingType: "security-warning",
      accessAnalyzer: [check("security-warning", "Restrict access to service principal")],
      sources: [DOCS.confusedDeputy, DOCS.globalKeys, DOCS.principal],
    },
    messages: {
      guardDoesNotPin:
        '"{{operator}}" on {{key}} does not pin the caller of service principal "{{service}}": it {{why}}, so the service can use this grant on behalf of any account (the confused deputy problem); write "StringEquals": {"aws:SourceAccount": "{{account}}"} or an aws:SourceArn condition with ArnLike naming your resources.',
      unguarded:
        'Service principal "{{service}}" is allowed this without a condition on aws:SourceAccount, aws:SourceArn or aws:SourceOrgID, so the service can use it on behalf of any account (the confused deputy problem); add "StringEquals": {"aws:SourceAccount": "{{account}}"} or an aws:SourceArn condition.',
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    let compiled: CompiledPolicy | undefined;
    const account = context.registry.account ?? "ACCOUNT-ID";
    for (const s of policy.statements) {
      // A statement with unknown values (template parameters) may hold the guard in them: not judged.
      if (!isAllow(s) || s.unknown) continue;
      const services = (s.principal?.entries ?? []).filter((e) => e.type === "Service").flatMap((e) => e.values);
      if (services.length === 0) continue;
      const statement = (compiled ??= compilePolicy(policy)).statements.find((c) => c.index === s.index);
      // A statement the evaluator cannot read is reported by the grammar rules.
      if (!statement) continue;
      const gaps = guardGaps(statement);
      // One guard key that pins the caller is enough.
      if (!gaps) continue;
      // The first guard key the statement writes a condition on says why it is no guard; without one, it has none.
      const written = gaps.find((g) => g.gap.operator !== "");
      for (const v of services) {
        if (written) context.report({ node: v.node, messageId: "guardDoesNotPin", data: { service: v.value, account, key: written.key, operator: written.gap.operator, why: written.gap.why } });
        else context.report({ node: v.node, messageId: "unguarded", data: { service: v.value, account } });
      }
    }
  },
});
