import { arnSegmentOffsets, defineRule, hasWildcard, parseArn, type PolicyStatement, type ReportDescriptor, type StringValue } from "@ecrlint/core";
import { isAccountPrincipal, pullThroughCacheActionReach, statementPullThroughCacheReach } from "@ecrlint/core/evaluator";
import { isAllow, locInString, policyOf } from "../_shared/util.js";
import { searchPublicAccess } from "../_shared/outsider-access.js";
import { DOCS } from "../_shared/docs.js";

interface Options {
  /** Namespaces (ecrRepositoryPrefix values) a statement may scope to, on top of the registry's configured ones. */
  allowedPrefixes: string[];
  /** Accept a whole account as principal (REFERENCE §3 asks for IAM entities). */
  allowAccountPrincipal: boolean;
}

/** The ECR actions an Action value grants beyond the two a pull-through-cache rule needs, when it grants the import. */
function actionsBeyondPullThroughCache(value: string): number {
  return pullThroughCacheActionReach(value)?.beyond.length ?? 0;
}

/** The namespace a repository ARN pattern is confined to (`ecr-public` in `repository/ecr-public/*`), if any. */
function namespaceOf(resource: string): string | undefined {
  const arn = parseArn(resource);
  if (!arn?.resource.startsWith("repository/")) return undefined;
  const repository = arn.resource.slice("repository/".length);
  const slash = repository.indexOf("/");
  const firstWildcard = repository.search(/[*?]/);
  return slash > 0 && (firstWildcard < 0 || firstWildcard > slash) ? repository.slice(0, slash) : undefined;
}

/**
 * A pull-through-cache grant names BatchImportUpstreamImage itself, or grants it through a wildcard (`ecr:*`,
 * `ecr:Batch*`) or a NotAction (every action it does not list) on a pull-through-cache namespace; such a grant on
 * other repositories is a broader one (an administrator's, a team's pulls), not this pattern. Whether the statement
 * grants the import is the evaluator's reading of its Action or NotAction.
 */
function isPullThroughCacheGrant(s: PolicyStatement, namespaces: string[]): boolean {
  if (!isAllow(s) || !statementPullThroughCacheReach(s)) return false;
  // Named outright (or by a wildcard that grants nothing else): the statement is about pull through cache wherever it points.
  if (s.action?.values.some((v) => pullThroughCacheActionReach(v.value)?.beyond.length === 0)) return true;
  return s.resource?.values.some((v) => namespaces.includes(namespaceOf(v.value) ?? "")) ?? false;
}

/** The scope to suggest: the registry's own namespaces when they are known. */
function scopeHint(namespaces: string[]): string {
  if (namespaces.length === 0) return 'a pull-through-cache rule\'s namespace ("repository/<ecrRepositoryPrefix>/*")';
  return `a namespace: ${namespaces.map((p) => `"repository/${p}/*"`).join(" or ")}`;
}

