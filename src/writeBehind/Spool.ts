/**
 * Spool files: JSON Lines beside the database (or in its `spoolDirectory`)
 * that hold write-behind records while the database cannot take them. Each
 * recorder appends to a file of its own (`<spool>.spool-<instance>.jsonl`,
 * `<spool>` as `DatabaseOptions.spoolOf` says, the instance a random id, never a
 * pid), on which it holds an OS file lock for as long as it lives (see
 * `SpoolLock.ts`), so no process ever truncates or replays lines another live
 * one wrote; the files of a process that died (its lock gone with it) are
 * claimed by taking their lock, and replayed by the next one. Appends are
 * complete and fsynced, or undone; files are read in bounded chunks, whatever
 * their size; a corrupt line is reported and skipped, never fatal.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { randomUUID } from "node:crypto"
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync
} from "node:fs"
import * as path from "node:path"
import { onFirstCall } from "../domain/OnFirstCall.js"
import { renameDurably } from "../files/RenameDurably.js"
import { appendFully, writeFully } from "../files/WriteFully.js"
import { type HeldLock, tryLock } from "./SpoolLock.js"

/** One spooled record. */
export const SpoolLine = Schema.Struct({
  kind: Schema.String,
  key: Schema.String,
  value: Schema.Unknown
})
export type SpoolLine = typeof SpoolLine.Type

const decodeLine = onFirstCall(() => Schema.decodeUnknownEither(Schema.parseJson(SpoolLine)))

/** A run of lines read from a spool file, and where the next run starts. */
export interface SpoolChunk {
  readonly lines: ReadonlyArray<SpoolLine>
  readonly corrupt: ReadonlyArray<{ readonly offset: number; readonly text: string }>
  /** The byte offset just past the last line read. */
  readonly next: number
  /** Whether the chunk reaches the end of the file. */
  readonly end: boolean
}

const READ_BYTES = 1 << 20
/** A chunk stops after this many bytes of lines too, so that large records keep memory bounded. */
const CHUNK_BYTES = 8 << 20
const NEWLINE = 0x0a

/**
 * Reads at most `maxLines` lines (and about 8 MiB) of `file` from byte
 * `offset` on (a line longer than the read buffer is read whole; memory
 * stays bounded by the chunk). A missing file reads as empty. A last line without its newline (an
 * append torn by a crash) is reported as corrupt.
 */
export const readSpoolChunk = (file: string, offset: number, maxLines: number): SpoolChunk => {
  if (!existsSync(file)) return { lines: [], corrupt: [], next: offset, end: true }
  const fd = openSync(file, "r")
  try {
    const size = fstatSync(fd).size
    const lines: Array<SpoolLine> = []
    const corrupt: Array<{ offset: number; text: string }> = []
    let position = offset
    let pending: Array<Buffer> = []
    let pendingStart = offset
    const take = (raw: Buffer, at: number) => {
      const text = raw.toString("utf8")
      if (text.trim() === "") return
      const decoded = decodeLine(text)
      if (Either.isRight(decoded)) lines.push(decoded.right)
      else corrupt.push({ offset: at, text: text.slice(0, 200) })
    }
    let next = offset
    const full = () => lines.length + corrupt.length >= maxLines || next - offset >= CHUNK_BYTES
    while (position < size && !full()) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, size - position))
      const read = readSync(fd, buffer, 0, buffer.length, position)
      if (read <= 0) break
      let start = 0
      for (let i = 0; i < read && !full(); i++) {
        if (buffer[i] !== NEWLINE) continue
        const piece = buffer.subarray(start, i)
        take(pending.length === 0 ? piece : Buffer.concat([...pending, piece]), pendingStart)
        pending = []
        start = i + 1
        pendingStart = position + start
        next = pendingStart
      }
      if (full()) break
      if (start < read) pending.push(Buffer.from(buffer.subarray(start, read)))
      position += read
    }
    const end = !full()
    if (end && pending.length > 0) {
      take(Buffer.concat(pending), pendingStart)
      next = size
    }
    return { lines, corrupt, next: end ? Math.max(next, size) : next, end }
  } finally {
    closeSync(fd)
  }
}

/** This recorder's own spool file. */
export interface Spool {
  readonly path: string
  /** Appends the lines and fsyncs before returning; a failed append is truncated away. */
  readonly append: (lines: ReadonlyArray<SpoolLine>) => Effect.Effect<void, Error>
  /** Empties the file (after its lines were written to the database). */
  readonly clear: Effect.Effect<void, Error>
  /** Whether the file holds anything. */
  readonly isEmpty: () => boolean
}

