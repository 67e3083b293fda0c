import ecrlint from "@ecrlint/eslint-plugin";

export default [...ecrlint.configs.recommended];
