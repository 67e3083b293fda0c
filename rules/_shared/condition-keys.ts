// The condition key table lives in core, beside the action catalog: the evaluator's request checks read it too.
export { conditionKeySuggestions, findConditionKey, isMultiValued, type ConditionKeyInfo } from "@ecrlint/core";
