// After `changeset version`: the places outside package.json files that name the @ecrlint/cli version follow it.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const { version } = JSON.parse(readFileSync(join(root, "packages", "cli", "package.json"), "utf8"));

for (const file of [".pre-commit-hooks.yaml", "README.md"]) {
  const path = join(root, file);
  const text = readFileSync(path, "utf8");
  const updated = text
    // pre-commit installs this version of the runner for the hooks,
    .replace(/"@ecrlint\/cli@[^"]+"/g, `"@ecrlint/cli@${version}"`)
    // and the pre-commit examples name the release tag.
    .replace(/^(#?\s+rev: )v\d+\.\d+\.\d+\S*$/gm, `$1v${version}`);
  if (!updated.includes(version)) throw new Error(`${file}: found no version to update`);
  writeFileSync(path, updated);
}
console.log(`@ecrlint/cli ${version}: .pre-commit-hooks.yaml and README.md follow.`);
