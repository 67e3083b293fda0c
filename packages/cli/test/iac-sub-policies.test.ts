import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin from "@ecrlint/eslint-plugin";
import { fileTree, runBin } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

/** A repository policy written as JSON text: a partial account wildcard and a Resource (ECR rejects both). */
const policyText = (principal: string, condition = "") => `{
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Pull",
              "Effect": "Allow",
              "Principal": { "AWS": "${principal}" },
              "Action": "ecr:BatchGetImage",
              "Resource": "*"${condition}
            }
          ]
        }`;

const repository = (name: string, policy: string) => `  ${name}:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryPolicyText: ${policy}
`;

const stack = `Parameters:
  Reader:
    Type: String
Resources:
${repository("Plain", `|\n        ${policyText("arn:aws:iam::444455556666:*")}`)}${repository("Sub", `!Sub |\n        ${policyText("arn:aws:iam::${AWS::AccountId}:*")}`)}${repository(
  "SubList",
  `\n        Fn::Sub:\n          - |\n            ${policyText("arn:aws:iam::${Account}:*").replace(/\n/g, "\n    ")}\n          - Account: "111122223333"`,
)}${repository("Unknowns", `!Sub |\n        ${policyText("${Reader}", ',\n              "Condition": { "StringEquals": { "aws:username": "${!aws:username}" } }')}`)}${repository(
  "NotJsonUntilFilledIn",
  `!Sub '{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Principal": {"AWS": \${Readers}}, "Action": "ecr:BatchGetImage", "Resource": "*"}]}'`,
)}`;

/** The same in a JSON template: `{"Fn::Sub": "…"}`, with a Region that is not the registry's. */
const jsonTemplate = {
  Resources: {
    Registry: {
      Type: "AWS::ECR::RegistryPolicy",
      Properties: {
        PolicyText: {
          "Fn::Sub": JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "Replicate", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:ReplicateImage", Resource: "arn:${AWS::Partition}:ecr:us-east-1:${AWS::AccountId}:repository/*" }],
          }),
        },
      },
    },
  },
};

type Result = { filePath: string; messages: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; message: string }[] };
const findings = (dir: string, results: Result[]) =>
  results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId} ${m.message}`));

describe("a policy written as JSON text under Fn::Sub", () => {
  it("is linted with the pseudo parameters filled in and other ${…} unknown, in the runner and in ESLint alike", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "stack.yaml": stack, "template.json": jsonTemplate });
    const run = await runBin(["--format", "json"], { cwd: dir });
    const ours = findings(dir, JSON.parse(run.stdout) as Result[]);
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    expect(findings(dir, (await eslint.lintFiles(["."])) as Result[])).toEqual(ours);
    expect(run.code).toBe(1);
    const wildcard = (account: string) =>
      `@ecrlint/valid-principal Principal "arn:aws:iam::${account}:*" has a wildcard; principals take no partial wildcards ("*" alone means everyone); match a pattern with a condition on aws:PrincipalArn.`;
    const resource = (name: string) =>
      `@ecrlint/no-repository-policy-resource "Resource" in a repository policy: ECR rejects it, because a repository policy always applies to its own repository (the RepositoryPolicyText of AWS::ECR::Repository "${name}").`;
    expect(ours).toEqual([
      `stack.yaml 15:37-15:66 ${wildcard("444455556666")}`,
      `stack.yaml 17:15-17:25 ${resource("Plain")}`,
      `stack.yaml 31:37-31:71 ${wildcard("444455556666")}`,
      `stack.yaml 33:15-33:25 ${resource("Sub")}`,
      `stack.yaml 49:41-49:68 ${wildcard("111122223333")}`,
      `stack.yaml 51:19-51:29 ${resource("SubList")}`,
      // ${Reader} is a parameter: unknown, so the principal is not judged; ${!aws:username} is a policy variable.
      `stack.yaml 68:15-68:25 ${resource("Unknowns")}`,
      // ${AWS::AccountId} and ${AWS::Partition} are the registry's; the Region written beside them is not.
      `template.json 7:244-7:253 @ecrlint/no-region-mismatch Region "us-east-1" does not match the registry's Region "us-west-2": this statement never applies to the registry it is deployed to.`,
    ]);
  });
});
