// This example is wrong on purpose: the test pins each planted mistake to the finding that catches it, so the
// example cannot drift from what ecrlint really reports.
import { relative } from "node:path";
import { lint } from "@ecrlint/cli";
import { runCases } from "@ecrlint/testing";
import { expect, it } from "vitest";

const here = import.meta.dirname;

it("`ecrlint` reports every planted mistake, at its line, and nothing else", async () => {
  const report = await lint({ cwd: here });
  const findings = report.results.flatMap((r) => r.messages.map((m) => `${relative(here, r.filePath)}:${m.line} ${m.ruleId}`));
  expect(findings).toEqual([
    // A pull-through-cache grant on every repository instead of the ecr-public namespace.
    "registries/build-us-east-1/registry-policy.json:9 @ecrlint/no-broad-pull-through-cache-scope",
    // A grant for a docker-hub namespace that has no pull-through-cache rule in this registry: one cause, one
    // finding, from the rule that reads the registry's rules.
    "registries/build-us-east-1/registry-policy.json:16 @ecrlint/pull-through-cache-prefix-exists",
    // "Principal": "*" lets anyone in the world pull the base images.
    "registries/build-us-east-1/registry-policy.json:21 @ecrlint/no-public-access",
    // Both replication destinations refuse the build account. One cause, one finding: each is reported in the
    // destination's own policy, where the fix goes, and not again from the replication configuration.
    // The disaster-recovery registry misspells ecr:ReplicateImage, so it never grants it.
    "registries/dr-eu-west-1/registry-policy.json:8 @ecrlint/require-replicate-image",
    "registries/dr-eu-west-1/registry-policy.json:8 @ecrlint/valid-action",
    // Prod's replication grant names us-east-1 while the policy is put into us-west-2: it never matches.
    "registries/prod-us-west-2/registry-policy.json:3 @ecrlint/require-replicate-image",
    "registries/prod-us-west-2/registry-policy.json:9 @ecrlint/no-region-mismatch",
    // Two statements share a Sid.
    "registries/prod-us-west-2/registry-policy.json:12 @ecrlint/no-duplicate-sid",
  ]);
  expect(report.errored).toBe(true);
});

it("the access test of prod fails on the Region mistake: `ecrlint test` exits 1", () => {
  const run = runCases(["**/*.cases.json"], { cwd: here });
  expect(run.failed).toBe(1);
  expect(run.files.flatMap((f) => f.cases.filter((c) => !c.pass).map((c) => c.name))).toEqual(["the build account replicates prod images into prod"]);
});

it("the same mistake, asserted with the Vitest matchers", () => {
  const prod = `${here}/registries/prod-us-west-2/registry-policy.json`;
  expect(prod).not.toAllow("ecr:ReplicateImage", { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/prod-api" });
  expect(prod).toDeny("ecr:ReplicateImage", { principal: "111122223333" });
});
