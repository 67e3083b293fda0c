import { closest } from "./did-you-mean.js";
/** REFERENCE §5: partitions and their Region patterns (botocore's partition data), kept as data. */
export interface PartitionInfo {
  id: string;
  regionPattern: RegExp;
  knownRegions: readonly string[];
}

const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}-${from + i}`);

export const PARTITIONS: readonly PartitionInfo[] = [
  {
    id: "aws",
    regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    knownRegions: [
      "af-south-1",
      ...range("ap-east", 1, 2),
      ...range("ap-northeast", 1, 3),
      ...range("ap-south", 1, 2),
      ...range("ap-southeast", 1, 7),
      "ca-central-1",
      "ca-west-1",
      ...range("eu-central", 1, 2),
      "eu-north-1",
      ...range("eu-south", 1, 2),
      ...range("eu-west", 1, 3),
      "il-central-1",
      "me-central-1",
      "me-south-1",
      "mx-central-1",
      "sa-east-1",
      ...range("us-east", 1, 2),
      ...range("us-west", 1, 2),
    ],
  },
  { id: "aws-cn", regionPattern: /^cn-\w+-\d+$/, knownRegions: ["cn-north-1", "cn-northwest-1"] },
  { id: "aws-us-gov", regionPattern: /^us-gov-\w+-\d+$/, knownRegions: ["us-gov-east-1", "us-gov-west-1"] },
  { id: "aws-iso", regionPattern: /^us-iso-\w+-\d+$/, knownRegions: ["us-iso-east-1", "us-iso-west-1"] },
  { id: "aws-iso-b", regionPattern: /^us-isob-\w+-\d+$/, knownRegions: ["us-isob-east-1"] },
  { id: "aws-iso-e", regionPattern: /^eu-isoe-\w+-\d+$/, knownRegions: ["eu-isoe-west-1"] },
  { id: "aws-iso-f", regionPattern: /^us-isof-\w+-\d+$/, knownRegions: ["us-isof-east-1", "us-isof-south-1"] },
  { id: "aws-eusc", regionPattern: /^eusc-(de)-\w+-\d+$/, knownRegions: ["eusc-de-east-1"] },
];

const byId = new Map(PARTITIONS.map((p) => [p.id, p]));
const ALL_KNOWN = PARTITIONS.flatMap((p) => p.knownRegions);

export function partitionById(id: string): PartitionInfo | undefined {
  return byId.get(id);
}

export function isPartition(id: string): boolean {
  return byId.has(id);
}

/**
 * The partition a Region code belongs to. Patterns overlap (`us-gov-west-1` also fits the `aws` pattern),
 * so known Regions are looked up first and the most specific pattern wins.
 */
export function partitionOfRegion(region: string): string | undefined {
  for (const p of PARTITIONS) if (p.knownRegions.includes(region)) return p.id;
  const matches = PARTITIONS.filter((p) => p.regionPattern.test(region));
  if (matches.length === 0) return undefined;
  return matches.find((p) => p.id !== "aws")?.id ?? matches[0]!.id;
}

export type RegionStatus = "known" | "pattern" | "unknown";

/** `known`: a Region that exists today; `pattern`: fits a partition's pattern (maybe a new Region); `unknown`: neither. */
export function regionStatus(region: string): RegionStatus {
  if (ALL_KNOWN.includes(region)) return "known";
  return partitionOfRegion(region) ? "pattern" : "unknown";
}

export function isRegionInPartition(region: string, partition: string): boolean {
  const p = byId.get(partition);
  if (!p) return false;
  return partitionOfRegion(region) === partition;
}

export function suggestRegion(region: string, partition?: string): string | undefined {
  const pool = partition ? (byId.get(partition)?.knownRegions ?? ALL_KNOWN) : ALL_KNOWN;
  return closest(region, pool, 2);
}
