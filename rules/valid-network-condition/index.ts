import { defineRule, hasWildcard, type PolicyStatement } from "@ecrlint/core";
import { privateRangeOf } from "@ecrlint/core/evaluator";
import { check, DOCS } from "../_shared/docs.js";
import { conditionBlocks, isDeny, policyOf } from "../_shared/util.js";

/** Endpoint and VPC ids: a prefix and 8 or 17 hexadecimal digits. A map, since the keys looked up come from policies. */
const NETWORK_IDS = new Map<string, { prefix: string; pattern: RegExp }>([
  ["aws:sourcevpc", { prefix: "vpc-", pattern: /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/ }],
  ["aws:sourcevpce", { prefix: "vpce-", pattern: /^vpce-([0-9a-f]{8}|[0-9a-f]{17})$/ }],
]);

/** Keys that say which VPC a private address belongs to; aws:VpcSourceIp means nothing without one of them. */
const VPC_KEYS = ["aws:sourcevpc", "aws:sourcevpce"];

const keysOf = (s: PolicyStatement) => (s.condition?.operators ?? []).flatMap((op) => op.keys.map((k) => k.key.toLowerCase()));

export const validNetworkCondition = defineRule({
  id: "valid-network-condition",
  meta: {
    type: "problem",
    docs: {
      description: "Require network conditions that can match: public ranges in aws:SourceIp, well-formed VPC and endpoint ids, aws:VpcSourceIp paired with its VPC",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [
        check("error", "Private IP address"),
        check("error", "Private NotIpAddress"),
        check("error", "Invalid vpc format"),
        check("error", "Invalid vpce format"),
        check("security-warning", "Missing paired condition keys"),
      ],
      sources: [DOCS.globalKeys, DOCS.conditionOperators],
    },
    messages: {
      privateSourceIp:
        'aws:SourceIp is never "{{value}}" ({{range}}): a request from a private address reaches ECR through a VPC endpoint and carries aws:VpcSourceIp instead, so this never matches; use aws:VpcSourceIp with aws:SourceVpc or aws:SourceVpce.',
      privateNotIpAddress:
        'This Deny refuses {{whom}}: requests through a VPC endpoint carry no aws:SourceIp (so "{{operator}}" is true for them), and "{{value}}" ({{range}}) is never a request\'s aws:SourceIp, so listing it exempts no one; use aws:VpcSourceIp with aws:SourceVpc or aws:SourceVpce for private addresses.',
      malformedId: '"{{value}}" is not a {{what}} id ({{prefix}} and 8 or 17 hexadecimal digits), so "{{key}}" never equals it.',
      unpairedVpcSourceIp:
        "aws:VpcSourceIp without aws:SourceVpc or aws:SourceVpce matches the address in any VPC, including other accounts' VPCs that reuse the range; pair it with the VPC or endpoint it belongs to.",
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    for (const { statement: s, op, parsed } of conditionBlocks(policy)) {
      for (const k of op.keys) {
        const key = k.key.toLowerCase();
        if (key === "aws:sourceip" && parsed?.base.family === "ip") {
          // With only private ranges listed, public callers are refused too; a public range exempts its own callers.
          const onlyPrivate = k.values.every((v) => !v.unknown && privateRangeOf(v.value));
          const whom = onlyPrivate ? "everyone" : "everyone arriving through a VPC endpoint";
          for (const v of k.values) {
            // An unknown value (a template parameter) is never judged.
            if (v.unknown) continue;
            const range = privateRangeOf(v.value);
            if (!range) continue;
            const lockout = isDeny(s) && parsed.base.negated;
            context.report({ node: v.node, messageId: lockout ? "privateNotIpAddress" : "privateSourceIp", data: { value: v.value, range, ...(lockout ? { operator: op.operator, whom } : {}) } });
          }
        }
        const id = NETWORK_IDS.get(key);
        if (id && parsed?.base.family === "string") {
          for (const v of k.values) {
            // A pattern or a policy variable stands for ids not written here.
            if (v.unknown || hasWildcard(v.value) || v.value.includes("${") || id.pattern.test(v.value)) continue;
            context.report({ node: v.node, messageId: "malformedId", data: { value: v.value, what: key === "aws:sourcevpc" ? "VPC" : "VPC endpoint", prefix: id.prefix, key: k.key } });
          }
        }
        if (key === "aws:vpcsourceip" && !keysOf(s).some((other) => VPC_KEYS.includes(other))) {
          context.report({ node: k.property.key, messageId: "unpairedVpcSourceIp" });
        }
      }
    }
  },
});
