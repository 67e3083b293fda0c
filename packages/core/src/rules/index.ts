import type { EcrRule } from "../rule.js";
import { noAccountMismatch } from "./no-account-mismatch.js";
import { noBroadPullThroughCacheScope } from "./no-broad-pull-through-cache-scope.js";
import { noDuplicateSid } from "./no-duplicate-sid.js";
import { noRegionMismatch } from "./no-region-mismatch.js";
import { requireReplicateImage } from "./require-replicate-image.js";

/** Every single-file rule, in the order their ids sort. */
export const ruleList: EcrRule<any>[] = [
  noAccountMismatch,
  noBroadPullThroughCacheScope,
  noDuplicateSid,
  noRegionMismatch,
  requireReplicateImage,
].sort((a, b) => a.id.localeCompare(b.id));

export const rules: Record<string, EcrRule<any>> = Object.fromEntries(ruleList.map((r) => [r.id, r]));
