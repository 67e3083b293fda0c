// Writes schema/settings.json (the shape of `settings.ecrlint`) from core's schema; a test fails when they drift.
import { writeFileSync } from "node:fs";
import { settingsSchema } from "@ecrlint/core";

const generated = { $comment: "Generated from @ecrlint/core's settingsSchema by scripts/generate-schema.mjs: do not edit.", ...settingsSchema };
writeFileSync(new URL("../schema/settings.json", import.meta.url), `${JSON.stringify(generated, null, 2)}\n`);
