import type { EcrRule } from "../rule.js";
import { noAccountMismatch } from "./no-account-mismatch.js";
import { noBroadPullThroughCacheScope } from "./no-broad-pull-through-cache-scope.js";
import { noDuplicateSid } from "./no-duplicate-sid.js";
import { noRegionMismatch } from "./no-region-mismatch.js";
import { requireReplicateImage } from "./require-replicate-image.js";
import { maxPolicySize } from "./max-policy-size.js";
import { noExternalPrincipal } from "./no-external-principal.js";
import { noPublicAccess } from "./no-public-access.js";
import { noRepositoryPolicyResource } from "./no-repository-policy-resource.js";
import { validAction } from "./valid-action.js";
import { validArn } from "./valid-arn.js";
import { validCondition } from "./valid-condition.js";
import { validPolicy } from "./valid-policy.js";
import { validPrincipal } from "./valid-principal.js";

/** Every single-file rule, in the order their ids sort. */
export const ruleList: EcrRule<any>[] = [
  noAccountMismatch,
  noBroadPullThroughCacheScope,
  noDuplicateSid,
  noRegionMismatch,
  requireReplicateImage,
  maxPolicySize,
  noExternalPrincipal,
  noPublicAccess,
  noRepositoryPolicyResource,
  validAction,
  validArn,
  validCondition,
  validPolicy,
  validPrincipal,
].sort((a, b) => a.id.localeCompare(b.id));

export const rules: Record<string, EcrRule<any>> = Object.fromEntries(ruleList.map((r) => [r.id, r]));
