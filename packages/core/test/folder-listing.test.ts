import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigLocator, FolderListing, seenByConfigSearch, terraformFilesFromIndex, terraformFilesUnder, terraformModuleFiles, terraformReferencesNeedParser, terraformReferencesOnDisk, type FolderEntry } from "../src/index.js";
import { tree } from "./temp-tree.js";

/** A listing that reads the disk and counts each folder's reads. */
function counted(): { listing: FolderListing; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const listing = new FolderListing((dir) => {
    reads.set(dir, (reads.get(dir) ?? 0) + 1);
    return readdirSync(dir, { withFileTypes: true });
  });
  return { listing, reads };
}

/** Every folder under `root` (the way a walk reaches them: no links followed). */
function foldersUnder(root: string): string[] {
  const out = [root];
  for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) out.push(...foldersUnder(join(root, e.name)));
  return out;
}

const policy = JSON.stringify({ Version: "2012-10-17", Statement: [] });
const tfReading = 'resource "aws_ecr_repository_policy" "p" {\n  repository = "r"\n  policy     = file("${path.module}/policy.json")\n}\n';

/** A repository with nested configs, a `.config/` folder, a look-alike, Terraform in plain and skipped folders. */
function project(): string {
  return tree({
    ".git/HEAD": "ref: refs/heads/main\n",
    ".gitignore": "ignored-by-git/\n",
    ".ecrlintrc.json": "{}",
    "package.json": JSON.stringify({ name: "p", ecrlint: undefined }),
    "infra/main.tf": tfReading,
    "infra/policy.json": policy,
    "infra/extra.tf.json": "{}",
    "infra/deep/er/x.json": policy,
    "team/.config/ecrlintrc.yaml": "rules: {}\n",
    "team/a/registry-policy.json": policy,
    "other/ecrlint.json": "{}",
    "other/p.json": policy,
    "vendor/node_modules/dep/main.tf": tfReading,
    "ignored-by-git/main.tf": tfReading,
  });
}

describe("FolderListing", () => {
  it("reads each folder once, and keeps an unreadable folder's error to throw it again", () => {
    const dir = tree({ "a/b.json": "{}" });
    const { listing, reads } = counted();
    expect(listing.entries(dir).map((e) => e.name)).toEqual(["a"]);
    expect(listing.entries(join(dir, "a")).map((e) => [e.name, e.isFile(), e.isDirectory()])).toEqual([["b.json", true, false]]);
    listing.entries(dir);
    const missing = join(dir, "missing");
    expect(() => listing.entries(missing)).toThrow(/ENOENT/);
    expect(() => listing.entries(missing)).toThrow(/ENOENT/);
    expect([...reads.values()]).toEqual([1, 1, 1]);
  });

  it("answers a folder again with the names and kinds the disk gave, in its order, from names and kinds alone", () => {
    const dir = tree({ "a.json": "{}", "sub/b.json": "{}" });
    symlinkSync(join(dir, "a.json"), join(dir, "link.json"));
    execFileSync("mkfifo", [join(dir, "pipe")]);
    const { listing, reads } = counted();
    const shape = (entries: readonly FolderEntry[]) => entries.map((e) => [e.name, e.isFile(), e.isDirectory(), e.isSymbolicLink()]);
    const first = listing.entries(dir);
    const again = listing.entries(dir);
    expect(reads.get(dir)).toBe(1);
    expect(shape(again)).toEqual(shape(first));
    expect(shape(again)).toEqual(shape(readdirSync(dir, { withFileTypes: true })));
    expect(shape(again).find(([name]) => name === "pipe")).toEqual(["pipe", false, false, false]);
    // What is kept is not what the reader gave (a Dirent holds its folder's path too).
    expect(again[0]).not.toBe(first[0]);
    expect(Object.keys(again[0]!)).not.toContain("parentPath");
  });

  it("gives another thread the entries it keeps, with their kinds, and reads only the folders it was not given", () => {
    const dir = tree({ "f.json": "{}", "d/x": "" });
    symlinkSync(join(dir, "f.json"), join(dir, "link.json"));
    const listing = new FolderListing();
    listing.entries(dir);
    const snapshot = listing.snapshot((name) => name !== "d");
    // Plain data: it crosses to a worker thread as it is.
    expect(structuredClone(snapshot)).toEqual(snapshot);
    const reads: string[] = [];
    const restored = FolderListing.from(snapshot, (d) => {
      reads.push(d);
      return readdirSync(d, { withFileTypes: true });
    });
    const kinds = (e: FolderEntry) => [e.name, e.isFile(), e.isDirectory(), e.isSymbolicLink()];
    expect(restored.entries(dir).map(kinds).sort()).toEqual([
      ["f.json", true, false, false],
      ["link.json", false, false, true],
    ]);
    expect(reads).toEqual([]);
    expect(restored.entries(join(dir, "d")).map((e) => e.name)).toEqual(["x"]);
    expect(reads).toEqual([join(dir, "d")]);
  });
});

