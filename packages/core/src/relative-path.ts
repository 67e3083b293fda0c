import { isAbsolute, sep } from "node:path";

/**
 * Whether a path that `path.relative(from, to)` gave leads out of `from`: it is `..` or starts with `../`, or it is
 * absolute (another drive on Windows). A name that only starts with two dots (`..x`, `...`) is a child of `from`,
 * which a `startsWith("..")` test takes for a way out.
 */
export function leavesFolder(relativePath: string): boolean {
  return relativePath === ".." || relativePath.startsWith(`..${sep}`) || relativePath.startsWith("../") || isAbsolute(relativePath);
}
