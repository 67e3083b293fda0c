import { ESLintUtils } from "@typescript-eslint/utils";

export interface EcrlintDocs {
  description: string;
  recommended?: boolean;
  config: "recommended" | "strict";
}

export const ruleDocsUrl = (name: string) => `https://github.com/ecrlint/ecrlint/blob/main/rules/${name}/README.md`;

export const createRule = ESLintUtils.RuleCreator<EcrlintDocs>(ruleDocsUrl);
