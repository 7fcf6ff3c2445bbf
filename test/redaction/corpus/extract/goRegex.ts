/**
 * A Go (RE2) regular expression as a JavaScript one, for the syntax that
 * gitleaks' rules use: `(?i)`, `(?i:…)` and `(?s:…)` become flags of the
 * whole pattern, `(?-i:…)` a plain group (a looser match, good enough to locate a secret in a sample
 * that is known to hold one), `\z` becomes `$`, `[[:alnum:]]` a class.
 * Returns `undefined` when JavaScript cannot compile the result.
 */
export const goRegex = (source: string): RegExp | undefined => {
  let flags = ""
  let s = source
  if (/\(\?i\)|\(\?i:/.test(s)) flags += "i"
  if (/\(\?s:|\(\?s\)/.test(s)) flags += "s"
  s = s
    .replace(/\(\?[is]+\)/g, "")
    .replace(/\(\?[is]+:/g, "(?:")
    .replace(/\(\?-i:/g, "(?:")
    .replace(/\\z/g, "$")
    .replace(/\[\[:alnum:\]\]/g, "[A-Za-z0-9]")
    .replace(/\[:alnum:\]/g, "A-Za-z0-9")
  try {
    return new RegExp(s, flags)
  } catch {
    return undefined
  }
}
