import type { ProjectRule } from "../project-rule.js";
import { pullThroughCachePrefixExists } from "./pull-through-cache-prefix-exists.js";
import { replicationDestinationAllowed } from "./replication-destination-allowed.js";

/** The runner's own rules, which need several files at once, in the order their ids sort. */
export const projectRules: ProjectRule<any, any>[] = [pullThroughCachePrefixExists, replicationDestinationAllowed];

export const projectRulesById: Record<string, ProjectRule<any, any>> = Object.fromEntries(projectRules.map((r) => [r.id, r]));