describe("one listing for the config search and the Terraform search", () => {
  it("lists each folder once across the Terraform files of a project, its modules and every folder's config, with the answers of the disk", () => {
    const root = project();
    const { listing, reads } = counted();
    const folders = foldersUnder(root).filter((d) => !d.includes(".git"));
    const tf = terraformFilesUnder(root, listing);
    const modules = folders.map((d) => terraformModuleFiles(d, listing));
    const shared = new ConfigLocator(undefined, listing);
    const configs = folders.map((d) => shared.forDirectory(d));
    const roots = folders.map((d) => shared.outermostConfigDir(d, root));
    const reading = { roots: [root], listing };
    terraformReferencesNeedParser([join(root, "infra/main.tf")], reading);
    terraformReferencesOnDisk([join(root, "infra/main.tf")], root, reading);

    expect([...reads].filter(([, n]) => n > 1)).toEqual([]);
    // Every folder the searches asked for was read, none above the repository.
    expect([...reads.keys()].sort()).toEqual([...folders].sort());

    const disk = new ConfigLocator();
    expect(tf).toEqual(terraformFilesUnder(root));
    expect(tf.map((f) => f.slice(root.length))).toEqual(["/ignored-by-git/main.tf", "/infra/main.tf"]);
    expect(modules).toEqual(folders.map((d) => terraformModuleFiles(d)));
    expect(configs).toEqual(folders.map((d) => disk.forDirectory(d)));
    expect(roots).toEqual(folders.map((d) => disk.outermostConfigDir(d, root)));
    // The cases the comparison covers: a nested `.config/` config, a look-alike's error, the root's config.
    expect(configs.map((c) => (c.ok ? c.loaded?.filePath?.slice(root.length) : c.error.message))).toEqual(
      expect.arrayContaining(["/.ecrlintrc.json", "/team/.config/ecrlintrc.yaml", expect.stringMatching(/^ecrlint does not read this file/)]),
    );
  });

  it("reads folders through the listing it is given, never around it", () => {
    const root = project();
    // A view of the tree without the root config and infra/'s Terraform: what the searches find shows what they read.
    const hiding = new FolderListing((dir) => readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== "main.tf" && e.name !== ".ecrlintrc.json"));
    expect(terraformFilesUnder(root, hiding)).toEqual([]);
    expect(terraformModuleFiles(join(root, "infra"), hiding)).toEqual([join(root, "infra/extra.tf.json")]);
    const config = new ConfigLocator(undefined, hiding).forDirectory(join(root, "infra"));
    expect(config).toEqual({ ok: true, loaded: undefined });
    expect(terraformReferencesOnDisk([], root, { roots: [root], listing: hiding }).referenced.size).toBe(0);
    expect([...terraformReferencesOnDisk([], root, { roots: [root] }).referenced.keys()]).toEqual([join(root, "infra/policy.json")]);
  });

  it("answers a worker's config search from the entries the config search looks at, without listing a folder again", () => {
    const root = project();
    writeFileSync(join(root, "team/a/.ecrlintrc.json"), "{}");
    writeFileSync(join(root, "team/a/ecrlint.config.json"), "{}");
    mkdirSync(join(root, "sub/.git"), { recursive: true });
    writeFileSync(join(root, "sub/p.json"), policy);
    const main = new FolderListing();
    const folders = foldersUnder(root).filter((d) => !d.includes(".git"));
    const inMain = new ConfigLocator(undefined, main);
    const expected = folders.map((d) => inMain.forDirectory(d));
    const snapshot = main.snapshot(seenByConfigSearch);
    // Only what the search reads is sent: no policy file, no Terraform file.
    expect(snapshot.flatMap(([, entries]) => entries.map(([name]) => name))).not.toContain("policy.json");
    const inWorker = new ConfigLocator(
      undefined,
      FolderListing.from(snapshot, (dir) => {
        throw new Error(`listed again: ${dir}`);
      }),
    );
    expect(folders.map((d) => inWorker.forDirectory(d))).toEqual(expected);
    // A second config in one folder, and a nested repository's .git that stops the search, came through.
    expect(expected.map((c) => (c.ok ? c.loaded?.filePath : c.error.message))).toEqual(expect.arrayContaining([expect.stringMatching(/^two ecrlint configs in one folder/), undefined]));
  });
});

