import { closest, defineRule, parseArn, type JsonNode, type StringValue } from "@ecrlint/core";
import { DOCS } from "../_shared/docs.js";

/** The `appliedFor` values of a repository creation template (CreateRepositoryCreationTemplate). */
const APPLIED_FOR = ["REPLICATION", "PULL_THROUGH_CACHE", "CREATE_ON_PUSH"];
/** Repositories that ECR creates on its own (for a replication or a pull-through-cache rule), not on a caller's push. */
const CREATED_BY_ECR = new Set(["REPLICATION", "PULL_THROUGH_CACHE"]);
/** The API's prefix: repository-name segments, optionally ending in `/`, or `ROOT` for every repository. */
const PREFIX = /^(?:(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\/?|ROOT)$/;
const MAX_PREFIX_LENGTH = 256;
const KMS_ENCRYPTION = new Set(["KMS", "KMS_DSSE"]);

/**
 * How each host names the policy argument and writes it as a string: the API and CloudFormation (whose type for
 * `RepositoryPolicy` is String, unlike `RepositoryPolicyText`'s Json) take JSON text, and so does the AWS provider.
 */
const POLICY_STRING = {
  api: { property: "repositoryPolicy", takes: "the API", hint: "" },
  cloudformation: { property: "RepositoryPolicy", takes: "CloudFormation", hint: ": write the JSON in a string, with Fn::Sub, or with Fn::ToJsonString (AWS::LanguageExtensions)" },
  terraform: { property: "repository_policy", takes: "the AWS provider", hint: ": wrap it in jsonencode()" },
};

const known = (v: StringValue | undefined): v is StringValue => v !== undefined && !v.unknown;

export const validRepositoryCreationTemplate = defineRule({
  id: "valid-repository-creation-template",
  meta: {
    type: "problem",
    docs: {
      description: "Require repository creation templates that ECR can apply: a valid prefix and appliedFor, and a custom role for tags or KMS encryption",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [],
      sources: [DOCS.creationTemplates, DOCS.createRepositoryCreationTemplate],
    },
    messages: {
      customRoleRequired:
        "This template sets {{what}} on the repositories ECR creates for {{appliedFor}}, but has no customRoleArn: ECR needs a role of yours to apply them, and creating those repositories fails.",
      invalidAppliedFor: '"{{value}}" is not a value of appliedFor{{hint}}: use REPLICATION, PULL_THROUGH_CACHE or CREATE_ON_PUSH.',
      duplicateAppliedFor: '"{{value}}" is listed twice in appliedFor.',
      emptyAppliedFor: "appliedFor lists nothing, so the template applies to no repository: list REPLICATION, PULL_THROUGH_CACHE or CREATE_ON_PUSH.",
      invalidPrefix:
        'Prefix "{{prefix}}" is not a repository name prefix{{hint}}: write lowercase name segments separated by "/" (such as "docker-hub/"), or ROOT for every repository.',
      invalidCustomRole: 'customRoleArn "{{value}}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).',
      policyNotString: "{{property}} must be the policy written as a JSON string, as {{takes}} takes it, not {{actual}}{{hint}}.",
      replaceValue: 'Replace with "{{value}}".',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["repository-creation-template"],
  defaultOptions: {},
  check(context) {
    const file = context.file;
    if (file.kind !== "repository-creation-template") return;
    const { template } = file;
    const replace = (node: JsonNode, value: string) =>
      node.type === "JSONLiteral" ? [{ messageId: "replaceValue", data: { value }, edits: [{ range: node.range, text: JSON.stringify(value) }] }] : [];

    const prefix = template.prefix;
    if (known(prefix) && (prefix.value.length > MAX_PREFIX_LENGTH || !PREFIX.test(prefix.value))) {
      const lower = prefix.value.toLowerCase();
      const near = lower === "root" ? "ROOT" : PREFIX.test(lower) && lower.length <= MAX_PREFIX_LENGTH ? lower : undefined;
      context.report({
        node: prefix.node,
        messageId: "invalidPrefix",
        data: { prefix: prefix.value, hint: near ? ` (did you mean "${near}"?)` : "" },
        ...(near ? { suggest: replace(prefix.node, near) } : {}),
      });
    }

    const seen = new Set<string>();
    for (const v of template.appliedFor) {
      // A value a template parameter gives is unknown: never judged.
      if (v.unknown) continue;
      if (!APPLIED_FOR.includes(v.value)) {
        const near = closest(v.value, APPLIED_FOR, 4, true);
        context.report({
          node: v.node,
          messageId: "invalidAppliedFor",
          data: { value: v.value, hint: near ? ` (did you mean "${near}"?)` : "" },
          ...(near ? { suggest: replace(v.node, near) } : {}),
        });
      } else if (seen.has(v.value)) {
        context.report({ node: v.node, messageId: "duplicateAppliedFor", data: { value: v.value } });
      }
      seen.add(v.value);
    }
    const applied = template.appliedForProperty;
    if (applied?.value.type === "JSONArrayExpression" && applied.value.elements.length === 0) {
      context.report({ node: applied.key, messageId: "emptyAppliedFor" });
    }

    const byEcr = [...new Set(template.appliedFor.filter((v) => !v.unknown && CREATED_BY_ECR.has(v.value)).map((v) => v.value))];
    if (byEcr.length > 0 && !template.customRoleArnProperty) {
      const needs: { what: string; node: JsonNode }[] = [];
      const tags = template.resourceTags;
      if (tags && !(tags.value.type === "JSONArrayExpression" && tags.value.elements.length === 0)) needs.push({ what: "resource tags", node: tags.key });
      const encryption = template.encryptionType;
      if (known(encryption) && KMS_ENCRYPTION.has(encryption.value)) needs.push({ what: `${encryption.value} encryption`, node: encryption.node });
      for (const need of needs) {
        context.report({ node: need.node, messageId: "customRoleRequired", data: { what: need.what, appliedFor: byEcr.join(" and ") } });
      }
    }

    const role = template.customRoleArn;
    if (known(role)) {
      const arn = parseArn(role.value);
      if (!arn || arn.service !== "iam" || !/^\d{12}$/.test(arn.account) || !arn.resource.startsWith("role/")) {
        context.report({ node: role.node, messageId: "invalidCustomRole", data: { value: role.value } });
      }
    }

    // The policy itself is its own document, linted as a repository policy by every policy rule. Only a value that
    // is no string in its host is reported: every form a host writes a string with (Terraform's jsonencode(), a
    // heredoc, file(), a policy document's .json, a reference; CloudFormation's Fn::Sub, Fn::ToJsonString, a
    // parameter) is one, and the reader says so.
    const policy = template.repositoryPolicyProperty;
    if (policy && template.repositoryPolicy === undefined) {
      const value = policy.value;
      const actual = value.type === "JSONObjectExpression" ? "an object" : value.type === "JSONArrayExpression" ? "a list" : "a value of another type";
      const host = POLICY_STRING[file.host.type === "terraform" || file.host.type === "cloudformation" ? file.host.type : "api"];
      // The hint writes an object as a string; a list of policies has no such fix.
      const hint = value.type === "JSONObjectExpression" ? host.hint : "";
      context.report({ node: value, messageId: "policyNotString", data: { property: host.property, takes: host.takes, actual, hint } });
    }
  },
});
