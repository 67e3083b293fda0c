import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * A syntax tree as plain data, to compare two trees: each `parent` as its type and range (the tree is cyclic), every
 * other field as it is, and the order of each object's fields (`#fields`), which a comparison of objects would not see.
 */
export function plain(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(plain);
  const out: Record<string, unknown> = { "#fields": Object.keys(node).join() };
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "parent" ? (value ? `${(value as { type: string }).type}@${String((value as { range: number[] }).range)}` : value) : plain(value);
  }
  return out;
}

/** The JSON, JSONC and JSON5 files under a folder, node_modules left out. */
export function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") jsonFiles(path, out);
    else if (/\.json5?$|\.jsonc$/.test(entry.name)) out.push(path);
  }
  return out;
}
