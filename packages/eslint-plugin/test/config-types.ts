// Type test, checked by `tsc -p tsconfig.test.json` (the package's test and typecheck scripts): the shapes users
// write in eslint.config.ts must type-check against ESLint's own types.
import json from "@eslint/json";
import { defineConfig } from "eslint/config";
import type { ESLint, Linter } from "eslint";
import ecrlint, { configs } from "../src/index.js";

export const spread = defineConfig([...ecrlint.configs.recommended, ...ecrlint.configs.strict]);
export const nested = defineConfig([{ extends: [ecrlint.configs.recommended] }]);
export const plain: Linter.Config[] = [...configs.recommended, { settings: { ecrlint: { registries: [] } } }];
export const asPlugin: ESLint.Plugin = ecrlint;
export const withJsonLanguage: Linter.Config[] = defineConfig([
  { files: ["**/*.json"], language: "json/json", plugins: { json } },
  ...ecrlint.configs["recommended-json-language"],
]);
