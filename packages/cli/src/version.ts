import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function versionOf(packageJsonPath: string): string {
  return (JSON.parse(readFileSync(packageJsonPath, "utf8")) as { version: string }).version;
}

/** This package's version (what `--version` prints). */
export const VERSION = versionOf(new URL("../package.json", import.meta.url).pathname);

/**
 * The size and time of every built module of a package: a rebuilt runner or rule set (a local build, a patched
 * install) changes it even when the version number does not, so stale cached findings are never served.
 */
function buildFingerprint(distDir: string): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    // In the order of the names' code units: any fixed order will do, and localeCompare's collation was most of
    // the cost of a warm run's fingerprint.
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".js")) {
        const { size, mtimeMs } = statSync(path);
        hash.update(`${path}:${size}:${mtimeMs}\n`);
      }
    }
  };
  try {
    walk(distDir);
  } catch {
    return "unknown";
  }
  return hash.digest("hex").slice(0, 16);
}

/** Results depend on the runner, on core and on the rules: their versions and builds key the cache. */
export function cacheVersion(): string {
  const corePackage = require.resolve("@ecrlint/core/package.json");
  const rulesPackage = require.resolve("@ecrlint/rules/package.json");
  const cliDist = dirname(new URL(import.meta.url).pathname);
  const build = buildFingerprint(join(dirname(corePackage), "dist")) + buildFingerprint(join(dirname(rulesPackage), "dist")) + buildFingerprint(cliDist);
  return `cli@${VERSION}+core@${versionOf(corePackage)}+rules@${versionOf(rulesPackage)}+${build}`;
}
