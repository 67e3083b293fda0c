import { join } from "node:path";
import plugin from "@ecrlint/eslint-plugin";
import { ESLint } from "eslint";
import type { Log } from "sarif";
import { describe, expect, it } from "vitest";
import { fileTree, runBin, sarifValidator } from "./helpers.js";

/**
 * One cause, one finding: a missing `ecr:ReplicateImage` grant is reported once, at one place, and the finding names
 * the other places that take part (the replication configuration that depends on the grant, the destination's
 * policy, the Deny statement that cancels the grant) in SARIF's relatedLocations, the JSON report and stylish.
 */

const SOURCE = "111122223333";
const DESTINATION = "444455556666";

const replicationConfiguration = {
  rules: [{ destinations: [{ region: "eu-west-1", registryId: DESTINATION }], repositoryFilters: [{ filter: "prod-", filterType: "PREFIX_MATCH" }] }],
};

const statement = (sid: string, effect: string, principal: unknown, action: string[], resource: string) => ({
  Sid: sid,
  Effect: effect,
  Principal: principal,
  Action: action,
  Resource: resource,
});

const everyRepository = `arn:aws:ecr:eu-west-1:${DESTINATION}:repository/*`;

function tree(destinationPolicy: unknown, replicationSources?: string[]): string {
  return fileTree({
    "src/replication-configuration.json": replicationConfiguration,
    "dst/registry-policy.json": { Version: "2012-10-17", Statement: destinationPolicy },
    ".ecrlintrc.json": {
      registries: [
        { files: ["src/**"], account: SOURCE, region: "us-west-2" },
        { files: ["dst/**"], account: DESTINATION, region: "eu-west-1", ...(replicationSources ? { replicationSources } : {}) },
      ],
    },
  });
}

interface Message {
  ruleId: string;
  messageId: string;
  line: number;
  column: number;
  relatedLocations?: { filePath?: string; line: number; column: number; endLine: number; endColumn: number; message: string }[];
}

async function runnerFindings(dir: string): Promise<Record<string, Message[]>> {
  const r = await runBin(["--format", "json"], { cwd: dir });
  expect(r.stderr).toBe("");
  const results = JSON.parse(r.stdout) as { filePath: string; messages: Message[] }[];
  return Object.fromEntries(results.filter((x) => x.messages.length).map((x) => [x.filePath.slice(dir.length + 1), x.messages]));
}

async function eslintFindings(dir: string): Promise<Record<string, { ruleId: string | null; message: string }[]>> {
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...plugin.configs.recommended] });
  const results = await eslint.lintFiles(["."]);
  return Object.fromEntries(results.filter((x) => x.messages.length).map((x) => [x.filePath.slice(dir.length + 1), x.messages]));
}

