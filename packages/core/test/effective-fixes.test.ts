import { describe, expect, it } from "vitest";
import { applyFixesOnce, checkWithEffectiveFixes, defineRule, fixUntilStable, loadPolicyFile, runRules, type LintMessage, type PolicyFile } from "../src/index.js";

const TEXT = '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": ["ecr:PutImage"], "Resource": "*"}]}';

function fileOf(text: string): PolicyFile {
  const loaded = loadPolicyFile(text, "registry-policy.json");
  if (loaded.status !== "ours") throw new Error("not ours");
  return loaded.file;
}

/** Reports while the Action list is short, and offers to append an action: the fix may or may not change that. */
function appendingRule(appended: string) {
  return defineRule({
    id: "append-action",
    meta: { type: "problem", docs: { description: "test", config: "recommended", findingType: "error", accessAnalyzer: [], sources: [] }, messages: { short: "short list" }, schema: [], fixable: "code" },
    kinds: ["registry-policy", "repository-policy"],
    defaultOptions: {},
    check(context) {
      const file = context.file;
      if (!("policy" in file)) return;
      const action = file.policy.statements[0]?.action;
      if (!action || action.values.filter((v) => v.value !== "").length >= 2) return;
      const last = action.values.at(-1)!.node;
      context.report({ node: last, messageId: "short", fix: [{ range: [last.range[1], last.range[1]], text: `, ${JSON.stringify(appended)}` }] });
    },
  });
}

const input = (text: string) => ({ file: fileOf(text), text, filePath: "registry-policy.json", registry: { source: "unknown" as const }, trust: { accounts: [], orgs: [] }, options: {} });
const lint = (rule: ReturnType<typeof appendingRule>) => (text: string): LintMessage[] => runRules({ ...input(text), rules: [{ rule, severity: 2, options: undefined }] });

describe("a fix is offered only when applying it changes what the rule reports", () => {
  it("a fix that resolves the report is kept", () => {
    const [report] = checkWithEffectiveFixes(appendingRule("ecr:ReplicateImage"), input(TEXT));
    expect(report?.fix).toBeDefined();
    expect(fixUntilStable(TEXT, lint(appendingRule("ecr:ReplicateImage")))).toMatchObject({ passes: 1, messages: [] });
  });

  it("a fix after which the rule reports the same is dropped: --fix settles at once instead of appending forever", () => {
    const rule = appendingRule("");
    const [report] = checkWithEffectiveFixes(rule, input(TEXT));
    expect(report).toMatchObject({ messageId: "short" });
    expect(report?.fix).toBeUndefined();
    const fixed = fixUntilStable(TEXT, lint(rule));
    expect(fixed.passes).toBe(0);
    expect(applyFixesOnce(fixed.output, fixed.messages).fixed).toBe(false);
  });
});
