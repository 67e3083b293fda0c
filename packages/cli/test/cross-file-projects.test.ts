import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { binPath, fileTree, gitInit, repoDir, runNode, tempDir, writeEslintConfig } from "./helpers.js";

/**
 * The projects the cross-file rules join are the same for the runner and for ESLint with the plugin, whatever folder
 * either starts in: the runner's project around a file (the outermost config that governs it inside the base path,
 * else the base path), never ESLint's working directory. Real ESLint 9 and 10 and the `ecrlint` binary run as child
 * processes in real git repositories.
 */

const eslintBins = { "ESLint 10": join(repoDir, "node_modules", "eslint", "bin", "eslint.js"), "ESLint 9": join(repoDir, "node_modules", "eslint9", "bin", "eslint.js") };

interface Reported {
  filePath: string;
  messages: { ruleId: string | null; messageId?: string; message: string; line?: number; column?: number }[];
}

/** Every finding of a command, `file rule/messageId line:column message`, files by path from `dir`, sorted. */
async function findingsOf(bin: string, cwd: string, dir: string, args: string[] = ["."], env: Record<string, string> = {}): Promise<string[]> {
  const run = await runNode([bin, "-f", "json", ...args], { cwd, env });
  expect(run.stderr.replace(/^ecrlint: \d+ policy files? ha(?:s|ve) no known registry[\s\S]*$/u, ""), `${bin} in ${cwd}`).toBe("");
  const results = JSON.parse(run.stdout) as Reported[];
  return results
    .flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.ruleId}/${m.messageId} ${m.line}:${m.column} ${m.message}`))
    .filter((f) => !f.includes(" null/"))
    .sort();
}

/** The runner and ESLint 9 and 10 in `cwd` (with `withConfig`, ESLint given `-c` too): each one's findings, by name. */
async function everyFrontEnd(dir: string, cwd: string, args: string[] = ["."], withConfig = false): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = { ecrlint: await findingsOf(binPath, cwd, dir, args) };
  for (const [name, bin] of Object.entries(eslintBins)) {
    out[name] = await findingsOf(bin, cwd, dir, args);
    if (withConfig) out[`${name} -c`] = await findingsOf(bin, cwd, dir, ["-c", join(dir, "eslint.config.mjs"), ...args]);
  }
  return out;
}

/** Each front end's findings equal the runner's; returns them. */
function same(outcomes: Record<string, string[]>): string[] {
  for (const [name, findings] of Object.entries(outcomes)) expect({ name, findings }).toEqual({ name, findings: outcomes.ecrlint });
  return outcomes.ecrlint!;
}

const replication = { rules: [{ destinations: [{ region: "eu-west-1", registryId: "444455556666" }] }] };
/** The destination's registry policy: it lets another account replicate, not the source 111122223333. */
const destinationWithoutGrant = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Other", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999988887777:root" }, Action: ["ecr:ReplicateImage"], Resource: "arn:aws:ecr:eu-west-1:444455556666:repository/*" }],
};
/** The source registry's own policy: pull through cache into ecr-public/ and quay/. */
const pullThroughCachePolicy = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "PullThroughCache", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:role/ci-builder" }, Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
      Resource: ["arn:aws:ecr:us-west-2:111122223333:repository/ecr-public/*", "arn:aws:ecr:us-west-2:111122223333:repository/quay/*"] },
  ],
};
const quayRule = [{ ecrRepositoryPrefix: "quay", upstreamRegistryUrl: "quay.io" }];
/** The rule the policy's ecr-public/ namespace needs, kept in another folder than the policy. */
const ecrPublicRule = [{ ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" }];
/** A registry policy written as a Terraform template, open to everyone: one `no-public-access` finding when it is read as one. */
const publicTemplate = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Open", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*" }] });
const terraformReading = (path: string) => `resource "aws_ecr_registry_policy" "r" {\n  policy = file("\${path.module}/${path}")\n}\n`;

/**
 * A monorepo with a replication configuration and the source registry's policy in infra/source, the destination's
 * registry policy in infra/destination, one pull-through-cache rule beside the policy and the other in infra/cache,
 * and a policy template in infra/source that infra/terraform reads with file(). An ecrlint config at the root names
 * the registries ("root config"), with infra/source's in a config of its own that the root's governs too ("nested
 * config"); or the folders do ("git only": no config at all, the git repository is the project).
 */
type Layout = "root config" | "nested config" | "git only";

function monorepo(layout: Layout): string {
  const config = layout !== "git only";
  const source = config ? "infra/source" : "infra/source/111122223333-us-west-2";
  const files: Record<string, unknown> = {
    [`${source}/replication-configuration.json`]: replication,
    [`${source}/registry-policy.json`]: pullThroughCachePolicy,
    [`${source}/pull-through-cache-rules.json`]: quayRule,
    [`${source}/open-policy.json.tpl`]: publicTemplate,
    [config ? "infra/destination/registry-policy.json" : "infra/destination/444455556666-eu-west-1/registry-policy.json"]: destinationWithoutGrant,
    [config ? "infra/cache/pull-through-cache-rules.json" : "infra/cache/111122223333-us-west-2/pull-through-cache-rules.json"]: ecrPublicRule,
    "infra/terraform/main.tf": terraformReading(`../../${source}/open-policy.json.tpl`),
  };
  const sourceRegistry = { account: "111122223333", region: "us-west-2" };
  if (config) {
    files[".ecrlintrc.json"] = {
      registries: [
        { files: [...(layout === "root config" ? ["infra/source/**"] : []), "infra/cache/**", "infra/terraform/**"], ...sourceRegistry },
        { files: ["infra/destination/**"], account: "444455556666", region: "eu-west-1" },
      ],
    };
  }
  if (layout === "nested config") files["infra/source/.ecrlintrc.json"] = { registries: [{ files: ["**"], ...sourceRegistry }] };
  const dir = fileTree(files);
  writeEslintConfig(dir);
  gitInit(dir);
  return dir;
}

describe("ESLint from a subfolder of a project reads the project the runner reads", () => {
  for (const layout of ["root config", "nested config", "git only"] as const) {
    it(`${layout}: the same findings from the root and from infra/source`, async () => {
      const dir = monorepo(layout);
      const config = layout !== "git only";
      const source = config ? join(dir, "infra", "source") : join(dir, "infra", "source", "111122223333-us-west-2");
      const rel = source.slice(dir.length + 1);
      const destination = config ? "infra/destination/registry-policy.json" : "infra/destination/444455556666-eu-west-1/registry-policy.json";
      const expected = (named: string) => [
        // The template is read as the registry policy infra/terraform deploys (the parser's path, which has no cwd).
        `${rel}/open-policy.json.tpl @ecrlint/no-public-access/publicAccess 1:81 Anyone can use this grant: it allows ecr:BatchGetImage to any principal in an account that neither this policy nor its registry names, e.g. a stranger's account. Name the principals, or pin them with a condition such as aws:PrincipalOrgID, aws:PrincipalAccount or aws:SourceAccount.`,
        // The destination's policy in infra/destination is read: its missing grant is found (named from the working directory).
        `${rel}/replication-configuration.json @ecrlint/replication-destination-allowed/missingGrant 5:9 The registry policy "${named}" of destination 444455556666 in eu-west-1 does not allow account 111122223333 "ecr:ReplicateImage" on "repository/*": replication to this destination fails.`,
      ];
      // The ecr-public rule in infra/cache is read: no false pull-through-cache-prefix-exists finding on the policy.
      expect(same(await everyFrontEnd(dir, source, ["."], true))).toEqual(expected(relative(source, join(dir, destination))));
      expect(same(await everyFrontEnd(dir, dir, ["."], true))).toEqual(expected(destination));
    });
  }

  it("without the rule in infra/cache, the policy named from infra/source gets the pull-through-cache finding: the check is live", async () => {
    const dir = monorepo("root config");
    writeFileSync(join(dir, "infra", "cache", "pull-through-cache-rules.json"), JSON.stringify(quayRule));
    const fromSource = same(await everyFrontEnd(dir, join(dir, "infra", "source"), ["registry-policy.json"]));
    expect(fromSource).toEqual([expect.stringMatching(/^infra\/source\/registry-policy.json @ecrlint\/pull-through-cache-prefix-exists\/unknownNamespace 15:9 Namespace "ecr-public"/)]);
  });
});

