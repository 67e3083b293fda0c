import ecrlint from "@ecrlint/eslint-plugin";

// The recommended config lints JSON, CloudFormation YAML (.yaml, .yml, .template) and Terraform (.tf) files.
export default [...ecrlint.configs.recommended];
