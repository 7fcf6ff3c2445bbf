/**
 * Keeps a bundle folder ASCII. esbuild leaves a non-ASCII character of a
 * tagged template (SQL) or a comment as it is, and one such character makes
 * V8 hold and scan the whole file as two-byte text: some 8 ms more to
 * compile the library's main bundle here. Each is written as its `\uXXXX`
 * escape, which means the same character in a string, a template's cooked
 * text (the SQL tag reads no raw text), a regular expression or a comment;
 * the build stops at one in a `String.raw` template, whose text its escape
 * would change.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import * as path from "node:path"

/** Rewrites every `.js` file of `folder` with its non-ASCII characters escaped. */
export const escapeNonAscii = (folder) => {
  for (const name of readdirSync(folder)) {
    if (!name.endsWith(".js")) continue
    const file = path.join(folder, name)
    const text = readFileSync(file, "utf8")
    if (/String\.raw`[^`]*[^\x00-\x7f]/.test(text)) {
      throw new Error(`${file}: a String.raw template holds a non-ASCII character, which its escape would change`)
    }
    const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    if (ascii !== text) writeFileSync(file, ascii)
  }
}
