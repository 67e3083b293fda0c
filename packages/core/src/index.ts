// The public API of @ecrlint/core: the policy model, the config and the rule kit. The evaluator has its own entry,
// `@ecrlint/core/evaluator`, so that a front end that only lints loads it when a rule asks.

// Reading files into the model.
export {
  parseJsonText,
  parseStrictJson,
  nestingTooDeep,
  NESTING_TOO_DEEP,
  noJsonValue,
  MAX_NESTING_DEPTH,
  jsonEscapeOf,
  positionAt,
  positionsIn,
  parseAllowingSpacesAtEnd,
  refusedTextProblem,
  propertyName,
  rootExpression,
  staticValue,
  type JsonExpression,
  type JsonNode,
  type JsonObject,
  type JsonProgram,
  type JsonProperty,
  type ParseProblem,
  type SourceLocation,
  type StrictJsonResult,
} from "./parse.js";
export { isPlainJsonTree } from "./strict-json.js";
export { leavesFolder } from "./relative-path.js";
export { hasControls, showControls, showControlsByLine, UNSHOWABLE, xmlText } from "./visible-text.js";
export { decodeText, DEFAULT_MAX_TEXT_BYTES, describeErrno, encodeText, fileKind, nulBytesFinding, nulBytesLayout, type NulBytesLayout, readTextFile, type FileKindStats, type ReadTextFileOptions, type TextEncodingName, type TextFileResult } from "./text-file.js";
export {
  classifyAst,
  decidePolicyKind,
  documentText,
  hostEdit,
  isIdentityPolicy,
  plainlyForeignFile,
  plainlyForeignPolicy,
  loadPolicyFile,
  mightBeEcrFile,
  CACHE_FILE_START,
  parseEcrFile,
  parsePolicyFile,
  readAst,
  readEcrFile,
  readAnyAst,
  readTerraform,
  readTerraformAst,
  readYamlAst,
  readYamlTemplate,
  type DocumentHost,
  type EcrDocument,
  type FileReading,
  type HostType,
  type LoadResult,
  type PolicyFile,
  type ReadOptions,
} from "./model/policy-file.js";
export {
  DECLARABLE_KINDS,
  FILE_KINDS,
  fileStem,
  isRepositoryPolicyFileName,
  POLICY_NAME_CONVENTIONS,
  policyKindFromName,
  type DeclaredKind,
  type FileKind,
  type KindDecision,
  type KindReason,
} from "./model/kinds.js";
export { hostValue, isUnknownValue, plainJsonValues, valuePieces, type HostString, type ValuePiece, type ValueReader } from "./model/values.js";
export { embeddingOf, escapeForString, locateInString, parseEmbeddedJson, type EmbeddedParse, type StringEmbedding } from "./embedded-json.js";
export { cloudFormationValues, intrinsicName } from "./cloudformation.js";
export { isYamlFile, parseYamlText } from "./yaml.js";
export {
  isTerraformFile,
  isTerraformParserLoaded,
  loadTerraformParser,
  parseTerraformText,
  terraformFileReferences,
  terraformValues,
  type TerraformFileReference,
} from "./terraform.js";
export { policyDocumentName, terraformFileBlocks, terraformModuleFacts, type TerraformDataUse, type TerraformModuleFacts } from "./terraform-module.js";
export {
  terraformModuleFactsOnDisk,
  terraformModuleFiles,
  terraformReferencesNeedParser,
  terraformReferencesOnDisk,
  terraformTextCache,
  terraformUsesOnDisk,
  type TerraformReading,
  type TerraformReferences,
} from "./terraform-module-files.js";
export { diskFolders, FolderListing, type FolderEntry, type FolderReader, type FolderSnapshot } from "./folder-listing.js";
export { KeptTexts } from "./kept-texts.js";
export { mayReadPolicyFiles, referenceOfReaders, terraformFileReaders, terraformFilesFromIndex, terraformFilesUnder } from "./terraform-file-readers.js";
export { foreignHost, hiddenField, setHiddenField, type ForeignHost } from "./model/values.js";
export {
  hasUnknownValues,
  policyJson,
  policyValue,
  statementsForFinding,
  PRINCIPAL_TYPES,
  type ConditionKeyBlock,
  type ConditionOperatorBlock,
  type PolicyDocument,
  type PolicyStatement,
  type PrincipalElement,
  type StringListElement,
  type StringValue,
} from "./model/policy.js";
export { field } from "./model/other-kinds.js";
export type { PullThroughCacheRule, ReplicationConfiguration, ReplicationDestination, ReplicationRule, RepositoryCreationTemplate } from "./model/other-kinds.js";

