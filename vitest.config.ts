import { defineConfig } from "vitest/config"

// The PostgreSQL half of the suite needs a server: LOGBOOK_TEST_PG_URL (see README, "Development").
// test/support/BackendsSetup.ts says at the start of a run whether it runs.
const postgres = Boolean(process.env["LOGBOOK_TEST_PG_URL"])

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: postgres ? ["**/node_modules/**"] : ["**/node_modules/**", "test/postgres/**"],
    globalSetup: ["test/support/BackendsSetup.ts", "test/support/ChildBuild.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