describe("a project of its own is never joined with its neighbours", () => {
  it("a nested ecrlint config that no config above governs, from the root, from a sibling folder and from inside it", async () => {
    const dir = fileTree({
      "infra/source/111122223333-us-west-2/replication-configuration.json": replication,
      // Its own project: its registry is the destination, but the replication configuration outside never sees it.
      "examples/demo/.ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "eu-west-1" }] },
      "examples/demo/registry-policy.json": destinationWithoutGrant,
    });
    writeEslintConfig(dir);
    gitInit(dir);
    for (const cwd of [dir, join(dir, "infra", "source", "111122223333-us-west-2"), join(dir, "examples", "demo")]) {
      expect({ cwd, findings: same(await everyFrontEnd(dir, cwd)) }).toEqual({ cwd, findings: [] });
    }
    // Without its config, the policy (its registry now named by its folder) is the repository's: read (the check is live).
    rmSync(join(dir, "examples", "demo", ".ecrlintrc.json"));
    renameSync(join(dir, "examples", "demo"), join(dir, "examples", "444455556666-eu-west-1"));
    const joined = same(await everyFrontEnd(dir, join(dir, "infra", "source", "111122223333-us-west-2")));
    expect(joined).toEqual([expect.stringMatching(/^infra\/source\/111122223333-us-west-2\/replication-configuration.json @ecrlint\/replication-destination-allowed\/missingGrant /)]);
  });

  it("a second repository checked out inside, with or without its own config, from the outer root and from inside it", async () => {
    for (const ownConfig of [true, false]) {
      const dir = fileTree({
        ".ecrlintrc.json": { registries: [{ files: ["infra/**"], account: "111122223333", region: "us-west-2" }] },
        "infra/source/replication-configuration.json": replication,
        ...(ownConfig ? { "vendor/other/.ecrlintrc.json": { registries: [{ files: ["**"], account: "444455556666", region: "eu-west-1" }] } } : {}),
        [ownConfig ? "vendor/other/registry-policy.json" : "vendor/other/444455556666-eu-west-1/registry-policy.json"]: destinationWithoutGrant,
      });
      writeEslintConfig(dir);
      gitInit(join(dir, "vendor", "other"));
      gitInit(dir);
      for (const cwd of [dir, join(dir, "infra", "source"), join(dir, "vendor", "other")]) {
        expect({ ownConfig, cwd, findings: same(await everyFrontEnd(dir, cwd)) }).toEqual({ ownConfig, cwd, findings: [] });
      }
    }
  });
});

