import { execFileSync } from "node:child_process";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_FILES, discoverFiles } from "../src/discover.js";
import { fileTree } from "./helpers.js";

/**
 * The walk's .gitignore verdicts against git's own (`git ls-files --others --exclude-standard`) on real repositories:
 * a layer whose patterns match by name is asked about names, any other about paths, and both must agree with git.
 */
function repository(files: Record<string, string>): string {
  const dir = fileTree(files, "ecrlint-gitignore-");
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir, stdio: "pipe" });
  return dir;
}

function gitSees(dir: string, under = "."): string[] {
  const out = execFileSync("git", ["ls-files", "--others", "--exclude-standard", "--", under], { cwd: dir, encoding: "utf8" });
  return out
    .split("\n")
    .filter((p) => p.endsWith(".json"))
    .sort();
}

async function walkSees(dir: string, pattern = "."): Promise<string[]> {
  const found = await discoverFiles({ root: dir, patterns: [pattern], files: DEFAULT_FILES, ignores: [], base: dir, useIgnores: true, errorOnUnmatchedPattern: false });
  return found.files.map((f) => relative(dir, f)).sort();
}

const json = "{}\n";

/** The same policy file names at several depths, ignored or not by name, by anchored path, by glob. */
const layout: Record<string, string> = {
  "a.json": json,
  "dist/a.json": json,
  "pkg/dist/a.json": json,
  "pkg/src/dist/a.json": json,
  "pkg/dist.json": json,
  "pkg/b.tmp.json": json,
  "pkg/deep/b.tmp.json": json,
  "pkg/keep/a.json": json,
  "pkg/keep/generated/a.json": json,
  "pkg/nested/generated/a.json": json,
  "pkg/nested/out/a.json": json,
  "other/out/a.json": json,
  "other/x/out/a.json": json,
};

describe("the walk's .gitignore verdicts are git's", () => {
  it.each<[string, Record<string, string>]>([
    ["name patterns only, at the root", { ".gitignore": "dist/\n*.tmp.json\n# a comment\n\n" }],
    ["name patterns in a nested .gitignore", { ".gitignore": "dist/\n", "pkg/nested/.gitignore": "generated\nout/\n" }],
    ["an anchored pattern beside name patterns", { ".gitignore": "/dist/\n*.tmp.json\n", "pkg/.gitignore": "keep/generated/\n" }],
    ["a `**` pattern", { ".gitignore": "**/out/**\n" }],
    ["a name pattern that also names a file (dist.json) and a folder", { ".gitignore": "dist*\n" }],
    ["re-inclusion of a file in a nested .gitignore", { ".gitignore": "*.tmp.json\n", "pkg/deep/.gitignore": "!b.tmp.json\n" }],
    ["a folder a nested .gitignore ignores by name, under a root that re-includes a file", { ".gitignore": "!a.json\n", "pkg/.gitignore": "dist/\ngenerated/\n" }],
    ["plain names only: a folder, a file, and a name for either", { ".gitignore": "dist/\ndist.json\n# out\nout\n", "pkg/.gitignore": "generated/\nb.tmp.json\n" }],
    ["a name with a trailing space (not a plain name)", { ".gitignore": "dist/ \nout\n" }],
  ])("%s", async (_name, gitignores) => {
    const dir = repository({ ...layout, ...gitignores });
    expect(await walkSees(dir)).toEqual(gitSees(dir));
    // Started in a subfolder, the .gitignore files above it apply as they do to git.
    expect(await walkSees(dir, "pkg")).toEqual(gitSees(dir, "pkg"));
    expect(await walkSees(dir, join("pkg", "nested"))).toEqual(gitSees(dir, join("pkg", "nested")));
  });

  it("a named folder that a .gitignore above it ignores by name yields none of its files, however deep", async () => {
    const dir = repository({ ...layout, ".gitignore": "dist/\n" });
    expect(await walkSees(dir, "dist")).toEqual([]);
    expect(await walkSees(dir, join("pkg", "src", "dist"))).toEqual([]);
    expect(gitSees(dir, "dist")).toEqual([]);
  });

  it("a .gitignore of plain names answers as one with a pattern beside them, in any case and beyond ASCII", async () => {
    // Plain names are looked up in a set; a wildcard line sends every verdict through the `ignore` package, which
    // compares without case. Both must give the same files, whatever the case of the names and for names
    // beyond ASCII (the Kelvin sign lower-cases to "k").
    const names = ["dist", "DIST", "Dist", "kelvin", "\u212Aelvin", "keep", "caf\u00e9", "CAF\u00c9", "out.json", "OUT.JSON"];
    const files = Object.fromEntries(names.flatMap((n) => [[`${n}/a.json`, json], [`pkg/${n}/a.json`, json], [`pkg/${n}.json`, json]]));
    const plain = "dist/\nkelvin/\ncaf\u00e9/\nout.json\n";
    const fast = await walkSees(repository({ ...files, ".gitignore": plain }));
    const slow = await walkSees(repository({ ...files, ".gitignore": `${plain}never-[x]\n` }));
    expect(fast).toEqual(slow);
    expect(fast).toContain("keep/a.json");
    expect(fast).not.toContain("DIST/a.json");
    expect(fast).not.toContain("pkg/OUT.JSON");
  });
});

describe("the walk's count of found files", () => {
  it("tells how many files it has found each time it finds one, so that a run can start its workers early", async () => {
    const dir = repository({ ...layout, "a/b/c.json": json, "notes.md": "not linted\n" });
    const counts: number[] = [];
    const found = await discoverFiles({ root: dir, patterns: ["."], files: DEFAULT_FILES, ignores: ["pkg/src/**"], base: dir, useIgnores: true, onFound: (n) => counts.push(n) });
    expect(found.files.length).toBeGreaterThan(3);
    expect(counts).toEqual(found.files.map((_, i) => i + 1));
  });
});
