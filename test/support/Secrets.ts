/**
 * Credentials for specs that check redaction: each in its provider's real
 * format with a random-looking body. Fillers such as `AAAA…`, `abc123…` or
 * `AKIAIOSFODNN7EXAMPLE` are placeholders the Redactor leaves as they are
 * (as gitleaks and secretlint do), so a spec that means a secret uses these.
 * The bodies come from a seeded generator: the same on every run.
 */

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

/** mulberry32: a small seeded generator of numbers in [0, 1). */
const generator = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
}

/** `length` characters of `alphabet`, random-looking and the same for the same seed. */
export const randomBody = (length: number, seed: number, alphabet: string = ALPHANUMERIC): string => {
  const next = generator(seed)
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join("")
}

/** An Anthropic API key. */
export const anthropicKey = (seed = 1): string => `sk-ant-api03-${randomBody(93, seed)}AA`

/** An AWS access key id. */
export const awsAccessKeyId = (seed = 2): string => `AKIA${randomBody(16, seed, UPPER_DIGITS)}`

/** A GitHub personal access token. */
export const githubToken = (seed = 3): string => `ghp_${randomBody(36, seed)}`
