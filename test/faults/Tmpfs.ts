/** A real, small tmpfs for full-disk specs (the suite runs as root), unmounted with the scope. */
import * as Effect from "effect/Effect"
import { execFileSync } from "node:child_process"
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"

/** Mounts a tmpfs of `size` (e.g. "4m") on a fresh folder. */
export const tmpfs = (size: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(path.join(tmpdir(), "logbook-tmpfs-"))
      execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir])
      return dir
    }),
    (dir) =>
      Effect.sync(() => {
        execFileSync("umount", ["-l", dir])
        rmSync(dir, { recursive: true, force: true })
      })
  )

/** Fills the file system of `dir` with a file until it is full, leaving about `leave` bytes free; returns the file. */
export const fill = (dir: string, leave = 0): string => {
  const file = path.join(dir, "filler")
  const fd = openSync(file, "w")
  try {
    for (const size of [65_536, 4_096, 512, 1]) {
      const block = Buffer.alloc(size, 1)
      try {
        while (true) writeSync(fd, block)
      } catch {
        // Full at this block size: go on with smaller blocks.
      }
    }
  } finally {
    closeSync(fd)
  }
  if (leave > 0) execFileSync("truncate", ["-s", `-${leave}`, file])
  return file
}