export const noBroadPullThroughCacheScope = defineRule<Options>({
  id: "no-broad-pull-through-cache-scope",
  meta: {
    type: "problem",
    docs: {
      description: "Require pull-through-cache grants to be scoped to one cache namespace and to IAM entities",
      config: "recommended",
      findingType: "security-warning",
      accessAnalyzer: [],
      sources: [DOCS.pullThroughCachePermissions, DOCS.pullThroughCacheIam, DOCS.action],
    },
    messages: {
      broadResource: 'Resource "{{resource}}" lets this pull-through-cache grant create and import into every repository; scope it to {{scope}}.',
      noNamespace: 'Repository pattern "{{repository}}" has no "/" after the namespace, so it also matches repositories that merely start with "{{prefix}}"; write "{{prefix}}/*".',
      wildcardRegistry: 'Wildcard {{segment}} "{{value}}" widens this pull-through-cache grant beyond one registry.',
      unknownNamespace: 'Namespace "{{namespace}}" is not a pull-through-cache prefix of this registry ({{allowed}}).',
      broadAction: 'Action "{{action}}" grants {{count}} more ECR actions along with the pull-through-cache ones, as broad as Resource "*"; list ecr:CreateRepository and ecr:BatchImportUpstreamImage.',
      broadPrincipal: 'Principal "*" lets every caller its conditions admit use this pull-through-cache rule; name IAM users or roles.',
      broadNotAction:
        '"NotAction" grants every ECR action but {{listed}}: ecr:BatchImportUpstreamImage and {{count}} more along with the pull-through-cache ones, as broad as Resource "*"; use "Action" with ecr:CreateRepository and ecr:BatchImportUpstreamImage.',
      accountPrincipal: 'Principal "{{principal}}" is a whole account; pull-through-cache permissions should name IAM users, groups or roles.',
      notResource: '"NotResource" in a pull-through-cache grant covers every repository but the listed ones; use "Resource" with a namespace.',
    },
    schema: [
      {
        type: "object",
        additionalProperties: false,
        properties: {
          allowedPrefixes: { type: "array", items: { type: "string", minLength: 2, maxLength: 30 } },
          allowAccountPrincipal: { type: "boolean" },
        },
      },
    ],
  },
  kinds: ["registry-policy"],
  defaultOptions: { allowedPrefixes: [], allowAccountPrincipal: false },
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    const configured = [...(context.registry.pullThroughCachePrefixes ?? []), ...context.options.allowedPrefixes];
    const { account, region, pullThroughCachePrefixes } = context.registry;
    // With the registry's prefixes known, an unknown namespace is pull-through-cache-prefix-exists's finding.
    const namespacesJudgedElsewhere = pullThroughCachePrefixes !== undefined && account !== undefined && region !== undefined;
    // A Principal "*" that anyone in the world can use is no-public-access's finding, at the same place.
    let publicStatements: Set<number> | undefined;
    const isPublic = (s: PolicyStatement) => (publicStatements ??= new Set(searchPublicAccess(context, policy)?.search.found.map((a) => a.statement) ?? [])).has(s.index);
    for (const s of policy.statements) {
      if (!isPullThroughCacheGrant(s, configured)) continue;
      for (const v of s.action?.values ?? []) {
        const count = actionsBeyondPullThroughCache(v.value);
        if (count > 0) context.report({ node: v.node, messageId: "broadAction", data: { action: v.value, count } });
      }
      if (s.notAction) {
        const count = statementPullThroughCacheReach(s)?.beyond.length ?? 0;
        const listed = s.notAction.values.map((v) => `"${v.value}"`).join(", ");
        if (count > 0) context.report({ node: s.notAction.property.key, messageId: "broadNotAction", data: { listed, count } });
      }
      if (s.notResource) context.report({ node: s.notResource.property.key, messageId: "notResource" });
      for (const v of s.resource?.values ?? []) checkResource(v, configured, namespacesJudgedElsewhere, context.report);
      const wildcards = [...(s.principal?.wildcard?.value === "*" ? [s.principal.wildcard] : []), ...(s.principal?.entries ?? []).filter((e) => e.type === "AWS").flatMap((e) => e.values.filter((p) => !p.unknown && p.value === "*"))];
      if (wildcards.length && !isPublic(s)) for (const p of wildcards) context.report({ node: p.node, messageId: "broadPrincipal" });
      if (context.options.allowAccountPrincipal) continue;
      for (const entry of s.principal?.entries ?? []) {
        if (entry.type !== "AWS") continue;
        // A principal from a template parameter or another resource is unknown: never judged.
        for (const p of entry.values) if (!p.unknown && isAccountPrincipal(p.value)) context.report({ node: p.node, messageId: "accountPrincipal", data: { principal: p.value } });
      }
    }
  },
});

function checkResource(v: StringValue, configured: string[], namespacesJudgedElsewhere: boolean, report: (descriptor: ReportDescriptor) => void): void {
  if (v.value === "*") {
    report({ node: v.node, messageId: "broadResource", data: { resource: v.value, scope: scopeHint(configured) } });
    return;
  }
  const arn = parseArn(v.value);
  const segments = arnSegmentOffsets(v.value);
  if (!arn || !segments) return;
  const offset = segments.resource[0];
  for (const [segment, [start, end]] of [["Region", segments.region], ["account", segments.account]] as const) {
    const value = v.value.slice(start, end);
    if (hasWildcard(value)) {
      report({ node: v.node, loc: locInString(v.node, start, end), messageId: "wildcardRegistry", data: { segment, value } });
    }
  }
  if (!arn.resource.startsWith("repository/")) {
    if (hasWildcard(arn.resource) && !(v.unknown && arn.resource.includes("${"))) report({ node: v.node, messageId: "broadResource", data: { resource: v.value, scope: scopeHint(configured) } });
    return;
  }
  const repository = arn.resource.slice("repository/".length);
  // A repository pattern with an unknown part (`repository/${Prefix}/*`) cannot be judged.
  if (v.unknown && repository.includes("${")) return;
  const loc = locInString(v.node, offset, v.value.length);
  const slash = repository.indexOf("/");
  const firstWildcard = repository.search(/[*?]/);
  if (firstWildcard === 0) {
    report({ node: v.node, loc, messageId: "broadResource", data: { resource: v.value, scope: scopeHint(configured) } });
    return;
  }
  if (slash < 0 || (firstWildcard >= 0 && firstWildcard < slash)) {
    if (firstWildcard >= 0) {
      const prefix = repository.slice(0, firstWildcard);
      report({ node: v.node, loc, messageId: "noNamespace", data: { repository: arn.resource, prefix } });
    }
    return;
  }
  const namespace = repository.slice(0, slash);
  if (!namespacesJudgedElsewhere && configured.length > 0 && !configured.includes(namespace)) {
    const nsLoc = locInString(v.node, offset + "repository/".length, offset + "repository/".length + namespace.length);
    report({ node: v.node, loc: nsLoc, messageId: "unknownNamespace", data: { namespace, allowed: configured.join(", ") } });
  }
}
