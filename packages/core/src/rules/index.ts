import type { EcrRule } from "../rule.js";

export const ruleList: EcrRule<any>[] = [];

export const rules: Record<string, EcrRule<any>> = Object.fromEntries(ruleList.map((r) => [r.id, r]));
