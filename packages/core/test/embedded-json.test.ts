import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { escapeForString, locateInString, parseEmbeddedJson, parseJsonText, rootExpression, type JsonNode, type JsonObject } from "../src/index.js";
import { walkNodes } from "../src/embedded-json.js";
import type { AST } from "jsonc-eslint-parser";

/** The host file `{"policyText": <string>}` written with a given raw string literal, and that literal's node. */
function host(rawLiteral: string) {
  const text = `{\n  "registryId": "444455556666",\n  "policyText": ${rawLiteral}\n}\n`;
  const parsed = parseJsonText(text, "JSON5");
  if (!parsed.ok) throw new Error(parsed.error.message);
  const root = rootExpression(parsed.ast) as JsonObject;
  return { text, literal: root.properties[1]!.value as AST.JSONLiteral };
}

const slice = (text: string, node: { range: [number, number] }) => text.slice(node.range[0], node.range[1]);

/** The host text under a location (single-line locations, 0-based columns). */
function textAtLoc(text: string, loc: AST.SourceLocation): string {
  const lines = text.split("\n");
  if (loc.start.line !== loc.end.line) throw new Error("multi-line");
  return lines[loc.start.line - 1]!.slice(loc.start.column, loc.end.column);
}

describe("a policy written in a JSON string", () => {
  const policy = '{"Statement": [{"Sid": "caf\u00e9 \\"x\\"", "Resource": "arn:aws:ecr:us-east-1:444455556666:repository/*"}]}';

  it("is parsed with every node moved to the host's offsets and lines, escapes accounted for", () => {
    const { text, literal } = host(JSON.stringify(policy));
    const parsed = parseEmbeddedJson(literal);
    if (!parsed?.ok) throw new Error("not parsed");
    const root = rootExpression(parsed.ast) as JsonObject;
    const statement = (root.properties[0]!.value as AST.JSONArrayExpression).elements[0] as JsonObject;
    const sid = statement.properties[0]!.value as AST.JSONLiteral;
    const resource = statement.properties[1]!.value as AST.JSONLiteral;
    expect(sid.value).toBe('café "x"');
    expect(slice(text, sid)).toBe('\\"café \\\\\\"x\\\\\\"\\"');
    expect(slice(text, resource)).toBe('\\"arn:aws:ecr:us-east-1:444455556666:repository/*\\"');
    expect(textAtLoc(text, resource.loc)).toBe(slice(text, resource));
    expect(resource.loc.start.line).toBe(3);
    expect(slice(text, root)).toBe(text.slice(literal.range[0] + 1, literal.range[1] - 1));
    expect(parsed.embedding.innerText(sid.range)).toBe('"café \\"x\\""');
  });

  it("locates characters of a value inside the host string (an ARN's Region)", () => {
    const { text, literal } = host(JSON.stringify(policy));
    const parsed = parseEmbeddedJson(literal);
    if (!parsed?.ok) throw new Error("not parsed");
    const resource = [...walkNodes(parsed.ast)].find((n): n is AST.JSONLiteral => n.type === "JSONLiteral" && String(n.value).startsWith("arn:"))!;
    const at = locateInString(resource, 12, 21)!;
    expect(text.slice(at.range[0], at.range[1])).toBe("us-east-1");
    expect(textAtLoc(text, at.loc)).toBe("us-east-1");
  });

  it("reads JSON5 hosts: single quotes, \\x escapes and line continuations", () => {
    const raw = "'{\"Statement\": \\\n[{\"Sid\": \"\\x41\\u0042\"}]}'";
    const { text, literal } = host(raw);
    const parsed = parseEmbeddedJson(literal);
    if (!parsed?.ok) throw new Error("not parsed");
    const sid = [...walkNodes(parsed.ast)].find((n): n is AST.JSONLiteral => n.type === "JSONLiteral" && n.value === "AB")!;
    expect(slice(text, sid)).toBe('"\\x41\\u0042"');
    expect(sid.loc.start.line).toBe(4);
    expect(textAtLoc(text, sid.loc)).toBe('"\\x41\\u0042"');
  });

  it("maps every node onto host text that decodes to the node's own text (property)", () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string({ unit: "binary" }), fc.integer(), fc.boolean(), fc.constant(null)),
      node: fc.oneof({ depthSize: "small" }, tie("leaf"), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), tie("node"), { maxKeys: 3 })),
    })).node;
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 4 }), fc.boolean(), (doc, pretty) => {
        const inner = JSON.stringify(doc, null, pretty ? 2 : undefined);
        const { text, literal } = host(JSON.stringify(inner));
        const parsed = parseEmbeddedJson(literal);
        if (!parsed?.ok) return false;
        for (const node of walkNodes(parsed.ast)) {
          const hostSlice = slice(text, node as { range: [number, number] });
          const decoded = JSON.parse(`"${hostSlice}"`) as string;
          if (decoded !== parsed.embedding.innerText(node.range)) return false;
          if (node.type === "JSONLiteral" && JSON.stringify(JSON.parse(decoded)) !== JSON.stringify(node.value)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it("turns a rule's edit into an escaped edit of the host, and the host still holds a parseable policy", () => {
    const { text, literal } = host(JSON.stringify(policy));
    const parsed = parseEmbeddedJson(literal);
    if (!parsed?.ok) throw new Error("not parsed");
    const sid = [...walkNodes(parsed.ast)].find((n): n is AST.JSONLiteral => n.type === "JSONLiteral" && n.value === 'café "x"')!;
    const edit = parsed.embedding.hostEdit({ range: sid.range, text: JSON.stringify('new "sid" \\ ü') })!;
    const fixed = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
    const policyText = (JSON.parse(fixed) as { policyText: string }).policyText;
    expect((JSON.parse(policyText) as { Statement: { Sid: string }[] }).Statement[0]!.Sid).toBe('new "sid" \\ ü');
  });

  it("drops an edit that would leave the policy unreadable, or that cuts an escape sequence", () => {
    const { literal } = host(JSON.stringify(policy));
    const parsed = parseEmbeddedJson(literal);
    if (!parsed?.ok) throw new Error("not parsed");
    const root = rootExpression(parsed.ast)!;
    expect(parsed.embedding.hostEdit({ range: [root.range[0], root.range[0] + 1], text: "[" })).toBeUndefined();
    // One character into `\"`: not a character boundary of the decoded text.
    const quote = (root as JsonObject).properties[0]!.key;
    expect(parsed.embedding.hostEdit({ range: [quote.range[0] + 1, quote.range[0] + 2], text: "x" })).toBeUndefined();
  });

  it("escapes for single-quoted JSON5 strings", () => {
    expect(escapeForString(`it's "x"`, "'")).toBe(`it\\'s "x"`);
    expect(escapeForString(`it's "x"`, '"')).toBe(`it's \\"x\\"`);
  });

  it("reports text that is not JSON at its place in the host", () => {
    const { text, literal } = host(JSON.stringify('{"Statement": [{"Effect": "Allow",}]'));
    const parsed = parseEmbeddedJson(literal);
    expect(parsed?.ok).toBe(false);
    if (!parsed || parsed.ok) return;
    expect(parsed.error.loc.start.line).toBe(3);
    expect(text.slice(literal.range[0], parsed.error.range[0]).length).toBeGreaterThan(1);
  });

  it("refuses the spaces of JavaScript that JSON does not allow between values, at their place in the host, and keeps them in strings", () => {
    for (const [space, code] of [["\u00a0", "U+00A0"], ["\u000b", "U+000B"], ["\u000c", "U+000C"], ["\ufeff", "U+FEFF"], ["\u2028", "U+2028"], ["\u2029", "U+2029"], ["\u3000", "U+3000"]] as const) {
      // A vertical tab or a form feed in a string is an error of its own (see below): the Sid holds the others only.
      const control = space === "\u000b" || space === "\u000c";
      const inner = `{"Version": "2012-10-17",\n "Statement": [{"Sid": "a${control ? "" : space}b",${space}"Effect": "Allow"}]}`;
      const { text, literal } = host(JSON.stringify(inner));
      const parsed = parseEmbeddedJson(literal)!;
      expect(parsed.ok, code).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.message, code).toBe(`Parsing error: Unexpected character ${code}: JSON allows only spaces, tabs and line breaks between values.`);
      // The place is the escaped or raw character between the values, not the one in the Sid.
      const at = text.slice(parsed.error.range![0], parsed.error.range![1]);
      expect([space, JSON.stringify(space).slice(1, -1)], code).toContain(at);
      expect(parsed.error.range![0], code).toBeGreaterThan(text.indexOf('a'));
      expect(text.slice(parsed.error.range![1]).startsWith('\\"Effect'), code).toBe(true);
      // In a string only, it is data; but a vertical tab or a form feed is a control character, which JSON writes
      // escaped in a string (RFC 8259, section 7).
      const fine = host(JSON.stringify(`{"Statement": [{"Sid": "a${space}b"}]}`));
      expect(parseEmbeddedJson(fine.literal)!.ok, code).toBe(!control);
    }
  });

  it("refuses a control character written as it is in a string (a pasted tab), at its place in the host", () => {
    for (const [control, code, escape] of [["\t", "U+0009", "\\t"], ["\u001b", "U+001B", "\\u001b"], ["\u0000", "U+0000", "\\u0000"], ["\u000c", "U+000C", "\\f"]] as const) {
      const inner = `{"Version": "2012-10-17",\n "Statement": [{"Sid": "Repl${control}A", "Effect": "Allow"}]}`;
      const { text, literal } = host(JSON.stringify(inner));
      const parsed = parseEmbeddedJson(literal)!;
      expect(parsed.ok, code).toBe(false);
      if (parsed.ok) continue;
      expect(parsed.error.message, code).toBe(`Parsing error: Unexpected control character ${code} in a string: JSON allows it only escaped (${escape}).`);
      // The host writes it escaped: the place is that escape, right after "Repl".
      expect(text.slice(parsed.error.range![0], parsed.error.range![1]), code).toBe(JSON.stringify(control).slice(1, -1));
      expect(text.slice(0, parsed.error.range![0]).endsWith("Repl"), code).toBe(true);
      // Escaped in the inner text, it is the value's own character.
      const escaped = host(JSON.stringify(`{"Statement": [{"Sid": "Repl${JSON.stringify(control).slice(1, -1)}A"}]}`));
      expect(parseEmbeddedJson(escaped.literal)!.ok, code).toBe(true);
    }
  });

  it("places an error after a line separator in a string on the host line ESLint shows", () => {
    const inner = '{"Statement": [{"Sid": "x\u2028y",\n "Effect": "Allow",}]}';
    const { text, literal } = host(JSON.stringify(inner).replace("\\u2028", "\u2028"));
    const parsed = parseEmbeddedJson(literal)!;
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.message).toMatch(/Unexpected token ','/);
      expect(text.slice(parsed.error.range![0], parsed.error.range![1])).toBe(",");
      expect(text.slice(parsed.error.range![1]).startsWith("}]}")).toBe(true);
    }
  });

  it("gives nothing for a string it cannot map", () => {
    const node = { type: "JSONLiteral", value: 5, raw: "5", range: [0, 1] } as unknown as AST.JSONLiteral;
    expect(parseEmbeddedJson(node)).toBeUndefined();
    expect(locateInString(node as unknown as JsonNode, 0, 1)).toBeUndefined();
  });
});

