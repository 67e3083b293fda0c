/**
 * The `$id` of every schema ecrlint ships: the file's address in its published package (`$id` is an identity;
 * a config may point `$schema` at the same file in node_modules to be checked offline).
 */
export function schemaId(packageName: string, path: string): string {
  return `https://unpkg.com/${packageName}/${path}`;
}

/**
 * JSON Schema of the ecrlint config (cosmiconfig module `ecrlint`). One schema for every front end: the ESLint
 * plugin reads the registry keys, the runner all of them. The runner ships it as `@ecrlint/cli/schema/config.json`.
 */
export const configSchema = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: schemaId("@ecrlint/cli", "schema/config.json"),
  title: "ecrlint configuration",
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string" },
    files: {
      description: "Globs of the files the runner lints when no pattern is given.",
      type: "array",
      items: { type: "string", minLength: 1 },
    },
    ignores: {
      description: "Globs the runner never lints (on top of .gitignore, node_modules and .git).",
      type: "array",
      items: { type: "string", minLength: 1 },
    },
    registries: {
      description: "The registry each policy file is deployed to, chosen by the first entry whose files match.",
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["files"],
        properties: {
          files: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "Globs relative to the config file." },
          account: { type: "string", pattern: "^\\d{12}$", description: "The registry's 12-digit account id." },
          region: { type: "string", pattern: "^[a-z]{2,4}(-[a-z]+)+-\\d+$", description: "The Region the policy is put into." },
          partition: { enum: ["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"] },
          policyScope: { enum: ["V1", "V2"], description: "REGISTRY_POLICY_SCOPE of the account (default V2)." },
          replicationSources: {
            type: "array",
            items: { type: "string", pattern: "^\\d{12}$" },
            description: "Accounts that replicate into this registry.",
          },
          pullThroughCachePrefixes: {
            type: "array",
            items: { type: "string", minLength: 2, maxLength: 30 },
            description: "ecrRepositoryPrefix of this registry's pull-through-cache rules.",
          },
        },
      },
    },
    kinds: {
      description:
        "What files are, by glob, when neither their name nor their content says it (a repository policy with a Resource, a registry policy named ecr-policy.json), or to leave IAM identity policies alone: the first entry whose files match wins.",
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["files", "kind"],
        properties: {
          files: { type: "array", minItems: 1, items: { type: "string", minLength: 1 }, description: "Globs relative to the config file." },
          kind: {
            enum: ["registry-policy", "repository-policy", "replication-configuration", "pull-through-cache-rules", "repository-creation-template", "identity-policy"],
            description: "The kind of the matching files; identity-policy leaves them alone.",
          },
        },
      },
    },
    trustedAccounts: { type: "array", items: { type: "string", pattern: "^\\d{12}$" } },
    trustedOrgs: { type: "array", items: { type: "string", pattern: "^o-[a-z0-9]{10,32}$" } },
    diff: {
      description: "Settings of `ecrlint diff`, the access review of a change.",
      type: "object",
      additionalProperties: false,
      properties: {
        failOn: {
          description: "Exit 1 when the change grants public access (new-public), access to another account (new-external), any access (any-gain), or stops a replication (lost-replication).",
          type: "array",
          items: { enum: ["new-public", "new-external", "lost-replication", "any-gain"] },
          uniqueItems: true,
        },
      },
    },
    rules: {
      description: "Rule severities and options, by rule id without the @ecrlint/ prefix.",
      type: "object",
      additionalProperties: {
        oneOf: [
          { enum: ["off", "warn", "error", 0, 1, 2] },
          {
            type: "array",
            minItems: 1,
            items: [{ enum: ["off", "warn", "error", 0, 1, 2] }],
          },
        ],
      },
    },
  },
} as const;

/** Keys of the config that only the runner reads: in ESLint, its own `files`, `ignores` and `rules` decide. */
export const RUNNER_ONLY_KEYS = ["files", "ignores", "rules", "diff"] as const;

/** JSON Schema of `settings.ecrlint` in an ESLint config: the registry and trust keys of the config. */
export const settingsSchema = {
  $schema: configSchema.$schema,
  $id: schemaId("@ecrlint/eslint-plugin", "schema/settings.json"),
  title: "ecrlint settings in an ESLint config (settings.ecrlint)",
  description: "Where each policy file is deployed and which accounts are trusted; globs are relative to ESLint's working directory.",
  type: "object",
  additionalProperties: false,
  properties: {
    registries: configSchema.properties.registries,
    trustedAccounts: configSchema.properties.trustedAccounts,
    trustedOrgs: configSchema.properties.trustedOrgs,
  },
} as const;
