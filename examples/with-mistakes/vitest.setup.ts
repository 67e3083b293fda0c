// Adds expect(policy).toAllow(...) and .toDeny(...), typed for every test file.
import "@ecrlint/testing/vitest";
