import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint, type Linter } from "eslint";
import { describe, expect, it } from "vitest";
import plugin, { terraformTemplateParser } from "@ecrlint/eslint-plugin";
import { lint } from "../src/index.js";
import { fileTree, gitInit, runBin, runEslint, tempDir, writeEslintConfig } from "./helpers.js";

const config = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };

/** A policy document with a partial account wildcard and another Region; `extra` goes into the block's arguments. */
const document = (name: string, account = "111122223333", extra = "") => `data "aws_iam_policy_document" "${name}" {${extra}
  statement {
    sid       = "Pull"
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:us-east-1:444455556666:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${account}:*"]
    }
  }
}
`;

/** A policy document without defects (as a registry policy). */
const fine = (name: string) => `data "aws_iam_policy_document" "${name}" {
  statement {
    sid       = "Pull"
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:us-west-2:444455556666:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}
`;

const registryPolicy = (reference: string, name = "this") => `resource "aws_ecr_registry_policy" "${name}" {\n  policy = ${reference}\n}\n`;

type Shown = { filePath: string; messages: { ruleId: string | null; line: number; column: number; endLine?: number; endColumn?: number; message: string; fatal?: boolean }[] };
const show = (dir: string, results: Shown[]) =>
  results
    .flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)}:${m.line}:${m.column}-${m.endLine}:${m.endColumn} ${m.ruleId}${m.fatal ? " FATAL" : ""} ${m.message}`))
    .sort();

/**
 * The runner's findings over the tree, after checking that ESLint with the plugin's configs finds the same (with a
 * `.txt` policy file named as the plugin's README shows).
 */
async function findings(dir: string): Promise<string[]> {
  const runner = show(dir, (await lint({ cwd: dir })).results);
  const [json] = plugin.configs.recommended as Linter.Config[];
  const txt = { files: ["**/*.txt"], plugins: json!.plugins!, languageOptions: { parser: terraformTemplateParser as Linter.Parser }, rules: json!.rules! };
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: [...(plugin.configs.recommended as Linter.Config[]), txt] });
  expect(show(dir, await eslint.lintFiles(["."]))).toEqual(runner);
  return runner;
}

/** `file:line rule` of each finding. */
const brief = (list: string[]) => list.map((f) => f.replace(/^([^:]+:\d+):\S+ (\S+).*$/, "$1 $2"));

describe("a policy document in another file of the Terraform module", () => {
  it("is linted in its own file, at its lines, as the kind of the resource that reads it, by the runner and ESLint alike", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/data.tf": `# The module's policy documents.\n${document("registry")}`,
      "infra/ecr.tf": registryPolicy("data.aws_iam_policy_document.registry.json"),
    });
    const found = await findings(dir);
    expect(brief(found)).toEqual(["infra/data.tf:6 @ecrlint/no-region-mismatch", "infra/data.tf:9 @ecrlint/valid-principal"]);
    // The same findings as with the block in the resource's own file, moved to the block's lines there.
    const together = fileTree({ ".ecrlintrc.json": config, "infra/main.tf": `${registryPolicy("data.aws_iam_policy_document.registry.json")}\n${document("registry")}` });
    const shift = (f: string) => f.replace(/^infra\/main\.tf:(\d+):(\d+)-(\d+):/, (_, l, c, e) => `infra/data.tf:${Number(l) - 4 + 1}:${c}-${Number(e) - 4 + 1}:`);
    expect((await findings(together)).map(shift).sort()).toEqual(found);
  });

  it("is read per module: blocks of one name in two folders are two documents, each read by its own module's resource", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "modules/a/iam.tf": document("policy", "111122223333"),
      "modules/a/main.tf": registryPolicy("data.aws_iam_policy_document.policy.json"),
      "modules/b/iam.tf": fine("policy"),
      "modules/b/main.tf": registryPolicy("data.aws_iam_policy_document.policy.json"),
      // A folder whose documents no resource reads: nothing, whatever is in them.
      "modules/c/iam.tf": document("policy"),
      "modules/c/main.tf": `resource "aws_ecr_repository" "app" {\n  name = "app"\n}\n`,
      // A folder below is another module (Terraform calls it with a `module` block): it does not read c's documents.
      "modules/c/nested/main.tf": registryPolicy("data.aws_iam_policy_document.policy.json"),
    });
    expect(brief(await findings(dir))).toEqual(["modules/a/iam.tf:5 @ecrlint/no-region-mismatch", "modules/a/iam.tf:8 @ecrlint/valid-principal"]);
  });

  it("is read as each kind that reads it, once per kind, from .tf and .tf.json files, as .json or .minified_json", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/iam.tf": document("shared"),
      "infra/registry.tf": `${registryPolicy("data.aws_iam_policy_document.shared.json", "one")}\n${registryPolicy("data.aws_iam_policy_document.shared.minified_json", "two")}`,
      "infra/repository.tf.json": JSON.stringify({ resource: { aws_ecr_repository_policy: { app: { repository: "app", policy: "${data.aws_iam_policy_document.shared.json}" } } } }, null, 2),
    });
    const found = await findings(dir);
    // Each kind's findings once: the registry policy's are not repeated for its second resource, and a repository
    // policy names no Resource.
    expect(brief(found)).toEqual([
      "infra/iam.tf:5 @ecrlint/no-region-mismatch",
      "infra/iam.tf:5 @ecrlint/no-region-mismatch",
      "infra/iam.tf:5 @ecrlint/no-repository-policy-resource",
      "infra/iam.tf:8 @ecrlint/valid-principal",
      "infra/iam.tf:8 @ecrlint/valid-principal",
    ]);
  });

  it("written in a .tf.json file is linted there, at its lines", async () => {
    const data = {
      data: {
        aws_iam_policy_document: {
          registry: {
            statement: {
              actions: ["ecr:BatchGetImage"],
              resources: ["arn:aws:ecr:us-east-1:444455556666:repository/*"],
              principals: { type: "AWS", identifiers: ["arn:aws:iam::111122223333:*"] },
            },
          },
        },
      },
    };
    const dir = fileTree({ ".ecrlintrc.json": config, "infra/iam.tf.json": JSON.stringify(data, null, 2), "infra/ecr.tf": registryPolicy("data.aws_iam_policy_document.registry.json") });
    expect(brief(await findings(dir))).toEqual(["infra/iam.tf.json:10 @ecrlint/no-region-mismatch", "infra/iam.tf.json:15 @ecrlint/valid-principal"]);
  });

  it("with count or for_each is read for a reference to one instance; each.value and count.index are unknown values", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "counted/iam.tf": document("registry", "${count.index}", "\n  count = 2"),
      "counted/ecr.tf": registryPolicy("data.aws_iam_policy_document.registry[0].json"),
      "each/iam.tf": document("registry", "111122223333", '\n  for_each = toset(["a"])'),
      "each/ecr.tf": registryPolicy('data.aws_iam_policy_document.registry["a"].json'),
      // An instance of a block without count, or the block of one with it: Terraform rejects both; unknown here.
      "mismatched/iam.tf": `${document("registry")}\n${document("counted", "111122223333", "\n  count = 1")}`,
      "mismatched/ecr.tf": `${registryPolicy("data.aws_iam_policy_document.registry[0].json", "a")}\n${registryPolicy("data.aws_iam_policy_document.counted.json", "b")}`,
    });
    expect(brief(await findings(dir))).toEqual([
      "counted/iam.tf:6 @ecrlint/no-region-mismatch",
      "each/iam.tf:6 @ecrlint/no-region-mismatch",
      "each/iam.tf:9 @ecrlint/valid-principal",
    ]);
  });

  it("built from other documents of its file is read as Terraform merges them: by sid, sources, then its own, then overrides", async () => {
    const statement = (sid: string, principal: string, region = "us-west-2") => `  statement {
    sid       = "${sid}"
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:${region}:444455556666:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["${principal}"]
    }
  }
`;
    const iam = `data "aws_iam_policy_document" "base" {
${statement("Pull", "arn:aws:iam::111122223333:*", "us-east-1")}${statement("Describe", "arn:aws:iam::111122223333:root")}}

data "aws_iam_policy_document" "fix" {
${statement("Pull", "arn:aws:iam::111122223333:root")}}

data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
${statement("Extra", "arn:aws:iam::222233334444:*")}}

data "aws_iam_policy_document" "overridden" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.fix.json]
}
`;
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/iam.tf": iam,
      "infra/ecr.tf": `${registryPolicy("data.aws_iam_policy_document.merged.json", "merged")}\n${registryPolicy("data.aws_iam_policy_document.overridden.json", "overridden")}`,
    });
    // "merged" has base's defective Pull and its own Extra; "overridden" has fix's Pull in place of base's, so nothing.
    expect(brief(await findings(dir))).toEqual(["infra/iam.tf:42 @ecrlint/valid-principal", "infra/iam.tf:5 @ecrlint/no-region-mismatch", "infra/iam.tf:8 @ecrlint/valid-principal"]);
  });

  it("is written as the provider writes it: a \"*\" principal, repeated principals and conditions appended, and no statement dropped for a repeated sid", async () => {
    // https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document: the provider
    // writes type "*" with identifiers ["*"] as "Principal": "*", appends the identifiers of principals blocks of one
    // type and the values of condition blocks of one test and variable, and rejects a document whose statements, or
    // whose source_policy_documents, share a sid ("duplicate Sid"): no-duplicate-sid reports that, and both
    // statements are judged.
    const iam = `data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Dup"
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:us-west-2:444455556666:repository/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::222233334444:*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalOrgID"
      values   = ["o-*"]
    }
  }
  statement {
    sid       = "Dup"
    actions   = ["ecr:BatchGetImage"]
    resources = ["arn:aws:ecr:us-west-2:444455556666:repository/pub"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

${fine("a")}
data "aws_iam_policy_document" "sources" {
  source_policy_documents = [data.aws_iam_policy_document.a.json, data.aws_iam_policy_document.a.json]
}
`;
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/iam.tf": iam,
      "infra/ecr.tf": `${registryPolicy("data.aws_iam_policy_document.p.json", "p")}\n${registryPolicy("data.aws_iam_policy_document.sources.json", "sources")}`,
    });
    expect(brief(await findings(dir))).toEqual([
      // The second principals block of type AWS, the second condition block of aws:PrincipalOrgID.
      "infra/iam.tf:12 @ecrlint/valid-principal",
      "infra/iam.tf:22 @ecrlint/no-wildcard-in-exact-operator",
      "infra/iam.tf:26 @ecrlint/no-duplicate-sid",
      "infra/iam.tf:31 @ecrlint/no-public-access",
      // Both sources are read: the one statement twice, under one sid.
      "infra/iam.tf:38 @ecrlint/no-duplicate-sid",
    ]);
  });

  it("reads &{…} in resources, identifiers and condition values as the IAM policy variable ${…} the provider writes", async () => {
    const iam = document("p").replace("repository/*", "repository/&{aws:PrincipalAccount}/*").replace("arn:aws:iam::111122223333:*", "&{aws:PrincipalAccount}");
    const dir = fileTree({ ".ecrlintrc.json": config, "infra/iam.tf": iam, "infra/ecr.tf": registryPolicy("data.aws_iam_policy_document.p.json") });
    // The Region is still another; "&" is no longer read as part of a repository name, and a principal takes no
    // policy variable (valid-policy-variable reads the "${" the provider writes).
    expect(brief(await findings(dir))).toEqual(["infra/iam.tf:5 @ecrlint/no-region-mismatch", "infra/iam.tf:8 @ecrlint/valid-policy-variable", "infra/iam.tf:8 @ecrlint/valid-principal"]);
  });

  it("that is missing, or built from documents of other files, is unknown: no finding and no error anywhere", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/iam.tf": `${document("base")}\n${document("override")}`,
      "infra/merged.tf": `data "aws_iam_policy_document" "merged" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [data.aws_iam_policy_document.override.json]
}
`,
      "infra/ecr.tf": `${registryPolicy("data.aws_iam_policy_document.missing.json", "a")}\n${registryPolicy("data.aws_iam_policy_document.merged.json", "b")}`,
    });
    expect(await findings(dir)).toEqual([]);
  });

  it("is judged when its file is named alone on the command line, and its directives apply there", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/data.tf": document("registry").replace("      identifiers", "      # eslint-disable-next-line @ecrlint/valid-principal\n      identifiers"),
      "infra/ecr.tf": registryPolicy("data.aws_iam_policy_document.registry.json"),
    });
    const run = await runBin(["-f", "json", "infra/data.tf"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    const results = JSON.parse(run.stdout) as Shown[];
    expect(brief(show(dir, results))).toEqual(["infra/data.tf:5 @ecrlint/no-region-mismatch"]);
    // Given on standard input as that file, too: the module's other files are read from disk.
    const stdin = await runBin(["-f", "json", "--stdin", "--stdin-filename", "infra/data.tf"], { cwd: dir, input: readFileSync(join(dir, "infra/data.tf"), "utf8") });
    expect(brief(show(dir, JSON.parse(stdin.stdout) as Shown[]))).toEqual(["infra/data.tf:5 @ecrlint/no-region-mismatch"]);
    expect(brief(await findings(dir))).toEqual(["infra/data.tf:5 @ecrlint/no-region-mismatch"]);
  });

  it("over the size limit is not read for its names: neither front end says anything of it, as of any .tf file without aws_ecr_", async () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/data.tf": `${document("registry")}# ${"x".repeat(5 * 1024 * 1024)}\n`,
      "infra/ecr.tf": registryPolicy("data.aws_iam_policy_document.registry.json"),
    });
    expect(await findings(dir)).toEqual([]);
  });

  it("comes and goes with the resource that reads it in a cached run", async () => {
    const dir = fileTree({ ".ecrlintrc.json": config, "infra/data.tf": document("registry"), "infra/ecr.tf": registryPolicy("aws_iam_policy.x.policy") });
    const cacheLocation = join(tempDir(), "cache");
    const run = async () => brief(show(dir, (await lint({ cwd: dir, cache: true, cacheLocation })).results));
    expect(await run()).toEqual([]);
    writeFileSync(join(dir, "infra/ecr.tf"), registryPolicy("data.aws_iam_policy_document.registry.json"));
    expect(await run()).toEqual(["infra/data.tf:5 @ecrlint/no-region-mismatch", "infra/data.tf:8 @ecrlint/valid-principal"]);
    expect(await run()).toEqual(["infra/data.tf:5 @ecrlint/no-region-mismatch", "infra/data.tf:8 @ecrlint/valid-principal"]);
    writeFileSync(join(dir, "infra/ecr.tf"), registryPolicy("aws_iam_policy.x.policy"));
    expect(await run()).toEqual([]);
  });
});

