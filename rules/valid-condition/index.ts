import { acceptsVariables, type CompiledPolicy, compilePolicy, conditionHoldsWhenAbsent, failsWithoutKeys, OPERATOR_NAMES, parseCidr, parseDate, parseNumber, parseOperator } from "@ecrlint/core/evaluator";
import { closest, type ConditionKeyBlock, type ConditionOperatorBlock, defineRule, type PolicyStatement, type SuggestionDescriptor } from "@ecrlint/core";
import { type ConditionKeyInfo, conditionKeySuggestions, findConditionKey, isMultiValued } from "../_shared/condition-keys.js";
import { isAllow, policyOf, renameKeyEdit } from "../_shared/util.js";
import { check, DOCS } from "../_shared/docs.js";

/** Every operator AWS accepts, as written in the IAM guide, for did-you-mean. */
const ALL_OPERATORS: string[] = OPERATOR_NAMES.flatMap((base) => {
  if (base === "Null") return [base];
  const forms = [base, `${base}IfExists`];
  return [...forms, ...forms.map((f) => `ForAnyValue:${f}`), ...forms.map((f) => `ForAllValues:${f}`)];
});

const VARIABLE = /\$\{[^}]*\}/;

/**
 * The key types (the Service Authorization Reference's, `ArrayOf` stripped) each operator family compares, for
 * Access Analyzer's "Type mismatch" checks: a string operator on an IP, number, date or Boolean key compares text the
 * request never carries in that form (`StringLike aws:SourceIp 203.0.113.*`). ARN keys are strings too (the IAM
 * guide's ARN operators "compare a key to an ARN", and string operators work on the same text); an ARN operator
 * needs an ARN, which a String key holds only when it names one (`aws:SourceVpcArn`). Null takes any key.
 */
const FAMILY_KEY_TYPES: Partial<Record<string, string[]>> = {
  string: ["String", "ARN"],
  arn: ["ARN"],
  numeric: ["Numeric"],
  date: ["Date"],
  ip: ["IPAddress"],
  bool: ["Bool"],
  binary: ["Binary"],
};

/** The operators to write for a key of each type, for messages. */
const OPERATORS_FOR_TYPE: Record<string, string> = {
  String: "a String operator (StringEquals, StringLike...)",
  ARN: "ArnEquals or ArnLike (or their negations)",
  Numeric: "a Numeric operator (NumericEquals, NumericLessThan...)",
  Date: "a Date operator (DateEquals, DateLessThan...)",
  IPAddress: "IpAddress or NotIpAddress",
  Bool: "Bool",
  Binary: "BinaryEquals",
};

/** A key type without its multivalued wrapper (`ArrayOfString` is compared as `String`). */
const elementType = (type: string) => type.replace(/^ArrayOf/, "");

/** Whether an ARN operator can compare this key: an ARN key, or a String key that holds an ARN by its name. */
const holdsArn = (key: string, type: string) => type === "ARN" || (type === "String" && /arn$/i.test(key));

/** What a value of a typed operator must be, for messages. */
const TYPED_VALUE: Partial<Record<string, string>> = { numeric: "number", date: "date", binary: "base-64 value", ip: "IP address or CIDR block" };

/** The IAM guide lets aws:EpochTime be compared as a date or as a number. */
const EITHER_DATE_OR_NUMBER = new Set(["aws:epochtime"]);

function valueProblem(family: string, value: string): { messageId: string; expected?: string } | undefined {
  switch (family) {
    case "numeric":
      return parseNumber(value) === undefined ? { messageId: "valueType", expected: "a number" } : undefined;
    case "date":
      return parseDate(value) === undefined ? { messageId: "valueType", expected: "a date (ISO 8601 such as 2026-01-31T00:00:00Z, or epoch seconds)" } : undefined;
    case "bool":
    case "null":
      return /^(true|false)$/i.test(value) ? undefined : { messageId: "valueType", expected: "true or false" };
    case "ip":
      return parseCidr(value) === undefined ? { messageId: "invalidCidr" } : undefined;
    case "binary":
      return /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 ? undefined : { messageId: "valueType", expected: "base64 text" };
    default:
      return undefined;
  }
}

const holdsWhenAbsent = (op: ConditionOperatorBlock, k: ConditionKeyBlock) => conditionHoldsWhenAbsent(op.operator, k.values.map((v) => v.value));

