#!/usr/bin/env node
// npm run new-rule <id> [-- --rules-dir <dir>]: scaffolds rules/<id>/ (index.ts, README.md with the generated
// markers, cases.json, cases/) and regenerates rules/index.ts. Then write the check and the cases, and run
// `npm run generate` to fill the README's header and examples.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exportName, isRuleFolder, RULE_ID, writeIndex } from "./rules-index.mjs";

const args = process.argv.slice(2);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
let rulesDir = join(root, "rules");
const ids = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--rules-dir") rulesDir = resolve(args[++i] ?? ".");
  else ids.push(args[i]);
}
const [id] = ids;

function fail(message) {
  console.error(`new-rule: ${message}`);
  process.exit(2);
}

if (ids.length !== 1) fail("usage: npm run new-rule <id>   (an id such as no-wildcard-principal)");
if (!RULE_ID.test(id) || !isRuleFolder(id)) fail(`"${id}" is not a rule id: lower-case words joined by dashes, not a reserved folder name`);
const folder = join(rulesDir, id);
if (existsSync(folder)) fail(`${relative(process.cwd(), folder) || folder} already exists`);

const rule = `import { defineRule } from "@ecrlint/core";
import { check, DOCS } from "../_shared/docs.js";
import { policyOf } from "../_shared/util.js";

export const ${exportName(id)} = defineRule({
  id: "${id}",
  meta: {
    type: "problem",
    docs: {
      description: "TODO: say what the rule requires, in one sentence without a final period",
      config: "strict",
      // TODO: Access Analyzer's finding type for what the rule reports (error, security-warning, warning, suggestion).
      findingType: "warning",
      // TODO: the Access Analyzer checks it covers, titled as in its check reference; [] when it knows nothing like it.
      accessAnalyzer: [check("warning", "TODO")],
      // TODO: the passages of the IAM or ECR documentation it relies on (add a page to _shared/docs.ts if needed).
      sources: [DOCS.grammar],
    },
    messages: {
      TODO: "TODO: the message, with {{placeholders}} filled from the report's data.",
    },
    schema: [],
  },
  kinds: ["registry-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    // TODO: report with context.report({ node, messageId, data }).
  },
});
`;

const readme = `# ${id}

<!-- begin header -->
<!-- end header -->

## What it catches

TODO

## Why

TODO (quote the IAM or ECR documentation this relies on, and name the Access Analyzer check)

## Options

None.

<!-- begin examples -->
<!-- end examples -->
`;

/** The seed's replication policy, from fixtures/, as the rule's first valid case. */
const seed = join(root, "fixtures", "replication", "registry-policy.json");

// An invalid case is left to write: the case tests fail until the rule has one.
const cases = {
  valid: [{ name: "the replication seed policy", file: "cases/valid-seed.json", registry: { account: "444455556666", region: "us-west-2", replicationSources: ["111122223333"] } }],
  invalid: [],
};

mkdirSync(join(folder, "cases"), { recursive: true });
writeFileSync(join(folder, "index.ts"), rule);
writeFileSync(join(folder, "README.md"), readme);
writeFileSync(join(folder, "cases.json"), `${JSON.stringify(cases, null, 2)}\n`);
copyFileSync(seed, join(folder, "cases", "valid-seed.json"));
writeIndex(rulesDir);
console.log(`new-rule: created ${relative(process.cwd(), folder) || folder}/ and updated rules/index.ts; write the check and its cases, then run npm run generate`);
