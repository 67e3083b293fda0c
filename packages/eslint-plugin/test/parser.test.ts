import json from "@eslint/json";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "../src/index.js";
import { MAX_PARSED_CHARACTERS, parser } from "../src/parser.js";

const config = [...plugin.configs.recommended] as Linter.Config[];
const verify = (text: string, filename = "/repo/infra/registry-policy.json") => new Linter({ configType: "flat", cwd: "/repo" }).verify(text, config, filename);
const jsonLanguage = [{ files: ["**/*.json"], language: "json/json", plugins: { json } }, ...plugin.configs["recommended-json-language"]] as Linter.Config[];
const verifyJsonLanguage = (text: string, filename = "/repo/infra/registry-policy.json") => new Linter({ configType: "flat", cwd: "/repo" }).verify(text, jsonLanguage, filename);
// A file that is ours neither by its name nor by its content.
const DATA_FILE = "/repo/infra/data.json";

describe("the plugin's parser: jsonc-eslint-parser behind a size guard", () => {
  it("a JSON file over the limit is not parsed: an empty Program, no finding when it is not ours", () => {
    const text = `{"values": [${"1,".repeat(MAX_PARSED_CHARACTERS / 2)}0]}`;
    const { ast, services } = parser.parseForESLint(text) as { ast: { body: unknown[]; range: number[] }; services: Record<string, unknown> };
    expect(ast.body).toEqual([]);
    expect(ast.range).toEqual([0, text.length]);
    expect(services.ecrlintSkipped).toEqual({ characters: text.length, mightBeOurs: false });
    expect(verify(text, DATA_FILE)).toEqual([]);
    // Named as a policy, the same text is ours: not linted, and said so.
    expect(verify(text).map((m) => m.messageId)).toEqual(["ecrlintNotLinted"]);
  });

  it("one that might be ours says, once, that it was not linted", () => {
    const text = `{"Statement": [], "Padding": "${"x".repeat(MAX_PARSED_CHARACTERS)}"}`;
    // Under valid-policy, the rule that reports whatever stops a file from being linted (as a config error).
    expect(verify(text).map((m) => [m.ruleId, m.message])).toEqual([["@ecrlint/valid-policy", "File not linted: 5.0 MB is over the 5.0 MB limit for policy files."]]);
  });

  it("a policy in UTF-16, as ESLint decodes it (as UTF-8), is a parsing error that says what it is", () => {
    const policy = '{"Statement": [{"Effect": "Allow", "Action": "ecr:*"}]}';
    const asUtf8 = (bytes: Buffer) => new TextDecoder("utf-8").decode(bytes);
    const withBom = asUtf8(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(policy, "utf16le")]));
    const withoutBom = asUtf8(Buffer.from(policy, "utf16le"));
    expect(verify(withBom).map((m) => m.message)).toEqual([
      "Parsing error: This file is UTF-16; ESLint reads files as UTF-8. Save it as UTF-8, or lint it with the ecrlint runner, which reads UTF-16 with a BOM.",
    ]);
    expect(verify(withoutBom)[0]?.message).toMatch(/^Parsing error: This file is UTF-16 without a byte order mark;/);
    // A byte order mark alone, either order, in a file named as a policy: UTF-16 too, not "Unexpected character".
    for (const bytes of [[0xff, 0xfe], [0xfe, 0xff]]) {
      expect(verify(asUtf8(Buffer.from(bytes)), "/repo/infra/registry-policy.json").map((m) => m.message)).toEqual([
        "Parsing error: This file is UTF-16; ESLint reads files as UTF-8. Save it as UTF-8, or lint it with the ecrlint runner, which reads UTF-16 with a BOM.",
      ]);
    }
    // Binary that is not a policy by name or content is not this plugin's file: no parsing error, as in the runner.
    expect(verify("\u0000\u0001", DATA_FILE)).toEqual([]);
    expect(verify(asUtf8(Buffer.from([0xff, 0xfe])), DATA_FILE)).toEqual([]);
  });

  it("a policy with NUL bytes that is not UTF-16 is described as what it is, as the runner describes it", () => {
    const policy = '{"Statement": [{"Effect": "Allow", "Action": "ecr:*"}]}';
    expect(verify(`${policy}\n${"\u0000".repeat(512)}`).map((m) => m.message)).toEqual(["Parsing error: This file ends in 512 NUL bytes after its text; remove them."]);
    expect(verify(`${policy}\u0000`).map((m) => m.message)).toEqual(["Parsing error: This file ends in 1 NUL byte after its text; remove them."]);
    expect(verify(policy.replace("Allow", "Al\u0000low")).map((m) => m.message)).toEqual(["Parsing error: This file holds NUL bytes; save it as text (UTF-8)."]);
    expect(verify("\u0000".repeat(64), "/repo/infra/registry-policy.json").map((m) => m.message)).toEqual(["Parsing error: This file holds nothing but NUL bytes (a file zeroed by a crash?)."]);
  });

  it("an empty, whitespace-only or comments-only policy file, or one in UTF-16 without a BOM, is a parsing error that says so at 1:1", () => {
    const shape = ': a policy file holds one JSON object, such as {"Version": "2012-10-17", "Statement": [...]}.';
    const at = (text: string, filename?: string) => verify(text, filename).map((m) => ({ fatal: m.fatal, severity: m.severity, message: m.message, line: m.line, column: m.column }));
    const error = (message: string) => [{ fatal: true, severity: 2, message: `Parsing error: ${message}`, line: 1, column: 1 }];
    expect(at("")).toEqual(error(`The file is empty${shape}`));
    expect(at("  \n\t\n   ")).toEqual(error(`The file holds only whitespace${shape}`));
    expect(at("// the registry policy\n/* comes here */\n", "/repo/infra/registry-policy.jsonc")).toEqual(error(`The file holds only comments${shape}`));
    const utf16 = new TextDecoder("utf-8").decode(Buffer.from('{"Version": "2012-10-17", "Statement": []}', "utf16le"));
    expect(at(utf16)).toEqual(error("This file is UTF-16 without a byte order mark; ESLint reads files as UTF-8. Save it as UTF-8, or lint it with the ecrlint runner, which reads UTF-16 with a BOM."));
    // Named as a policy it is ours whatever it holds; a UTF-16 file without a policy's name or markers is not.
    expect(at(new TextDecoder("utf-8").decode(Buffer.from('{"name": "x"}', "utf16le")), DATA_FILE)).toEqual([]);
    expect(at("", DATA_FILE)).toEqual([]);
  });

  it("under @eslint/json the rules' own parse of a file over the limit is skipped the same way", () => {
    // Long strings, not many values: @eslint/json's own AST of millions of numbers takes gigabytes before any rule runs.
    const notOurs = `{"values": "${"x".repeat(MAX_PARSED_CHARACTERS)}"}`;
    expect(verifyJsonLanguage(notOurs, DATA_FILE)).toEqual([]);
    const oursLike = `{"Statement": [], "Padding": "${"x".repeat(MAX_PARSED_CHARACTERS)}"}`;
    expect(verifyJsonLanguage(oursLike).map((m) => [m.ruleId, m.message, m.line, m.column])).toEqual([
      ["@ecrlint/valid-policy", "File not linted: 5.0 MB is over the 5.0 MB limit for policy files.", 1, 1],
    ]);
  });

  it("under @eslint/json a policy the rules cannot parse (a repeated __proto__ key) is said, not skipped", () => {
    const text = '{\n  "Statement": [],\n  "__proto__": 1,\n  "__proto__": 2\n}\n';
    expect(verifyJsonLanguage(text).map((m) => [m.ruleId, m.message, m.line, m.column])).toEqual([
      ["@ecrlint/valid-policy", "File not linted: Parsing error: Redefinition of __proto__ property.", 4, 3],
    ]);
    // The same text under jsonc-eslint-parser is ESLint's parsing error, at the same place.
    expect(verify(text).map((m) => [m.message, m.line, m.column])).toEqual([["Parsing error: Redefinition of __proto__ property", 4, 3]]);
  });
});
