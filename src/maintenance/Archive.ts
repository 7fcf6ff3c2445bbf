/**
 * The prune archive: a gzip JSON Lines file (`{ "table", "row" }` per line),
 * appended one gzip member per chunk of deleted rows. Every byte is checked
 * written and fsynced before the delete it protects commits; a chunk whose
 * delete did not commit is cut off again, so the file holds whole members only.
 *
 * @module
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from "node:fs"
import * as path from "node:path"
import { gzipSync } from "node:zlib"

/** One archived row. */
export interface ArchiveLine {
  readonly table: string
  readonly row: Readonly<Record<string, unknown>>
}

/** An open archive file. */
export interface Archive {
  readonly path: string
  /** The length of the file: where the next chunk starts. */
  readonly end: () => number
  /** Appends `lines` as one gzip member, every byte written and fsynced; throws on a short or failed write. */
  readonly append: (lines: ReadonlyArray<ArchiveLine>) => void
  /** Cuts the file back to `length` (a chunk whose delete did not commit) and fsyncs it. */
  readonly truncate: (length: number) => void
  readonly close: () => void
}

/** A write that put fewer bytes on disk than asked, or failed: `code` is the system's (`ENOSPC`, `EDQUOT`, ...). */
export class ArchiveWriteError extends Error {
  constructor(readonly file: string, readonly code: string, detail: string) {
    super(`cannot write the archive ${file}: ${detail}`)
  }
}

const codeOf = (cause: unknown): string =>
  cause instanceof Error && "code" in cause && typeof cause.code === "string" ? cause.code : "EIO"

/** Writes all of `bytes` at the end of `fd`, looping over short writes; a write of 0 bytes is a full disk. */
const writeAll = (fd: number, file: string, bytes: Uint8Array) => {
  let written = 0
  while (written < bytes.length) {
    const n = writeSync(fd, bytes, written, bytes.length - written)
    if (n <= 0) throw new ArchiveWriteError(file, "ENOSPC", `only ${written} of ${bytes.length} bytes could be written`)
    written += n
  }
}

const fsyncFolder = (file: string) => {
  const fd = openSync(path.dirname(file), "r")
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Opens `file` for appending. A new (or empty) file first gets an empty gzip
 * member, fsynced with its folder, so that an archive of nothing is still a
 * valid gzip file that reads back as no lines.
 */
export const openArchive = (file: string): Archive => {
  const fd = openSync(file, "a")
  let length = fstatSync(fd).size
  const guarded = <A>(write: () => A): A => {
    try {
      return write()
    } catch (cause) {
      const error = cause instanceof ArchiveWriteError ? cause : new ArchiveWriteError(file, codeOf(cause), String(cause))
      try {
        ftruncateSync(fd, length)
        fsyncSync(fd)
      } catch {
        // The length recorded before the write stays the end of what is whole; a later append starts over from it.
      }
      throw error
    }
  }
  const append = (bytes: Uint8Array) =>
    guarded(() => {
      writeAll(fd, file, bytes)
      fsyncSync(fd)
      const size = fstatSync(fd).size
      if (size !== length + bytes.length) {
        throw new ArchiveWriteError(file, "EIO", `the file is ${size} bytes, ${length + bytes.length} were expected`)
      }
      length = size
    })
  try {
    if (length === 0) {
      append(gzipSync(Buffer.alloc(0)))
      fsyncFolder(file)
    }
  } catch (cause) {
    closeSync(fd)
    throw cause
  }
  return {
    path: file,
    end: () => length,
    append: (lines) => {
      if (lines.length === 0) return
      append(gzipSync(Buffer.from(lines.map((line) => JSON.stringify(line)).join("\n") + "\n", "utf8")))
    },
    truncate: (to) => {
      if (to >= length) return
      ftruncateSync(fd, to)
      fsyncSync(fd)
      length = to
    },
    close: () => closeSync(fd)
  }
}
