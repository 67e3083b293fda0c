// One file linted alone in a warm process: the files ECRLINT_TIMING names slowest in a tree are each copied, with
// the tree's config, into a folder of their own and linted by `lint()` (every rule the config turns on, cross-file
// rules over that one file); the first run loads modules and warms the JIT, the next `rounds` are timed. A file's
// time in a whole-tree run also holds whatever loading its rules did first; this is the file's own cost.
//   node bench/slowest.mjs <tree> <rounds> <file>... (prints JSON: [{ file, ms: [...] }])
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { lint } from "../packages/cli/dist/index.js";

const [tree, rounds, ...files] = process.argv.slice(2);
const out = [];
for (const file of files) {
  const dir = mkdtempSync(join(tmpdir(), "ecrlint-bench-one-"));
  try {
    copyFileSync(join(tree, ".ecrlintrc.json"), join(dir, ".ecrlintrc.json"));
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(tree, file), join(dir, file));
    await lint({ cwd: dir });
    const ms = [];
    for (let i = 0; i < Number(rounds); i++) {
      const start = process.hrtime.bigint();
      await lint({ cwd: dir });
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    out.push({ file, ms });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify(out)}\n`);
