import { join } from "node:path";
import { getDefaultSearchPlaces } from "cosmiconfig";
import { diskFolders, type FolderEntry, type FolderReader } from "../folder-listing.js";
import { parseJsonText, staticValue } from "../parse.js";
import type { KeptTexts } from "../kept-texts.js";
import { readTextFile } from "../text-file.js";
import type { ConfigError } from "./validate.js";

const MODULE = "ecrlint";

/**
 * The extensions of the files a run reads by default (JSON policies, `.tf.json` among them, CloudFormation YAML,
 * Terraform): the runner's default `files`, and the files the ESLint plugin's cross-file rules read as the project.
 */
export const POLICY_FILE_EXTENSIONS: readonly string[] = ["json", "jsonc", "json5", "yaml", "yml", "template", "tf"];

/**
 * The names ecrlint reads in each folder, in the order it looks for them: every name of cosmiconfig's defaults
 * (`package.json#ecrlint`, `.ecrlintrc*`, `.config/ecrlintrc*`, `ecrlint.config.*`), `ecrlint.config.json`, and the
 * JSON-with-comments names that `ecrlint init` writes (a starter config explains itself in comments).
 */
export const CONFIG_FILE_NAMES: readonly string[] = (() => {
  const names = [...getDefaultSearchPlaces(MODULE)];
  names.splice(names.indexOf(`.${MODULE}rc.json`) + 1, 0, `.${MODULE}rc.jsonc`);
  names.splice(names.indexOf(`.config/${MODULE}rc.json`) + 1, 0, `.config/${MODULE}rc.jsonc`);
  names.push(`${MODULE}.config.json`, `${MODULE}.config.jsonc`);
  return names;
})();

/** The same names, for lookups: every entry of every folder of a run is looked up. */
const CONFIG_NAMES = new Set(CONFIG_FILE_NAMES);

/**
 * Whether a name may be a config or a look-alike at all: every such name holds "ecrlint" but package.json. A test
 * cheaper than the names' and the look-alike pattern's, which most entries of a tree fail.
 */
const MENTIONS_MODULE = new RegExp(MODULE, "i");
const mayConcernUs = (name: string) => name === "package.json" || (name.length >= MODULE.length && MENTIONS_MODULE.test(name));

/**
 * `[.]ecrlint[rc][.config|-config|_config][.qualifier…][.extension]`: the parts of a name that may be meant for a
 * config. A qualifier (`.local`, `-dev`) counts only after `rc` or `config`: `ecrlint-test.json` is a report.
 */
const LOOK_ALIKE = /^(\.?)ecrlint(rc)?([._-]config)?((?:[._-][a-z0-9]+)*?)(?:\.([a-z0-9]+))?$/i;
const DATA_EXTENSIONS = ["json", "jsonc", "json5", "yaml", "yml", "toml"];
const CODE_EXTENSIONS = ["js", "cjs", "mjs", "ts", "cts", "mts"];

/**
 * A name someone may well have given an ecrlint config that ecrlint does not read: `ecrlint.json`, `.ecrlint.yaml`,
 * `ecrlint.config.yml`, `ecrlint-config.json`, `ecrlintrc.json`, `.ecrlintrc.toml`, `.ecrlintrc.local.json`,
 * `.ecrlintignore`… Script names such as `ecrlint.js` and report names such as `ecrlint.sarif` are not configs.
 */
function looksLikeConfig(name: string): boolean {
  if (/^\.ecrlintignore$/i.test(name)) return true;
  const match = LOOK_ALIKE.exec(name);
  if (!match) return false;
  const [, dot, rc, config, qualifier, extension] = match;
  if (qualifier && !rc && !config) return false;
  if (extension === undefined) return Boolean(dot || rc || config);
  const ext = extension.toLowerCase();
  if (DATA_EXTENSIONS.includes(ext)) return true;
  return CODE_EXTENSIONS.includes(ext) && Boolean(dot || rc || config);
}

/**
 * The names to rename a look-alike to, in the folder it is in (`.config/` holds `ecrlintrc.*` only): the nearest
 * names ecrlint reads, in the form of the original first (`ecrlint.config.cts` → `ecrlint.config.ts`).
 */
function suggestion(name: string, inConfigFolder: boolean): string {
  if (/^\.ecrlintignore$/i.test(name)) return "ecrlint reads no ignore file: list the globs in the config's `ignores` (it also skips what .gitignore skips)";
  const match = LOOK_ALIKE.exec(name);
  const ext = match?.[5]?.toLowerCase();
  const configForm = Boolean(match?.[3]);
  const known = (n: string) => CONFIG_FILE_NAMES.includes(inConfigFolder ? `.config/${n}` : n);
  const rc = inConfigFolder ? `${MODULE}rc` : `.${MODULE}rc`;
  const both = (e: string) => (configForm ? [`${MODULE}.config.${e}`, `${rc}.${e}`] : [`${rc}.${e}`, `${MODULE}.config.${e}`]);
  const rename = (names: string[]) => `rename it to ${[...new Set(names.filter(known))].slice(0, 2).map((n) => `\`${n}\``).join(" or ")}`;
  const local = match?.[4] ? ` (ecrlint reads one config per folder, with no \`${match[4]}\` variant)` : "";
  switch (ext) {
    case "json":
    case "jsonc":
      return rename(both(ext)) + local;
    case "json5":
      return `JSON5 is not read: ${rename(both("jsonc"))}${local}`;
    case "toml":
      return `TOML is not read: ${rename([`${rc}.yaml`])}${local}`;
    case "yaml":
    case "yml":
    case undefined:
      return rename([ext ? `${rc}.${ext}` : rc]) + local;
    case "cts":
      return rename([...both("ts"), ...both("cjs")]) + local;
    case "mts":
      return rename([...both("ts"), ...both("mjs")]) + local;
    default:
      return rename([...both(ext), ...both("mjs")]) + local;
  }
}

