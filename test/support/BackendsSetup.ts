/**
 * Vitest global setup: says once, at the start of a run, whether the store
 * specs run on PostgreSQL too (test/support/Backends.ts).
 */
export default function setup() {
  const url = process.env.LOGBOOK_TEST_PG_URL
  if (url === undefined || url === "") {
    process.stdout.write(
      "logbook: LOGBOOK_TEST_PG_URL is not set: the store specs run on SQLite (file and memory) only; the PostgreSQL half (test/postgres and the stores on PostgreSQL) was skipped: scripts/postgres.sh start\n"
    )
  } else {
    process.stdout.write("logbook: the store specs run on SQLite (file and memory) and on the PostgreSQL server of LOGBOOK_TEST_PG_URL\n")
  }
}
