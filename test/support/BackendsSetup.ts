/**
 * Vitest global setup: says once, at the start of a run, which backends the
 * specs run on (test/support/Backends.ts, test/postgres).
 */
export default function setup() {
  const url = process.env.LOGBOOK_TEST_PG_URL
  process.stdout.write(
    url === undefined || url === ""
      ? "logbook: LOGBOOK_TEST_PG_URL is not set: the PostgreSQL half (test/postgres and the stores on PostgreSQL) was skipped, the store specs run on SQLite (file and memory) only (scripts/postgres.sh start)\n"
      : "logbook: the store specs run on SQLite (file and memory) and on the PostgreSQL server of LOGBOOK_TEST_PG_URL\n"
  )
}
