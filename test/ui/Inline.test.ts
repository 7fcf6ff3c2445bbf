import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { contentSecurityPolicy } from "../../src/ui/Access.js"
import { inlineSourcesOf } from "../../src/ui/Inline.js"

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`

describe("the page's inline script and style in the Content-Security-Policy", () => {
  it("allows exactly the page's inline elements by their hashes, not scripts loaded from a file", () => {
    const script = "import('/assets/chunk.js')"
    const style = "body{margin:0}"
    const html = `<html><head><script type="module">${script}</script><script src="/assets/other.js"></script><style>${style}</style></head></html>`
    const inline = inlineSourcesOf(html)
    expect(inline).toEqual({ scripts: [sha256(script)], styles: [sha256(style)] })
    const policy = contentSecurityPolicy(inline)
    expect(policy).toContain(`script-src 'self' ${sha256(script)};`)
    expect(policy).toContain(`style-src 'self' ${sha256(style)};`)
    expect(policy).not.toContain("unsafe-inline")
  })

  it("allows no inline element when the page has none", () => {
    expect(contentSecurityPolicy(inlineSourcesOf("<html><body><p>text</p></body></html>"))).toContain("script-src 'self'; style-src 'self';")
  })
})