describe("a file that a resource reads with file() or templatefile(), whatever its extension", () => {
  it("is linted by ESLint's configs as by the runner: as the resource's kind, a template's interpolations unknown, any other .tpl left alone", async () => {
    const policy = (region: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "ecr:BatchGetImage", Resource: `arn:aws:ecr:${region}:444455556666:repository/*` }] }, null, 2);
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/main.tf": `resource "aws_ecr_registry_policy" "this" {
  policy = file("\${path.module}/policies/registry.json.tpl")
}

resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = templatefile("\${path.module}/policies/app.tftpl", {})
}

resource "aws_ecr_registry_policy" "txt" {
  policy = file("\${path.module}/policies/other.txt")
}

resource "aws_ecr_repository_policy" "templated" {
  repository = "templated"
  policy     = templatefile("\${path.module}/policies/templated.json.tpl", { region = "us-east-1" })
}

resource "aws_ecr_repository_policy" "computed" {
  repository = "computed"
  policy     = templatefile("\${path.module}/policies/computed.tftpl", { statements = [] })
}

resource "aws_ecr_registry_policy" "literal" {
  policy = file("\${path.module}/policies/literal.json")
}
`,
      "infra/policies/registry.json.tpl": policy("us-east-1"),
      "infra/policies/app.tftpl": policy("us-east-1"),
      "infra/policies/other.txt": policy("us-east-1"),
      // templatefile() renders ${…} and %{…} (unknown values) and $${ (a literal "${"); file() reads the text as written.
      "infra/policies/templated.json.tpl": policy("${region}").replace('"Pull"', '"Pull%{ if true }X%{ endif }"').replace('"ecr:BatchGetImage"', '"${action}"'),
      "infra/policies/computed.tftpl": '{"Version": "2012-10-17", "Statement": ${jsonencode(statements)}}\n',
      "infra/policies/literal.json": policy("us-west-2").replace('"arn:aws:iam::111122223333:root"', '"${principal}"'),
      // Templates no resource reads, which are not JSON: never a parsing error.
      "charts/values.tpl": "{{ .Values.image }}\n",
      "infra/unread.tftpl": "%{ for a in accounts }${a}%{ endfor }\n",
    });
    expect(brief(await findings(dir))).toEqual([
      "infra/policies/app.tftpl:11 @ecrlint/no-region-mismatch",
      "infra/policies/app.tftpl:11 @ecrlint/no-repository-policy-resource",
      // file() does not render: "${principal}" is that text, which no principal is.
      "infra/policies/literal.json:8 @ecrlint/valid-policy-variable",
      "infra/policies/literal.json:8 @ecrlint/valid-principal",
      "infra/policies/other.txt:11 @ecrlint/no-region-mismatch",
      "infra/policies/registry.json.tpl:11 @ecrlint/no-region-mismatch",
      "infra/policies/templated.json.tpl:11 @ecrlint/no-repository-policy-resource",
    ]);
  });
});

describe("the kind of a file that Terraform reads with file() or templatefile()", () => {
  // A repository policy with a Resource: an error as a repository policy only. As a registry policy it lets another
  // account create repositories without ecr:ReplicateImage: an error as a registry policy only.
  const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "S", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: ["ecr:BatchGetImage", "ecr:CreateRepository"], Resource: "arn:aws:ecr:us-west-2:444455556666:repository/zz" }] }, null, 2);
  const asRepository = "@ecrlint/no-repository-policy-resource";
  const asRegistry = "@ecrlint/require-replicate-image";
  const tree = () => {
    const dir = fileTree({
      ".ecrlintrc.json": config,
      "infra/app/main.tf": `resource "aws_ecr_repository_policy" "up" {
  repository = "up"
  policy     = file("\${path.module}/../shared/up.json")
}

