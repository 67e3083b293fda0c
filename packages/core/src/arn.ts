import { hasWildcard } from "./wildcard.js";

/** An ARN split into its six parts; `resource` keeps any further colons. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** Splits `arn:partition:service:region:account:resource`; undefined when it is not six colon-separated parts. */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith("arn:")) return undefined;
  // Found by position rather than split: ARNs are read in every statement of every file.
  const afterPartition = text.indexOf(":", 4);
  const afterService = afterPartition < 0 ? -1 : text.indexOf(":", afterPartition + 1);
  const afterRegion = afterService < 0 ? -1 : text.indexOf(":", afterService + 1);
  const afterAccount = afterRegion < 0 ? -1 : text.indexOf(":", afterRegion + 1);
  if (afterAccount < 0) return undefined;
  return {
    partition: text.slice(4, afterPartition),
    service: text.slice(afterPartition + 1, afterService),
    region: text.slice(afterService + 1, afterRegion),
    account: text.slice(afterRegion + 1, afterAccount),
    resource: text.slice(afterAccount + 1),
  };
}

/** Character offsets of each ARN segment inside the string, for reports and fixes that touch one segment only. */
export function arnSegmentOffsets(text: string): { partition: [number, number]; service: [number, number]; region: [number, number]; account: [number, number]; resource: [number, number] } | undefined {
  if (!text.startsWith("arn:")) return undefined;
  // Found by position, as in parseArn: the segments of every ARN of every policy are placed.
  const afterPartition = text.indexOf(":", 4);
  const afterService = afterPartition < 0 ? -1 : text.indexOf(":", afterPartition + 1);
  const afterRegion = afterService < 0 ? -1 : text.indexOf(":", afterService + 1);
  const afterAccount = afterRegion < 0 ? -1 : text.indexOf(":", afterRegion + 1);
  if (afterAccount < 0) return undefined;
  return {
    partition: [4, afterPartition],
    service: [afterPartition + 1, afterService],
    region: [afterService + 1, afterRegion],
    account: [afterRegion + 1, afterAccount],
    resource: [afterAccount + 1, text.length],
  };
}

export const ACCOUNT_ID = /^\d{12}$/;

/** REFERENCE §5: repository names. */
export const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function isRepositoryArn(arn: Arn): boolean {
  return arn.service === "ecr" && arn.resource.startsWith("repository/");
}

export { hasWildcard };

/** The segments after `arn:`, in the order an ARN writes them. */
const SEGMENTS = ["partition", "service", "Region", "account", "resource"] as const;
export type ArnSegment = (typeof SEGMENTS)[number];

/** Which segment a written value can be, by its shape alone. */
function fitsSegment(value: string, segment: ArnSegment): boolean {
  if (hasWildcard(value)) return true;
  switch (segment) {
    case "partition":
      return /^aws(-[a-z]+)*$/.test(value);
    case "service":
      return /^[a-z][a-z0-9-]*$/.test(value) && !/-\d+$/.test(value);
    case "Region":
      return value === "" || /^[a-z]{2,}(-[a-z]+)+-\d+$/.test(value);
    case "account":
      return value === "" || /^\d+$/.test(value);
    case "resource":
      return true;
  }
}

/**
 * The segments an ARN with fewer than six parts leaves out, each part placed at the first segment its shape fits:
 * `arn:aws:ecr:444455556666:repository/*` has no Region, `arn:ecr:us-west-2:444455556666:repository/*` no
 * partition, `arn:aws:ecr:us-west-2:*` no resource. A wildcard fills the one segment it is written in and never
 * stands for another (IAM User Guide, ARN format: six colon-separated parts; Access Analyzer's "Missing ARN field"),
 * so `arn:aws:ecr:*` has no account and no resource. A last part with a "/" is the resource. Undefined when the text
 * has six parts, is no ARN, or its parts fit no order of the segments.
 */
export function missingArnSegments(text: string): ArnSegment[] | undefined {
  if (!text.startsWith("arn:") || arnSegmentOffsets(text)) return undefined;
  const parts = text.split(":").slice(1);
  const last = parts[parts.length - 1]!;
  if (last.includes("/")) return placeBeforeResource(parts.slice(0, -1));
  // Without a "/" the last part is a segment before the resource, or else the resource itself.
  const asSegment = placeBeforeResource(parts);
  if (asSegment) return [...asSegment, "resource"];
  return placeBeforeResource(parts.slice(0, -1));
}

/** The segments before the resource that these parts leave out, or undefined when they fit no order of them. */
function placeBeforeResource(parts: string[]): ArnSegment[] | undefined {
  const end = SEGMENTS.length - 1;
  const missing: ArnSegment[] = [];
  let next = 0;
  for (const value of parts) {
    while (next < end && !fitsSegment(value, SEGMENTS[next]!)) missing.push(SEGMENTS[next++]!);
    if (next === end) return undefined;
    next++;
  }
  while (next < end) missing.push(SEGMENTS[next++]!);
  return missing;
}
