import { defineRule, hasWildcard, type SuggestionDescriptor } from "@ecrlint/core";
import { check, DOCS } from "../_shared/docs.js";
import { conditionBlocks, policyOf, renameKeyEdit } from "../_shared/util.js";

/** The operator that reads `*` and `?` as wildcards, for each one that reads them as themselves. */
const LIKE_FORM: Record<string, string | undefined> = {
  StringEquals: "StringLike",
  StringNotEquals: "StringNotLike",
  StringEqualsIgnoreCase: undefined,
  StringNotEqualsIgnoreCase: undefined,
};

/** `${*}` and `${?}` write a literal `*` or `?` on purpose. */
const withoutEscapes = (text: string) => text.replace(/\$\{[*?$]\}/g, "");

export const noWildcardInExactOperator = defineRule({
  id: "no-wildcard-in-exact-operator",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow * and ? in the values of StringEquals and the other exact string operators, where they are literal characters",
      config: "recommended",
      findingType: "warning",
      accessAnalyzer: [check("warning", "Wildcard without like operator")],
      sources: [DOCS.conditionOperators, DOCS.variables],
    },
    messages: {
      literalWildcard: '"{{operator}}" compares "{{value}}" character for character: the "{{wildcard}}" is literal, so the condition never matches what it seems to; use "{{like}}".',
      literalWildcardNoLike: '"{{operator}}" compares "{{value}}" character for character: the "{{wildcard}}" is literal, and no case-insensitive operator takes wildcards; use "{{like}}" with the case the values are written in.',
      useLike: 'Rename the operator to "{{like}}".',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    for (const { statement, op, parsed } of conditionBlocks(policy)) {
      const operators = statement.condition?.operators ?? [];
      // The evaluator knows which operators read * and ? as wildcards.
      if (!parsed || parsed.base.family !== "string" || parsed.base.wildcards) continue;
      const exact = LIKE_FORM[parsed.base.name];
      const likeBase = exact ?? (parsed.base.negated ? "StringNotLike" : "StringLike");
      const like = `${parsed.set ? `${parsed.set}:` : ""}${likeBase}${parsed.ifExists ? "IfExists" : ""}`;
      // Renaming onto an operator the Condition already has would leave two blocks under one name.
      const taken = operators.some((o) => o.operator === like);
      for (const k of op.keys) {
        for (const v of k.values) {
          if (v.unknown) continue;
          const text = withoutEscapes(v.value);
          if (!hasWildcard(text)) continue;
          const suggest: SuggestionDescriptor[] = exact && !taken ? [{ messageId: "useLike", data: { like }, edits: [renameKeyEdit(op.property, like)] }] : [];
          context.report({
            node: v.node,
            messageId: exact ? "literalWildcard" : "literalWildcardNoLike",
            data: { operator: op.operator, value: v.value, wildcard: text.includes("*") ? "*" : "?", like },
            ...(suggest.length ? { suggest } : {}),
          });
        }
      }
    }
  },
});
