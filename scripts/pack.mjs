// `npm run pack [-- <folder>]`: the tarball of every published workspace package (the root `workspaces`, less the
// private ones such as the examples), in one folder, ready for `npm i -D <folder>/ecrlint-*.tgz` in a project.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const root = resolve(import.meta.dirname, "..");
// `npm run` starts scripts in the root; a relative folder means what it meant where the command was typed.
const destination = resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2] ?? join(root, "packs"));

const run = (args) => execFileSync(npm, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], shell: process.platform === "win32" });

/** @type {{ name: string; location: string }[]} */
const packages = JSON.parse(run(["query", ".workspace:not(:private)"]));
if (packages.length === 0) throw new Error("no public workspace package found: run `npm ci` first");

mkdirSync(destination, { recursive: true });
// A tarball of an older version left in the folder would be installed next to the new one by `ecrlint-*.tgz`.
const stale = new Set(packages.map((p) => p.name.replace(/^@/, "").replace("/", "-")));
for (const file of readdirSync(destination)) {
  const match = /^(.+)-\d+\.\d+\.\d+(?:-[\w.]+)?\.tgz$/.exec(file);
  if (match && stale.has(match[1])) rmSync(join(destination, file));
}

/** @type {{ name: string; filename: string }[]} */
const packed = JSON.parse(run(["pack", "--json", "--pack-destination", destination, ...packages.flatMap((p) => ["-w", p.name])]));
for (const p of packed) console.log(join(destination, p.filename.replace(/^@/, "").replace("/", "-")));
console.log(`\n${packed.length} packages. In your project: npm i -D ${join(destination, "ecrlint-*.tgz")}`);
