import { basename, extname } from "node:path";
import { parseJsonText, propertyName, rootExpression, type JsonNode } from "../parse.js";
import { yaml } from "../yaml.js";

/** A key path as the config schema's validator walks it: property names and array indexes. */
export type ConfigKeyPath = readonly (string | number)[];

/**
 * Where a key path is written in a config file's text, 1-based line and column: the key itself when `at` is "key"
 * (an unknown key), else its value (a value of the wrong type or shape). A key that is not there (a required one)
 * is placed at the object it is missing from. Undefined for a config that is code (`.js`, `.ts`), whose values are
 * computed, and for text that does not parse (its syntax error is reported instead). `package.json` holds the config
 * under its "ecrlint" key.
 */
export function configKeyPosition(filePath: string, text: string, path: ConfigKeyPath, at: "key" | "value" = "value"): { line: number; column: number } | undefined {
  const format = configTextFormat(filePath);
  if (!format) return undefined;
  if (format === "yaml") return yamlKeyPosition(text, path, at);
  const parsed = parseJsonText(text, "JSONC");
  if (!parsed.ok) return undefined;
  let node: JsonNode | undefined = rootExpression(parsed.ast);
  let keyNode: JsonNode | undefined;
  let found = true;
  for (const segment of basename(filePath) === "package.json" ? ["ecrlint", ...path] : path) {
    const child = childAt(node, segment);
    if (!child) {
      found = false;
      break;
    }
    [node, keyNode] = [child.value, child.key];
  }
  const placed = found && at === "key" && keyNode ? keyNode : node;
  return placed ? { line: placed.loc.start.line, column: placed.loc.start.column + 1 } : undefined;
}

/** How a config file's text is written, from its name as the config search reads it (cosmiconfig's loaders). */
function configTextFormat(filePath: string): "json" | "yaml" | undefined {
  const ext = extname(filePath).toLowerCase();
  if (ext === ".json" || ext === ".jsonc" || ext === ".json5") return "json";
  // An extensionless rc file is read as YAML, of which JSON is a part.
  if (ext === ".yaml" || ext === ".yml" || ext === "") return "yaml";
  return undefined;
}

function childAt(node: JsonNode | undefined, segment: string | number): { key?: JsonNode; value: JsonNode } | undefined {
  if (node?.type === "JSONObjectExpression") {
    // The last of duplicate keys is the one a loader keeps.
    const property = node.properties.findLast((p) => propertyName(p) === String(segment));
    return property ? { key: property.key, value: property.value } : undefined;
  }
  if (node?.type === "JSONArrayExpression" && typeof segment === "number") {
    const element = node.elements[segment];
    return element ? { value: element } : undefined;
  }
  return undefined;
}

type YamlNode = import("yaml").Node | import("yaml").Pair | null | undefined;

/**
 * {@link configKeyPosition} in YAML, read as the config loader reads it (the first document, aliases resolved, `<<`
 * merge keys followed): the `yaml` library's own tree, whose nodes keep their offsets.
 */
function yamlKeyPosition(text: string, path: ConfigKeyPath, at: "key" | "value"): { line: number; column: number } | undefined {
  const lib = yaml();
  const lineCounter = new lib.LineCounter();
  let doc: import("yaml").Document.Parsed;
  try {
    doc = lib.parseDocument(text, { lineCounter, uniqueKeys: false, merge: true });
  } catch {
    return undefined;
  }
  const resolved = (node: YamlNode): YamlNode => (lib.isAlias(node) ? (node.resolve(doc) as YamlNode) : node);
  /** The pair of `key` in a map, its merge keys' maps included (a key of its own wins), and the merge it came through. */
  const pairOf = (map: import("yaml").YAMLMap, key: string): { pair: import("yaml").Pair; merge?: YamlNode } | undefined => {
    const own = map.items.findLast((p) => lib.isScalar(p.key) && typeof p.key.value !== "symbol" && String(p.key.value) === key);
    if (own) return { pair: own };
    for (const p of map.items) {
      // With merge keys on, the library reads `<<` as a symbol; its source says what was written.
      if (!(lib.isScalar(p.key) && (p.key as { source?: unknown }).source === "<<")) continue;
      const sources = lib.isSeq(resolved(p.value as YamlNode)) ? (resolved(p.value as YamlNode) as import("yaml").YAMLSeq).items : [p.value];
      for (const source of sources) {
        const merged = resolved(source as YamlNode);
        const found = lib.isMap(merged) ? pairOf(merged, key) : undefined;
        if (found) return { pair: found.pair, merge: p.key as YamlNode };
      }
    }
    return undefined;
  };
  // An alias is followed to go further in, and is itself the place of a value it stands for (`ignores: *shared`).
  // What is found through an alias or a merge key is placed where it is used: the anchor's own text may be right
  // where it stands (`rules: &r` read again as a registry).
  let node = doc.contents as YamlNode;
  let keyNode: YamlNode;
  let via: YamlNode;
  let found = true;
  for (const segment of path) {
    const container = resolved(node);
    if (container !== node) via ??= node;
    let next: YamlNode;
    let nextKey: YamlNode;
    if (lib.isMap(container)) {
      const hit = pairOf(container, String(segment));
      next = hit ? (hit.pair.value as YamlNode) : undefined;
      nextKey = hit?.pair.key as YamlNode;
      if (hit?.merge) via ??= hit.merge;
    } else if (lib.isSeq(container) && typeof segment === "number") next = container.items[segment] as YamlNode;
    if (next === undefined || next === null) {
      found = false;
      break;
    }
    [node, keyNode] = [next, nextKey];
  }
  const placed = via ?? (found && at === "key" && keyNode ? keyNode : node);
  const offset = (placed as { range?: [number, number, number] } | undefined)?.range?.[0];
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