resource "aws_ecr_repository_policy" "both" {
  repository = "both"
  policy     = file("\${path.module}/policies/both.json")
}

resource "aws_ecr_registry_policy" "both" {
  policy = file("\${path.module}/policies/both.json")
}
`,
      "infra/shared/up.json": policy,
      "infra/app/policies/both.json": policy,
      "infra/tpl/main.tf": `resource "aws_ecr_repository_policy" "q" {\n  repository = "q"\n  policy     = templatefile("\${path.module}/q.tftpl", {})\n}\n`,
      "infra/tpl/q.tftpl": policy,
    });
    gitInit(dir);
    return dir;
  };
  const rules = (dir: string, results: Shown[]) => results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(dir.length + 1)} ${m.ruleId ?? m.message}`)).sort();
  const expected: Record<string, string[]> = {
    "infra/shared/up.json": [asRepository],
    "infra/app/policies/both.json": [asRegistry, asRepository],
    "infra/tpl/q.tftpl": [asRepository],
  };
  const of = (...files: string[]) => files.flatMap((f) => expected[f]!.map((rule) => `${f} ${rule}`)).sort();
  const cli = async (dir: string, args: string[]) => {
    const run = await runBin(["-f", "json", ...args], { cwd: dir });
    expect(run.stderr).toBe("");
    return rules(dir, JSON.parse(run.stdout) as Shown[]);
  };

  it("does not depend on which paths the runner is given: the folder of the .tf file, the file alone, or --changed-since", async () => {
    const dir = tree();
    expect(await cli(dir, ["."])).toEqual(of("infra/app/policies/both.json", "infra/shared/up.json", "infra/tpl/q.tftpl"));
    expect(await cli(dir, ["infra/app", "infra/shared"])).toEqual(of("infra/app/policies/both.json", "infra/shared/up.json"));
    expect(await cli(dir, ["infra/shared/up.json"])).toEqual(of("infra/shared/up.json"));
    expect(await cli(dir, ["infra/shared"])).toEqual(of("infra/shared/up.json"));
    expect(await cli(dir, ["infra/app/policies/both.json"])).toEqual(of("infra/app/policies/both.json"));
    writeFileSync(join(dir, "infra/shared/up.json"), `${policy}\n`);
    expect(await cli(dir, ["--changed-since", "HEAD", "."])).toEqual(of("infra/shared/up.json"));
    // Standard input named as the file.
    const stdin = await runBin(["-f", "json", "--stdin", "--stdin-filename", "infra/shared/up.json"], { cwd: dir, input: policy });
    expect(rules(dir, JSON.parse(stdin.stdout) as Shown[])).toEqual(of("infra/shared/up.json"));
  });

  it("names the resource that declares each kind of a file read as a registry policy and as a repository policy", async () => {
    const dir = tree();
    const run = await runBin(["-f", "json", "infra/app/policies/both.json"], { cwd: dir });
    const messages = (JSON.parse(run.stdout) as Shown[]).flatMap((r) => r.messages.map((m) => m.message));
    expect(messages.some((m) => m.includes("aws_ecr_repository_policy.both in infra/app/main.tf declare it a repository-policy"))).toBe(true);
    expect(run.code).toBe(1);
  });

  it("lints a template read by templatefile() when it is named alone or with its .tf file, without a file-ignored warning", async () => {
    const dir = tree();
    expect(await cli(dir, ["infra/tpl/q.tftpl"])).toEqual(of("infra/tpl/q.tftpl"));
    expect(await cli(dir, ["infra/tpl/main.tf", "infra/tpl/q.tftpl"])).toEqual(of("infra/tpl/q.tftpl"));
    // A template no resource reads is still the unmatched file it was.
    writeFileSync(join(dir, "infra/tpl/unread.tftpl"), policy);
    expect(await cli(dir, ["infra/tpl/unread.tftpl"])).toEqual(["infra/tpl/unread.tftpl File ignored because no matching configuration was supplied."]);
  });

  it("is the same in ESLint, whichever files it is given", async () => {
    const dir = tree();
    const eslint = () => new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.recommended as Linter.Config[] });
    expect(rules(dir, await eslint().lintFiles(["."]))).toEqual(of("infra/app/policies/both.json", "infra/shared/up.json", "infra/tpl/q.tftpl"));
    expect(rules(dir, await eslint().lintFiles(["infra/shared/up.json"]))).toEqual(of("infra/shared/up.json"));
    expect(rules(dir, await eslint().lintFiles(["infra/app/policies/both.json"]))).toEqual(of("infra/app/policies/both.json"));
    expect(rules(dir, await eslint().lintFiles(["infra/tpl/q.tftpl"]))).toEqual(of("infra/tpl/q.tftpl"));
  });
});