/** A report written with `--format json --output-file ecrlint.json` is a list, never a config. */
function isReport(path: string, name: string): boolean {
  if (!/\.json[c5]?$/i.test(name)) return false;
  try {
    const read = readTextFile(path, { maxBytes: 1024 * 1024 });
    const parsed = read.ok ? parseJsonText(read.text, "JSONC") : undefined;
    return parsed?.ok === true && Array.isArray(staticValue(parsed.ast));
  } catch {
    return false;
  }
}

function hasPackageJsonConfig(path: string, listedAsFile: boolean, texts: KeptTexts | undefined): boolean {
  try {
    // Only a regular file is read (a package.json linked to /dev/zero never ends); a broken one is read by the
    // loader, which says what is wrong when it mentions ecrlint.
    const read = readTextFile(path, { maxBytes: 1024 * 1024, listedAsFile });
    texts?.keep(path, read);
    if (!read.ok) return false;
    // The key as written, or written with an escape (`"ecrl\u0069nt"`), which JSON.parse reads as the same key.
    if (!read.text.includes('"ecrlint"') && !read.text.includes("\\u")) return false;
    try {
      const value = JSON.parse(read.text) as Record<string, unknown> | null;
      return typeof value === "object" && value !== null && Object.hasOwn(value, MODULE);
    } catch {
      return true;
    }
  } catch {
    return false;
  }
}

function entries(dir: string, folders: FolderReader): readonly FolderEntry[] {
  try {
    return folders.entries(dir);
  } catch {
    return [];
  }
}

const isFile = (e: FolderEntry) => e.isFile() || e.isSymbolicLink();

/**
 * Whether the config search looks at an entry of this name (in a folder or in its `.config/`): a config, a
 * look-alike, `.config` itself, or `.git`, where the search stops. A listing of these entries alone gives the
 * search the answers the whole listing would (a worker thread is sent only these).
 */
export function seenByConfigSearch(name: string): boolean {
  return name === ".config" || name === ".git" || (mayConcernUs(name) && (CONFIG_NAMES.has(name) || CONFIG_NAMES.has(`.config/${name}`) || looksLikeConfig(name)));
}

/**
 * A FIFO, socket, device or folder under a config's name: reported, never opened (reading a FIFO waits forever).
 * cosmiconfig passes over a folder named `.ecrlintrc.json`, and the files below would then be linted under another
 * config than the one their author meant: ecrlint says so instead.
 */
function notRegular(dir: string, listing: readonly FolderEntry[], prefix: string): ConfigError | undefined {
  const special = listing.find((e) => mayConcernUs(e.name) && !isFile(e) && CONFIG_NAMES.has(prefix + e.name));
  if (!special) return undefined;
  const message = special.isDirectory() ? "cannot read config: not a regular file (a directory)" : "cannot read config: not a regular file";
  return { filePath: join(dir, prefix + special.name), keyPath: "", message };
}

/** The configs of one folder, nearest-first as ecrlint reads them, and what is wrong with its config files. */
export interface ConfigFolder {
  /** Names relative to the folder (`.ecrlintrc.json`, `.config/ecrlintrc.yaml`, `package.json` with an "ecrlint" key). */
  configs: string[];
  /**
   * A file named like an ecrlint config that ecrlint would silently pass over, or two configs that ecrlint would
   * choose between without saying.
   */
  problem?: ConfigError;
}

/**
 * Reads one folder's listing (and its `.config/`'s when there is one): a config search then costs one `readdir` per
 * folder, where probing each of the two dozen names would cost two dozen failed reads; none when `folders` (a run's
 * listing) has read the folder already. A package.json read for its "ecrlint" key is kept in `texts`, for the
 * run that lints it next.
 */
export function readConfigFolder(dir: string, folders: FolderReader = diskFolders, texts?: KeptTexts): ConfigFolder {
  const configs: string[] = [];
  const top = entries(dir, folders);
  const listings: [string, readonly FolderEntry[]][] = [["", top]];
  const inner = top.some((e) => e.name === ".config" && e.isDirectory()) ? entries(join(dir, ".config"), folders) : [];
  if (inner.length) listings.push([".config/", inner]);
  const special = notRegular(dir, top, "") ?? notRegular(dir, inner, ".config/");
  if (special) return { configs, problem: special };
  for (const [prefix, entries] of listings) {
    const inConfigFolder = prefix !== "";
    for (const entry of entries) {
      if (!mayConcernUs(entry.name) || !isFile(entry)) continue;
      const relative = prefix + entry.name;
      const path = join(dir, relative);
      if (CONFIG_NAMES.has(relative)) {
        if (relative !== "package.json" || hasPackageJsonConfig(path, entry.isFile(), texts)) configs.push(relative);
      } else if (looksLikeConfig(entry.name) && !isReport(path, entry.name)) {
        return { configs, problem: { filePath: path, keyPath: "", message: `ecrlint does not read this file: ${suggestion(entry.name, inConfigFolder)}` } };
      }
    }
  }
  configs.sort((a, b) => CONFIG_FILE_NAMES.indexOf(a) - CONFIG_FILE_NAMES.indexOf(b));
  if (configs.length < 2) return { configs };
  const [used, ...others] = configs;
  return {
    configs,
    problem: {
      filePath: join(dir, others[0]!),
      keyPath: "",
      message: `two ecrlint configs in one folder: ${configs.map((n) => `\`${n}\``).join(", ")}; ecrlint would read \`${used}\` alone: merge them into one`,
    },
  };
}
