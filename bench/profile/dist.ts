/**
 * logbook as the package runs it: the built modules in dist/ (`npm run
 * build`), one module per source file, so that a profile frame's script URL
 * names the source folder it comes from. Typed by the sources they are
 * built from.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const dist = new URL("../../dist/", import.meta.url)

const load = async <M>(file: string): Promise<M> => {
  const url = new URL(file, dist)
  if (!existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run \`npm run build\` first`)
  return (await import(url.href)) as M
}

/** The built modules the profile runs. */
export const loadLogbook = async () => ({
  AuditLog: (await load<typeof import("../../src/AuditLog.js")>("AuditLog.js")).AuditLog,
  Database: (await load<typeof import("../../src/Database.js")>("Database.js")).Database,
  ExecutionTracker: (await load<typeof import("../../src/ExecutionTracker.js")>("ExecutionTracker.js")).ExecutionTracker,
  LessonsStore: (await load<typeof import("../../src/LessonsStore.js")>("LessonsStore.js")).LessonsStore,
  Logbook: await load<typeof import("../../src/Logbook.js")>("Logbook.js"),
  StateStore: (await load<typeof import("../../src/StateStore.js")>("StateStore.js")).StateStore
})

export type Built = Awaited<ReturnType<typeof loadLogbook>>
