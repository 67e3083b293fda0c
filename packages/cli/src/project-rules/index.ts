import type { ProjectRule } from "../project-rule.js";
import { pullThroughCachePrefixExists } from "./pull-through-cache-prefix-exists.js";
import { replicationDestinationAllowed } from "./replication-destination-allowed.js";

/** The runner's own rules, which need several files at once. */
export const projectRuleList: ProjectRule<any, any>[] = [pullThroughCachePrefixExists, replicationDestinationAllowed];

export const projectRules: Record<string, ProjectRule<any, any>> = Object.fromEntries(projectRuleList.map((r) => [r.id, r]));
