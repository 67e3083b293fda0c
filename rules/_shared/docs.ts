import type { AccessAnalyzerCheck, DocSource, FindingType } from "@ecrlint/core";

const IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/";
const ECR = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/";
const ECR_API = "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/";

const iam = (title: string, page: string): DocSource => ({ title: `IAM User Guide: ${title}`, url: IAM + page });
const ecr = (title: string, page: string): DocSource => ({ title: `Amazon ECR User Guide: ${title}`, url: ECR + page });
const api = (action: string): DocSource => ({ title: `Amazon ECR API Reference: ${action}`, url: `${ECR_API}API_${action}.html` });

/** The passages of the AWS documentation the rules cite, one name each so every rule cites a page the same way. */
export const DOCS = {
  grammar: iam("Grammar of the IAM JSON policy language", "reference_policies_grammar.html"),
  version: iam("IAM JSON policy elements: Version", "reference_policies_elements_version.html"),
  sid: iam("IAM JSON policy elements: Sid", "reference_policies_elements_sid.html"),
  effect: iam("IAM JSON policy elements: Effect", "reference_policies_elements_effect.html"),
  principal: iam("IAM JSON policy elements: Principal", "reference_policies_elements_principal.html"),
  notPrincipal: iam("IAM JSON policy elements: NotPrincipal", "reference_policies_elements_notprincipal.html"),
  action: iam("IAM JSON policy elements: Action", "reference_policies_elements_action.html"),
  resource: iam("IAM JSON policy elements: Resource", "reference_policies_elements_resource.html"),
  conditionOperators: iam("IAM JSON policy elements: Condition operators", "reference_policies_elements_condition_operators.html"),
  multivaluedKeys: iam("Single-valued vs. multivalued context keys", "reference_policies_condition-single-vs-multi-valued-context-keys.html"),
  globalKeys: iam("AWS global condition context keys", "reference_policies_condition-keys.html"),
  variables: iam("IAM policy elements: Variables and tags", "reference_policies_variables.html"),
  evaluation: iam("Policy evaluation logic", "reference_policies_evaluation-logic.html"),
  arns: iam("IAM identifiers (ARNs)", "reference-identifiers.html#identifiers-arns"),
  confusedDeputy: iam("The confused deputy problem", "confused-deputy.html"),
  accessAnalyzerChecks: iam("IAM policy validation check reference", "access-analyzer-reference-policy-checks.html"),
  serviceAuthorization: {
    title: "Service Authorization Reference: Actions, resources, and condition keys for Amazon Elastic Container Registry",
    url: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html",
  },
  regions: { title: "AWS General Reference: AWS Regions", url: "https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html" },
  registryPermissions: ecr("Private registry permissions in Amazon ECR", "registry-permissions.html"),
  replicationPermissions: ecr("Granting registry permissions for cross account replication", "registry-permissions-create-replication.html"),
  replication: ecr("Private image replication in Amazon ECR", "replication.html"),
  pullThroughCachePermissions: ecr("Granting registry permissions for pull through cache", "registry-permissions-create-pullthroughcache.html"),
  pullThroughCacheIam: ecr("IAM permissions required to sync an upstream registry", "pull-through-cache-iam.html"),
  repositoryPolicies: ecr("Private repository policies in Amazon ECR", "repository-policies.html"),
  creationTemplates: ecr("Templates to control repositories created during a pull through cache, create on push, or replication action", "repository-creation-templates.html"),
  createRepositoryCreationTemplate: api("CreateRepositoryCreationTemplate"),
  putRegistryPolicy: api("PutRegistryPolicy"),
  setRepositoryPolicy: api("SetRepositoryPolicy"),
  putReplicationConfiguration: api("PutReplicationConfiguration"),
  createPullThroughCacheRule: api("CreatePullThroughCacheRule"),
} satisfies Record<string, DocSource>;

/** Access Analyzer checks, titled as in its check reference. */
export const check = (type: FindingType, title: string): AccessAnalyzerCheck => ({ type, check: title });
