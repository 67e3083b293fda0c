import { defineRule, type StringValue } from "@ecrlint/core";
import { check, DOCS } from "../_shared/docs.js";
import { policyOf } from "../_shared/util.js";

/** What is wrong with the policy variables of one value, as a message id with its data; undefined when nothing is. */
function variableProblem(text: string): { messageId: string; data: Record<string, string> } | undefined {
  let at = text.indexOf("${");
  while (at >= 0) {
    const end = text.indexOf("}", at);
    if (end < 0) return { messageId: "missingBrace", data: { value: text, variable: text.slice(at) } };
    const inner = text.slice(at + 2, end);
    const variable = text.slice(at, end + 1);
    // ${*}, ${?} and ${$} write the character itself.
    if (!["*", "?", "$"].includes(inner)) {
      const comma = inner.indexOf(",");
      const key = (comma < 0 ? inner : inner.slice(0, comma)).trim();
      if (key === "") return { messageId: "emptyVariable", data: { value: text, variable } };
      if (/\s/.test(comma < 0 ? inner : inner.slice(0, comma).trimEnd())) return { messageId: "spaceInVariable", data: { value: text, variable } };
      if (comma >= 0 && !/^\s*'[^']*'\s*$/.test(inner.slice(comma + 1))) return { messageId: "missingQuote", data: { value: text, variable } };
      if (comma < 0 && /['"]/.test(inner)) return { messageId: "missingQuote", data: { value: text, variable } };
    }
    at = text.indexOf("${", end);
  }
  return undefined;
}

const hasVariable = (text: string) => text.includes("${");

const PRINCIPAL_ELEMENTS = [
  ["Principal", "principal"],
  ["NotPrincipal", "notPrincipal"],
] as const;

export const validPolicyVariable = defineRule({
  id: "valid-policy-variable",
  meta: {
    type: "problem",
    docs: {
      description: "Require policy variables to be well-formed, in Resource and Condition values only, and under Version 2012-10-17",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [
        check("error", "Missing brace in variable"),
        check("error", "Missing quote in variable"),
        check("error", "Unsupported space in variable"),
        check("error", "Empty variable"),
        check("error", "Variable unsupported in element"),
        check("error", "Variable unsupported in version"),
      ],
      sources: [DOCS.variables, DOCS.version],
    },
    messages: {
      missingBrace: '"{{variable}}" in "{{value}}" has no closing "}"; write ${key}.',
      emptyVariable: '"{{variable}}" in "{{value}}" names no key; write ${aws:username} or another key.',
      spaceInVariable: '"{{variable}}" in "{{value}}" has a space in its key; a variable is ${key} or ${key, \'default\'}.',
      missingQuote: '"{{variable}}" in "{{value}}": a default value is written in single quotes after a comma, ${key, \'default\'}, and the key takes no quotes.',
      unsupportedElement: '"{{value}}" is in {{element}}, which takes no policy variables: it is read as the literal text "{{value}}". Variables work in Resource and in Condition values.',
      unsupportedVersion: '"{{value}}" holds a policy variable, but this policy {{version}}, where variables are literal text; write "Version": "2012-10-17".',
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const version = policy.version?.value;
    const oldVersion = version === "2012-10-17" ? undefined : version === undefined ? "has no Version (so 2008-10-17 applies)" : `is Version "${version}"`;
    // Each value where it is written, in statement order; an element takes no variables, undefined where they work.
    const check = (v: StringValue, element: string | undefined) => {
      // A CloudFormation value (Fn::Sub's ${Param}) is the template's, not a policy variable.
      if (v.unknown || !hasVariable(v.value)) return;
      const problem = variableProblem(v.value);
      if (problem) context.report({ node: v.node, ...problem });
      else if (element) context.report({ node: v.node, messageId: "unsupportedElement", data: { value: v.value, element } });
      else if (oldVersion) context.report({ node: v.node, messageId: "unsupportedVersion", data: { value: v.value, version: oldVersion } });
    };
    const checkAll = (values: readonly StringValue[] | undefined, element: string | undefined) => {
      if (values) for (const v of values) check(v, element);
    };
    for (const s of policy.statements) {
      checkAll(s.resource?.values, undefined);
      checkAll(s.notResource?.values, undefined);
      for (const op of s.condition?.operators ?? []) for (const k of op.keys) checkAll(k.values, undefined);
      checkAll(s.action?.values, "Action");
      checkAll(s.notAction?.values, "NotAction");
      for (const [name, el] of PRINCIPAL_ELEMENTS) {
        const principal = s[el];
        if (!principal) continue;
        if (principal.wildcard) check(principal.wildcard, name);
        for (const e of principal.entries) checkAll(e.values, name);
      }
      if (s.sid) check(s.sid, "Sid");
    }
  },
});
