export { lint, describeRules, ruleDocsUrl, MAX_FILE_BYTES } from "./lint.js";
export { calculateConfigForFile, type ResolvedFileConfig } from "./print-config.js";
export { formatters, formatResults, FORMAT_NAMES, type FormatName, type FormatterContext, type Formatter } from "./formatters/index.js";
export { EcrlintError, type EcrlintErrorKind } from "./errors.js";
export { projectRules, projectRulesById } from "./project-rules/index.js";
export type { ProjectRule, ProjectContext, ProjectFile, ProjectReport, Span } from "./project-rule.js";
export { buildConfigSchema } from "./config-schema.js";
export type { LintOptions, LintReport, LintResult, RuleDescription, SuppressedLintMessage } from "./types.js";
export { VERSION } from "./version.js";
