import { describe, expect, it } from "vitest";
import { compilePolicy, queryPolicy } from "../src/evaluator/index.js";
import { loadPolicyFile, parseJsonText, policyJson, policyValue, rootExpression, staticValue } from "../src/index.js";

function valueOf(text: string): unknown {
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return staticValue(parsed.ast);
}

const HIDDEN_GRANT = '{"Version":"2012-10-17","Statement":[{"__proto__":{"Effect":"Allow","Principal":"*","Action":"ecr:*","Resource":"*"}}]}';

describe("a document's plain value: every key is data", () => {
  it('"__proto__" is an own key, not the prototype', () => {
    const value = valueOf('{"__proto__": {"Effect": "Allow"}, "a": 1}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(["__proto__", "a"]);
    expect(value.Effect).toBeUndefined();
    expect(JSON.stringify(value)).toBe('{"__proto__":{"Effect":"Allow"},"a":1}');
  });

  it('"constructor", "toString" and "hasOwnProperty" are only what the document says', () => {
    const empty = valueOf("{}") as Record<string, unknown>;
    expect(empty.constructor).toBeUndefined();
    expect(empty.toString).toBeUndefined();
    const value = valueOf('{"constructor": ["x"], "toString": 1, "hasOwnProperty": null}') as Record<string, unknown>;
    expect(value.constructor).toEqual(["x"]);
    expect(value.toString).toBe(1);
    expect(value.hasOwnProperty).toBeNull();
  });

  it("the value equals JSON.parse's, key for key, in every position", () => {
    for (const text of [
      HIDDEN_GRANT,
      '{"__proto__": {"Statement": []}, "Statement": {"__proto__": 1, "Effect": "Deny"}}',
      '{"Statement": [{"Condition": {"StringEquals": {"__proto__": "x", "constructor": ["y"]}}}]}',
      '{"Statement": [{"Principal": {"__proto__": {"AWS": "*"}, "prototype": "x"}}]}',
      '{"a": 1, "a": 2, "__proto__": 3}',
    ]) {
      expect(JSON.parse(JSON.stringify(valueOf(text)))).toEqual(JSON.parse(text));
      expect(JSON.stringify(valueOf(text))).toBe(JSON.stringify(JSON.parse(text)));
    }
  });
});

it('a repeated "__proto__" key is a parsing error (the JSON parser ESLint uses says so), not a silent pick', () => {
  const parsed = parseJsonText('{"__proto__": 3, "__proto__": 4}');
  expect(parsed).toMatchObject({ ok: false, error: { message: "Parsing error: Redefinition of __proto__ property", line: 1, column: 18 } });
});

describe("a statement hidden under __proto__ is seen (issue 16, class 1)", () => {
  it("the model and the value both keep it as an unknown key", () => {
    const loaded = loadPolicyFile(HIDDEN_GRANT, "registry-policy.json");
    if (loaded.status !== "ours" || !("policy" in loaded.file)) throw new Error("not read as a policy");
    const [statement] = loaded.file.policy.statements;
    expect(statement?.effect).toBeUndefined();
    expect(statement?.properties.map((p) => (p.key.type === "JSONLiteral" ? p.key.value : ""))).toEqual(["__proto__"]);
    const value = policyValue(loaded.file.policy) as { Statement: Record<string, unknown>[] };
    expect(Object.keys(value.Statement[0]!)).toEqual(["__proto__"]);
  });

  it("the value's JSON text (what a cross-file rule keeps) keeps it too, and reads back to the same value and access", () => {
    const loaded = loadPolicyFile(HIDDEN_GRANT, "registry-policy.json");
    if (loaded.status !== "ours" || !("policy" in loaded.file)) throw new Error("not read as a policy");
    const text = policyJson(loaded.file.policy);
    expect(text).toBe(JSON.stringify(policyValue(loaded.file.policy)));
    expect(policyJson(loaded.file.policy)).toBe(text);
    const back = JSON.parse(text) as { Statement: Record<string, unknown>[] };
    expect(Object.keys(back.Statement[0]!)).toEqual(["__proto__"]);
    expect(JSON.stringify(back)).toBe(text);
    expect(queryPolicy(compilePolicy(back), { action: "ecr:PutImage" }).allowed).toBeUndefined();
  });

  it("no path grants anything: the text, JSON.parse and the model agree", () => {
    const loaded = loadPolicyFile(HIDDEN_GRANT, "registry-policy.json");
    if (loaded.status !== "ours" || !("policy" in loaded.file)) throw new Error("not read as a policy");
    const root = rootExpression((parseJsonText(HIDDEN_GRANT) as { ok: true; ast: never }).ast);
    expect(root?.type).toBe("JSONObjectExpression");
    for (const input of [HIDDEN_GRANT, JSON.parse(HIDDEN_GRANT) as object, loaded.file.policy]) {
      const query = queryPolicy(compilePolicy(input), { action: "ecr:PutImage" });
      expect(query.allowed).toBeUndefined();
    }
  });
});

describe("repeated keys where keys are data: the model keeps the last, as JSON.parse and the evaluator do", () => {
  it("principal types, condition operators and condition keys", () => {
    const text = `{"Statement": [{"Effect": "Allow", "Action": "ecr:*",
      "Principal": {"AWS": "111122223333", "Service": "ecr.amazonaws.com", "AWS": "777788889999"},
      "Condition": {"StringEquals": {"aws:SourceVpce": "a", "aws:SourceVpce": "b"}, "Bool": {"aws:SecureTransport": "true"}, "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}]}`;
    const loaded = loadPolicyFile(text, "registry-policy.json");
    if (loaded.status !== "ours" || !("policy" in loaded.file)) throw new Error("not read as a policy");
    const [s] = loaded.file.policy.statements;
    expect(s?.principal?.entries.map((e) => [e.type, e.values.map((v) => v.value)])).toEqual([["Service", ["ecr.amazonaws.com"]], ["AWS", ["777788889999"]]]);
    expect(s?.condition?.operators.map((o) => [o.operator, o.keys.map((k) => k.key)])).toEqual([["Bool", ["aws:SecureTransport"]], ["StringEquals", ["aws:PrincipalOrgID"]]]);
  });
});