describe("outside any project", () => {
  const marker = 'import { writeFileSync } from "node:fs";\nwriteFileSync(new URL("./loaded", import.meta.url), "x");\nexport default {};\n';

  it("ESLint in a folder with no config and no git reads nothing above that folder, as the runner", async () => {
    const dir = fileTree({
      // Above the folder ESLint runs in: a config that says when it is loaded, and the destination's policy.
      "elsewhere/ecrlint.config.mjs": marker,
      "elsewhere/444455556666-eu-west-1/registry-policy.json": destinationWithoutGrant,
      "work/111122223333-us-west-2/replication-configuration.json": replication,
      "work/444455556666-eu-west-1/registry-policy.json": destinationWithoutGrant,
    });
    writeEslintConfig(join(dir, "work"));
    const work = join(dir, "work");
    const outcomes: Record<string, string[]> = { ecrlint: await findingsOf(binPath, work, work) };
    for (const [name, bin] of Object.entries(eslintBins)) outcomes[name] = await findingsOf(bin, work, work);
    // The files under the folder are joined (ESLint lints them all, as the runner's run over the folder does).
    expect(same(outcomes)).toEqual([expect.stringMatching(/^111122223333-us-west-2\/replication-configuration.json @ecrlint\/replication-destination-allowed\/missingGrant /)]);
    expect(existsSync(join(dir, "elsewhere", "loaded"))).toBe(false);
  });

  it("ESLint in the home folder reads no project there, with a config of its own or as a dotfiles repository", async () => {
    for (const dotfiles of [false, true]) {
      const home = fileTree({
        ".ecrlintrc.json": { trustedAccounts: ["111122223333"] },
        "proj/deep/ecrlint.config.mjs": marker,
        "proj/deep/444455556666-eu-west-1/registry-policy.json": destinationWithoutGrant,
        "Downloads/111122223333-us-west-2/replication-configuration.json": replication,
      });
      writeEslintConfig(home);
      if (dotfiles) gitInit(home);
      // From the home folder, and from a folder below it (then that folder is the base path, never the home folder).
      for (const [cwd, file] of [[home, "Downloads/111122223333-us-west-2"], [join(home, "Downloads"), "111122223333-us-west-2"]] as const) {
        for (const [name, bin] of Object.entries(eslintBins)) {
          const findings = await findingsOf(bin, cwd, home, [`${file}/replication-configuration.json`], { HOME: home });
          expect({ name, dotfiles, cwd, findings }).toEqual({ name, dotfiles, cwd, findings: [] });
          expect(existsSync(join(home, "proj", "deep", "loaded")), `${name} ${dotfiles} ${cwd}`).toBe(false);
        }
      }
    }
  });
});

