import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Trees of a few hundred files are written and removed: slow on a busy disk, never a timing assertion.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
