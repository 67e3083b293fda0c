import { defineRule } from "@ecrlint/core";
import { editInString, policyOf } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

export const noDuplicateSid = defineRule({
  id: "no-duplicate-sid",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow two statements of one policy sharing a Sid, and empty Sids",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Unique Sids required"), check("suggestion", "Empty Sid value")],
      sources: [DOCS.sid],
    },
    messages: {
      duplicateSid: 'Sid "{{sid}}" is already used by the statement on line {{firstLine}}; Sids must be unique within a policy.',
      renameSid: 'Rename this Sid to "{{newSid}}".',
      emptySid: 'An empty Sid names nothing; give the statement a name, or leave "Sid" out (it is optional).',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const used = new Set(policy.statements.flatMap((s) => (s.sid ? [s.sid.value] : [])));
    const firstLine = new Map<string, number>();
    for (const statement of policy.statements) {
      const sid = statement.sid;
      // A Sid from a template parameter is unknown: never judged.
      if (!sid || sid.unknown) continue;
      if (sid.value === "") {
        context.report({ node: sid.node, messageId: "emptySid" });
        continue;
      }
      const first = firstLine.get(sid.value);
      if (first === undefined) {
        firstLine.set(sid.value, sid.node.loc.start.line);
        continue;
      }
      let n = 2;
      while (used.has(`${sid.value}${n}`)) n++;
      const newSid = `${sid.value}${n}`;
      used.add(newSid);
      // A Sid that a template computes (`Fn::Sub`) is not rewritten: the suggestion is for written Sids.
      const edit = editInString(sid.node, 0, sid.value.length, newSid) ?? (sid.node.type === "JSONLiteral" ? { range: sid.node.range, text: JSON.stringify(newSid) } : undefined);
      context.report({
        node: sid.node,
        messageId: "duplicateSid",
        data: { sid: sid.value, firstLine: first },
        ...(edit ? { suggest: [{ messageId: "renameSid", data: { newSid }, edits: [edit] }] } : {}),
      });
    }
  },
});
