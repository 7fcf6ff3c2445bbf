/**
 * Publishing a finished file under its final name so that it survives a
 * crash: the rename, then an fsync of the folder that records it.
 */
import { closeSync, fsyncSync, openSync, renameSync } from "node:fs"
import * as path from "node:path"

/** Renames `from` to `to` and fsyncs the folder of `to`, so the new name is on disk when this returns. */
export const renameDurably = (from: string, to: string): void => {
  renameSync(from, to)
  const dir = openSync(path.dirname(to), "r")
  try {
    fsyncSync(dir)
  } finally {
    closeSync(dir)
  }
}
