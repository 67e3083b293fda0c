import { defineRule, hasWildcard, isPartition, isRegionInPartition, partitionOfRegion, regionStatus, suggestRegion, type TextEdit } from "@ecrlint/core";
import { disagreements, editInString, knownSegment, locInString, namesCaller, policyArns, policyOf, quotedList, type ArnValue } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

export const noRegionMismatch = defineRule({
  id: "no-region-mismatch",
  meta: {
    type: "problem",
    docs: {
      description: "Require ARNs in a policy to name the Region and partition of the registry it is deployed to",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Invalid Region"), check("error", "Invalid ARN Region")],
      sources: [DOCS.resource, DOCS.arns, DOCS.regions, DOCS.replicationPermissions],
    },
    messages: {
      regionMismatch: 'Region "{{region}}" does not match the registry\'s Region "{{expected}}": this statement never applies to the registry it is deployed to.',
      partitionMismatch: 'Partition "{{partition}}" does not match the registry\'s partition "{{expected}}".',
      regionNotInPartition: 'Region "{{region}}" is not a Region of partition "{{partition}}"{{hint}}.',
      unknownRegion: 'Unknown Region "{{region}}"{{hint}}.',
      unlistedRegion: 'Region "{{region}}" fits the {{partition}} naming pattern but is not a Region known today; check its spelling.',
      wildcardRegion: 'Wildcard Region "{{region}}" in a registry policy hides a Region mismatch; name the registry\'s Region.',
      regionDisagrees: 'Region "{{region}}" differs from "{{majority}}", which the other ARNs of this policy use.',
      regionAmbiguous:
        'Region "{{region}}" differs from {{others}}, which other ARNs of this policy use as often, and the registry\'s Region is unknown: a policy names the Region it is put into, so some of these ARNs are wrong. Name one Region, or declare the registry\'s.',
    },
    schema: [],
    fixable: "code",
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const { registry } = context;
    const arns = policyArns(policy);
    const regionLoc = (a: ArnValue) => locInString(a.value.node, a.segments.region[0], a.segments.region[1]);
    const partitionLoc = (a: ArnValue) => locInString(a.value.node, a.segments.partition[0], a.segments.partition[1]);
    const replaceRegion = (a: ArnValue, region: string): TextEdit[] | undefined => {
      const edit = editInString(a.value.node, a.segments.region[0], a.segments.region[1], region);
      return edit ? [edit] : undefined;
    };
    const consistent: ArnValue[] = [];
    for (const a of arns) {
      const { region, partition } = a.arn;
      // IAM and other global ARNs have no Region: nothing to compare. An unknown Region (a CloudFormation
      // parameter) is never judged; a hard-coded one always is.
      if (region === "" || !knownSegment(a, "region")) continue;
      const isEcr = a.arn.service === "ecr";
      if (hasWildcard(region)) {
        if (context.file.kind === "registry-policy" && a.origin === "resource" && isEcr) {
          context.report({ node: a.value.node, loc: regionLoc(a), messageId: "wildcardRegion", data: { region } });
        }
        continue;
      }
      if (knownSegment(a, "partition") && !hasWildcard(partition) && isPartition(partition) && registry.partition && partition !== registry.partition) {
        context.report({ node: a.value.node, loc: partitionLoc(a), messageId: "partitionMismatch", data: { partition, expected: registry.partition } });
        continue;
      }
      const status = regionStatus(region);
      // A code one or two edits from a real Region is a typo even when it fits the naming pattern (`us-west-22`).
      const suggestion = status === "known" ? undefined : suggestRegion(region, isPartition(partition) ? partition : undefined);
      if (status === "unknown" || suggestion) {
        // A fix that would write the same text back is no fix.
        const fix = isEcr && registry.region && registry.region !== region ? replaceRegion(a, registry.region) : undefined;
        context.report({
          node: a.value.node,
          loc: regionLoc(a),
          messageId: "unknownRegion",
          data: { region, hint: suggestion ? ` (did you mean "${suggestion}"?)` : "" },
          ...(fix ? { fix } : {}),
        });
        continue;
      }
      if (knownSegment(a, "partition") && isPartition(partition) && !isRegionInPartition(region, partition)) {
        const home = partitionOfRegion(region);
        context.report({
          node: a.value.node,
          loc: regionLoc(a),
          messageId: "regionNotInPartition",
          data: { region, partition, hint: home ? `; it belongs to "${home}"` : "" },
        });
        continue;
      }
      // The caller's resource (aws:SourceArn) may be in any Region; only its spelling and partition are judged.
      if (!isEcr || namesCaller(a)) continue;
      if (registry.region) {
        if (region !== registry.region) {
          const fix = replaceRegion(a, registry.region);
          context.report({
            node: a.value.node,
            loc: regionLoc(a),
            messageId: "regionMismatch",
            data: { region, expected: registry.region },
            ...(fix ? { fix } : {}),
          });
          continue;
        }
      }
      if (status === "pattern") {
        context.report({ node: a.value.node, loc: regionLoc(a), messageId: "unlistedRegion", data: { region, partition: partitionOfRegion(region) ?? partition } });
        continue;
      }
      consistent.push(a);
    }
    if (registry.region) return;
    // Without a known registry, the ARNs of one policy must still agree: the minority is the likely mistake, and when
    // none is used by most (a 1:1 split) each is reported, since either may be the wrong one.
    const disagreeing = disagreements(consistent.map((a) => a.arn.region));
    for (const a of consistent) {
      const d = disagreeing.get(a.arn.region);
      if (!d) continue;
      if ("majority" in d) context.report({ node: a.value.node, loc: regionLoc(a), messageId: "regionDisagrees", data: { region: a.arn.region, majority: d.majority } });
      else context.report({ node: a.value.node, loc: regionLoc(a), messageId: "regionAmbiguous", data: { region: a.arn.region, others: quotedList(d.others) } });
    }
  },
});
