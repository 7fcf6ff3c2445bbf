import { defineConfig } from "vitest/config"

// The PostgreSQL half of the suite needs a server: LOGBOOK_TEST_PG_URL (see README, "Development").
// test/support/BackendsSetup.ts says at the start of a run whether it runs.
const postgres = Boolean(process.env["LOGBOOK_TEST_PG_URL"])
const exclude = postgres ? ["**/node_modules/**"] : ["**/node_modules/**", "test/postgres/**"]

/** Specs that need a module graph of their own (@effect/ai's test clock did not survive sharing one). */
const ISOLATED = ["test/ai/**/*.test.ts"]

export default defineConfig({
  test: {
    // Two workers, whatever the core count (vitest would take one on 2 cores): many specs wait on child processes.
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    // The test files of a worker share one process and its module graph (Effect, logbook) instead of loading it
    // again per file: on a 2-core machine loading took longer than the tests. Every spec opens its own databases;
    // a spec sharing a layer across a file uses test/support/FileLayer.ts (not @effect/vitest's `layer`, which
    // rewrites the `it` that every file of the worker shares).
    poolOptions: { forks: { isolate: false } },
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "logbook",
          include: ["test/**/*.test.ts"],
          exclude: [...exclude, ...ISOLATED],
          // ChildBuild.ts prebuilds the scripts the specs run as child processes.
          globalSetup: ["test/support/BackendsSetup.ts", "test/support/ChildBuild.ts"]
        }
      },
      // A file each, in a worker thread of its own.
      { extends: true, test: { name: "isolated", include: ISOLATED, exclude, pool: "threads", poolOptions: { threads: { isolate: true } } } }
    ]
  }
})
