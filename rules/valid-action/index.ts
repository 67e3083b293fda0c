import { type CatalogAction, closest, defineRule, ecrCatalog, findEcrAction, hasWildcard, type PolicyStatement, serviceCatalog, type StringValue, type SuggestionDescriptor } from "@ecrlint/core";
import { actionMatches, expandActionPattern, resourcePatternMatches } from "@ecrlint/core/evaluator";
import { editInString, policyOf } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

/** REFERENCE §4: what a registry policy may hold while the account's REGISTRY_POLICY_SCOPE is V1. */
const V1_ACTIONS = ["ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"];

/** Whether some Resource of the statement can be the literal `*` that registry-level actions act on. */
function canNameStar(s: PolicyStatement): boolean {
  // A Resource a template computes could be anything: the action is not judged against it.
  if (s.resource?.values.some((v) => v.unknown) || s.notResource?.values.some((v) => v.unknown)) return true;
  if (s.resource) return s.resource.values.some((v) => resourcePatternMatches(v.value, "*"));
  if (s.notResource) return !s.notResource.values.some((v) => resourcePatternMatches(v.value, "*"));
  // A repository policy has no Resource: it governs its own repository, never `*`.
  return false;
}

export const validAction = defineRule({
  id: "valid-action",
  meta: {
    type: "problem",
    docs: {
      description: "Require every action of a policy to be an ECR action that the policy can grant",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Invalid action"), check("error", "Invalid service in action"), check("error", "Unsupported action in policy")],
      sources: [DOCS.action, DOCS.serviceAuthorization, DOCS.registryPermissions],
    },
    messages: {
      invalidAction: '"{{action}}" is not an action: write "ecr:ActionName" (or "ecr:*").',
      unknownService: '"{{service}}" is not an AWS service prefix{{hint}}.',
      otherService: '"{{action}}" belongs to service "{{service}}"; an ECR {{kind}} only governs ECR actions, so it never applies here.',
      unknownAction: '"{{action}}" is not an ECR action{{hint}}.',
      noMatch: '"{{action}}" matches no ECR action.',
      outsideV1Scope: '"{{action}}" is outside the V1 registry policy scope, which allows only {{allowed}}; ECR rejects the policy (or switch the account to the V2 scope).',
      onlyStar: '"{{action}}" only acts on Resource "*", never on a repository, so this {{kind}} statement never applies to it; grant it in an identity policy.',
      replaceAction: 'Replace with "{{action}}".',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const kind = context.file.kind;
    const kindName = kind === "registry-policy" ? "registry policy" : "repository policy";
    const v1 = kind === "registry-policy" && context.registry.policyScope === "V1";
    const catalog = ecrCatalog();

    const checkValue = (v: StringValue, s: PolicyStatement, negated: boolean): void => {
      // An action from a template parameter is unknown: never judged.
      if (v.unknown) return;
      const action = v.value;
      // A policy variable in Action is literal text there: valid-policy-variable reports it, once.
      if (action.includes("${")) return;
      if (action === "*") {
        if (v1 && !negated) context.report({ node: v.node, messageId: "outsideV1Scope", data: { action, allowed: V1_ACTIONS.join(", ") } });
        return;
      }
      const colon = action.indexOf(":");
      if (colon <= 0) {
        context.report({ node: v.node, messageId: "invalidAction", data: { action } });
        return;
      }
      const service = action.slice(0, colon);
      if (hasWildcard(service)) {
        // `*:Get*` still has to name ECR actions to do anything here.
        if (!catalog.actions.some((a) => actionMatches(action, a.name))) {
          context.report({ node: v.node, messageId: "noMatch", data: { action } });
        }
        return;
      }
      if (service.toLowerCase() !== "ecr") {
        if (serviceCatalog(service)) {
          context.report({ node: v.node, messageId: "otherService", data: { action, service, kind: kindName } });
        } else {
          const near = closest(service, ["ecr"], 2, true);
          const suggest = near ? replaceSuggestion(v, `ecr${action.slice(colon)}`) : [];
          context.report({
            node: v.node,
            messageId: "unknownService",
            data: { service, hint: near ? ` (did you mean "${near}"?)` : "" },
            ...(suggest.length ? { suggest } : {}),
          });
        }
        return;
      }
      const matched = hasWildcard(action) ? expandActionPattern(action) : oneAction(findEcrAction(action));
      if (matched.length === 0) {
        if (hasWildcard(action)) {
          context.report({ node: v.node, messageId: "noMatch", data: { action } });
          return;
        }
        const near = closest(action, catalog.actions.map((a) => a.name), 3, true);
        const suggest = near ? replaceSuggestion(v, near) : [];
        context.report({
          node: v.node,
          messageId: "unknownAction",
          data: { action, hint: near ? ` (did you mean "${near}"?)` : "" },
          ...(suggest.length ? { suggest } : {}),
        });
        return;
      }
      if (negated) return;
      if (v1) {
        const outside = matched.filter((a) => !V1_ACTIONS.some((allowed) => actionMatches(allowed, a.name)));
        if (outside.length > 0) {
          context.report({ node: v.node, messageId: "outsideV1Scope", data: { action, allowed: V1_ACTIONS.join(", ") } });
          return;
        }
      }
      // A pattern such as ecr:* also covers repository actions; only a grant made entirely of `*`-only actions is dead.
      if (matched.every((a) => a.resourceTypes.length === 0) && !canNameStar(s)) {
        context.report({ node: v.node, messageId: "onlyStar", data: { action, kind: kindName } });
      }
    };

    for (const s of policy.statements) {
      for (const v of s.action?.values ?? []) checkValue(v, s, false);
      for (const v of s.notAction?.values ?? []) checkValue(v, s, true);
    }
  },
});

/** The action found, as the list a pattern's expansion would be. */
const oneAction = (action: CatalogAction | undefined): readonly CatalogAction[] => (action ? [action] : []);

function replaceSuggestion(v: StringValue, action: string): SuggestionDescriptor[] {
  // A value a template computes (`Fn::Sub`) is not rewritten into a plain string.
  const edit = editInString(v.node, 0, v.value.length, action) ?? (v.node.type === "JSONLiteral" ? { range: v.node.range, text: JSON.stringify(action) } : undefined);
  return edit ? [{ messageId: "replaceAction", data: { action }, edits: [edit] }] : [];
}