describe("a .tf file named alone, whose resource reads a policy file with file()", () => {
  it("is the only file reported and fixed, as in ESLint: the file it reads is linted when named or walked, not otherwise", async () => {
    const wrongRegion = `${JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Pull", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444455556666:root" }, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/*" }] }, null, 2)}\n`;
    const dir = fileTree({
      ".ecrlintrc.json": { registries: [{ files: ["**"], account: "111122223333", region: "us-west-2" }] },
      "m1/use.tf": 'resource "aws_ecr_registry_policy" "one" {\n  policy = file("${path.module}/one.json")\n}\n',
      "m1/one.json": wrongRegion,
    });
    writeEslintConfig(dir);
    gitInit(dir);
    const reported = (stdout: string) => (JSON.parse(stdout) as { filePath: string; messages: { ruleId: string | null }[] }[]).filter((r) => r.messages.length > 0).map((r) => [r.filePath.slice(dir.length + 1), r.messages.map((m) => m.ruleId)]);
    for (const run of [runBin, runEslint]) {
      const named = await run(["-f", "json", "m1/use.tf"], { cwd: dir });
      expect({ run: run.name, code: named.code, reported: reported(named.stdout) }).toEqual({ run: run.name, code: 0, reported: [] });
      const walked = await run(["-f", "json", "m1"], { cwd: dir });
      expect({ run: run.name, code: walked.code, reported: reported(walked.stdout) }).toEqual({ run: run.name, code: 1, reported: [["m1/one.json", ["@ecrlint/no-region-mismatch"]]] });
    }
    await runBin(["--fix", "m1/use.tf"], { cwd: dir });
    expect(readFileSync(join(dir, "m1/one.json"), "utf8")).toBe(wrongRegion);
  });
});
