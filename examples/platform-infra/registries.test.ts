import { definePolicyTests } from "@ecrlint/testing/vitest";
import { describe, expect, it } from "vitest";

// Every case of every *.cases.json file, one Vitest test each (the same cases `ecrlint test` runs).
definePolicyTests("registries/**/*.cases.json", { cwd: import.meta.dirname });

describe("the prod registry", () => {
  const prod = `${import.meta.dirname}/registries/prod-us-west-2/registry-policy.json`;

  it("lets the build account replicate into it, and do nothing else", () => {
    expect(prod).toAllow("ecr:ReplicateImage", { principal: "111122223333", resource: "arn:aws:ecr:us-west-2:444455556666:repository/prod-api" });
    expect(prod).toDeny("ecr:PutImage", { principal: "111122223333" });
    expect(prod).toDeny("ecr:BatchGetImage", { principal: "111122223333" });
  });

  it("lets no other account replicate into it", () => {
    expect(prod).toDeny("ecr:ReplicateImage", { principal: "999988887777" });
  });
});
