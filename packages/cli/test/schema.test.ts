import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { CONFIG_FILE_NAMES, parseJsonText, schemaId, staticValue } from "@ecrlint/core";
import { buildConfigSchema, projectRules } from "../src/index.js";
import { knownRules } from "../src/rules-config.js";
import { packageDir, publicWorkspaces, repoDir } from "./helpers.js";

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

describe("the schemas of every package", () => {
  it("are exported and have one kind of $id: the file's address in its published package", () => {
    const ids: string[] = [];
    for (const workspace of publicWorkspaces()) {
      const dir = join(repoDir, workspace.location, "schema");
      if (!existsSync(dir)) continue;
      const pkg = JSON.parse(readFileSync(join(repoDir, workspace.location, "package.json"), "utf8")) as { exports: Record<string, unknown>; files: string[] };
      for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
        const schema = JSON.parse(readFileSync(join(dir, file), "utf8")) as { $id: string; $schema: string };
        expect(schema.$id).toBe(schemaId(workspace.name, `schema/${file}`));
        expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
        expect(pkg.exports[`./schema/${file}`]).toBe(`./schema/${file}`);
        expect(pkg.files).toContain("schema");
        ids.push(schema.$id);
      }
    }
    expect(ids).toEqual(expect.arrayContaining([schemaId("@ecrlint/cli", "schema/config.json"), schemaId("@ecrlint/testing", "schema/cases.json"), schemaId("@ecrlint/eslint-plugin", "schema/settings.json")]));
  });
});

describe("$schema in the examples", () => {
  const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "examples"], { cwd: repoDir, encoding: "utf8" }).split("\n").filter(Boolean);
  const configs = tracked.filter((f) => CONFIG_FILE_NAMES.includes(basename(f)) && /\.jsonc?$/.test(f) && basename(f) !== "package.json");
  const cases = tracked.filter((f) => f.endsWith(".cases.json"));

  it.each([...configs, ...cases])("%s points at the shipped schema, and follows it", (file) => {
    const parsed = parseJsonText(readFileSync(join(repoDir, file), "utf8"), "JSONC");
    if (!parsed.ok) throw new Error(parsed.error.message);
    const content = staticValue(parsed.ast) as { $schema?: string };
    expect(content.$schema, file).toBeTypeOf("string");
    const schemaFile = resolve(repoDir, dirname(file), content.$schema!);
    const schema = JSON.parse(readFileSync(schemaFile, "utf8")) as { $id: string };
    const expected = file.endsWith(".cases.json") ? ["@ecrlint/testing", "packages/testing/schema/cases.json"] : ["@ecrlint/cli", "packages/cli/schema/config.json"];
    expect(schema.$id).toBe(schemaId(expected[0]!, "schema/" + basename(expected[1]!)));
    expect(realpathSync(schemaFile)).toBe(join(repoDir, expected[1]!));
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(content), JSON.stringify(validate.errors)).toBe(true);
  });

  it("covers a config and cases in every example", () => {
    expect(configs.length).toBeGreaterThanOrEqual(2);
    expect(cases.length).toBeGreaterThanOrEqual(3);
  });
});
