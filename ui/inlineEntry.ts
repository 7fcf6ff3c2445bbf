/**
 * A build step of the UI's front end: the app's entry script and its
 * stylesheet go inside `index.html` (a `<script type="module">` and a
 * `<style>`), so that a first visit needs one response from the server
 * before the app runs and asks for its data, not two in a row. The server
 * allows exactly these two by their hashes (`src/ui/Inline.ts`). Chunks
 * loaded later (uPlot's) stay files in `assets/`, preloaded from the page's
 * head; the entry imports them by their absolute path, as the page's address
 * is not the assets folder.
 */
import type { Plugin } from "vite"

const basename = (fileName: string) => fileName.slice(fileName.lastIndexOf("/") + 1)

/** Replaces `tag` in `html` with `element`, failing the build when the tag is missing. */
const replaceTag = (html: string, tag: string, element: string) => {
  if (!html.includes(tag)) throw new Error(`inline-entry: index.html has no ${tag}`)
  return html.replace(tag, () => element)
}

/** What may not appear inside an inline element's text, as it would end it early. */
const CLOSING = /<\/(script|style)|<!--/i

export const inlineEntry = (): Plugin => ({
  name: "logbook-inline-entry",
  apply: "build",
  enforce: "post",
  // After every other plugin's: Vite's own fill in the preload lists and write index.html there.
  generateBundle: {
    order: "post",
    handler(_options, bundle) {
      const page = bundle["index.html"]
      if (page === undefined || page.type !== "asset") throw new Error("inline-entry: no index.html in the build")
      let html = String(page.source)
      const chunks = Object.values(bundle).flatMap((item) => (item.type === "chunk" ? [item] : []))
      for (const entry of chunks.filter((chunk) => chunk.isEntry)) {
        if (chunks.some((chunk) => chunk.imports.includes(entry.fileName) || chunk.dynamicImports.includes(entry.fileName))) {
          throw new Error(`inline-entry: another chunk imports ${entry.fileName}, which cannot be inlined`)
        }
        let code = entry.code
        for (const chunk of chunks) code = code.replaceAll(`"./${basename(chunk.fileName)}"`, `"/${chunk.fileName}"`)
        if (CLOSING.test(code)) throw new Error(`inline-entry: ${entry.fileName} holds text that would end its script element`)
        // The chunks the app imports on demand (uPlot) start downloading while the page is parsed; each is
        // run only when imported, so a page without charts pays a download and no evaluation.
        const preloads = entry.dynamicImports.map((file) => `<link rel="modulepreload" href="/${file}">`).join("")
        html = replaceTag(
          html,
          `<script type="module" crossorigin src="/${entry.fileName}"></script>`,
          `${preloads}<script type="module">${code}</script>`
        )
        delete bundle[entry.fileName]
        for (const css of entry.viteMetadata?.importedCss ?? []) {
          const sheet = bundle[css]
          if (sheet === undefined || sheet.type !== "asset") throw new Error(`inline-entry: no stylesheet ${css}`)
          const text = String(sheet.source)
          if (CLOSING.test(text)) throw new Error(`inline-entry: ${css} holds text that would end its style element`)
          html = replaceTag(html, `<link rel="stylesheet" crossorigin href="/${css}">`, `<style>${text}</style>`)
          delete bundle[css]
        }
      }
      page.source = html
    }
  }
})
