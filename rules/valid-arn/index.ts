import { ACCOUNT_ID, arnSegmentOffsets, closest, missingArnSegments, defineRule, hasWildcard, isPartition, PARTITIONS, type ReportDescriptor, REPOSITORY_NAME, type StringValue } from "@ecrlint/core";
import { isArnOperator, resourcePatternsOverlap } from "@ecrlint/core/evaluator";
import { editInString, locInString, policyOf } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

type Origin = "resource" | "principal" | "condition";

const VARIABLE = /\$\{[^}]*(\}|$)/g;

/** Policy variables (`${aws:username}`) stand for text that is not known here; they are checked as a wildcard would be. An unclosed one is valid-policy-variable's finding, so it is read to the end. */
const withoutVariables = (text: string) => (text.includes("${") ? text.replace(VARIABLE, "*") : text);

/** Where characters [start, end) of a value are written (an ARN segment's offsets). */
const segmentLoc = (v: StringValue, range: readonly [number, number]) => locInString(v.node, range[0], range[1]);

const PRINCIPAL_ELEMENTS = ["principal", "notPrincipal"] as const;

const joinSegments = (names: string[]) => (names.length === 1 ? `${names[0]} segment` : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]} segments`);

function repositoryNameProblem(name: string): string | undefined {
  const pattern = withoutVariables(name);
  if (hasWildcard(pattern)) {
    const bad = pattern.replace(/[*?]/g, "").match(/[^a-z0-9._/-]/);
    return bad ? `"${bad[0]}" cannot appear in a repository name (lowercase letters, digits, ".", "_", "-" and "/" only)` : undefined;
  }
  if (name.length < 2 || name.length > 256) return `a repository name has 2 to 256 characters, not ${name.length}`;
  if (/[A-Z]/.test(name)) return "repository names are lowercase, and Resource matching is case-sensitive";
  if (!REPOSITORY_NAME.test(name)) return 'each part must start and end with a letter or digit, with single ".", "_" or "-" between, parts joined by "/"';
  return undefined;
}

export const validArn = defineRule({
  id: "valid-arn",
  meta: {
    type: "problem",
    docs: {
      description: "Require ARNs in Resource, Principal and Arn conditions to be well-formed ECR repository and IAM ARNs",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Invalid ARN prefix"), check("error", "Invalid ARN service case"), check("error", "Invalid partition"), check("error", "Invalid service"), check("error", "Invalid ARN account"), check("error", "Invalid ARN resource"), check("error", "Missing ARN field"), check("error", "Missing ARN Region"), check("error", "Missing ARN account"), check("suggestion", "Wildcard in service name")],
      sources: [DOCS.resource, DOCS.arns, DOCS.principal],
    },
    messages: {
      notAnArn: 'Resource "{{value}}" is neither "*" nor an ARN; write arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME.',
      missingSegment: '"{{value}}" has no {{segments}}: an ARN has six colon-separated parts (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE) and a wildcard fills only the part it is written in, never a missing one, so this matches nothing (AWS accepts it all the same); write all six.',
      malformedArn: '"{{value}}" is not an ARN: an ARN has six colon-separated parts (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE).',
      unknownPartition: 'Unknown partition "{{partition}}"{{hint}}.',
      wildcardService: 'Wildcard service "{{service}}": a Resource ARN cannot have a wildcard in its service segment, so it matches nothing.',
      serviceCase: 'Service "{{service}}": ARNs compare case-sensitively and the service is "ecr", so this matches nothing; write it in lower case.',
      lowerCaseService: 'Write "ecr".',
      wrongService: 'Resource names service "{{service}}"; a registry policy only governs ECR repositories (arn:PARTITION:ecr:...), so this matches nothing.',
      emptySegment: "This repository ARN has no {{segment}}, so it matches no repository.",
      invalidAccount: 'Account "{{account}}" is not a 12-digit account id.',
      wrongResourceType: 'ECR has one resource type, "repository/NAME"; "{{resource}}" is not one, so this matches nothing.',
      invalidRepositoryName: 'Repository name "{{name}}" cannot exist: {{reason}}.',
      iamRegion: 'IAM ARNs have no Region: "{{region}}" makes "{{value}}" name no principal; write arn:{{partition}}:{{service}}::{{account}}:{{resource}}.',
      removeRegion: "Remove the Region.",
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

    const check = (v: StringValue, origin: Origin) => {
      // An ARN a template computes from unknown parts (a parameter, Fn::GetAtt) is never judged.
      if (v.unknown) return;
      const text = v.value;
      if (origin === "resource" && text === "*") return;
      if (!text.startsWith("arn:")) {
        if (origin === "resource" && !resourcePatternsOverlap(text, "arn:*")) report({ node: v.node, messageId: "notAnArn", data: { value: text } });
        return;
      }
      const segments = arnSegmentOffsets(text);
      if (!segments) {
        // A wildcard fills the one part it is written in: never a segment left out before or after it.
        const missing = missingArnSegments(text);
        if (missing) {
          report({ node: v.node, messageId: "missingSegment", data: { value: text, segments: joinSegments(missing) } });
          return;
        }
        // Parts that fit no order of the segments (`arn:AWS:ECR:*`): a wildcard does not make them an ARN.
        report({ node: v.node, messageId: "malformedArn", data: { value: text } });
        return;
      }
      const partition = text.slice(segments.partition[0], segments.partition[1]);
      const service = text.slice(segments.service[0], segments.service[1]);
      const region = text.slice(segments.region[0], segments.region[1]);
      const account = text.slice(segments.account[0], segments.account[1]);
      const resource = text.slice(segments.resource[0], segments.resource[1]);

      const partitionPattern = withoutVariables(partition);
      if (!hasWildcard(partitionPattern) && !isPartition(partition)) {
        const near = closest(partition, PARTITIONS.map((p) => p.id), 2);
        report({ node: v.node, loc: segmentLoc(v, segments.partition), messageId: "unknownPartition", data: { partition, hint: near ? ` (did you mean "${near}"?)` : "" } });
      }
      const accountPattern = withoutVariables(account);
      const accountOk = account === "" || hasWildcard(accountPattern) || ACCOUNT_ID.test(account);

      if (origin === "resource") {
        if (hasWildcard(service)) {
          report({ node: v.node, loc: segmentLoc(v, segments.service), messageId: "wildcardService", data: { service } });
          return;
        }
        if (service !== "ecr" && service.toLowerCase() === "ecr") {
          const edit = editInString(v.node, segments.service[0], segments.service[1], "ecr");
          report({ node: v.node, loc: segmentLoc(v, segments.service), messageId: "serviceCase", data: { service }, ...(edit ? { suggest: [{ messageId: "lowerCaseService", edits: [edit] }] } : {}) });
          return;
        }
        if (service !== "ecr") {
          report({ node: v.node, loc: segmentLoc(v, segments.service), messageId: "wrongService", data: { service } });
          return;
        }
        // An empty segment is marked by the two colons around it.
        if (region === "") report({ node: v.node, loc: segmentLoc(v, [segments.region[0] - 1, segments.region[1] + 1]), messageId: "emptySegment", data: { segment: "Region" } });
        if (account === "") report({ node: v.node, loc: segmentLoc(v, [segments.account[0] - 1, segments.account[1] + 1]), messageId: "emptySegment", data: { segment: "account" } });
        if (!accountOk) report({ node: v.node, loc: segmentLoc(v, segments.account), messageId: "invalidAccount", data: { account } });
        checkRepository(v, resource, segments.resource[0]);
        return;
      }

      if (service === "iam" || service === "sts") {
        if (region !== "") {
          const edit = editInString(v.node, segments.region[0], segments.region[1], "");
          report({
            node: v.node,
            loc: segmentLoc(v, segments.region),
            messageId: "iamRegion",
            data: { region, value: text, partition, service, account, resource },
            ...(edit ? { suggest: [{ messageId: "removeRegion", edits: [edit] }] } : {}),
          });
        }
      }
      if (!accountOk) report({ node: v.node, loc: segmentLoc(v, segments.account), messageId: "invalidAccount", data: { account } });
    };

    const checkRepository = (v: StringValue, resource: string, offset: number) => {
      // Placed only for a finding: most resources have none.
      const loc = () => locInString(v.node, offset, v.value.length);
      const pattern = withoutVariables(resource);
      if (!resource.startsWith("repository/")) {
        if (!resourcePatternsOverlap(pattern, "repository/*")) report({ node: v.node, loc: loc(), messageId: "wrongResourceType", data: { resource } });
        return;
      }
      const name = resource.slice("repository/".length);
      const reason = repositoryNameProblem(name);
      if (reason) {
        const nameLoc = locInString(v.node, offset + "repository/".length, v.value.length) ?? loc();
        report({ node: v.node, loc: nameLoc, messageId: "invalidRepositoryName", data: { name, reason } });
      }
    };

    for (const s of policy.statements) {
      if (s.resource) for (const v of s.resource.values) check(v, "resource");
      if (s.notResource) for (const v of s.notResource.values) check(v, "resource");
      for (const el of PRINCIPAL_ELEMENTS) {
        const principal = s[el];
        if (!principal) continue;
        for (const e of principal.entries) if (e.type === "AWS") for (const v of e.values) check(v, "principal");
      }
      for (const op of s.condition?.operators ?? []) {
        const arnOperator = isArnOperator(op.operator);
        for (const key of op.keys) {
          for (const v of key.values) {
            if (arnOperator && !v.value.startsWith("arn:") && !hasWildcard(withoutVariables(v.value))) {
              report({ node: v.node, messageId: "malformedArn", data: { value: v.value } });
              continue;
            }
            // Under a string operator a wildcard crosses ":" (`StringLike` "arn:aws:iam::*" is every IAM ARN), so a
            // pattern of fewer parts may still match; only the Arn operators compare part by part.
            const spansParts = !arnOperator && hasWildcard(withoutVariables(v.value)) && !arnSegmentOffsets(v.value);
            if (v.value.startsWith("arn:") && !spansParts) check(v, "condition");
          }
        }
      }
    }
  },
});