const attempt = <A>(f: () => A) =>
  Effect.try({ try: f, catch: (cause) => (cause instanceof Error ? cause : new Error(String(cause))) })

/** Spool files open or claimed in this process, which no recorder here may claim. */
const openSpools = new Set<string>()

const SPOOL_NAME = /^(.*)\.spool-([A-Za-z0-9-]+)\.jsonl$/

const lockPathOf = (spoolPath: string) => spoolPath.replace(/\.jsonl$/, ".lock")

/** A new spool file name for `database`, unique to one recorder instance. */
export const newSpoolPath = (database: string): string => `${database}.spool-${randomUUID()}.jsonl`

/** Every spool file of `database`, this process's included. */
export const spoolFiles = (database: string): ReadonlyArray<string> => {
  const dir = path.dirname(database)
  const base = path.basename(database)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((name) => SPOOL_NAME.exec(name)?.[1] === base)
    .sort()
    .map((name) => path.join(dir, name))
}

/** A spool file of a process that is gone, whose lock this process now holds. */
export interface ClaimedSpool {
  readonly path: string
  /** Deletes the file (its lines are in the database) and lets its lock go. */
  readonly remove: () => void
}

/**
 * Claims the spool files of `database` that no live recorder owns: those
 * whose lock can be taken (their owner died, or released them unreplayed).
 * The lock is kept until the file is replayed and removed, so of several
 * claimers exactly one gets each file. Returns the claimed files.
 */
export const claimOrphans = (database: string): ReadonlyArray<ClaimedSpool> =>
  spoolFiles(database).flatMap((file) => {
    if (openSpools.has(file)) return []
    let lock: HeldLock | undefined
    try {
      lock = tryLock(lockPathOf(file))
    } catch {
      return []
    }
    if (lock === undefined) return []
    if (!existsSync(file)) {
      lock.release({ remove: true })
      return []
    }
    openSpools.add(file)
    const held = lock
    return [{
      path: file,
      remove: () => {
        rmSync(file, { force: true })
        held.release({ remove: true })
        openSpools.delete(file)
      }
    }]
  })

/**
 * Writes `lines` as a complete spool file of their own, for a recorder that
 * is closed: written and fsynced under a temporary name, then renamed into
 * place, so that no claimer ever sees it incomplete.
 */
export const writeSpoolFile = (database: string, lines: ReadonlyArray<SpoolLine>): string => {
  const file = newSpoolPath(database)
  const temporary = `${file}.tmp`
  mkdirSync(path.dirname(file), { recursive: true })
  const bytes = Buffer.from(lines.map((line) => JSON.stringify(line)).join("\n") + "\n", "utf8")
  const fd = openSync(temporary, "wx")
  try {
    writeFully(fd, bytes, temporary)
    fsyncSync(fd)
  } catch (error) {
    closeSync(fd)
    rmSync(temporary, { force: true })
    throw error
  }
  closeSync(fd)
  renameDurably(temporary, file)
  return file
}

/**
 * Opens (creating it, and its folder) this recorder's spool file at `file`, holding its lock.
 * When the scope closes the handle is closed and the lock released, and both
 * files are deleted if the spool is empty.
 */
export const openSpool = (file: string): Effect.Effect<Spool, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const lock = yield* attempt(() => {
      mkdirSync(path.dirname(file), { recursive: true })
      const held = tryLock(lockPathOf(file))
      if (held === undefined) throw new Error(`the lock of ${file} is held by another process`)
      return held
    })
    const fd = yield* Effect.acquireRelease(
      attempt(() => {
        const fd = openSync(file, "a+")
        openSpools.add(file)
        return fd
      }),
      (fd) =>
        Effect.sync(() => {
          const size = fstatSync(fd).size
          closeSync(fd)
          if (size === 0) rmSync(file, { force: true })
          lock.release({ remove: size === 0 })
          openSpools.delete(file)
        })
    ).pipe(Effect.onError(() => Effect.sync(() => lock.release({ remove: true }))))
    let size = fstatSync(fd).size
    return {
      path: file,
      append: (lines) =>
        attempt(() => {
          if (lines.length === 0) return
          const bytes = Buffer.from(lines.map((line) => JSON.stringify(line)).join("\n") + "\n", "utf8")
          appendFully(fd, bytes, file, size)
          size += bytes.length
        }),
      clear: attempt(() => {
        ftruncateSync(fd, 0)
        fsyncSync(fd)
        size = 0
      }),
      isEmpty: () => size === 0
    }
  })
