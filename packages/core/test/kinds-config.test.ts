import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigLocator, declaredKindForFile, registryFromPath, validateConfig } from "../src/index.js";
import { fileStem, followsPolicyNameConvention, policyNameVerdict } from "../src/model/kinds.js";

describe("the config's kinds", () => {
  it("declare the kind of files by glob, relative to the config; the first matching entry wins", () => {
    const root = mkdtempSync(join(tmpdir(), "ecrlint-kinds-"));
    mkdirSync(join(root, "infra/repos"), { recursive: true });
    const config = {
      kinds: [
        { files: ["infra/repos/legacy.json"], kind: "registry-policy" },
        { files: ["infra/repos/**"], kind: "repository-policy" },
        { files: ["ci/**"], kind: "identity-policy" },
      ],
    };
    writeFileSync(join(root, ".ecrlintrc.json"), JSON.stringify(config));
    const result = new ConfigLocator().forDirectory(join(root, "infra/repos"));
    if (!result.ok) throw new Error(result.error.message);
    expect(declaredKindForFile(join(root, "infra/repos/app.json"), result.loaded)).toEqual({ kind: "repository-policy", declaredBy: join(root, ".ecrlintrc.json") });
    expect(declaredKindForFile(join(root, "infra/repos/legacy.json"), result.loaded)?.kind).toBe("registry-policy");
    expect(declaredKindForFile(join(root, "ci/push.json"), result.loaded)?.kind).toBe("identity-policy");
    expect(declaredKindForFile(join(root, "other.json"), result.loaded)).toBeUndefined();
    expect(declaredKindForFile(join(root, "other.json"), undefined)).toBeUndefined();
  });

  it("are validated by the schema", () => {
    expect(validateConfig({ kinds: [{ files: ["a/**"], kind: "repository-policy" }] }, "c.json")).toEqual([]);
    expect(validateConfig({ kinds: [{ files: ["a/**"], kind: "repo-policy" }] }, "c.json")[0]).toMatchObject({ keyPath: "kinds[0].kind", message: expect.stringMatching(/must be one of "registry-policy", "repository-policy"/) });
    expect(validateConfig({ kinds: [{ kind: "registry-policy" }] }, "c.json")[0]).toMatchObject({ keyPath: "kinds[0].files", message: "is required" });
    expect(validateConfig({ kinds: [{ files: ["a"], kind: "registry-policy", region: "us-west-2" }] }, "c.json")[0]).toMatchObject({ keyPath: "kinds[0].region", message: "unknown key" });
    expect(validateConfig({ kind: [] }, "c.json")[0]).toMatchObject({ keyPath: "kind", message: 'unknown key (did you mean "kinds"?)' });
  });
});

describe("the registry from folder names", () => {
  it.each([
    ["registries/prod-us-west-2/registry-policy.json", { region: "us-west-2", partition: "aws" }],
    ["accounts/444455556666-prod/registry-policy.json", { account: "444455556666" }],
    ["accounts/444455556666-prod/eu-central-1.shared/registry-policy.json", { account: "444455556666", region: "eu-central-1" }],
    ["infra/gov_us-gov-west-1/p.json", { region: "us-gov-west-1", partition: "aws-us-gov" }],
    ["infra/prod-us-west-2/dr-eu-west-1/p.json", { region: "eu-west-1" }],
    ["infra/444455556666/us-west-2/p.json", { account: "444455556666", region: "us-west-2" }],
  ])("%s", (path, expected) => {
    expect(registryFromPath(path)).toMatchObject({ source: "path", ...expected });
  });

  it.each([
    "infra/team-eu-build-2/p.json",
    "infra/build-1234567890123/p.json",
    "infra/prod/p.json",
    "infra/prod-us-west-2.json",
    "infra/us-east-1a/p.json",
  ])("%s names no registry", (path) => {
    expect(registryFromPath(path).source).toBe("unknown");
  });
});

describe("the kind a file name declares", () => {
  it("reads the base name after the last / or \\, without its last extension", () => {
    expect(fileStem("infra/a.b/app.repository-policy.json")).toBe("app.repository-policy");
    expect(fileStem("C:\\infra\\prod\\registry-policy.json")).toBe("registry-policy");
    expect(fileStem("mixed/dir\\repo_policy.jsonc")).toBe("repo_policy");
    expect(fileStem("registry-policy")).toBe("registry-policy");
    expect(fileStem("dir/.json")).toBe(".json");
    expect(fileStem("dir/")).toBe("");
  });

  it("names the file by its base name in the decision, on any separator", () => {
    expect(policyNameVerdict("C:\\infra\\prod.registry-policy.json")).toEqual({ kind: "registry-policy", why: 'the file name "prod.registry-policy.json" follows the registry-policy naming convention' });
    expect(policyNameVerdict("a/registry-policy-for-repo-policy.json")).toEqual({
      ambiguous: 'the file name "registry-policy-for-repo-policy.json" is ambiguous (it follows both the repository-policy and the registry-policy naming conventions), so the content decides',
    });
    expect(policyNameVerdict("registry/policy.json")).toBeUndefined();
    for (const [path, follows] of [["x/repo-policy.json", true], ["repo-policy/x.json", false], ["x\\RegistryPolicy.json", true], ["x/policy.json", false]] as const) {
      expect(followsPolicyNameConvention(path), path).toBe(follows);
    }
  });
});