describe("terraformFilesFromIndex: the walk's .tf files from an index listing and the folders around named files", () => {
  const files = {
    "a/main.tf": "",
    "a/b/c/UPPER.TF": "",
    "a/b/c/policy.json": "",
    "a/module.tf.json": "",
    "node_modules/m/main.tf": "",
    "x/.terraform/modules/m/main.tf": "",
    ".git/hooks/x.tf": "",
    "d/e/f/leaf.tf": "",
  };
  const relativeFiles = (root: string) => terraformFilesUnder(root).map((f) => f.slice(root.length + 1));

  it("finds what the walk finds when every file is in the index, and passes over the same names and folders", () => {
    const root = tree(files);
    symlinkSync(join(root, "a/main.tf"), join(root, "a/linked.tf"));
    const walked = terraformFilesUnder(root);
    expect(relativeFiles(root)).toEqual(["a/b/c/UPPER.TF", "a/main.tf", "d/e/f/leaf.tf"]);
    // git ls-files lists links and the skipped folders' files too; the caller has dropped links already.
    expect(terraformFilesFromIndex(root, Object.keys(files), [])).toEqual(walked);
  });

  it("adds the .tf files of the near folders and the folders above them up to the root, through the listing", () => {
    const root = tree(files);
    const { listing, reads } = counted();
    const found = terraformFilesFromIndex(root, [], [join(root, "a/b/c"), join(root, "a/b"), join(root, "x/.terraform/modules/m"), join(root, "..")], listing);
    expect(found.map((f) => f.slice(root.length + 1))).toEqual(["a/b/c/UPPER.TF", "a/main.tf"]);
    // Each folder once; none under a skipped folder, none outside the root, none beside the path.
    expect([...reads.keys()].map((d) => d.slice(root.length)).sort()).toEqual(["", "/a", "/a/b", "/a/b/c"]);
    expect([...reads.values()].every((n) => n === 1)).toBe(true);
  });

  it("does not list a near folder reached through a linked folder, which the walk never enters", () => {
    const root = tree(files);
    symlinkSync(join(root, "d/e"), join(root, "link"));
    expect(terraformFilesFromIndex(root, [], [join(root, "link/f")])).toEqual([]);
    expect(terraformFilesFromIndex(root, [], [join(root, "d/e/f")]).map((f) => f.slice(root.length + 1))).toEqual(["d/e/f/leaf.tf"]);
  });
});
