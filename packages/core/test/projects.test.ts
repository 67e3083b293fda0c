import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { basePathOf, ConfigLocator, FolderListing, marksProject, ProjectRoots } from "../src/index.js";
import { tree } from "./temp-tree.js";

/**
 * The base path and the projects of the cross-file rules, which the runner and the ESLint plugin both take from here:
 * real folders, with a `.git` folder standing for a repository (the search only asks whether `.git` exists).
 */

const base = (cwd: string, locator = new ConfigLocator()) => {
  const nearest = locator.forDirectory(cwd);
  return basePathOf(cwd, locator, { nearest: nearest.ok ? nearest.loaded : undefined }).base;
};

describe("basePathOf", () => {
  it("is the outermost config's folder inside the repository, else the repository's root, from any folder of it", () => {
    const withConfig = tree({ ".git/HEAD": "", ".ecrlintrc.json": "{}", "infra/.ecrlintrc.json": "{}", "infra/source/x.json": "{}" });
    expect(base(join(withConfig, "infra", "source"))).toBe(withConfig);
    const gitOnly = tree({ ".git/HEAD": "", "examples/demo/.ecrlintrc.json": "{}", "infra/source/x.json": "{}" });
    expect(base(join(gitOnly, "infra", "source"))).toBe(gitOnly);
    // Started inside a tree with its own config, that config's folder.
    expect(base(join(gitOnly, "examples", "demo"))).toBe(join(gitOnly, "examples", "demo"));
  });

  it("outside git, the nearest config's folder, else the working directory; with a config file, its folder when it holds the working directory", () => {
    const dir = tree({ ".ecrlintrc.json": "{}", "a/b/x.json": "{}" });
    expect(base(join(dir, "a", "b"))).toBe(dir);
    const plain = tree({ "a/x.json": "{}" });
    expect(base(join(plain, "a"))).toBe(join(plain, "a"));
    const locator = new ConfigLocator();
    expect(basePathOf(join(dir, "a"), locator, { configFile: join(dir, ".ecrlintrc.json") }).base).toBe(dir);
    expect(basePathOf(join(plain, "a"), locator, { configFile: join(dir, ".ecrlintrc.json") }).base).toBe(join(plain, "a"));
  });
});

describe("ProjectRoots", () => {
  it("gives a folder the outermost config's folder inside the base path, else the base path; a nested repository is its own", () => {
    const dir = tree({
      ".git/HEAD": "",
      "infra/source/x.json": "{}",
      "examples/demo/.ecrlintrc.json": "{}",
      "examples/demo/deep/x.json": "{}",
      "vendor/plain/.git/HEAD": "",
      "vendor/plain/sub/x.json": "{}",
      "vendor/configured/.git/HEAD": "",
      "vendor/configured/.ecrlintrc.json": "{}",
      "vendor/configured/sub/x.json": "{}",
    });
    const roots = new ProjectRoots(new ConfigLocator(), dir);
    expect(roots.of(join(dir, "infra", "source"))).toBe(dir);
    expect(roots.of(join(dir, "examples", "demo", "deep"))).toBe(join(dir, "examples", "demo"));
    expect(roots.of(join(dir, "vendor", "plain", "sub"))).toBe(join(dir, "vendor", "plain"));
    expect(roots.of(join(dir, "vendor", "configured", "sub"))).toBe(join(dir, "vendor", "configured"));
    // A root config chains every nested config up to it, but not a nested repository's config: no config above
    // a repository governs its files.
    writeFileSync(join(dir, ".ecrlintrc.json"), "{}");
    const withRoot = new ProjectRoots(new ConfigLocator(), dir);
    expect(withRoot.of(join(dir, "examples", "demo", "deep"))).toBe(dir);
    expect(withRoot.of(join(dir, "vendor", "configured", "sub"))).toBe(join(dir, "vendor", "configured"));
    expect(withRoot.of(join(dir, "vendor", "plain", "sub"))).toBe(join(dir, "vendor", "plain"));
  });

  it("finds each folder's project once however many files ask, and lists each folder once", () => {
    const dir = tree({ ".git/HEAD": "", ".ecrlintrc.json": "{}", "a/1.json": "{}", "a/b/2.json": "{}", "c/3.json": "{}" });
    const reads = new Map<string, number>();
    const listing = new FolderListing((folder) => {
      reads.set(folder, (reads.get(folder) ?? 0) + 1);
      return readdirSync(folder, { withFileTypes: true });
    });
    const locator = new ConfigLocator(undefined, listing);
    const search = vi.spyOn(locator, "outermostConfigDir");
    const roots = new ProjectRoots(locator, dir);
    for (let i = 0; i < 100; i++) for (const folder of ["a", "a/b", "c"]) expect(roots.of(join(dir, folder))).toBe(dir);
    expect(search).toHaveBeenCalledTimes(3);
    expect(Math.max(...reads.values())).toBe(1);
  });
});

describe("marksProject", () => {
  it("a config's folder or a folder in git marks a project; a plain folder does not", () => {
    const dir = tree({ "configured/.ecrlintrc.json": "{}", "plain/x.json": "{}", "repo/.git/HEAD": "" });
    const locator = new ConfigLocator();
    const configOf = (folder: string) => {
      const found = locator.forDirectory(folder);
      return found.ok ? found.loaded : undefined;
    };
    expect(marksProject(join(dir, "configured"), configOf)).toBe(true);
    expect(marksProject(join(dir, "repo"), configOf)).toBe(true);
    expect(marksProject(join(dir, "plain"), configOf)).toBe(false);
    expect(marksProject("/", configOf)).toBe(false);
  });
});
