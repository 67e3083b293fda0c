import { describe, expect, it } from "vitest";
import { fileTree, runBin } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

/** A repository policy read through templatefile() from a folder of templates next to the module. */
const repositoryPolicy = (template: string) => `resource "aws_ecr_repository_policy" "this" {
  repository = "app"
  policy     = templatefile("\${path.module}/${template}", { account = "111122223333" })
}
`;

const wildcard = `{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\${account}:root"},"Action":"ecr:BatchGetImage","Resource":"*"}]}\n`;
const clean = `{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\${account}:root"},"Action":"ecr:BatchGetImage"}]}\n`;

const ruleIds = (stdout: string) => (JSON.parse(stdout) as { filePath: string; messages: { ruleId: string | null }[] }[]).flatMap((r) => r.messages.map((m) => `${r.filePath.split("/").slice(-2).join("/")} ${m.ruleId}`));

describe("a named folder of templates that Terraform reads", () => {
  it("lints the templates under it, as naming the template does", async () => {
    const dir = fileTree({ "ecrlint.config.json": config, "infra/v2e/main.tf": repositoryPolicy("t/a.tftpl"), "infra/v2e/t/a.tftpl": wildcard });
    const byFolder = await runBin(["-f", "json", "infra/v2e/t"], { cwd: dir });
    const byFile = await runBin(["-f", "json", "infra/v2e/t/a.tftpl"], { cwd: dir });
    expect(byFolder.stderr).toBe("");
    expect(ruleIds(byFolder.stdout)).toEqual(ruleIds(byFile.stdout));
    expect(ruleIds(byFolder.stdout).length).toBeGreaterThan(0);
    expect(byFolder.code).toBe(byFile.code);
  });

  it("reaches templates in nested folders, and still errors on a folder whose files nothing reads", async () => {
    const dir = fileTree({
      "ecrlint.config.json": config,
      "infra/v2e/main.tf": repositoryPolicy("t/deep/a.tftpl"),
      "infra/v2e/t/deep/a.tftpl": wildcard,
      "infra/v2e/unread/b.tftpl": wildcard,
    });
    expect(ruleIds((await runBin(["-f", "json", "infra/v2e/t"], { cwd: dir })).stdout)).toEqual(["deep/a.tftpl @ecrlint/no-repository-policy-resource"]);
    const unread = await runBin(["infra/v2e/unread"], { cwd: dir });
    expect(unread.code).toBe(2);
    expect(unread.stderr).toContain('No files matching the pattern "infra/v2e/unread" were found.');
  });

  it("counts a named template without findings as one policy file and nothing skipped", async () => {
    const dir = fileTree({ "ecrlint.config.json": config, "infra/v2/main.tf": repositoryPolicy("tpl/b.tpl"), "infra/v2/tpl/b.tpl": clean });
    for (const target of ["infra/v2/tpl/b.tpl", "infra/v2/tpl"]) {
      const run = await runBin([target], { cwd: dir });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("No problems in 1 policy file of 1 registry; 0 other files skipped");
    }
  });
});