describe("a document in a string is built at host places, as if parsed at its own and moved", () => {
  /** The tree of the document's own text, and where each of its nodes and tokens must land in the host. */
  function expectPlaced(rawLiteral: string) {
    const { text, literal } = host(rawLiteral);
    const parsed = parseEmbeddedJson(literal);
    if (!parsed?.ok) throw new Error("not parsed");
    const { offsets } = parsed.embedding;
    const own = parseJsonText(parsed.embedding.text, "JSON");
    if (!own.ok) throw new Error(own.error.message);
    // The host's 0-based ESTree position of a host offset, counted on the host text itself.
    const lineStarts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") lineStarts.push(i + 1);
    const at = (offset: number) => {
      let line = lineStarts.length;
      while (lineStarts[line - 1]! > offset) line--;
      return { line, column: offset - lineStarts[line - 1]! };
    };
    const expected = (node: { type?: string; range: [number, number] }) => {
      const range = [offsets[node.range[0]]!, offsets[node.range[1]]!];
      return { type: node.type, range, loc: { start: at(range[0]!), end: at(range[1]!) } };
    };
    const actual = (node: { type?: string; range: [number, number]; loc: AST.SourceLocation }) => ({ type: node.type, range: node.range, loc: node.loc });
    const placedNodes = [...walkNodes(parsed.ast as unknown as JsonNode)];
    const ownNodes = [...walkNodes(own.ast as unknown as JsonNode)];
    const valueOf = (n: JsonNode) => (n.type === "JSONLiteral" ? n.value : undefined);
    expect(placedNodes.map((n) => ({ ...actual(n), value: valueOf(n) }))).toEqual(ownNodes.map((n) => ({ ...expected(n), value: valueOf(n) })));
    for (const n of placedNodes) {
      const { start, end } = n as unknown as { start?: number; end?: number };
      if (start !== undefined) expect([start, end]).toEqual(n.range);
    }
    // Tokens are built on first read, from the document's own text, and moved then.
    expect(parsed.ast.tokens.map(actual)).toEqual(own.ast.tokens.map(expected));
  }

  it("escapes, non-ASCII text and negative numbers", () => {
    expectPlaced(JSON.stringify('{"Statement": [{"Sid": "caf\u00e9 \\"x\\"", "N": -1.5e3, "Z": -0, "T": [true, false, null], "E": {}}]}'));
    expectPlaced(JSON.stringify(JSON.stringify({ Version: "2012-10-17", Statement: [{ Action: ["ecr:*"], Resource: "*" }] }, null, 2)));
  });

  it("a JSON5 string continued over host lines", () => {
    expectPlaced('"{\\"Statement\\": \\\n [{\\"Sid\\": \\\n \\"a\\"}]}"');
  });

  it("any JSON value, written compact or indented", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(undefined, 2, "\t"), (value, indent) => {
        expectPlaced(JSON.stringify(JSON.stringify(value, null, indent)));
      }),
      { numRuns: 200 },
    );
  });
});
