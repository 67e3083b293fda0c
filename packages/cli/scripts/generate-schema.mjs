// Writes schema/config.json from the built package; the schema test fails when the file and the rules drift apart.
import { writeFileSync } from "node:fs";
import { buildConfigSchema } from "../dist/index.js";

writeFileSync(new URL("../schema/config.json", import.meta.url), `${JSON.stringify(buildConfigSchema(), null, 2)}\n`);
