import type { EcrRule, ProjectHook } from "@ecrlint/core";
import { ruleList } from "@ecrlint/rules";

/** A rule with a project hook: what the runner runs over several files at once. */
export type ProjectRule<Facts = unknown, Options = Record<string, never>> = EcrRule<Options, Facts> & { project: ProjectHook<Facts, Options> };

/** The cross-file rules (kept exported for API users; the rules themselves live in @ecrlint/rules). */
export const projectRules: ProjectRule<any, any>[] = ruleList.filter((r): r is ProjectRule<any, any> => r.project !== undefined);

export const projectRulesById: Record<string, ProjectRule<any, any>> = Object.fromEntries(projectRules.map((r) => [r.id, r]));
