import { describe, expect, it } from "vitest";
import { fileTree, runBin } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

/** A registry policy open to anyone (a finding of no-public-access). */
const open = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "*" }, Action: "ecr:*", Resource: "arn:aws:ecr:us-west-2:444455556666:repository/*" }],
});

type Found = { filePath: string; messages: { ruleId: string | null; line: number }[] };
const found = (stdout: string) => (JSON.parse(stdout) as Found[]).flatMap((r) => r.messages.map((m) => `${r.filePath.split("/").pop()}:${m.line} ${m.ruleId}`));

describe(".tf.json blocks written as arrays of objects (HCL JSON syntax)", () => {
  it("reads a resource whose type, label and body levels are arrays as the object form", async () => {
    const dir = fileTree({
      "ecrlint.config.json": config,
      // One line each, so that both forms report on line 1.
      "arrays.tf.json": JSON.stringify({ resource: [{ aws_ecr_registry_policy: { a: [{ policy: open }] } }] }),
      "objects.tf.json": JSON.stringify({ resource: { aws_ecr_registry_policy: { a: { policy: open } } } }),
    });
    const run = await runBin(["-f", "json", "."], { cwd: dir });
    expect(run.code).toBe(1);
    expect(found(run.stdout)).toEqual(["arrays.tf.json:1 @ecrlint/no-public-access", "objects.tf.json:1 @ecrlint/no-public-access"]);
  });

  it("reads every object of an array, at each level, and skips elements that are not objects", async () => {
    const dir = fileTree({
      "ecrlint.config.json": config,
      "main.tf.json": `{
  "resource": [
    "not a block",
    { "aws_ecr_registry_policy": [ { "a": { "policy": ${JSON.stringify(open)} } } ] },
    { "aws_ecr_registry_policy": { "b": [ 1, { "policy": ${JSON.stringify(open)} } ] } }
  ]
}
`,
    });
    const run = await runBin(["-f", "json", "main.tf.json"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(found(run.stdout)).toEqual(["main.tf.json:4 @ecrlint/no-public-access", "main.tf.json:5 @ecrlint/no-public-access"]);
  });
});
