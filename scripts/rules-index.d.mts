// Types of rules-index.mjs, for the tests that import it.
export declare const RULE_ID: RegExp;
export declare function isRuleFolder(name: string): boolean;
export declare function ruleFolders(rulesDir: string): string[];
export declare function exportName(id: string): string;
export declare const INDEX_STAMP: string;
export declare function renderIndex(ids: string[]): string;
export declare function writeIndex(rulesDir: string, options?: { check?: boolean }): boolean;
