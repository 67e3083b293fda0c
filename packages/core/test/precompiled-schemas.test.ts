import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { configSchema, settingsSchema } from "../src/config/schema.js";
import { validateConfigSchema, validateSettingsSchema } from "../src/config/schema-validators.generated.js";
// @ts-expect-error: a plain script without types
import { precompiledModule, PRECOMPILE_OPTIONS, targets } from "../../../scripts/precompile-schemas.mjs";

describe("precompiled schema validators", () => {
  it("are ajv's code for the schemas as they are now (run `npm run generate` after changing schema.ts)", () => {
    const expected = precompiledModule({ validateConfigSchema: configSchema, validateSettingsSchema: settingsSchema }, targets.config.header);
    expect(readFileSync(targets.config.file, "utf8")).toBe(expected);
  });

  // The same verdicts and errors as ajv compiling the schema at run time, on valid and broken configs alike.
  const samples: unknown[] = [
    {},
    { registries: [{ files: ["infra/**"], account: "444455556666", region: "us-west-2" }] },
    { registries: [{ files: [], account: "4444", region: "US" }] },
    { regsitries: [] },
    { rules: { "no-public-access": ["error", { allow: 3 }] }, ignores: [""], kinds: { "a/**": "nope" } },
    { files: "x", trust: { accounts: ["1"] }, diff: { failOn: "everything" } },
    [],
    null,
    "text",
  ];
  it.each(samples.map((s) => [JSON.stringify(s), s]))("give ajv's run-time verdict and errors on %s", (_name, sample) => {
    const ajv = new Ajv(PRECOMPILE_OPTIONS);
    const pairs = [
      [ajv.compile(configSchema), validateConfigSchema],
      [ajv.compile(settingsSchema), validateSettingsSchema],
    ] as const;
    const errorsOf = (validate: (raw: unknown) => boolean, raw: unknown) =>
      validate(raw) ? [] : (validate as unknown as { errors: ErrorObject[] }).errors.map(({ keyword, instancePath, params, data }) => ({ keyword, instancePath, params, data }));
    for (const [runtime, compiled] of pairs) expect(errorsOf(compiled, sample)).toEqual(errorsOf(runtime, sample));
  });
});
