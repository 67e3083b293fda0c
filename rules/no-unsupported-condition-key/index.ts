import { actionCarriesKey, type CatalogAction, defineRule, isActionScopedKey } from "@ecrlint/core";
import { conditionHoldsWhenAbsent, expandActionPattern } from "@ecrlint/core/evaluator";
import { check, DOCS } from "../_shared/docs.js";
import { isAllow, policyOf } from "../_shared/util.js";

/** A few action names for a message, the rest counted. */
function nameActions(actions: CatalogAction[]): string {
  const names = actions.map((a) => a.name);
  return names.length <= 3 ? names.join(", ") : `${names.slice(0, 3).join(", ")} and ${names.length - 3} more`;
}

export const noUnsupportedConditionKey = defineRule({
  id: "no-unsupported-condition-key",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow condition keys that the statement's actions never carry, such as aws:RequestTag on ecr:BatchGetImage",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Unsupported action for condition key")],
      sources: [DOCS.serviceAuthorization, DOCS.conditionOperators],
    },
    messages: {
      allowGrantsNothing: 'No request for {{actions}} carries "{{key}}", so this condition is always false and the statement grants nothing; use a key these actions carry (see the Service Authorization Reference), or move the key to a statement of the actions that carry it.',
      denyStopsNothing: 'No request for {{actions}} carries "{{key}}", so this condition is always false and the Deny stops nothing; use a key these actions carry, or a Null check if the point is to deny requests without it.',
      restrictsNothing: 'No request for {{actions}} carries "{{key}}", so "{{operator}}" is always true here and restricts nothing.',
      partlyUnsupported: '"{{key}}" is carried by {{supported}} only: for {{unsupported}} this condition is {{outcome}}; split the statement so each key sits with the actions that carry it.',
    },
    schema: [],
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},

  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    for (const s of policy.statements) {
      // NotAction names what is excluded: every other action may carry any key.
      // With an unknown action (a template parameter) the statement's actions are not all known: not judged.
      if (!s.action || !s.condition || s.action.values.some((v) => v.unknown)) continue;
      const action = s.action;
      // The statement's actions, expanded only for a key some actions carry: most conditions test global keys.
      let expanded: CatalogAction[] | undefined;
      const actionsOf = () => (expanded ??= [...new Map(action.values.flatMap((v) => expandActionPattern(v.value)).map((a) => [a.name, a])).values()]);
      for (const op of s.condition.operators) {
        for (const k of op.keys) {
          // Global keys (aws:SourceIp, aws:PrincipalArn...) may be in any request; only keys some actions carry are judged.
          if (!isActionScopedKey(k.key)) continue;
          const actions = actionsOf();
          if (actions.length === 0) continue;
          const supported = actions.filter((a) => actionCarriesKey(a, k.key));
          if (supported.length === actions.length) continue;
          const holds = conditionHoldsWhenAbsent(op.operator, k.values.map((v) => v.value));
          const unsupported = actions.filter((a) => !supported.includes(a));
          if (supported.length > 0) {
            const outcome = holds ? "always true" : "always false";
            context.report({ node: k.property.key, messageId: "partlyUnsupported", data: { key: k.key, supported: nameActions(supported), unsupported: nameActions(unsupported), outcome } });
            continue;
          }
          const messageId = holds ? "restrictsNothing" : isAllow(s) ? "allowGrantsNothing" : "denyStopsNothing";
          context.report({ node: k.property.key, messageId, data: { key: k.key, actions: nameActions(actions), ...(holds ? { operator: op.operator } : {}) } });
        }
      }
    }
  },
});
