import { basename, extname } from "node:path";
import { parseJsonText, propertyName, rootExpression, type JsonNode } from "../parse.js";
import { parseYamlText } from "../yaml.js";

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
  const parsed = format === "yaml" ? parseYamlText(text) : parseJsonText(text, "JSONC");
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
