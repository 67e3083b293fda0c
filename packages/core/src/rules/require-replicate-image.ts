import { parseArn } from "../arn.js";
import { defineRule, type TextEdit } from "../rule.js";
import type { PolicyStatement, StringListElement } from "../model/policy.js";
import type { RegistryContext } from "../config/registry.js";
import { actionMatches, compilePolicy, principalAccount, queryPolicy, statementCoversAction, type CompiledPolicy } from "../evaluator/index.js";
import { awsPrincipalValues, isAllow, policyOf } from "./util.js";

const REPLICATE = "ecr:ReplicateImage";
const CREATE = "ecr:CreateRepository";
const IMPORT = "ecr:BatchImportUpstreamImage";
/** A repository name no policy names on purpose: a grant that covers it covers the whole pattern. */
const PROBE_NAME = "ecrlint-replication-probe";

/** Adds `"ecr:ReplicateImage"` after the last action, copying the list's own separator so formatting is kept. */
function addActionEdit(text: string, action: StringListElement): TextEdit | undefined {
  const node = action.property.value;
  if (!action.isList) {
    const quote = text[node.range[0]] === "'" ? "'" : '"';
    return { range: node.range, text: `[${text.slice(node.range[0], node.range[1])}, ${quote}${REPLICATE}${quote}]` };
  }
  if (node.type !== "JSONArrayExpression") return undefined;
  const elements = node.elements.filter((e) => e !== null);
  const last = elements[elements.length - 1];
  if (!last) return { range: [node.range[0] + 1, node.range[0] + 1], text: `"${REPLICATE}"` };
  let separator = ", ";
  if (elements.length >= 2) {
    separator = text.slice(elements[elements.length - 2]!.range[1], last.range[0]);
  } else {
    const before = text.slice(node.range[0] + 1, last.range[0]);
    if (before.includes("\n")) separator = "," + before;
  }
  const quote = text[last.range[0]] === "'" ? "'" : '"';
  return { range: [last.range[1], last.range[1]], text: `${separator}${quote}${REPLICATE}${quote}` };
}


function resourcesOf(s: PolicyStatement): string[] {
  return s.resource?.values.map((v) => v.value) ?? [];
}

/** A concrete repository ARN inside a Resource pattern (`repository/prod-*` → `repository/prod-ecrlint-…`). */
function probeResource(pattern: string, registry: RegistryContext): string | undefined {
  if (pattern === "*") {
    if (!registry.account || !registry.region) return undefined;
    return `arn:${registry.partition ?? "aws"}:ecr:${registry.region}:${registry.account}:repository/${PROBE_NAME}`;
  }
  const arn = parseArn(pattern);
  if (!arn || arn.service !== "ecr" || !arn.resource.startsWith("repository/")) return undefined;
  const concrete = (part: string, known: string | undefined) => (/[*?]/.test(part) ? known : part);
  const region = concrete(arn.region, registry.region);
  const account = concrete(arn.account, registry.account);
  if (!region || !account || /[*?]/.test(arn.partition)) return undefined;
  const name = arn.resource.slice("repository/".length).replace(/\*/g, PROBE_NAME).replace(/\?/g, "a");
  return `arn:${arn.partition}:ecr:${region}:${account}:repository/${name}`;
}

type Grant = { status: "granted" } | { status: "missing" } | { status: "cancelled"; denyLine: number };

/**
 * Asks the evaluator whether `principal` may replicate into `resource`. Some request context allowing it is
 * enough (a condition shows the author meant to grant), and a Deny cancels only when no context escapes it:
 * the rule reports only replication that certainly fails.
 */
function replicateGrant(policy: CompiledPolicy, principal: string, resource: string | undefined): Grant {
  const result = queryPolicy(policy, { principal, action: REPLICATE, ...(resource ? { resource } : {}), anyContext: true });
  if (result.allowed || (result.status === "inconclusive" && !result.explicitDeny)) return { status: "granted" };
  const denied = result.explicitDeny?.result;
  if (denied && denied.statements.some((t) => t.effect === "Allow" && t.matched)) {
    return { status: "cancelled", denyLine: denied.deciding[0]?.line ?? 1 };
  }
  return { status: "missing" };
}

export const requireReplicateImage = defineRule({
  id: "require-replicate-image",
  meta: {
    type: "problem",
    docs: {
      description: "Require a cross-account replication grant to allow ecr:ReplicateImage",
      config: "recommended",
      reference: "§2 (the policy must allow ecr:ReplicateImage to the source account; CreateRepository alone fails), §6 (evaluation)",
    },
    messages: {
      missingReplicateImage:
        'Principal "{{principal}}" may create repositories here, the cross-account replication pattern, but is not allowed "ecr:ReplicateImage" on "{{resource}}": replication from account {{account}} fails.',
      cancelledReplicateImage:
        'Principal "{{principal}}" is allowed "ecr:ReplicateImage" on "{{resource}}", but the Deny statement on line {{denyLine}} cancels it: replication from account {{account}} fails.',
      sourceNotAllowed:
        'This registry is configured as a replication destination for account {{account}}, but no statement allows that account "ecr:ReplicateImage".',
    },
    schema: [],
    fixable: "code",
  },
  kinds: ["registry-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const { registry } = context;
    let compiled: CompiledPolicy | undefined;
    const evaluator = (): CompiledPolicy => (compiled ??= compilePolicy(policy, { registry }));
    for (const s of policy.statements) {
      if (!isAllow(s) || !statementCoversAction(s, CREATE)) continue;
      // CreateRepository with BatchImportUpstreamImage is the pull-through-cache pattern, not replication.
      if (statementCoversAction(s, IMPORT)) continue;
      const grantNode = s.action?.values.find((v) => actionMatches(v.value, CREATE))?.node ?? s.action?.property.value ?? s.notAction?.property.value;
      if (!grantNode) continue;
      for (const principal of awsPrincipalValues(s)) {
        const account = principalAccount(principal.value);
        if (!account) continue;
        for (const resource of resourcesOf(s)) {
          const arn = parseArn(resource);
          const home = registry.account ?? (arn && /^\d{12}$/.test(arn.account) ? arn.account : undefined);
          if (!home || home === account) continue;
          const probe = probeResource(resource, registry);
          if (!probe) continue;
          const grant = replicateGrant(evaluator(), principal.value, probe);
          if (grant.status === "granted") continue;
          const data = { principal: principal.value, resource, account };
          if (grant.status === "cancelled") {
            context.report({ node: grantNode, messageId: "cancelledReplicateImage", data: { ...data, denyLine: grant.denyLine } });
          } else {
            const edit = s.action ? addActionEdit(context.text, s.action) : undefined;
            context.report({ node: grantNode, messageId: "missingReplicateImage", data, ...(edit ? { fix: [edit] } : {}) });
          }
          // One report per principal: the fix grants every resource of the statement at once.
          break;
        }
      }
    }
    for (const source of registry.replicationSources ?? []) {
      // With the registry's Region and account known, a probe repository; otherwise any repository of the policy.
      const probe = registry.region && registry.account ? probeResource("*", registry) : undefined;
      if (replicateGrant(evaluator(), source, probe).status === "granted") continue;
      context.report({ node: policy.statementProperty?.key ?? policy.node, messageId: "sourceNotAllowed", data: { account: source } });
    }
  },
});
