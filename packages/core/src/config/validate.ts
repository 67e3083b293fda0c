import type { ErrorObject } from "ajv";
import { RUNNER_ONLY_KEYS } from "./schema.js";
import { validateConfigSchema, validateSettingsSchema } from "./schema-validators.generated.js";
import { closest } from "../did-you-mean.js";
import { isRegionInPartition, partitionOfRegion, regionStatus, suggestRegion } from "../partitions.js";

/** A config problem, naming the file and the key path (`registries[0].region`). */
export interface ConfigError {
  filePath: string | undefined;
  keyPath: string;
  message: string;
  /** 1-based position of a syntax error in the file, or of the key or value at fault in a JSON or YAML config. */
  line?: number;
  column?: number;
  /** The key path as names and indexes (`["registries", 0, "region"]`), to find it in the file's text. */
  keySegments?: readonly (string | number)[];
  /** Whether the problem is the key itself (an unknown key) or its value. */
  pointsAt?: "key" | "value";
}

/** `/registries/0/region` → `["registries", 0, "region"]`. */
function segmentsOf(instancePath: string, extra?: string): (string | number)[] {
  const parts: (string | number)[] = instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (extra !== undefined) parts.push(extra);
  return parts;
}

/**
 * Ajv's validators for the config schema and ESLint's settings, compiled ahead of time (scripts/precompile-schemas.mjs,
 * `npm run generate`) rather than on every start: a run neither imports ajv nor compiles a schema.
 */
interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** `/registries/0/region` → `registries[0].region`. */
export function keyPathOf(instancePath: string, extra?: string): string {
  const parts = instancePath.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (extra !== undefined) parts.push(extra);
  let out = "";
  for (const part of parts) out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

function describe(error: ErrorObject): Omit<ConfigError, "filePath"> {
  switch (error.keyword) {
    case "additionalProperties": {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const parentSchema = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const known = Object.keys(parentSchema?.properties ?? {});
      const hint = closest(key, known, 3, true);
      return { keyPath: keyPathOf(error.instancePath, key), keySegments: segmentsOf(error.instancePath, key), pointsAt: "key", message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ""}` };
    }
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      // Not there to point at: the object it is missing from.
      return { keyPath: keyPathOf(error.instancePath, missing), keySegments: segmentsOf(error.instancePath), message: "is required" };
    }
    case "pattern":
      return { keyPath: keyPathOf(error.instancePath), keySegments: segmentsOf(error.instancePath), message: `${JSON.stringify(error.data)} does not match ${(error.params as { pattern: string }).pattern}` };
    case "enum":
      return {
        keyPath: keyPathOf(error.instancePath),
        keySegments: segmentsOf(error.instancePath),
        message: `${JSON.stringify(error.data)} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`,
      };
    default:
      return { keyPath: keyPathOf(error.instancePath), keySegments: segmentsOf(error.instancePath), message: error.message ?? "is invalid" };
  }
}

/**
 * What the schema's Region pattern lets through: a Region that is a typo of a known one (`us-wset-2`), or one outside
 * the entry's partition. Rules trust the config's Region (no-region-mismatch rewrites ARNs to it), so a typo here
 * would be written into correct policies.
 */
function registryValueErrors(raw: unknown, filePath: string | undefined): ConfigError[] {
  const registries = (raw as { registries?: unknown }).registries;
  if (!Array.isArray(registries)) return [];
  const errors: ConfigError[] = [];
  registries.forEach((entry: { region?: unknown; partition?: unknown }, i) => {
    const region = entry.region;
    if (typeof region !== "string") return;
    const partition = typeof entry.partition === "string" ? entry.partition : undefined;
    const status = regionStatus(region);
    const near = status === "known" ? undefined : suggestRegion(region, partition);
    if (status === "unknown" || near) {
      errors.push({ filePath, keyPath: `registries[${i}].region`, keySegments: ["registries", i, "region"], message: `${JSON.stringify(region)} is not a Region${near ? ` (did you mean "${near}"?)` : ""}` });
    } else if (partition && !isRegionInPartition(region, partition)) {
      const home = partitionOfRegion(region);
      errors.push({ filePath, keyPath: `registries[${i}].region`, keySegments: ["registries", i, "region"], message: `${JSON.stringify(region)} is not a Region of partition "${partition}"${home ? `; it belongs to "${home}"` : ""}` });
    }
  });
  return errors;
}

/** Validates a config object; the first error is the one to show, the rest follow from it more often than not. */
export function validateConfig(raw: unknown, filePath: string | undefined): ConfigError[] {
  return validateAgainst(validateConfigSchema as Validator, raw, filePath);
}

/** Validates ESLint's `settings.ecrlint`; a runner-only key says where it belongs instead of "unknown key". */
export function validateSettings(raw: unknown): ConfigError[] {
  return validateAgainst(validateSettingsSchema as Validator, raw, undefined).map((error) =>
    (RUNNER_ONLY_KEYS as readonly string[]).includes(error.keyPath)
      ? { ...error, message: error.keyPath === "diff" ? "is read by `ecrlint diff` only" : `is read by the ecrlint runner only; in ESLint, the config's own \`${error.keyPath}\` decide` }
      : error,
  );
}

function validateAgainst(validate: Validator, raw: unknown, filePath: string | undefined): ConfigError[] {
  if (validate(raw)) return registryValueErrors(raw, filePath);
  const errors = validate.errors ?? [];
  // oneOf failures repeat the same complaint per branch: prefer the most specific (deepest) error.
  const sorted = [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length);
  const picked = sorted.filter((e) => e.keyword !== "oneOf");
  return (picked.length ? picked : sorted).map((e) => ({ filePath, ...describe(e) }));
}

export function formatConfigError(error: ConfigError): string {
  const where = `${error.filePath ?? "ecrlint settings"}${error.line !== undefined ? `:${error.line}:${error.column ?? 1}` : ""}`;
  return `${where}: ${error.keyPath ? `${error.keyPath}: ` : ""}${error.message}`;
}
