import { closest, defineRule, hasWildcard, parseArn, PRINCIPAL_TYPES, type PrincipalElement, type ReportDescriptor, type StringValue } from "@ecrlint/core";
import { isAllow, policyOf, renameKeyEdit } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

/** REFERENCE §6: the IAM and STS identities a resource policy can name (an assumed-role session matches its role). */
const IAM_PRINCIPAL_RESOURCE = /^(root|user\/.+|role\/.+)$/;
const STS_PRINCIPAL_RESOURCE = /^(assumed-role\/[^/]+\/.+|federated-user\/.+)$/;
const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*\.(amazonaws\.com(\.cn)?|amazon\.com|c2s\.ic\.gov|sc2s\.sgov\.gov)$/;
const CANONICAL_USER = /^[0-9a-f]{64}$/;

/** What an AWS principal value is wrong about, or undefined when it names a principal. */
function awsPrincipalProblem(value: string): { messageId: string; data: Record<string, string> } | undefined {
  if (value === "*" || /^\d{12}$/.test(value)) return undefined;
  if (hasWildcard(value)) return { messageId: "partialWildcard", data: { value, hint: "; match a pattern with a condition on aws:PrincipalArn" } };
  const arn = parseArn(value);
  if (!arn) return { messageId: "invalidAwsPrincipal", data: { value } };
  // ARN syntax (Region, account) is valid-arn's concern; here only whether the resource names an identity.
  if (arn.service === "iam" && IAM_PRINCIPAL_RESOURCE.test(arn.resource)) return undefined;
  if (arn.service === "sts" && STS_PRINCIPAL_RESOURCE.test(arn.resource)) return undefined;
  if (arn.service === "iam" && arn.resource.startsWith("group/")) return { messageId: "groupPrincipal", data: { value } };
  return { messageId: "invalidAwsPrincipal", data: { value } };
}

export const validPrincipal = defineRule({
  id: "valid-principal",
  meta: {
    type: "problem",
    docs: {
      description: "Require principals to be accounts, IAM users or roles, service principals or \"*\", and flag Allow with NotPrincipal",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Invalid principal format"), check("error", "Invalid principal key"), check("error", "Unsupported wildcard in principal"), check("error", "Invalid service principal format"), check("error", "Federated principal not supported"), check("security-warning", "Allow with NotPrincipal")],
      sources: [DOCS.principal, DOCS.notPrincipal, DOCS.arns],
    },
    messages: {
      unknownPrincipalKey: 'Unknown principal key "{{key}}"{{hint}}; a principal is keyed by AWS, Service, Federated or CanonicalUser.',
      renameKey: 'Rename "{{key}}" to "{{name}}".',
      partialWildcard: 'Principal "{{value}}" has a wildcard; principals take no partial wildcards ("*" alone means everyone){{hint}}.',
      invalidAwsPrincipal: '"{{value}}" is not an AWS principal: write a 12-digit account id, arn:aws:iam::ACCOUNT:root, an IAM user or role ARN, an assumed-role session ARN, or "*".',
      groupPrincipal: '"{{value}}" is an IAM group, which cannot be a principal; name the group\'s users or a role.',
      invalidServicePrincipal: '"{{value}}" is not a service principal such as "replication.ecr.amazonaws.com".',
      invalidCanonicalUser: '"{{value}}" is not a canonical user id (64 hexadecimal characters).',
      federatedPrincipal: '"{{value}}" is a Federated principal: an ECR policy cannot name web identity or SAML providers, so AWS rejects it; name the IAM role that federated users assume.',
      allowWithNotPrincipal: 'An Allow with "NotPrincipal" grants to everyone except the listed principals, anonymous callers included; name the principals in "Principal" instead.',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const report = (d: ReportDescriptor) => context.report(d);

    const checkElement = (element: PrincipalElement) => {
      for (const entry of element.entries) {
        if (!(PRINCIPAL_TYPES as readonly string[]).includes(entry.type)) {
          const name = closest(entry.type, PRINCIPAL_TYPES, 3, true);
          const taken = element.entries.some((e) => e.type === name);
          report({
            node: entry.property.key,
            messageId: "unknownPrincipalKey",
            data: { key: entry.type, hint: name ? ` (did you mean "${name}"?)` : "" },
            ...(name && !taken ? { suggest: [{ messageId: "renameKey", data: { key: entry.type, name }, edits: [renameKeyEdit(entry.property, name)] }] } : {}),
          });
          continue;
        }
        for (const v of entry.values) checkValue(entry.type, v);
      }
    };

    const checkValue = (type: string, v: StringValue) => {
      // A principal from a template parameter or Fn::GetAtt is unknown: never judged.
      if (v.unknown) return;
      if (type === "AWS") {
        const problem = awsPrincipalProblem(v.value);
        if (problem) report({ node: v.node, ...problem });
        return;
      }
      if (v.value === "*") return;
      if (hasWildcard(v.value)) {
        report({ node: v.node, messageId: "partialWildcard", data: { value: v.value, hint: "" } });
        return;
      }
      if (type === "Federated") {
        report({ node: v.node, messageId: "federatedPrincipal", data: { value: v.value } });
        return;
      }
      if (type === "Service" && !SERVICE_PRINCIPAL.test(v.value)) report({ node: v.node, messageId: "invalidServicePrincipal", data: { value: v.value } });
      if (type === "CanonicalUser" && !CANONICAL_USER.test(v.value)) report({ node: v.node, messageId: "invalidCanonicalUser", data: { value: v.value } });
    };

    for (const s of policy.statements) {
      if (s.principal) checkElement(s.principal);
      if (s.notPrincipal) {
        checkElement(s.notPrincipal);
        if (isAllow(s)) report({ node: s.notPrincipal.property.key, messageId: "allowWithNotPrincipal" });
      }
    }
  },
});
