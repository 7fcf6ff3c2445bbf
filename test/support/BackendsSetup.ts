/**
 * Vitest global setup: says once, at the start of a run, which backends the
 * specs run on (test/support/Backends.ts, test/postgres).
 */
export default function setup() {
  const url = process.env.LOGBOOK_TEST_PG_URL
  const stores = process.env.LOGBOOK_TEST_PG_STORES === "1"
  if (url === undefined || url === "") {
    process.stdout.write(
      "logbook: LOGBOOK_TEST_PG_URL is not set: the PostgreSQL half (test/postgres) was skipped, the store specs run on SQLite (file and memory) only (scripts/postgres.sh start)\n"
    )
  } else if (!stores) {
    process.stdout.write(
      "logbook: test/postgres runs on the PostgreSQL server of LOGBOOK_TEST_PG_URL; the store specs run on SQLite (file and memory) only, not on PostgreSQL (LOGBOOK_TEST_PG_STORES=1 adds it)\n"
    )
  } else {
    process.stdout.write("logbook: the store specs run on SQLite (file and memory) and on the PostgreSQL server of LOGBOOK_TEST_PG_URL\n")
  }
}
