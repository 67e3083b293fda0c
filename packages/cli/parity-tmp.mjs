import { ESLint } from "eslint";
import plugin from "@ecrlint/eslint-plugin";
import { lint } from "@ecrlint/cli";
const cwd = process.argv[2];
const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: plugin.configs.recommended });
const er = await eslint.lintFiles(["."]);
const ours = await lint({ cwd, rules: { "replication-destination-allowed": "off", "pull-through-cache-prefix-exists": "off" } });
const strip = (ms) => ms.map(({ nodeType, ...m }) => m);
const byPath = new Map(ours.results.map((r) => [r.filePath, r]));
let diffs = 0;
for (const r of er) {
  const o = byPath.get(r.filePath);
  const a = JSON.stringify(strip(r.messages)); const b = JSON.stringify(o ? o.messages : []);
  if (JSON.stringify(JSON.parse(a).map(x=>Object.keys(x).sort().reduce((q,k)=>(q[k]=x[k],q),{}))) !== JSON.stringify(JSON.parse(b).map(x=>Object.keys(x).sort().reduce((q,k)=>(q[k]=x[k],q),{})))) { diffs++; console.log(r.filePath, "\nESLINT", a, "\nOURS  ", b); }
}
console.log("files", er.length, "ours", ours.results.length, "diffs", diffs);
