import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv as AjvClass, ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { policySchema } from "../valid-policy/schema.js";
import { validateRegistryPolicy, validateRepositoryPolicy } from "../valid-policy/schema-validators.generated.js";
// @ts-expect-error: a plain script without types
import { precompiledModule, PRECOMPILE_OPTIONS, targets } from "../../scripts/precompile-schemas.mjs";

const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: typeof AjvClass };

describe("valid-policy's precompiled validators", () => {
  it("are ajv's code for the policy schema as it is now (run `npm run generate` after changing valid-policy/schema.ts)", () => {
    const expected = precompiledModule({ validateRegistryPolicy: policySchema("registry-policy"), validateRepositoryPolicy: policySchema("repository-policy") }, targets.policy.header);
    expect(readFileSync(targets.policy.file, "utf8")).toBe(expected);
  });

  const statement = { Effect: "Allow", Principal: "*", Action: "ecr:BatchGetImage", Resource: "*" };
  const samples: unknown[] = [
    { Version: "2012-10-17", Statement: [statement] },
    { Statement: statement },
    { Statement: [] },
    { Version: "2012-10-18", Statement: [{ ...statement, Effect: "allow", Principal: "arn", NotAction: "x" }] },
    { Statement: [{ Principal: { AWS: [] }, Action: 3, Condition: { StringEquals: {} }, Extra: 1 }] },
    { Statement: [{ ...statement, NotResource: "*" }], Id: 5 },
    [],
    null,
  ];
  it.each(samples.map((s) => [JSON.stringify(s), s]))("give ajv's run-time verdict and errors on %s", (_name, sample) => {
    const ajv = new Ajv(PRECOMPILE_OPTIONS);
    const pairs = [
      [ajv.compile(policySchema("registry-policy")), validateRegistryPolicy],
      [ajv.compile(policySchema("repository-policy")), validateRepositoryPolicy],
    ] as const;
    const errorsOf = (validate: unknown, raw: unknown) => {
      const fn = validate as { (raw: unknown): boolean; errors: ErrorObject[] };
      return fn(raw) ? [] : fn.errors.map(({ keyword, instancePath, params, data }) => ({ keyword, instancePath, params, data }));
    };
    for (const [runtime, compiled] of pairs) expect(errorsOf(compiled, sample)).toEqual(errorsOf(runtime, sample));
  });
});
