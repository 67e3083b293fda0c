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