describe("ESLint on one file of a project of many .tf files (lint-staged, an editor)", () => {
  /**
   * Loaded before ESLint (NODE_OPTIONS=--import): at the end of the run it writes how many helper threads read HCL
   * for the process's thread, through the same core module the plugin imports.
   */
  function helperCounter(): { env: Record<string, string>; started: () => number } {
    const dir = tempDir("ecrlint-helper-count-");
    const out = join(dir, "started.json");
    const core = pathToFileURL(join(repoDir, "packages", "core", "dist", "terraform-cst.js")).href;
    writeFileSync(
      join(dir, "count.mjs"),
      `import { writeFileSync } from "node:fs";\nimport { isMainThread } from "node:worker_threads";\n` +
        `if (isMainThread) {\n  const { hclHelperForTests } = await import(${JSON.stringify(core)});\n` +
        `  process.on("exit", () => writeFileSync(${JSON.stringify(out)}, JSON.stringify(hclHelperForTests.started())));\n}\n`,
    );
    return { env: { NODE_OPTIONS: `--import=${pathToFileURL(join(dir, "count.mjs")).href}` }, started: () => JSON.parse(readFileSync(out, "utf8")) as number };
  }

  it("reads the project's .tf files, parsed before the HCL grammar has loaded, in at most one helper thread, with the runner's findings", async () => {
    const files: Record<string, unknown> = {
      ".ecrlintrc.json": { registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }] },
      "infra/registry/registry-policy.json": pullThroughCachePolicy,
      // The policy's ecr-public/ namespace has its rule here, quay/ none: only a read of this file tells them apart.
      "tf/cache/main.tf": 'resource "aws_ecr_pull_through_cache_rule" "ecr_public" {\n  ecr_repository_prefix = "ecr-public"\n  upstream_registry_url = "public.ecr.aws"\n}\n',
    };
    for (let n = 1; n < 60; n++) files[`tf/m${n}/main.tf`] = `resource "aws_ecr_repository" "r" { name = "svc-${n}" }\n`;
    const dir = fileTree(files);
    writeEslintConfig(dir);
    gitInit(dir);
    const file = ["infra/registry/registry-policy.json"];
    const runner = await findingsOf(binPath, dir, dir, file);
    expect(runner).toEqual([expect.stringMatching(/^infra\/registry\/registry-policy.json @ecrlint\/pull-through-cache-prefix-exists\/unknownNamespace \d+:\d+ Namespace "quay"/)]);
    for (const [name, bin] of Object.entries(eslintBins)) {
      const counter = helperCounter();
      expect({ name, findings: await findingsOf(bin, dir, dir, file, counter.env) }).toEqual({ name, findings: runner });
      // A thread per file was 60 grammar loads, a second of CPU and more.
      expect({ name, helpers: counter.started() }).toEqual({ name, helpers: expect.toSatisfy((n: number) => n <= 1) });
    }
  });
});
