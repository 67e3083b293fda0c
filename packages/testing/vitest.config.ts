import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["@ecrlint/testing/vitest"],
    testTimeout: 30_000,
  },
});
