import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/unit/**/*.test.ts"],
    // CLI tests spawn real child processes; two cores are all CI has.
    testTimeout: 30_000,
    pool: "forks",
  },
});
