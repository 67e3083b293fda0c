import { closest, defineRule, parseArn, type PolicyStatement, type ProjectFile, type Span, spanOf } from "@ecrlint/core";
import { pullThroughCacheActionReach, statementPullThroughCacheReach } from "@ecrlint/core/evaluator";
import { DOCS } from "../_shared/docs.js";

type Facts =
  /** `complete` is false when some rule's prefix is unknown (a template parameter): then no namespace is judged. */
  | { kind: "rules"; prefixes: string[]; complete: boolean }
  | { kind: "policy"; resources: { value: string; loc: Span }[] };

type File = ProjectFile<Facts, Record<string, never>>;

/**
 * A pattern that grants every ECR action (`ecr:*`, `ecr:**`, `*`) is about everything, not pull through cache: a
 * statement is about pull through cache only when its action grants the import and not all of ECR.
 */
function isPullThroughCacheAction(pattern: string): boolean {
  const reach = pullThroughCacheActionReach(pattern);
  return reach !== undefined && !reach.everyAction;
}

/** An Action value that grants the import (not all of ECR), or a NotAction that does (the evaluator's reading). */
function isPullThroughCacheStatement(s: PolicyStatement): boolean {
  if (s.action) return s.action.values.some((a) => isPullThroughCacheAction(a.value));
  const reach = statementPullThroughCacheReach(s);
  return reach !== undefined && !reach.everyAction;
}

/**
 * The repository names a resource ARN scopes to, up to its first wildcard: `docker-hub/library/` for
 * `repository/docker-hub/library/*`. Undefined when the ARN names no namespace we can judge (`repository/*`,
 * `repository/ecr-*`), which other rules report as too broad.
 */
export function scopedNames(resource: string): { literal: string; exact: boolean } | undefined {
  const arn = parseArn(resource);
  if (!arn || arn.service !== "ecr" || !arn.resource.startsWith("repository/")) return undefined;
  const name = arn.resource.slice("repository/".length);
  const wildcard = name.search(/[*?]/);
  const literal = wildcard < 0 ? name : name.slice(0, wildcard);
  if (wildcard >= 0 && !literal.includes("/")) return undefined;
  return { literal, exact: wildcard < 0 };
}

/** REFERENCE §3: a prefix always has `/` appended, so `ecr-public` covers `ecr-public/...` only. */
function coveredBy(names: { literal: string; exact: boolean }, prefix: string): boolean {
  return names.literal.startsWith(`${prefix}/`);
}

export const pullThroughCachePrefixExists = defineRule<Record<string, never>, Facts>({
  id: "pull-through-cache-prefix-exists",
  meta: {
    type: "problem",
    docs: {
      description: "Require each pull-through-cache statement's namespace to match a pull-through-cache rule of its registry",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [],
      sources: [DOCS.pullThroughCachePermissions, DOCS.createPullThroughCacheRule],
    },
    messages: {
      unknownNamespace:
        'Namespace "{{namespace}}" matches no pull-through-cache rule of registry {{account}} in {{region}} (rule prefixes: {{prefixes}}): this statement grants nothing.',
      unknownNamespaceDidYouMean:
        'Namespace "{{namespace}}" matches no pull-through-cache rule of registry {{account}} in {{region}} (rule prefixes: {{prefixes}}). Did you mean "{{suggestion}}"?',
    },
    schema: [],
  },
  kinds: ["pull-through-cache-rules", "registry-policy"],
  defaultOptions: {},

  project: {
    collect(file) {
      if (file.kind === "pull-through-cache-rules") {
        const rules = file.pullThroughCacheRules;
        return { kind: "rules", prefixes: rules.flatMap((r) => (r.prefix && !r.prefix.unknown ? [r.prefix.value] : [])), complete: rules.every((r) => !r.prefix?.unknown) };
      }
      if (file.kind !== "registry-policy") return undefined;
      const resources: { value: string; loc: Span }[] = [];
      for (const s of file.policy.statements) {
        if (s.effect?.value !== "Allow" || !isPullThroughCacheStatement(s)) continue;
        for (const r of s.resource?.values ?? []) if (!r.unknown) resources.push({ value: r.value, loc: spanOf(r.node) });
      }
      return { kind: "policy", resources };
    },

    check(project) {
      const ruleFiles = new Map<string, File[]>();
      for (const f of project.files) {
        if (f.facts.kind !== "rules" || !f.registry.account || !f.registry.region) continue;
        const key = `${f.registry.account}|${f.registry.region}`;
        const list = ruleFiles.get(key);
        if (list) list.push(f);
        else ruleFiles.set(key, [f]);
      }
      for (const policy of project.files) {
        const { account, region, pullThroughCachePrefixes } = policy.registry;
        if (policy.facts.kind !== "policy" || !account || !region) continue;
        const files = ruleFiles.get(`${account}|${region}`) ?? [];
        // Without rule files or configured prefixes nothing is known about the registry's rules: say nothing.
        if (files.length === 0 && pullThroughCachePrefixes === undefined) continue;
        // A rule whose prefix is unknown could be the one a statement names.
        if (files.some((f) => f.facts.kind === "rules" && !f.facts.complete)) continue;
        for (const f of files) project.tie(policy.filePath, f.filePath);
        const prefixes = [...new Set([...(pullThroughCachePrefixes ?? []), ...files.flatMap((f) => (f.facts.kind === "rules" ? f.facts.prefixes : []))])].sort();
        for (const resource of policy.facts.resources) {
          const names = scopedNames(resource.value);
          if (!names || prefixes.some((p) => coveredBy(names, p))) continue;
          const namespace = names.literal.split("/")[0]!;
          const suggestion = closest(namespace, prefixes, 3);
          const data = { namespace, account, region, prefixes: prefixes.length ? prefixes.map((p) => `"${p}"`).join(", ") : "none" };
          project.report(
            suggestion
              ? { filePath: policy.filePath, messageId: "unknownNamespaceDidYouMean", loc: resource.loc, data: { ...data, suggestion } }
              : { filePath: policy.filePath, messageId: "unknownNamespace", loc: resource.loc, data },
          );
        }
      }
    },
  },
});
