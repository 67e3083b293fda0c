// ESLint with the plugin's recommended config over the working directory, for a test that caps the heap
// (`node --max-old-space-size=N eslint-bounded.mjs [patterns...]`): prints each file's messages as JSON.
import { ESLint } from "eslint";
import plugin from "@ecrlint/eslint-plugin";

const patterns = process.argv.slice(2);
const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
const results = await eslint.lintFiles(patterns.length ? patterns : ["."]);
process.stdout.write(JSON.stringify(results.map(({ filePath, messages }) => ({ filePath, messages }))));
