/** The scripts the suite runs as child processes; test/support/ChildBuild.ts prebuilds them. */

/** Every script the suite runs as a child process, relative to the repository root. */
export const CHILD_SCRIPTS = [
  "src/bin.ts",
  "bench/exportMemoryChild.ts",
  "bench/retentionWriter.ts",
  "test/database/fixtures/open.ts",
  "test/database/fixtures/withoutPostgresDriver.ts",
  "test/faults/fixtures/holdLock.ts",
  "test/faults/fixtures/recordAndExit.ts",
  "test/faults/fixtures/replaySpool.ts",
  "test/langgraph/graph.ts",
  "test/lessons/lessonCreator.ts",
  "test/lessons/lessonWorker.ts",
  "test/openai-agents/conversation.ts",
  "test/postgres/fixtures/migrate.ts",
  "test/postgres/loadWorker.ts",
  "test/state/scripts/raceWorker.ts",
  "test/state/scripts/racers.ts",
  "test/state/scripts/saver.ts",
  "test/writeBehind/fixtures/counter.ts",
  "test/writeBehind/fixtures/spoolThenDie.ts"
] as const