export const validCondition = defineRule({
  id: "valid-condition",
  meta: {
    type: "problem",
    docs: {
      description: "Require condition operators, keys and values that AWS accepts and that mean what they seem to",
      config: "recommended",
      findingType: "error",
      accessAnalyzer: [check("error", "Invalid condition operator"), check("error", "Invalid global condition key"), check("error", "Invalid service condition key"), check("error", "Invalid condition data type"), check("error", "Null with if exists"), check("suggestion", "Null with qualifier"), check("error", "Missing tag key in condition"), check("error", "Invalid variable for operator"), check("error", "Type mismatch IP range"), check("warning", "Type mismatch"), check("security-warning", "ForAllValues with single valued key")],
      sources: [DOCS.conditionOperators, DOCS.globalKeys, DOCS.multivaluedKeys, DOCS.serviceAuthorization],
    },
    messages: {
      unknownOperator: 'Unknown condition operator "{{operator}}"{{hint}}; AWS rejects the policy.',
      ifExistsOnNull: '"{{operator}}": Null takes no IfExists, it already tests whether the key exists; use "Null".',
      nullWithQualifier: '"{{operator}}": Null tests whether a key is present at all and takes no ForAnyValue or ForAllValues; write "Null": { {{keys}} } instead ("false" requires the key, "true" requires its absence).',
      renameOperator: 'Rename to "{{name}}".',
      unknownKey: 'Condition key "{{key}}" is not a global key or an ECR key{{hint}}; no ECR request carries it, so the condition is {{outcome}}.',
      renameKey: 'Rename to "{{name}}".',
      missingTagKey: 'Condition key "{{key}}" has no tag name, so no request carries it; write "{{write}}" with the tag it compares.',
      operatorKeyMismatch: '"{{operator}}" compares {{family}} values, but "{{key}}" is of type {{type}}, so the condition never matches as meant; use {{use}}.',
      valueType: 'Value "{{value}}" is not {{expected}}, so "{{operator}}" never matches it.',
      invalidCidr: 'Value "{{value}}" is not an IP address or CIDR block (such as 203.0.113.0/24 or 2001:db8::/32).',
      forAllValuesAllow: '"{{operator}}" under Allow is true when "{{key}}" is absent or empty, so this grants requests that carry no such key; add "Null": {"{{key}}": "false"} or use ForAnyValue.',
      variableInTypedOperator:
        '"{{operator}}" takes no policy variables: "{{value}}" is compared as its literal text, which is no {{what}}, so the condition never matches.',
      setOnSingleValued: '"{{operator}}" is for multivalued keys; "{{key}}" holds a single value, so use "{{plain}}".',
    },
    schema: [],
    hasSuggestions: true,
  },
  kinds: ["registry-policy", "repository-policy"],
  defaultOptions: {},
  check(context) {
    const policy = policyOf(context.file);
    if (!policy) return;
    let compiled: CompiledPolicy | undefined;
    /** A condition of the same statement that fails without the key (`"Null": {"key": "false"}`) closes the ForAllValues trap. */
    const requiresPresence = (s: PolicyStatement, key: string) => {
      const statement = (compiled ??= compilePolicy(policy)).statements.find((c) => c.index === s.index);
      return statement !== undefined && failsWithoutKeys(statement, [key]);
    };

    const checkOperator = (s: PolicyStatement, op: ConditionOperatorBlock) => {
      const parsed = parseOperator(op.operator);
      if (!parsed) {
        if (/^null\s*ifexists$/i.test(op.operator)) {
          context.report({ node: op.property.key, messageId: "ifExistsOnNull", data: { operator: op.operator } });
        } else if (/^for(anyvalue|allvalues):null$/i.test(op.operator)) {
          // The plain Null block keeps what each key asked for ("true": absent, "false": present); anything else becomes "false".
          const keys = op.keys.map((k) => `"${k.key}": "${k.values.length === 1 && /^true$/i.test(k.values[0]!.value) ? "true" : "false"}"`).join(", ");
          context.report({ node: op.property.key, messageId: "nullWithQualifier", data: { operator: op.operator, keys } });
        } else {
          const name = closest(op.operator, ALL_OPERATORS, 4, true);
          // Renaming onto an operator the Condition already has would only trade this problem for a duplicate key.
          const taken = (s.condition?.operators ?? []).some((o) => o.operator === name);
          const suggest: SuggestionDescriptor[] = name && !taken ? [{ messageId: "renameOperator", data: { name }, edits: [renameKeyEdit(op.property, name)] }] : [];
          context.report({
            node: op.property.key,
            messageId: "unknownOperator",
            data: { operator: op.operator, hint: name ? ` (did you mean "${name}"?)` : "" },
            ...(suggest.length ? { suggest } : {}),
          });
        }
        for (const k of op.keys) checkKey(op, k, () => undefined);
        return;
      }
      const family = parsed.base.family;
      for (const k of op.keys) {
        const info = checkKey(op, k, () => holdsWhenAbsent(op, k));
        if (info) {
          const allowed = FAMILY_KEY_TYPES[family];
          const type = elementType(info.type);
          const lower = k.key.toLowerCase();
          const fits =
            !allowed || allowed.includes(type) || (family === "arn" && holdsArn(k.key, type)) || (EITHER_DATE_OR_NUMBER.has(lower) && (family === "numeric" || family === "date"));
          if (!fits) {
            const use = OPERATORS_FOR_TYPE[type] ?? "an operator of its type";
            context.report({ node: k.property.key, messageId: "operatorKeyMismatch", data: { operator: op.operator, family, key: k.key, type: info.type, use } });
          }
          if (parsed.set && !isMultiValued(info)) {
            const plain = op.operator.slice(op.operator.indexOf(":") + 1);
            context.report({ node: k.property.key, messageId: "setOnSingleValued", data: { operator: op.operator, key: k.key, plain } });
          }
        }
        // With unknown values in the statement, another condition may well close the trap: not judged.
        if (parsed.set === "ForAllValues" && isAllow(s) && !s.unknown && !requiresPresence(s, k.key)) {
          context.report({ node: k.property.key, messageId: "forAllValuesAllow", data: { operator: op.operator, key: k.key } });
        }
        for (const v of k.values) {
          if (v.unknown) continue;
          // IAM User Guide, condition operators: "You can not use a policy variable with the Numeric condition
          // operator" (and the Date, Binary and IpAddress ones); the evaluator reads such a value as literal text.
          if (VARIABLE.test(v.value) && !acceptsVariables(parsed)) {
            context.report({ node: v.node, messageId: "variableInTypedOperator", data: { operator: op.operator, value: v.value, what: TYPED_VALUE[family] ?? "value of its type" } });
            continue;
          }
          if (VARIABLE.test(v.value)) continue;
          const problem = valueProblem(family, v.value);
          if (problem) context.report({ node: v.node, messageId: problem.messageId, data: { value: v.value, operator: op.operator, ...(problem.expected ? { expected: problem.expected } : {}) } });
        }
      }
    };

    /**
     * Reports an unknown key; `absentHolds` says whether the condition is true when the key is missing (REFERENCE §6),
     * asked only for a key the catalog does not know, the only one whose message says it.
     */
    const checkKey = (op: ConditionOperatorBlock, k: ConditionKeyBlock, absentHolds: () => boolean | undefined): ConditionKeyInfo | undefined => {
      const info = findConditionKey(k.key);
      if (info) return info;
      // A tag key written without its tag name (`aws:RequestTag`, `ecr:ResourceTag/`) says what it lacks.
      const tagKey = /^(aws:(RequestTag|ResourceTag|PrincipalTag)|ecr:ResourceTag)\/?$/i.exec(k.key);
      if (tagKey) {
        context.report({ node: k.property.key, messageId: "missingTagKey", data: { key: k.key, write: `${tagKey[1]}/<tag-key>` } });
        return undefined;
      }
      const name = closest(k.key, conditionKeySuggestions(k.key), 3, true);
      const taken = op.keys.some((other) => other.key.toLowerCase() === name?.toLowerCase());
      const holds = absentHolds();
      const outcome = holds === undefined ? "meaningless" : holds ? "always true" : "always false";
      context.report({
        node: k.property.key,
        messageId: "unknownKey",
        data: { key: k.key, hint: name ? ` (did you mean "${name}"?)` : "", outcome },
        ...(name && !taken ? { suggest: [{ messageId: "renameKey", data: { name }, edits: [renameKeyEdit(k.property, name)] }] } : {}),
      });
      return undefined;
    };

    for (const s of policy.statements) for (const op of s.condition?.operators ?? []) checkOperator(s, op);
  },
});