// ARNs, partitions, Regions and the action catalog, as data.
export { ACCOUNT_ID, arnSegmentOffsets, missingArnSegments, parseArn, REPOSITORY_NAME, type Arn, type ArnSegment } from "./arn.js";
export { isPartition, isRegionInPartition, PARTITIONS, partitionOfRegion, regionStatus, suggestRegion } from "./partitions.js";
export { closest } from "./did-you-mean.js";
export { hasWildcard } from "./wildcard.js";
export { actionCarriesKey, ecrCatalog, findEcrAction, isActionScopedKey, serviceCatalog, type CatalogAction } from "./catalog.js";
export { conditionKeySuggestions, findConditionKey, isMultiValued, type ConditionKeyInfo } from "./condition-keys.js";

// The config.
export { configSchema, schemaId, settingsSchema } from "./config/schema.js";
export { CONFIG_FILE_NAMES, POLICY_FILE_EXTENSIONS, seenByConfigSearch } from "./config/file-names.js";
export { accountInFolderName, isDateLikeToken, registryFromEntry, registryFromPath, isRegistryKnown, type RegistryContext, type RegistryEntry, type TrustContext } from "./config/registry.js";
export { formatConfigError, keyPathOf, validateConfig, type ConfigError } from "./config/validate.js";
export {
  ConfigLocator,
  configFromSettings,
  declaredKindForFile,
  inPackageJson,
  placedConfigError,
  MAX_CONFIG_BYTES,
  registryForFile,
  repositoryRootOf,
  trustFromConfig,
  type ConfigResult,
  type EcrlintConfig,
  type DiffFailOn,
  type KindEntry,
  type LoadedConfig,
  type RuleSetting,
  configDirectory,
} from "./config/load-config.js";
export { basePathOf, isPersonalFolder, marksProject, ProjectRoots, type BasePath } from "./config/projects.js";

// The rule kit.
export {
  ACCESS_ANALYZER_CHECKS_URL,
  CONFIG_ERROR_MESSAGE_ID,
  NOT_LINTED_MESSAGE_ID,
  FILE_PROBLEM_RULE,
  defineRule,
  eslintRuleMeta,
  formatMessage,
  ruleDocsUrl,
  configSeverity,
  spanOf,
  type AccessAnalyzerCheck,
  type AnyRule,
  type DocSource,
  type FindingType,
  type EcrRule,
  type ProjectContext,
  type ProjectFile,
  type ProjectHook,
  type ProjectRelation,
  type ProjectReport,
  type RelatedLocation,
  type ReportDescriptor,
  type RuleContext,
  type RuleMeta,
  type Span,
  type SuggestionDescriptor,
  type TextEdit,
} from "./rule.js";
export {
  checkWithEffectiveFixes,
  MAX_RELATED_LOCATIONS,
  mergeOptions,
  RULE_PREFIX,
  runRules,
  toHostReport,
  toLintMessage,
  type CheckInput,
  type ConfiguredRule,
  type LintMessage,
  type Severity,
} from "./run-rules.js";
export { applyFixesOnce, fixUntilStable, type FixOutcome } from "./apply-fixes.js";
