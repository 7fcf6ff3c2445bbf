/**
 * Writes whose byte count is checked: `writeSync` may write fewer bytes than
 * asked (a full disk shows up exactly there), so every write loops until all
 * bytes are down, and a write that makes no progress is an error, never a
 * silently shorter file.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from "node:fs"

/** Thrown when the file system took none of the remaining bytes. */
export class ShortWrite extends Error {
  constructor(readonly file: string, readonly written: number, readonly expected: number) {
    super(`only ${written} of ${expected} bytes could be written to ${file}`)
  }
}

/** Writes every byte of `bytes` at the descriptor's position; throws (ENOSPC, {@link ShortWrite}) otherwise. */
export const writeFully = (fd: number, bytes: Uint8Array, file: string): void => {
  let written = 0
  while (written < bytes.length) {
    const n = writeSync(fd, bytes, written, bytes.length - written)
    if (n <= 0) throw new ShortWrite(file, written, bytes.length)
    written += n
  }
}

/**
 * Appends `bytes` to `file` (creating it) and fsyncs before returning: all of
 * them, or none (a failed append is truncated away) and a throw.
 */
export const appendDurably = (file: string, bytes: Uint8Array): void => {
  const fd = openSync(file, "a")
  try {
    appendFully(fd, bytes, file, fstatSync(fd).size)
  } finally {
    closeSync(fd)
  }
}

/** Appends `bytes` to an open file of `size` bytes and fsyncs; on failure the file is cut back to `size`. */
export const appendFully = (fd: number, bytes: Uint8Array, file: string, size: number): void => {
  try {
    writeFully(fd, bytes, file)
    fsyncSync(fd)
  } catch (error) {
    ftruncateSync(fd, size)
    throw error
  }
}
