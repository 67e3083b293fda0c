import { ESLintUtils } from "@typescript-eslint/utils";
import { ruleDocsUrl } from "@ecrlint/core";

export interface EcrlintDocs {
  description: string;
  recommended?: boolean;
  config: "recommended" | "strict";
}


export const createRule = ESLintUtils.RuleCreator<EcrlintDocs>(ruleDocsUrl);