describe("a missing ecr:ReplicateImage grant is one finding with its related places", () => {
  const createOnly = [statement("ReplicationAccessCrossAccount", "Allow", { AWS: `arn:aws:iam::${SOURCE}:root` }, ["ecr:CreateRepository"], everyRepository)];

  it("a statement that lacks the grant: reported there, naming the replication configuration that depends on it", async () => {
    for (const sources of [undefined, [SOURCE]]) {
      const dir = tree(createOnly, sources);
      const findings = await runnerFindings(dir);
      expect(Object.keys(findings)).toEqual(["dst/registry-policy.json"]);
      expect(findings["dst/registry-policy.json"]).toEqual([
        expect.objectContaining({
          ruleId: "@ecrlint/require-replicate-image",
          messageId: "missingReplicateImage",
          line: 11,
          column: 9,
          relatedLocations: [
            {
              filePath: join(dir, "src/replication-configuration.json"),
              line: 5,
              column: 9,
              endLine: 8,
              endColumn: 10,
              message: `the replication configuration that replicates account ${SOURCE}'s images here`,
            },
          ],
        }),
      ]);
      // ESLint keeps no related places; it too reports the cause once.
      const eslint = await eslintFindings(dir);
      expect(Object.keys(eslint)).toEqual(["dst/registry-policy.json"]);
      expect(eslint["dst/registry-policy.json"]!.map((m) => m.ruleId)).toEqual(["@ecrlint/require-replicate-image"]);
    }
  });

  it("a configured source no statement allows: the registry-level finding names the replication configuration", async () => {
    const other = [statement("OtherSource", "Allow", { AWS: "arn:aws:iam::999988887777:root" }, ["ecr:CreateRepository", "ecr:ReplicateImage"], everyRepository)];
    const dir = tree(other, [SOURCE]);
    const findings = await runnerFindings(dir);
    expect(Object.keys(findings)).toEqual(["dst/registry-policy.json"]);
    expect(findings["dst/registry-policy.json"]).toEqual([
      expect.objectContaining({
        messageId: "sourceNotAllowed",
        line: 3,
        column: 3,
        relatedLocations: [expect.objectContaining({ filePath: join(dir, "src/replication-configuration.json"), line: 5, column: 9 })],
      }),
    ]);
  });

  it("a destination policy that grants the source nothing: reported at the replication configuration, naming the destination's policy", async () => {
    const other = [statement("OtherSource", "Allow", { AWS: "arn:aws:iam::999988887777:root" }, ["ecr:CreateRepository", "ecr:ReplicateImage"], everyRepository)];
    const dir = tree(other);
    const findings = await runnerFindings(dir);
    expect(Object.keys(findings)).toEqual(["src/replication-configuration.json"]);
    expect(findings["src/replication-configuration.json"]).toEqual([
      expect.objectContaining({
        ruleId: "@ecrlint/replication-destination-allowed",
        messageId: "missingGrant",
        relatedLocations: [
          {
            filePath: join(dir, "dst/registry-policy.json"),
            line: 3,
            column: 3,
            endLine: 3,
            endColumn: 14,
            message: `the destination's registry policy, where no statement allows account ${SOURCE} "ecr:ReplicateImage"`,
          },
        ],
      }),
    ]);
  });

  it("a Deny that cancels the grant for the replicated names: one finding, even for a configured source, naming the Deny", async () => {
    const denied = [
      statement("ReplicationAccessCrossAccount", "Allow", { AWS: `arn:aws:iam::${SOURCE}:root` }, ["ecr:CreateRepository", "ecr:ReplicateImage"], everyRepository),
      statement("NoReplicationToProd", "Deny", "*", ["ecr:ReplicateImage"], `arn:aws:ecr:eu-west-1:${DESTINATION}:repository/prod-*`),
    ];
    for (const sources of [undefined, [SOURCE]]) {
      const dir = tree(denied, sources);
      const findings = await runnerFindings(dir);
      expect(Object.keys(findings)).toEqual(["src/replication-configuration.json"]);
      expect(findings["src/replication-configuration.json"]).toEqual([
        expect.objectContaining({
          messageId: "deniedGrant",
          relatedLocations: [expect.objectContaining({ filePath: join(dir, "dst/registry-policy.json"), line: 16, column: 5, endLine: 24, message: expect.stringMatching(/Deny statement/) })],
        }),
      ]);
    }
  });

  it("a Deny in the same policy that cancels every grant: the related place is in the finding's own file", async () => {
    const cancelled = [
      statement("ReplicationAccessCrossAccount", "Allow", { AWS: `arn:aws:iam::${SOURCE}:root` }, ["ecr:CreateRepository", "ecr:ReplicateImage"], everyRepository),
      statement("NoReplication", "Deny", "*", ["ecr:ReplicateImage"], everyRepository),
    ];
    const dir = tree(cancelled);
    const findings = await runnerFindings(dir);
    expect(findings["dst/registry-policy.json"]).toEqual([
      expect.objectContaining({
        messageId: "cancelledReplicateImage",
        relatedLocations: [
          { line: 16, column: 5, endLine: 24, endColumn: 6, message: "the Deny statement that cancels the grant" },
          expect.objectContaining({ filePath: join(dir, "src/replication-configuration.json") }),
        ],
      }),
    ]);

    const r = await runBin(["--format", "sarif"], { cwd: dir });
    const log = JSON.parse(r.stdout) as Log;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const result = log.runs[0]!.results!.find((x) => x.ruleId === "@ecrlint/require-replicate-image")!;
    expect(result.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: "dst/registry-policy.json", uriBaseId: "%SRCROOT%" }, region: { startLine: 16, startColumn: 5, endLine: 24, endColumn: 6 } },
        message: { text: "the Deny statement that cancels the grant" },
      },
      {
        id: 2,
        physicalLocation: { artifactLocation: { uri: "src/replication-configuration.json", uriBaseId: "%SRCROOT%" }, region: { startLine: 5, startColumn: 9, endLine: 8, endColumn: 10 } },
        message: { text: `the replication configuration that replicates account ${SOURCE}'s images here` },
      },
    ]);

    const stylish = await runBin([], { cwd: dir });
    const lines = stylish.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("@ecrlint/require-replicate-image"));
    expect(lines[at + 1]).toBe("        \u21b3 line 16:5  the Deny statement that cancels the grant");
    expect(lines[at + 2]).toBe(`        \u21b3 src/replication-configuration.json:5:9  the replication configuration that replicates account ${SOURCE}'s images here`);
  });
});

