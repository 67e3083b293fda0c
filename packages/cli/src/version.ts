import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function versionOf(packageJsonPath: string): string {
  return (JSON.parse(readFileSync(packageJsonPath, "utf8")) as { version: string }).version;
}

/** This package's version (what `--version` prints). */
export const VERSION = versionOf(new URL("../package.json", import.meta.url).pathname);

/** Results depend on the runner and on the rules in core: both versions key the cache. */
export function cacheVersion(): string {
  return `cli@${VERSION}+core@${versionOf(require.resolve("@ecrlint/core/package.json"))}`;
}
