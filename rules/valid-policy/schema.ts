// The JSON Schema of a policy's grammar (REFERENCE §6), apart from the rule so that scripts/precompile-schemas.mjs can
// compile it ahead of time into schema-validators.generated.ts: a run neither imports ajv nor compiles it.

export const VERSIONS = ["2012-10-17", "2008-10-17"];
export const EFFECTS = ["Allow", "Deny"];

const stringOrList = { type: ["string", "array"], items: { type: "string" }, minItems: 1 };
const principal = {
  type: ["string", "object"],
  if: { type: "string" },
  then: { const: "*" },
  // Which keys a principal may have is valid-principal's concern; here only the shape of their values.
  else: { minProperties: 1, additionalProperties: stringOrList },
};
const conditionValue = { type: ["string", "number", "boolean", "array"], items: { type: ["string", "number", "boolean"] }, minItems: 1 };
const condition = {
  type: "object",
  minProperties: 1,
  additionalProperties: { type: "object", minProperties: 1, additionalProperties: conditionValue },
};

/** Exactly one of two elements: ajv reports `oneOf` with the passing branches, from which the two cases are told apart. */
const exactlyOne = (a: string, b: string) => ({ oneOf: [{ required: [a] }, { required: [b] }] });
const notBoth = (a: string, b: string) => ({ not: { required: [a, b] } });

/** REFERENCE §6 grammar. Repository policies carry no Resource (no-repository-policy-resource reports one). */
export function policySchema(kind: "registry-policy" | "repository-policy") {
  const statement = {
    type: "object",
    properties: {
      Sid: { type: "string" },
      Effect: { enum: EFFECTS },
      Principal: principal,
      NotPrincipal: principal,
      Action: stringOrList,
      NotAction: stringOrList,
      Resource: stringOrList,
      NotResource: stringOrList,
      Condition: condition,
    },
    additionalProperties: false,
    required: ["Effect"],
    allOf: [
      exactlyOne("Principal", "NotPrincipal"),
      exactlyOne("Action", "NotAction"),
      kind === "registry-policy" ? exactlyOne("Resource", "NotResource") : notBoth("Resource", "NotResource"),
    ],
  };
  return {
    type: "object",
    properties: {
      Version: { enum: VERSIONS },
      Id: { type: "string" },
      Statement: {
        type: ["object", "array"],
        if: { type: "object" },
        then: { $ref: "#/definitions/statement" },
        else: { minItems: 1, items: { $ref: "#/definitions/statement" } },
      },
    },
    additionalProperties: false,
    required: ["Statement"],
    definitions: { statement },
  };
}
