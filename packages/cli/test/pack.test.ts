import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { npm, publicWorkspaces, repoDir, runNpm, tempDir } from "./helpers.js";

const project = tempDir("ecrlint-project-");
const packs = join(project, "ecrlint-packs");
let tarballs: string[] = [];

beforeAll(() => {
  // The README's words: `npm run pack -- ../your-project/ecrlint-packs` in the clone.
  runNpm(["run", "pack", "--", packs], repoDir);
  tarballs = readdirSync(packs).filter((f) => f.endsWith(".tgz")).map((f) => join(packs, f));
}, 120_000);

function tarballFiles(tarball: string): string[] {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
}

function tarballText(tarball: string, path: string): string {
  return execFileSync("tar", ["-xzOf", tarball, `package/${path}`], { encoding: "utf8" });
}

describe("npm run pack", () => {
  it("writes one tarball per public workspace package of the root `workspaces`", () => {
    const expected = publicWorkspaces().map((w) => `${w.name.replace(/^@/, "").replace("/", "-")}-${w.version}.tgz`);
    expect(tarballs.map((t) => t.slice(packs.length + 1)).sort()).toEqual(expected.sort());
  });

  it("each tarball is fit to publish: LICENSE, repository fields, nothing that points at unshipped files", () => {
    const license = readFileSync(join(repoDir, "LICENSE"), "utf8");
    for (const tarball of tarballs) {
      const files = tarballFiles(tarball);
      expect(tarballText(tarball, "LICENSE"), `${tarball} LICENSE`).toBe(license);
      expect(files).toContain("README.md");
      expect(files.filter((f) => f.endsWith(".tsbuildinfo") || f.endsWith(".map")), tarball).toEqual([]);
      for (const file of files.filter((f) => /\.(c|m)?js$|\.d\.ts$/.test(f))) {
        expect(tarballText(tarball, file), `${tarball} ${file}`).not.toMatch(/^\/\/# sourceMappingURL=/m);
      }
      const pkg = JSON.parse(tarballText(tarball, "package.json")) as { license: string; repository: { url: string; directory: string }; homepage: string; bugs: string };
      expect(pkg.license).toBe("MIT");
      expect(pkg.repository.url).toBe("git+https://github.com/ecrlint/ecrlint.git");
      expect(pkg.homepage).toBe(`https://github.com/ecrlint/ecrlint/tree/main/${pkg.repository.directory}#readme`);
      expect(pkg.bugs).toBe("https://github.com/ecrlint/ecrlint/issues");
    }
  });

  it("publint --strict and are-the-types-wrong (offline, on the tarballs) pass", { timeout: 120_000 }, () => {
    const bin = (name: string) => join(repoDir, "node_modules", ".bin", name);
    // No network: attw reads the tarball alone, and a proxy that refuses every connection proves it.
    const offline = { ...process.env, HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", npm_config_offline: "true" };
    for (const tarball of tarballs) {
      execFileSync(bin("publint"), ["run", "--strict", tarball], { cwd: project, stdio: "pipe", env: offline });
      // ESM only (engines: Node 20.19+, where require() loads ES modules), so CommonJS resolution is not checked.
      execFileSync(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], { cwd: project, stdio: "pipe", env: offline });
    }
  });
});

describe("a project that installs the tarballs as the README says", () => {
  it("`npx ecrlint` lints a policy", { timeout: 120_000 }, () => {
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    execFileSync("sh", ["-c", "npm i -D ./ecrlint-packs/ecrlint-*.tgz --prefer-offline --no-audit --no-fund --loglevel=error"], { cwd: project, stdio: "pipe" });
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
