// The floor the runner is measured against: find every JSON file under a folder (skipping node_modules and .git),
// read it and JSON.parse it; Terraform and YAML files (for trees generated with --iac-share) are read, not parsed.
// No config, no rules, no output.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Walks, reads and parses a tree as the floor does: how many JSON files, and how many of them JSON.parse read. */
export function readAndParse(root) {
  let files = 0;
  let parsed = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".git") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.(tf|ya?ml)$/.test(entry.name)) readFileSync(path, "utf8");
      else if (entry.isFile() && /\.json[c5]?$/.test(entry.name)) {
        files++;
        try {
          JSON.parse(readFileSync(path, "utf8"));
          parsed++;
        } catch {
          // JSONC and JSON5 files are not plain JSON: reading them is the work that counts.
        }
      }
    }
  };
  walk(root);
  return { files, parsed };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { files, parsed } = readAndParse(process.argv[2] ?? ".");
  process.stdout.write(`${files} files, ${parsed} parsed\n`);
}
