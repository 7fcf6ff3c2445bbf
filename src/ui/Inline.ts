/**
 * The script and the stylesheet the built `index.html` carries inline (see
 * `ui/inlineEntry.ts`), as the Content-Security-Policy sources that allow
 * exactly them: `'sha256-…'` of each element's text. Any other inline
 * script or style (one a stored string could smuggle in) stays refused.
 */
import { createHash } from "node:crypto"
import { existsSync, readFileSync } from "node:fs"
import { join } from "node:path"

/** The CSP hash sources of a page's inline scripts and styles. */
export interface InlineSources {
  readonly scripts: ReadonlyArray<string>
  readonly styles: ReadonlyArray<string>
}

const hashOf = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

const contents = (html: string, element: RegExp) => [...html.matchAll(element)].map((found) => hashOf(found[1]!))

/** The hash sources of the inline elements of `html` (a script with a `src` is not inline). */
export const inlineSourcesOf = (html: string): InlineSources => ({
  scripts: contents(html, /<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi),
  styles: contents(html, /<style\b[^>]*>([\s\S]*?)<\/style>/gi)
})

/** The built front end's page, read once as the server starts, with the hash sources of its inline elements. */
export interface BuiltPage {
  /** `index.html`; undefined when the front end is not built. */
  readonly html: string | undefined
  readonly inline: InlineSources
}

/** The page of the built front end in `root` (none when it is not built). */
export const builtPage = (root: string): BuiltPage => {
  const file = join(root, "index.html")
  if (!existsSync(file)) return { html: undefined, inline: { scripts: [], styles: [] } }
  const html = readFileSync(file, "utf8")
  return { html, inline: inlineSourcesOf(html) }
}
