import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { buildConfigSchema, projectRules } from "../src/index.js";
import { knownRules } from "../src/rules-config.js";
import { packageDir } from "./helpers.js";

const shipped = JSON.parse(readFileSync(join(packageDir, "schema", "config.json"), "utf8")) as Record<string, unknown>;

describe("schema/config.json", () => {
  it("is what generate-schema.mjs writes from the rules (run it after adding a rule)", () => {
    expect(shipped).toEqual(buildConfigSchema());
  });

  it("is exported as @ecrlint/cli/schema/config.json", () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { exports: Record<string, string>; files: string[] };
    expect(pkg.exports["./schema/config.json"]).toBe("./schema/config.json");
    expect(pkg.files).toContain("schema");
  });

  it("lists every rule, single-file and cross-file, and checks their options like the runner", () => {
    const validate = new Ajv({ strict: false }).compile(shipped);
    const ids = Object.keys((shipped.properties as { rules: { properties: Record<string, unknown> } }).rules.properties);
    expect(ids).toEqual([...knownRules().keys()].sort());
    for (const r of projectRules) expect(ids).toContain(r.id);
    expect(validate({ registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }], rules: { "replication-destination-allowed": ["warn", { ignoreAccounts: ["444455556666"] }] } })).toBe(true);
    expect(validate({ rules: { "replication-destination-allowed": ["warn", { ignoreAccounts: ["x"] }] } })).toBe(false);
    expect(validate({ rules: { "no-such-rule": "warn" } })).toBe(false);
    expect(validate({ registry: [] })).toBe(false);
  });
});
