import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { publicWorkspaces, repoDir, tempDir, userEnv } from "./helpers.js";
import { codeBlocks } from "./workflow-steps.js";

/**
 * The README's "Install in your project", run as written in a project of a platform team (a copy of
 * examples/with-mistakes without its config): the clone is this repository, `../your-project` a temporary folder.
 * npm runs with --prefer-offline (the packages it needs are in the cache after `npm ci`).
 */
const readme = readFileSync(join(repoDir, "README.md"), "utf8");
const rootPackage = JSON.parse(readFileSync(join(repoDir, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
const project = tempDir("ecrlint-project-");
const packs = join(project, "ecrlint-packs");
let tarballs: string[] = [];

interface Shell {
  code: number;
  out: string;
}

/** Runs one command line as a user types it (sh: globs, quotes, `>`), in `cwd`. */
function sh(line: string, cwd: string, input = ""): Shell {
  const npmFlags = /^(npm i|npm install)\b/.test(line) ? " --prefer-offline --no-audit --no-fund --loglevel=error" : "";
  const result = spawnSync("sh", ["-c", line + npmFlags], { cwd, input, encoding: "utf8", env: userEnv({ NO_COLOR: "1" }) });
  return { code: result.status ?? -1, out: result.stdout + result.stderr };
}

/** The commands of a README `sh` block, without comments; `cd` changes the folder of the ones after it. */
function readmeCommands(firstLine: string): string[] {
  const block = codeBlocks(readme).find((b) => b.lang === "sh" && b.text.includes(firstLine));
  if (!block) throw new Error(`README.md has no sh block with ${firstLine}`);
  return block.text.split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l && !l.startsWith("#"));
}

const install = readmeCommands("npm run pack --");
const outputs = new Map<string, Shell>();

beforeAll(() => {
  cpSync(join(repoDir, "examples", "with-mistakes", "registries"), join(project, "registries"), { recursive: true });
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ name: "your-project", private: true, type: "module" }, null, 2)}\n`);
  let cwd = repoDir;
  for (const line of install) {
    const command = line.replaceAll("../your-project", project);
    if (command.startsWith("cd ")) {
      cwd = resolve(cwd, command.slice(3));
      continue;
    }
    // `ecrlint init` asks before writing; the user answers yes.
    outputs.set(line, sh(command, cwd, line.includes("ecrlint init") ? "y\n" : ""));
  }
  tarballs = readdirSync(packs).filter((f) => f.endsWith(".tgz")).map((f) => join(packs, f));
}, 240_000);

function tarballFiles(tarball: string): string[] {
  return execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
}

function tarballText(tarball: string, path: string): string {
  return execFileSync("tar", ["-xzOf", tarball, `package/${path}`], { encoding: "utf8" });
}

describe("npm run pack", () => {
  it("the README's install commands are the ones this test runs", () => {
    expect(install).toEqual([
      "npm run pack -- ../your-project/ecrlint-packs",
      "cd ../your-project",
      "npm i -D ./ecrlint-packs/ecrlint-*.tgz eslint",
      "npx ecrlint init",
      "npx ecrlint",
      "npx ecrlint test",
    ]);
  });

  it("writes one tarball per public workspace package of the root `workspaces`", () => {
    expect(outputs.get(install[0]!)!.code).toBe(0);
    const expected = publicWorkspaces().map((w) => `${w.name.replace(/^@/, "").replace("/", "-")}-${w.version}.tgz`);
    expect(tarballs.map((t) => t.slice(packs.length + 1)).sort()).toEqual(expected.sort());
  });

  it("each tarball is fit to publish: LICENSE, repository fields, nothing that points at unshipped files", () => {
    const license = readFileSync(join(repoDir, "LICENSE"), "utf8");
    for (const tarball of tarballs) {
      const files = tarballFiles(tarball);
      expect(tarballText(tarball, "LICENSE"), `${tarball} LICENSE`).toBe(license);
      expect(files).toContain("README.md");
      expect(files).toContain("CHANGELOG.md");
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
    const offline = userEnv({ HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9", npm_config_offline: "true" });
    for (const tarball of tarballs) {
      execFileSync(bin("publint"), ["run", "--strict", tarball], { cwd: project, stdio: "pipe", env: offline });
      // ESM only (engines: Node 20.19+, where require() loads ES modules), so CommonJS resolution is not checked.
      execFileSync(bin("attw"), [tarball, "--profile", "esm-only", "--format", "ascii"], { cwd: project, stdio: "pipe", env: offline });
    }
  });
});

describe("a project that installs the tarballs as the README says", () => {
  const lines = () => ({ init: outputs.get("npx ecrlint init")!, lint: outputs.get("npx ecrlint")!, test: outputs.get("npx ecrlint test")! });

  it("installs, and `npx ecrlint init` writes a config for the policies it finds", () => {
    expect(outputs.get(install[2]!)).toMatchObject({ code: 0 });
    const { init } = lines();
    expect(init.code, init.out).toBe(0);
    expect(init.out).toContain("Found 5 policy files for 3 registries.");
    expect(readFileSync(join(project, "ecrlint.config.jsonc"), "utf8")).toContain('"$schema": "./node_modules/@ecrlint/cli/schema/config.json"');
  });

  it("`npx ecrlint` reports the mistakes and exits 1; `npx ecrlint test` runs the cases and exits 1 on the failing one", () => {
    const { lint, test } = lines();
    expect(lint.code).toBe(1);
    expect(lint.out).toContain("@ecrlint/no-region-mismatch");
    // Each refused replication is reported once, in the destination's own policy (not again from the source's file),
    // and the unknown docker-hub namespace once, by pull-through-cache-prefix-exists.
    expect(lint.out).toContain("@ecrlint/require-replicate-image");
    expect(lint.out).toContain("✖ 8 problems (8 errors, 0 warnings)");
    expect(test.code).toBe(1);
    expect(test.out).toContain("✗ the build account replicates prod images into prod");
    expect(sh("npx ecrlint --version", project).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("ESLint with the plugin, set up with the lines init printed, reports what ecrlint reports, cross-file findings included", () => {
    const { init } = lines();
    // The project is `"type": "module"`: init proposes eslint.config.js.
    const advice = init.out.slice(init.out.indexOf("ESLint: no ESLint config here"));
    expect(advice.split("\n")[0]).toContain("create eslint.config.js with:");
    const config = advice.split("\n").slice(1, 3).map((l) => l.trim());
    expect(config).toEqual(['import ecrlint from "@ecrlint/eslint-plugin";', "export default [...ecrlint.configs.recommended];"]);
    writeFileSync(join(project, "eslint.config.js"), `${config.join("\n")}\n`);
    const eslint = sh("npx eslint --format json .", project);
    expect(eslint.code).toBe(1);
    const found = (JSON.parse(eslint.out) as { messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId));
    const ecrlint = (JSON.parse(sh("npx ecrlint --format json", project).out) as { messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(found.sort()).toEqual(ecrlint.sort());
  });

  it("in a CommonJS project (`npm init -y`), the config init proposes loads in real ESLint", () => {
    const cjs = join(project, "commonjs-project");
    cpSync(join(project, "registries"), join(cjs, "registries"), { recursive: true });
    writeFileSync(join(cjs, "package.json"), `${JSON.stringify({ name: "commonjs-project", version: "1.0.0", type: "commonjs" }, null, 2)}\n`);
    const init = sh("npx ecrlint init --yes", cjs);
    expect(init.code, init.out).toBe(0);
    const advice = init.out.slice(init.out.indexOf("ESLint: no ESLint config here"));
    const file = /create (eslint\.config\.\w+) with:/.exec(advice)![1]!;
    expect(file).toBe("eslint.config.mjs");
    writeFileSync(join(cjs, file), `${advice.split("\n").slice(1, 3).map((l) => l.trim()).join("\n")}\n`);
    const eslint = sh("npx eslint --format json .", cjs);
    expect(eslint.out).not.toContain("Cannot use import statement outside a module");
    expect(eslint.code, eslint.out).toBe(1);
    const found = (JSON.parse(eslint.out) as { messages: { ruleId: string }[] }[]).flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(found).toContain("@ecrlint/no-region-mismatch");
    // The README's snippet is the same file.
    expect(readme).toContain(`// ${file}\nimport ecrlint from "@ecrlint/eslint-plugin";`);
  });

  it("Vitest: the matchers work and type-check with the README's setup file alone; failures point at the user's files", { timeout: 120_000 }, () => {
    const pinned = ["vitest", "typescript", "@types/node"].map((name) => `${name}@${rootPackage.devDependencies[name]}`);
    expect(sh(`npm i -D ${pinned.join(" ")}`, project).code).toBe(0);
    const setup = codeBlocks(readme).find((b) => b.lang === "ts" && b.text.startsWith("// vitest.setup.ts"))!.text;
    writeFileSync(join(project, "vitest.setup.ts"), setup);
    writeFileSync(join(project, "vitest.config.ts"), 'import { defineConfig } from "vitest/config";\n\nexport default defineConfig({ test: { setupFiles: ["./vitest.setup.ts"] } });\n');
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", types: ["node"], strict: true, noEmit: true, skipLibCheck: false }, include: ["*.ts"] }, null, 2));
    writeFileSync(
      join(project, "registries.test.ts"),
      [
        'import { expect, it } from "vitest";',
        "",
        'const prod = "registries/prod-us-west-2/registry-policy.json";',
        "",
        'it("prod lets nobody replicate: its grant names the wrong Region", () => {',
        '  expect(prod).not.toAllow("ecr:ReplicateImage", { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/prod-api" });',
        '  expect(prod).toDeny("ecr:PutImage", { principal: "111122223333", decision: "implicit" });',
        "});",
        "",
      ].join("\n"),
    );
    const tsc = sh("npx tsc --noEmit", project);
    expect(tsc, tsc.out).toMatchObject({ code: 0 });
    const passing = sh("npx vitest run registries.test.ts", project);
    expect(passing.code, passing.out).toBe(0);

    writeFileSync(
      join(project, "failing.test.ts"),
      [
        'import { expect, it } from "vitest";',
        'import { definePolicyTests } from "@ecrlint/testing/vitest";',
        "",
        'it("a matcher that fails", () => {',
        '  expect("registries/prod-us-west-2/registry-policy.json").toAllow("ecr:ReplicateImage", { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/prod-api" });',
        "});",
        "",
        'definePolicyTests("registries/**/*.cases.json");',
        "",
      ].join("\n"),
    );
    const failing = sh("npx vitest run failing.test.ts", project);
    expect(failing.code).toBe(1);
    const frames = failing.out.split("\n").filter((l) => l.trim().startsWith("❯ ") && /:\d+:\d+/.test(l)).map((l) => l.trim());
    expect(frames).toEqual(["❯ failing.test.ts:5:60", "❯ registries/prod-us-west-2/registry-policy.cases.json:5:5"]);
    expect(failing.out).not.toContain("node_modules/@ecrlint");
  });

  it("lint-staged and husky, as the README sets them up, stop a commit with a broken policy and let the fix through", { timeout: 120_000 }, () => {
    const git = (...args: string[]) => sh(`git ${args.join(" ")}`, project);
    writeFileSync(join(project, ".gitignore"), "node_modules/\necrlint-packs/\n");
    expect(git("init", "-q", "-b", "main").code).toBe(0);
    git("config", "user.email", "dev@example.com");
    git("config", "user.name", "Dev");
    git("add", "-A");
    expect(git("commit", "-q", "-m", "base").code).toBe(0);

    const recipe = readmeCommands("npx husky init");
    expect(recipe).toEqual(["npm i -D husky lint-staged@16", "npx husky init", 'echo "npx lint-staged" > .husky/pre-commit']);
    for (const line of recipe) expect(sh(line, project), line).toMatchObject({ code: 0 });
    const config = codeBlocks(readme).find((b) => b.lang === "js" && b.text.startsWith("// lint-staged.config.mjs"))!.text;
    writeFileSync(join(project, "lint-staged.config.mjs"), config);
    expect(existsSync(join(project, ".husky", "_"))).toBe(true);

    const prod = join(project, "registries", "prod-us-west-2", "registry-policy.json");
    const fixed = readFileSync(join(repoDir, "examples", "platform-infra", "registries", "prod-us-west-2", "registry-policy.json"), "utf8");
    writeFileSync(prod, fixed.replace('"ecr:ReplicateImage"', '"ecr:ReplicateImages"'));
    git("add", "-A");
    const rejected = git("commit", "-m", "'prod replication'");
    expect(rejected.code).toBe(1);
    expect(rejected.out).toContain('"ecr:ReplicateImages" is not an ECR action');
    expect(git("log", "--oneline").out.trim().split("\n")).toHaveLength(1);

    writeFileSync(prod, fixed);
    git("add", "-A");
    const accepted = git("commit", "-m", "'prod replication'");
    expect(accepted.code, accepted.out).toBe(0);
    expect(git("log", "--oneline").out.trim().split("\n")).toHaveLength(2);

    // A staged cases file runs its access tests; a case that expects the wrong decision stops the commit.
    const cases = join(project, "registries", "prod-us-west-2", "access.cases.json");
    const write = (expect: string) =>
      writeFileSync(cases, JSON.stringify({ policy: "./registry-policy.json", cases: [{ name: "outsiders cannot push", principal: "999988887777", action: "ecr:PutImage", expect }] }, null, 2));
    write("allow");
    git("add", "-A");
    const wrong = git("commit", "-m", "'access test'");
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain("✗ outsiders cannot push");
    write("deny");
    git("add", "-A");
    const right = git("commit", "-m", "'access test'");
    expect(right.code, right.out).toBe(0);
    expect(git("log", "--oneline").out.trim().split("\n")).toHaveLength(3);
  });
});
