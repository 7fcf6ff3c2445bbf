import { defineConfig } from "vitest/config"

// The PostgreSQL half of the suite needs a server: LOGBOOK_TEST_PG_URL (see README, "Development").
const postgres = Boolean(process.env["LOGBOOK_TEST_PG_URL"])
if (!postgres) {
  console.log("logbook: PostgreSQL specs (test/postgres) skipped: LOGBOOK_TEST_PG_URL is not set (scripts/postgres.sh start)")
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: postgres ? ["**/node_modules/**"] : ["**/node_modules/**", "test/postgres/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
