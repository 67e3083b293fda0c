// A TypeScript project without @types/node (a browser-targeted or Deno-style setup) that uses the plugin's types.
import ecrlint, { type EcrlintSettings } from "@ecrlint/eslint-plugin";
import type { Linter } from "eslint";

const settings: EcrlintSettings = { registries: [{ files: ["**"], account: "444455556666", region: "us-west-2" }] };
export const config: Linter.Config[] = [...ecrlint.configs.recommended, { settings: { ecrlint: settings } }];

// The core's public types come along (the plugin's declarations import them): bytes are Uint8Array, not Buffer.
import { decodeText, encodeText } from "@ecrlint/core";
export const roundTrip: string = decodeText(encodeText("{}", "utf16le", true)).text;
