import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { binPath, fileTree } from "../helpers.js";

/** The binary with `--stdin`, its standard input a file descriptor (`/dev/zero`) or bytes. */
function runStdin(args: string[], cwd: string, input: Buffer | { path: string }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const fd = "path" in input ? openSync(input.path, "r") : undefined;
    const child = spawn(process.execPath, [binPath, "--stdin", "--format", "json", ...args], { cwd, stdio: [fd ?? "pipe", "pipe", "pipe"] });
    if (fd !== undefined) closeSync(fd);
    else {
      // The binary stops reading one byte past the limit: the rest of a longer input meets a closed pipe.
      child.stdin!.on("error", () => undefined);
      child.stdin!.end(input);
    }
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolvePromise({ code, stdout, stderr }));
  });
}

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };
const policy = { Version: "2012-10-17", Statement: [{ Sid: "Public", Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage" }] };
const messages = (stdout: string) => (JSON.parse(stdout) as { messages: { ruleId: string | null; message: string }[] }[]).flatMap((r) => r.messages);

describe("standard input (--stdin): read as a file is, within the same size limit", () => {
  it("/dev/zero, which never ends: reading stops past the limit; NUL bytes named as a policy are an empty policy's error", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config });
    const run = await runStdin(["--stdin-filename", "registry-policy.json"], dir, { path: "/dev/zero" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(messages(run.stdout).map((m) => m.message)).toEqual([expect.stringMatching(/^File not linted: (it holds nothing but NUL bytes|.*MB is over)/u)]);
    const other = await runStdin(["--stdin-filename", "data.json"], dir, { path: "/dev/zero" });
    expect({ code: other.code, stderr: other.stderr, messages: messages(other.stdout) }).toEqual({ code: 0, stderr: "", messages: [] });
  });

  it("a policy-like text over 5 MB gets the error a file that size gets", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config });
    const big = Buffer.from(JSON.stringify({ ...policy, Padding: "x".repeat(6 * 1024 * 1024) }));
    const run = await runStdin(["--stdin-filename", "registry-policy.json"], dir, big);
    expect(run.code).toBe(1);
    expect(messages(run.stdout).map((m) => m.message)).toEqual([expect.stringMatching(/^File not linted: .*MB/u)]);
  });

  it("UTF-16 with a byte order mark, as Windows PowerShell 5 pipes it, is read", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(policy, null, 2), "utf16le")]);
    const asUtf8 = await runStdin(["--stdin-filename", "registry-policy.json"], dir, Buffer.from(JSON.stringify(policy, null, 2)));
    const run = await runStdin(["--stdin-filename", "registry-policy.json"], dir, utf16);
    expect(run.code).toBe(1);
    expect(messages(run.stdout).map((m) => m.ruleId)).toContain("@ecrlint/no-public-access");
    expect(messages(run.stdout)).toEqual(messages(asUtf8.stdout));
  });
});
