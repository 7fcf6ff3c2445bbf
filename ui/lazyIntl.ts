/**
 * A build step of the UI's front end: uPlot builds an `Intl` number
 * formatter and reads the time zone through `Intl.DateTimeFormat` when its
 * module is first run, and the first `Intl` object of a fresh tab loads the
 * locale's data (43–54 ms here), on the costs page's first render. This
 * builds each on first use instead; the app's charts format their axes
 * themselves (`Chart.tsx`), so that happens only once a legend shows a value.
 * The build fails when uPlot's source no longer has a line it replaces.
 */
import type { Plugin } from "vite"

/** uPlot's eager lines and their on-first-use replacements. */
const REPLACEMENTS: ReadonlyArray<readonly [eager: string, lazy: string]> = [
  [
    `const numFormatter = new Intl.NumberFormat(domEnv ? nav.language : 'en-US');
const fmtNum = val => numFormatter.format(val);`,
    `let numFormatter;
const fmtNum = val => (numFormatter ??= new Intl.NumberFormat(domEnv ? nav.language : 'en-US')).format(val);`
  ],
  [
    `const localTz = new Intl.DateTimeFormat().resolvedOptions().timeZone;`,
    `let localTz;`
  ],
  [
    `else if (tz == localTz)`,
    `else if (tz == (localTz ??= new Intl.DateTimeFormat().resolvedOptions().timeZone))`
  ]
]

export const lazyIntl = (): Plugin => ({
  name: "logbook-lazy-intl",
  apply: "build",
  transform(code, id) {
    if (!id.replaceAll("\\", "/").endsWith("/uplot/dist/uPlot.esm.js")) return undefined
    let patched = code
    for (const [eager, lazy] of REPLACEMENTS) {
      if (!patched.includes(eager)) throw new Error(`lazy-intl: uPlot's source no longer has: ${eager.split("\n")[0]}`)
      patched = patched.replace(eager, lazy)
    }
    return { code: patched, map: null }
  }
})
