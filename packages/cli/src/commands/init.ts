import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { CONFIG_FILE_NAMES } from "@ecrlint/core";
import { proposeConfig, renderConfig, schemaReference } from "../init.js";
import { showControlsByLine } from "../formatters/shared.js";
import { parseOrExit, subcommand, type CommandIo } from "./program.js";

/** The file `ecrlint init` writes: JSON with comments, so the starter config can say what to check. */
export const INIT_CONFIG_FILE = "ecrlint.config.jsonc";

const ESLINT_CONFIGS = ["eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", "eslint.config.cts"];

function existingConfig(dir: string): string | undefined {
  return CONFIG_FILE_NAMES.find((name) => {
    const path = join(dir, name);
    if (!existsSync(path)) return false;
    if (name !== "package.json") return true;
    try {
      return (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>).ecrlint !== undefined;
    } catch {
      return false;
    }
  });
}

function installedSchema(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, "node_modules", "@ecrlint", "cli", "schema", "config.json");
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return undefined;
  }
}

/** One line of the user's answer; undefined when input ends first (no terminal, nobody to ask). */
function readAnswer(stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: stdin });
    let answer: string | undefined;
    lines.once("line", (line) => {
      answer = line;
      lines.close();
    });
    lines.once("close", () => resolve(answer));
  });
}

/** Whether `.js` files in `dir` are ES modules: the `type` of the nearest package.json (CommonJS when none says). */
export function isEsmProject(dir: string): boolean {
  for (let current = dir; ; current = dirname(current)) {
    const path = join(current, "package.json");
    if (existsSync(path)) {
      try {
        return (JSON.parse(readFileSync(path, "utf8")) as { type?: unknown }).type === "module";
      } catch {
        return false;
      }
    }
    if (dirname(current) === current) return false;
  }
}

/**
 * The lines to add to ESLint's config. A config written as ESM (`.mjs`, `.mts`, or `.js`/`.ts` in a
 * `"type": "module"` project) imports the plugin; a CommonJS one requires it. With no config yet, the new file is
 * `eslint.config.js` in an ESM project and `eslint.config.mjs` otherwise (`npm init` writes `"type": "commonjs"`).
 */
export function eslintAdvice(dir: string): string {
  const existing = ESLINT_CONFIGS.find((name) => existsSync(join(dir, name)));
  const esm = isEsmProject(dir);
  const importLine = 'import ecrlint from "@ecrlint/eslint-plugin";';
  if (existing) {
    const commonJs = /\.c[jt]s$/.test(existing) || (/\.[jt]s$/.test(existing) && !esm);
    const line = commonJs ? 'const ecrlint = require("@ecrlint/eslint-plugin").default;' : importLine;
    return `ESLint: add this line to the array ${existing} exports (with \`${line}\` at the top):\n  ...ecrlint.configs.recommended,\n`;
  }
  const file = esm ? "eslint.config.js" : "eslint.config.mjs";
  return `ESLint: no ESLint config here; to see findings in the editor and in \`eslint .\`, create ${file} with:\n  ${importLine}\n  export default [...ecrlint.configs.recommended];\n`;
}

/**
 * `ecrlint init [--yes]`: finds the repository's policy files, proposes its registries and writes a starter
 * `ecrlint.config.jsonc`. Never overwrites a file. Exit 0 when written (or declined), 2 when a config exists
 * already or nobody answered.
 */
export async function runInitCommand(argv: string[], io: CommandIo): Promise<number> {
  const program = subcommand("ecrlint init", io)
    .description(`Find the policy files of this repository and write a starter ${INIT_CONFIG_FILE} for them`)
    .option("-y, --yes", "write the file without asking (for scripts)");
  const exit = parseOrExit(program, argv);
  if (exit !== undefined) return exit;
  const { yes } = program.opts<{ yes?: boolean }>();
  const existing = existingConfig(io.cwd);
  if (existing) {
    io.stderr(`ecrlint init: ${join(io.cwd, existing)} already configures ecrlint; init never overwrites a file.\n`);
    return 2;
  }
  const target = join(io.cwd, INIT_CONFIG_FILE);
  const proposal = await proposeConfig(io.cwd);
  const text = renderConfig(proposal, schemaReference(io.cwd, installedSchema(io.cwd)));
  const fileCount = proposal.registries.reduce((n, r) => n + r.files.length, 0) + proposal.unplaced.length;
  const found = fileCount === 0 ? "Found no policy file" : `Found ${fileCount} policy file${fileCount === 1 ? "" : "s"} for ${proposal.registries.length} registr${proposal.registries.length === 1 ? "y" : "ies"}`;
  // The globs may hold any character of a folder's name: escapes on the terminal, the file itself as it is.
  io.stdout(`${found}.\n\n${showControlsByLine(text)}\n`);

  if (!yes) {
    io.stdout(`Write ${INIT_CONFIG_FILE}? [Y/n] `);
    const answer = io.stdin ? await readAnswer(io.stdin) : undefined;
    if (answer === undefined) {
      io.stderr(`\necrlint init: no answer, nothing written; run \`ecrlint init --yes\` to write ${INIT_CONFIG_FILE} without asking.\n`);
      return 2;
    }
    if (!/^\s*(y|yes)?\s*$/i.test(answer)) {
      io.stdout("Nothing written.\n");
      return 0;
    }
  }
  try {
    writeFileSync(target, text, { flag: "wx" });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(`ecrlint init: ${code === "EEXIST" ? `${target} exists; init never overwrites a file` : `cannot write ${target}: ${code ?? String(error)}`}.\n`);
    return 2;
  }
  io.stdout(
    `Wrote ${INIT_CONFIG_FILE}. Next:\n` +
      "  npx ecrlint         lint every policy file (exit 1 on errors: the command that gates CI)\n" +
      "  npx ecrlint test    run the *.cases.json access tests\n" +
      eslintAdvice(io.cwd),
  );
  return 0;
}
