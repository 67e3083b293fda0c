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
  const parts = text.split(":");
  if (parts.length < 6) return undefined;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  return { partition, service, region, account, resource: parts.slice(5).join(":") };
}

/** Character offsets of each ARN segment inside the string, for reports and fixes that touch one segment only. */
export function arnSegmentOffsets(text: string): { partition: [number, number]; service: [number, number]; region: [number, number]; account: [number, number]; resource: [number, number] } | undefined {
  if (!text.startsWith("arn:")) return undefined;
  const bounds: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const end = text.indexOf(":", start);
    if (end < 0) return undefined;
    bounds.push([start, end]);
    start = end + 1;
  }
  return { partition: bounds[1]!, service: bounds[2]!, region: bounds[3]!, account: bounds[4]!, resource: [start, text.length] };
}

export const ACCOUNT_ID = /^\d{12}$/;

/** REFERENCE §5: repository names. */
export const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function isRepositoryArn(arn: Arn): boolean {
  return arn.service === "ecr" && arn.resource.startsWith("repository/");
}

export { hasWildcard };

/** The segments between the partition and the resource, in the order an ARN writes them. */
const MIDDLE_SEGMENTS = ["service", "Region", "account"] as const;
export type MiddleSegment = (typeof MIDDLE_SEGMENTS)[number];

/** Which of the middle segments a written value can be, by its shape alone. */
function fitsSegment(value: string, segment: MiddleSegment): boolean {
  if (hasWildcard(value)) return true;
  switch (segment) {
    case "service":
      return /^[a-z][a-z0-9-]*$/.test(value) && !/-\d+$/.test(value);
    case "Region":
      return value === "" || /^[a-z]{2,}(-[a-z]+)+-\d+$/.test(value);
    case "account":
      return value === "" || /^\d+$/.test(value);
  }
}

/**
 * The segments an ARN with fewer than six parts leaves out, when its last part is a resource (`repository/*`) and so
 * cannot stand for them: `arn:aws:ecr:444455556666:repository/*` has no Region. A `*` closing a segment may span the
 * colons after it (`arn:aws:ecr:*` names every ECR resource), but a segment is never assumed from a wildcard in
 * another. Undefined when the text has six parts, is no ARN, or its last part could still begin the missing ones.
 */
export function missingArnSegments(text: string): MiddleSegment[] | undefined {
  if (!text.startsWith("arn:") || arnSegmentOffsets(text)) return undefined;
  const parts = text.split(":").slice(1);
  if (parts.length < 2) return undefined;
  const resource = parts[parts.length - 1]!;
  // Only a resource part ("type/name") is known to be last; `arn:aws:ecr:us-east-2:4444*` may still go on.
  if (!resource.includes("/")) return undefined;
  const middle = parts.slice(1, -1);
  const missing: MiddleSegment[] = [];
  let next = 0;
  for (const value of middle) {
    while (next < MIDDLE_SEGMENTS.length && !fitsSegment(value, MIDDLE_SEGMENTS[next]!)) missing.push(MIDDLE_SEGMENTS[next++]!);
    if (next === MIDDLE_SEGMENTS.length) return undefined;
    next++;
  }
  while (next < MIDDLE_SEGMENTS.length) missing.push(MIDDLE_SEGMENTS[next++]!);
  return missing.length ? missing : undefined;
}
