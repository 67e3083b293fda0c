import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoDir, tempDir } from "./helpers.js";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";

describe("the published packages", () => {
  it("install from their tarballs and `npx ecrlint` lints a policy", { timeout: 120_000 }, () => {
    const packs = tempDir("ecrlint-pack-");
    execFileSync(npm, ["pack", "-w", "@ecrlint/core", "-w", "@ecrlint/rules", "-w", "@ecrlint/testing", "-w", "@ecrlint/cli", "--pack-destination", packs, "--silent"], { cwd: repoDir, stdio: "pipe" });
    const tarballs = readdirSync(packs).filter((f) => f.endsWith(".tgz")).map((f) => join(packs, f));
    expect(tarballs).toHaveLength(4);

    const project = tempDir("ecrlint-project-");
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs], { cwd: project, stdio: "pipe" });
    writeFileSync(join(project, ".ecrlintrc.json"), JSON.stringify({ $schema: "./node_modules/@ecrlint/cli/schema/config.json", registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] }));
    writeFileSync(
      join(project, "registry-policy.json"),
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "Replication", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:CreateRepository", "ecr:ReplicateImage"], Resource: "arn:aws:ecr:us-east-1:444455556666:repository/*" }],
      }, null, 2),
    );
    let status = 0;
    let stdout = "";
    try {
      stdout = execFileSync(npm, ["exec", "--offline", "--", "ecrlint", "--format", "json"], { cwd: project, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      const e = error as { status: number; stdout: string };
      status = e.status;
      stdout = e.stdout;
    }
    expect(status).toBe(1);
    const [result] = JSON.parse(stdout) as { messages: { ruleId: string }[] }[];
    expect(result!.messages.map((m) => m.ruleId)).toContain("@ecrlint/no-region-mismatch");
    const version = execFileSync(npm, ["exec", "--offline", "--", "ecrlint", "--version"], { cwd: project, encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
