import { defineRule } from "@ecrlint/core";
import { type CompiledPolicy, compilePolicy, failsWithoutKeys } from "@ecrlint/core/evaluator";
import { check, DOCS } from "../_shared/docs.js";
import { isAllow, policyOf } from "../_shared/util.js";

/** The keys that tie a service's request to the account, resource or organization it acts for. */
const GUARD_KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"];

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
      if (!statement || GUARD_KEYS.some((key) => failsWithoutKeys(statement, [key]))) continue;
      for (const v of services) context.report({ node: v.node, messageId: "unguarded", data: { service: v.value, account } });
    }
  },
});
