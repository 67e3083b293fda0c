import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** ESLint's flat config names (config-loader.js `FLAT_CONFIG_FILENAMES`). */
const ESLINT_CONFIG_FILES = ["eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", "eslint.config.mts", "eslint.config.cts"];

/** The ESLint 9 flags that make it look for the config from the linted file, as ESLint 10 always does. */
const LOOKUP_FROM_FILE_FLAGS = ["v10_config_lookup_from_file", "unstable_config_lookup_from_file"];

/** How the running ESLint was told to find its config, read from its command line and environment. */
export interface ConfigLookup {
  /** `-c`/`--config` named a file, or `--no-config-lookup`: ESLint's base path is then the working directory. */
  overridden: boolean;
  /** An ESLint 9 flag asked for ESLint 10's lookup from the linted file's folder. */
  fromFileFlag: boolean;
}

/**
 * Reads `-c`, `--config`, `--no-config-lookup` and `--flag` off the command line when the process is ESLint's CLI
 * (`process.argv[1]` is its bin), and `ESLINT_FLAGS`. Anything else (an editor's language server, the Node API)
 * has no command line to read: the lookup ESLint makes without `-c` is assumed.
 */
export function configLookupOf(argv: readonly string[] = process.argv, env: Readonly<Record<string, string | undefined>> = process.env): ConfigLookup {
  const flags = (env["ESLINT_FLAGS"] ?? "").split(",").map((f) => f.trim());
  const lookup: ConfigLookup = { overridden: false, fromFileFlag: false };
  const script = argv[1] ?? "";
  if (/(?:^|[\\/])eslint(?:\.[cm]?js)?$/u.test(script) || /[\\/]eslint\d*[\\/]bin[\\/]eslint\.js$/u.test(script)) {
    for (let i = 2; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === "--") break;
      if (arg === "-c" || arg === "--config" || arg.startsWith("--config=") || arg === "--no-config-lookup") lookup.overridden = true;
      else if (arg === "--flag") flags.push(argv[++i] ?? "");
      else if (arg.startsWith("--flag=")) flags.push(arg.slice("--flag=".length));
    }
  }
  lookup.fromFileFlag = flags.some((f) => LOOKUP_FROM_FILE_FLAGS.includes(f));
  return lookup;
}

function findConfigUp(start: string, cache: Map<string, string | undefined>): string | undefined {
  if (cache.has(start)) return cache.get(start);
  let found: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (ESLINT_CONFIG_FILES.some((name) => existsSync(join(dir, name)))) {
      found = dir;
      break;
    }
    if (dirname(dir) === dir) break;
  }
  cache.set(start, found);
  return found;
}

const found = new Map<string, string | undefined>();

/**
 * The folder ESLint resolves a config's `files` against for this file, which `settings.ecrlint` globs follow
 * (ESLint's `ConfigLoader.locateConfigFileToUse`, the same in ESLint 9 and 10):
 * - a config given with `-c`/`--config`, or `--no-config-lookup`: the working directory;
 * - else the folder of the `eslint.config.*` found, looking up from the linted file's folder (ESLint 10, or ESLint 9
 *   with the `v10_config_lookup_from_file` flag) or from the working directory (ESLint 9);
 * - else the working directory.
 * `eslint9` tells the ESLint major, which a rule is not told either: ESLint 10 removed `context.getCwd`.
 */
export function eslintBasePath(filename: string, cwd: string, eslint9: boolean, lookup: ConfigLookup = configLookupOf()): string {
  if (lookup.overridden) return cwd;
  const start = eslint9 && !lookup.fromFileFlag ? cwd : dirname(filename);
  return findConfigUp(start, found) ?? cwd;
}
