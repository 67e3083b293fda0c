import { hasWildcard } from "./wildcard.js";

/** An ARN split into its six parts; `resource` keeps any further colons. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/**
 * The offsets of the colons that end an ARN's partition, service, Region and account, in `COLONS`; false when the
 * text is not `arn:` and six colon-separated parts. Found by position rather than split, into one array kept for
 * the process: ARNs are read in every statement of every file.
 */
const COLONS = new Int32Array(4);
function findColons(text: string): boolean {
  if (!text.startsWith("arn:")) return false;
  let at = 3;
  for (let i = 0; i < 4; i++) {
    at = text.indexOf(":", at + 1);
    if (at < 0) return false;
    COLONS[i] = at;
  }
  return true;
}

/** Splits `arn:partition:service:region:account:resource`; undefined when it is not six colon-separated parts. */
export function parseArn(text: string): Arn | undefined {
  if (!findColons(text)) return undefined;
  return {
    partition: text.slice(4, COLONS[0]),
    service: text.slice(COLONS[0]! + 1, COLONS[1]),
    region: text.slice(COLONS[1]! + 1, COLONS[2]),
    account: text.slice(COLONS[2]! + 1, COLONS[3]),
    resource: text.slice(COLONS[3]! + 1),
  };
}

/** Character offsets of each ARN segment inside the string, for reports and fixes that touch one segment only. */
export function arnSegmentOffsets(text: string): { partition: [number, number]; service: [number, number]; region: [number, number]; account: [number, number]; resource: [number, number] } | undefined {
  if (!findColons(text)) return undefined;
  const a = COLONS[0]!;
  const b = COLONS[1]!;
  const c = COLONS[2]!;
  const d = COLONS[3]!;
  return { partition: [4, a], service: [a + 1, b], region: [b + 1, c], account: [c + 1, d], resource: [d + 1, text.length] };
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
