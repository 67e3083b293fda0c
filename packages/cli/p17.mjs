import { ESLint } from "eslint";
import { ESLint as ESLint9 } from "eslint9";
import plugin from "@ecrlint/eslint-plugin";
for (const E of [ESLint, ESLint9]) {
const eslint = new E({ cwd: process.argv[2], overrideConfigFile: true, overrideConfig: plugin.configs.recommended, fix: process.argv[3]==="fix" });
const results = await eslint.lintFiles(["."]);
const f = await eslint.loadFormatter("json");
console.log(E.version, await f.format(results));
}
