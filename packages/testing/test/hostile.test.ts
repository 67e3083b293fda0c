import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectDenied, loadPolicy, PolicyLoadError, runCasesFile } from "../src/index.js";

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "ecrlint-testing-hostile-")));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Replication", Effect: "Allow", Principal: { AWS: "111122223333" }, Action: "ecr:ReplicateImage", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }],
};
const CASE = { name: "replicates", principal: "111122223333", action: "ecr:ReplicateImage", expect: "allow" };
const cases = (extra: Record<string, unknown> = {}) => JSON.stringify({ policy: "./registry-policy.json", cases: [CASE], ...extra });
const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);

describe("cases files and the policies they name are read safely", () => {
  it("a policy that is a FIFO or /dev/zero makes the file invalid at once, at the policy key", () => {
    const dir = tree({ "zero.json": JSON.stringify({ policy: "/dev/zero", cases: [CASE] }), "fifo.json": JSON.stringify({ policy: "./policy-fifo.json", cases: [CASE] }) });
    execFileSync("mkfifo", [join(dir, "policy-fifo.json")]);
    expect(runCasesFile(join(dir, "zero.json"), { cwd: dir }).error).toMatchObject({ keyPath: "policy", message: "Cannot read the policy file /dev/zero: not a regular file (a character device)" });
    expect(runCasesFile(join(dir, "fifo.json"), { cwd: dir }).error).toMatchObject({ keyPath: "policy", message: `Cannot read the policy file ${join(dir, "policy-fifo.json")}: not a regular file (a FIFO)` });
  });

  it("a cases file that is a FIFO is that file's error", () => {
    const dir = tree({});
    execFileSync("mkfifo", [join(dir, "fifo.cases.json")]);
    expect(runCasesFile("fifo.cases.json", { cwd: dir }).error).toEqual({ file: "fifo.cases.json", keyPath: "", message: "cannot read the file: not a regular file (a FIFO)" });
  });

  it("a cases file and a policy in UTF-16 with a BOM are read", () => {
    const dir = tree({ "registry-policy.json": utf16(JSON.stringify(POLICY)), "p.cases.json": utf16(cases({ registry: { account: "444455556666", region: "us-west-2" } })) });
    const result = runCasesFile("p.cases.json", { cwd: dir });
    expect(result.error).toBeUndefined();
    expect(result.cases.map((c) => c.pass)).toEqual([true]);
  });

  it("invalid JSON keeps its reason, line and column", () => {
    const dir = tree({ "bad.cases.json": '{\n  "policy": "./p.json",\n  "cases": [,]\n}\n' });
    expect(runCasesFile("bad.cases.json", { cwd: dir }).error).toEqual({ file: "bad.cases.json", keyPath: "", message: "not valid JSON: Unexpected token ',' (line 3, column 13)" });
  });
});

describe("a broken config is never taken as no config", () => {
  it("the cases file is invalid, naming the config file and its problem", () => {
    const dir = tree({ "registry-policy.json": JSON.stringify(POLICY), "p.cases.json": cases(), ".ecrlintrc.json": '{"registries": [{"files": ["**"], "acount": "444455556666"}]}' });
    expect(runCasesFile("p.cases.json", { cwd: dir }).error).toEqual({
      file: "p.cases.json",
      keyPath: "",
      message: `${join(dir, ".ecrlintrc.json")}:1:35: registries[0].acount: unknown key (did you mean "account"?)`,
    });
  });

  it("so does loadPolicy, with a PolicyLoadError", () => {
    const dir = tree({ "registry-policy.json": JSON.stringify(POLICY), "ecrlint.config.mjs": "throw null;" });
    expect(() => loadPolicy(join(dir, "registry-policy.json"))).toThrow(PolicyLoadError);
    expect(() => loadPolicy(join(dir, "registry-policy.json"))).toThrow(`${join(dir, "ecrlint.config.mjs")}: cannot read config: it threw null, not an Error`);
  });
});

describe("errors are blamed on the key they come from", () => {
  it("a principal that cannot be read is the case's principal", () => {
    const dir = tree({ "registry-policy.json": JSON.stringify(POLICY), "p.cases.json": JSON.stringify({ policy: "./registry-policy.json", cases: [CASE, { ...CASE, principal: "arn:aws:iam::bad" }] }) });
    expect(runCasesFile("p.cases.json", { cwd: dir }).error).toMatchObject({ keyPath: "cases[1].principal" });
  });
});

describe('"__proto__" in a cases file is a key like any other', () => {
  it("at the top level: an unknown key", () => {
    const dir = tree({ "p.cases.json": '{"policy": "./p.json", "cases": [], "__proto__": {"x": 1}}' });
    expect(runCasesFile("p.cases.json", { cwd: dir }).error).toMatchObject({ keyPath: "__proto__", message: "unknown key" });
  });

  it("in an inline policy: the statement under it grants nothing, as AWS would not take it", () => {
    const text = '{"policy": {"Version": "2012-10-17", "Statement": [{"__proto__": {"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}}]}, "cases": [{"name": "nobody pushes", "action": "ecr:PutImage", "expect": "deny"}]}';
    const dir = tree({ "p.cases.json": text });
    const result = runCasesFile("p.cases.json", { cwd: dir });
    expect(result.error).toBeUndefined();
    expect(result.cases.map((c) => [c.decision, c.pass])).toEqual([["implicit-deny", true]]);
    expect(() => expectDenied((JSON.parse(text) as { policy: object }).policy, "ecr:PutImage")).not.toThrow();
  });

  it("in a case's context: a key, not the prototype", () => {
    const text = JSON.stringify({ policy: POLICY, registry: { account: "444455556666", region: "us-west-2" }, cases: [CASE] }).replace('"expect"', '"context": {"__proto__": "x"}, "expect"');
    const dir = tree({ "p.cases.json": text });
    const result = runCasesFile("p.cases.json", { cwd: dir });
    expect(result.error).toBeUndefined();
    expect(result.cases.map((c) => c.pass)).toEqual([true]);
  });
});
