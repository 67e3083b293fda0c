// `npm run example`: runs the built `ecrlint` on the two example monorepos, one with real mistakes and one clean,
// as CI would, and shows the exit code of each command. The gate's exit code is shown, not passed on: this demo
// itself exits 0.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const bin = join(root, "packages", "cli", "bin", "ecrlint.js");
const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${text}\u001b[22m` : text);

const examples = [
  { dir: "examples/with-mistakes", title: "policies with the mistakes ecrlint exists to catch" },
  { dir: "examples/platform-infra", title: "the same kind of repository, correct" },
];
const commands = [["ecrlint"], ["ecrlint", "test"]];
const meaning = { 0: "the gate passes", 1: "CI fails the job here", 2: "the setup is broken (usage, config or internal error)" };

for (const { dir, title } of examples) {
  console.log(bold(`\n━━ ${dir}: ${title}\n`));
  for (const [name, ...args] of commands) {
    console.log(bold(`$ npx ${[name, ...args].join(" ")}`));
    const { status, error } = spawnSync(process.execPath, [bin, ...args], { cwd: join(root, dir), stdio: "inherit" });
    if (error) throw error;
    console.log(bold(`→ exit code ${status}: ${meaning[status] ?? "unexpected"}\n`));
  }
}

console.log(`The CI gate is the two commands above, run in the repository:

  npx ecrlint && npx ecrlint test

Exit code 0 passes; 1 means findings or failing cases; 2 a broken setup. CI fails the job on anything but 0.
(This demo only shows the exit codes, and exits 0 itself.)`);
