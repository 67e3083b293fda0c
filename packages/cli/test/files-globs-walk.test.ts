import { relative } from "node:path";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { DEFAULT_FILES, discoverFiles } from "../src/discover.js";
import { fileTree } from "./helpers.js";

/**
 * The walk tests a name's extension when every `files` glob is `**\/*.<extension>`: it must pick the files picomatch
 * picks, for every name a folder may hold.
 */
const names = [
  "a.json", ".json", "..json", "...json", ".a.json", "a..json", "a.JSON", "a.Json", "json", "a.json.bak", "x.tf.json", "main.tf", "a.tf.bak",
  "a b.yml", "[x].json", "(x).yaml", "a*b.jsonc", "!a.json5", "#a.template", "é.yml", "a{b}.json", "a\\b.json", "-.tf", "a.", "a.yaml~", "a.ym",
];
const layout: Record<string, string> = {};
for (const dir of ["", "sub/", "sub/.hidden/", "..x/", "d.json/", "e.yaml/deeper/"]) for (const name of names) layout[`${dir}${name}`] = "{}\n";

async function walked(root: string, files: string[], pattern = "."): Promise<string[]> {
  const found = await discoverFiles({ root, patterns: [pattern], files, ignores: [], base: root, useIgnores: false, errorOnUnmatchedPattern: false });
  return found.files.map((f) => relative(root, f)).sort();
}

function picked(files: string[], under = ""): string[] {
  const match = picomatch(files, { dot: true });
  return Object.keys(layout)
    .filter((p) => p.startsWith(under) && match(p))
    .sort();
}

describe("the walk's `files` test", () => {
  it.each<[string, string[]]>([
    ["the default globs", DEFAULT_FILES],
    ["one extension, written in capitals", ["**/*.JSON"]],
    ["a glob that is more than an extension, beside extension globs", ["**/*.json", "sub/**/*.yml"]],
    ["a glob of two extensions", ["**/*.tf.json"]],
  ])("picks what picomatch picks: %s", async (_name, files) => {
    const root = fileTree(layout, "ecrlint-files-globs-");
    expect(await walked(root, files)).toEqual(picked(files));
    // A named folder: the globs see the path from the config's folder, through the named one.
    expect(await walked(root, files, "sub")).toEqual(picked(files, "sub/"));
    expect(await walked(root, files, "e.yaml")).toEqual(picked(files, "e.yaml/"));
  });
});
