import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commitTree } from "../commit-tree.mjs";
import { generateTree } from "../generate-tree.mjs";

const scratch = mkdtempSync(join(tmpdir(), "ecrlint-bench-commit-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const git = (dir: string, ...args: string[]) => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

describe("commitTree: a generated tree as a committed work tree", () => {
  it("commits every file of the tree once per stamp, leaving the bench's caches out", () => {
    const dir = join(scratch, "tree");
    const made = generateTree({ dir, files: 50, seed: 2 });
    writeFileSync(join(dir, ".ecrlintcache-warm"), "cache");
    expect(commitTree(dir, "stamp-1")).toBe(true);
    const tracked = git(dir, "ls-files").split("\n");
    // The generated files, the three config files at the root; not the cache.
    expect(tracked).toHaveLength(made.files + 3);
    expect(tracked).not.toContain(".ecrlintcache-warm");
    expect(git(dir, "status", "--porcelain", "--untracked-files=all")).toBe("?? .ecrlintcache-warm");
    const head = git(dir, "rev-parse", "HEAD");
    // A rerun for the same tree does nothing; another stamp (the tree written again) commits again.
    expect(commitTree(dir, "stamp-1")).toBe(false);
    expect(git(dir, "rev-parse", "HEAD")).toBe(head);
    expect(commitTree(dir, "stamp-2")).toBe(true);
    expect(git(dir, "rev-list", "--count", "HEAD")).toBe("2");
  });

  it("initialises a repository for a tree written without one", () => {
    const dir = join(scratch, "bare-tree");
    generateTree({ dir, files: 10, seed: 3, git: false });
    expect(commitTree(dir, "s")).toBe(true);
    expect(git(dir, "ls-files").split("\n")).toHaveLength(13);
  });
});