describe("a finding many files take part in names the first 20 and counts the rest", () => {
  // 23 replication configurations of one source account replicate into one destination whose policy lacks the grant.
  const count = 23;
  const files: Record<string, unknown> = {
    "dst/registry-policy.json": {
      Version: "2012-10-17",
      Statement: [statement("ReplicationAccessCrossAccount", "Allow", { AWS: `arn:aws:iam::${SOURCE}:root` }, ["ecr:CreateRepository"], everyRepository)],
    },
    ".ecrlintrc.json": {
      registries: [
        { files: ["src/**"], account: SOURCE, region: "us-west-2" },
        { files: ["dst/**"], account: DESTINATION, region: "eu-west-1" },
      ],
    },
  };
  const sources = Array.from({ length: count }, (_, i) => `src/${String(i).padStart(2, "0")}/replication-configuration.json`);
  for (const path of sources) files[path] = replicationConfiguration;

  it("in the JSON report, SARIF and stylish", async () => {
    const dir = fileTree(files);
    const findings = await runnerFindings(dir);
    expect(Object.keys(findings)).toEqual(["dst/registry-policy.json"]);
    const [finding] = findings["dst/registry-policy.json"]! as (Message & { relatedLocationsOmitted?: number })[];
    expect(finding).toMatchObject({ ruleId: "@ecrlint/require-replicate-image", messageId: "missingReplicateImage", line: 11, column: 9, relatedLocationsOmitted: count - 20 });
    // The first 20 in path order, as the files are joined.
    expect(finding!.relatedLocations!.map((p) => p.filePath)).toEqual(sources.slice(0, 20).map((s) => join(dir, s)));

    const r = await runBin(["--format", "sarif"], { cwd: dir });
    const log = JSON.parse(r.stdout) as Log;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const result = log.runs[0]!.results!.find((x) => x.ruleId === "@ecrlint/require-replicate-image")!;
    expect(result.relatedLocations).toHaveLength(20);
    expect(result.properties).toEqual({ relatedLocationsOmitted: count - 20 });

    const stylish = await runBin([], { cwd: dir });
    const lines = stylish.stdout.split("\n");
    const at = lines.findIndex((l) => l.includes("@ecrlint/require-replicate-image"));
    expect(lines[at + 20]).toBe(`        \u21b3 src/19/replication-configuration.json:5:9  the replication configuration that replicates account ${SOURCE}'s images here`);
    expect(lines[at + 21]).toBe(`        \u21b3 and ${count - 20} more`);
  });

  it("a finding with no more than 20 has no count", async () => {
    const dir = fileTree(Object.fromEntries(Object.entries(files).filter(([path]) => !sources.slice(20).includes(path))));
    const [finding] = (await runnerFindings(dir))["dst/registry-policy.json"]! as (Message & { relatedLocationsOmitted?: number })[];
    expect(finding!.relatedLocations).toHaveLength(20);
    expect(finding).not.toHaveProperty("relatedLocationsOmitted");
  });
});
