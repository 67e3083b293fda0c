import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { publicWorkspaces, repoDir, tempDir, userEnv } from "./helpers.js";

describe("versioning with changesets", () => {
  it("a changeset bumps every @ecrlint package together, their CHANGELOGs, exact internal versions and the hooks' pin", { timeout: 60_000 }, () => {
    const workspaces = publicWorkspaces();
    const dir = tempDir("ecrlint-release-");
    const examples = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "examples"], { cwd: repoDir, encoding: "utf8" }).split("\n").filter((f) => /^examples\/[^/]+\/package\.json$/.test(f));
    const files = ["package.json", ".changeset/config.json", ".pre-commit-hooks.yaml", "README.md", "scripts/sync-versions.mjs", ...examples, ...workspaces.flatMap((w) => [`${w.location}/package.json`, `${w.location}/CHANGELOG.md`])];
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(repoDir, file), join(dir, file));
    }
    writeFileSync(join(dir, ".changeset", "prod-replication.md"), '---\n"@ecrlint/core": minor\n---\n\nA new check of replication grants.\n');

    const env = userEnv();
    execFileSync(process.execPath, [join(repoDir, "node_modules", "@changesets", "cli", "bin.js"), "version"], { cwd: dir, env, stdio: "pipe" });
    execFileSync(process.execPath, [join(dir, "scripts", "sync-versions.mjs")], { cwd: dir, env, stdio: "pipe" });

    for (const w of workspaces) {
      const pkg = JSON.parse(readFileSync(join(dir, w.location, "package.json"), "utf8")) as { version: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      expect(pkg.version, w.name).toBe("0.2.0");
      for (const [name, range] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
        if (name.startsWith("@ecrlint/")) expect(range, `${w.name} → ${name}`).toBe("0.2.0");
      }
      const changelog = readFileSync(join(dir, w.location, "CHANGELOG.md"), "utf8");
      expect(changelog.startsWith(`# ${w.name}\n\n## 0.2.0\n`), changelog).toBe(true);
      expect(changelog).toContain("## 0.1.0");
    }
    expect(readFileSync(join(dir, "packages/core/CHANGELOG.md"), "utf8")).toContain("A new check of replication grants.");
    for (const example of examples) expect((JSON.parse(readFileSync(join(dir, example), "utf8")) as { version: string }).version).toBe("0.0.0");
    const hooks = parseYaml(readFileSync(join(dir, ".pre-commit-hooks.yaml"), "utf8")) as { additional_dependencies: string[] }[];
    for (const hook of hooks) expect(hook.additional_dependencies).toEqual(["@ecrlint/cli@0.2.0"]);
    expect(readFileSync(join(dir, "README.md"), "utf8")).toContain("    rev: v0.2.0\n");
  });

  it("every published package has a CHANGELOG.md whose newest entry is its version", () => {
    for (const w of publicWorkspaces()) {
      const changelog = readFileSync(join(repoDir, w.location, "CHANGELOG.md"), "utf8");
      expect(changelog).toMatch(new RegExp(`^# ${w.name}\\n\\n## ${w.version.replace(/\./g, "\\.")}\\n`));
    }
  });
});
