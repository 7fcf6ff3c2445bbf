/**
 * Kubernetes Secret manifests: in a YAML (or JSON) document whose `kind` is
 * `Secret`, every value under `data:` and `stringData:` is a secret, whatever
 * its key is called (`.dockercfg`, `ca.pem`, `extra`). This follows gitleaks'
 * rule `kubernetes-secret-yaml` (a `data:` value of at least 10 base64
 * characters, in a document of kind Secret), reading every value of the
 * block rather than the first one. Documents are told apart by their `---`
 * lines, in raw or JSON-escaped text.
 *
 * Linear: each document is read once for its kind; each `data:` block is
 * read once, and the scan for the next one starts after it.
 */
import { escapedLines, type Range, rawLines, yamlBlock } from "./YamlBlock.js"

/** Reads the values of a block's entries: calls `edit(from, to)` for each, positions in `block`. */
export type BlockValues = (block: string, edit: (from: number, to: number) => void) => void

/** A document separator: `---` alone at the start of a line (raw or escaped). */
const separator = /(?:^|\n|\\n)---(?=[ \t]*(?:\r?\n|\\[rn]|$))/g

/** `kind: Secret`, raw, quoted, JSON (`"kind":"Secret"`) or JSON-escaped. */
const kindSecret = /(?:(?<=\\[nrt])|(?<![A-Za-z0-9_\\]))kind\\*["']?[ \t]*:[ \t]*\\*["']?[Ss](?:ecret|ECRET)(?![A-Za-z0-9_-])/

/** The key of a block of secret values, and its separator. */
const dataKey = /(?:(?<=\\[nrt])|(?<![A-Za-z0-9_\\]))(data|stringData)(\\*["'])?[ \t]*:[ \t]*/g

/** The fewest characters of a `data:` value (base64) that gitleaks counts as a secret. */
const MIN_DATA = 10

const BACKSLASH = 92

/** The indentation of the line holding `i`, raw (spaces and tabs) or after an escaped line break (spaces and `\t`). */
const indentBefore = (s: string, i: number): number => {
  let k = i
  while (k > 0 && i - k < 200) {
    const c = s.charCodeAt(k - 1)
    if (c === 32 || c === 9) k--
    else if (c === 116 && s.charCodeAt(k - 2) === BACKSLASH) k -= 2
    else break
  }
  return i - k
}

/** How many characters of `[from, to)` are neither padding nor blanks. */
const weight = (s: string, from: number, to: number): number => {
  let n = 0
  for (let k = from; k < to && n < MIN_DATA; k++) {
    const c = s.charCodeAt(k)
    if (c !== 61 && c !== 32 && c !== 10 && c !== 13 && c !== 9) n++
  }
  return n
}

/** The block of the data key matched at `at`, value starting at `after`, within `doc`. */
const blockOf = (doc: string, at: number, after: number): Range | undefined => {
  if (doc.charCodeAt(after) === 123) {
    // `{ … }`: a flow mapping or a JSON object, flat
    const close = doc.indexOf("}", after)
    return [after + 1, close === -1 ? doc.length : close]
  }
  const indent = indentBefore(doc, at)
  const block = yamlBlock(doc, after, indent, escapedLines, true) ?? yamlBlock(doc, after, indent, rawLines, true)
  return block === undefined ? undefined : [after, block[1]]
}

/** Calls `edit` for every value of a `data:` or `stringData:` block in documents of kind Secret. */
export const kubernetesSecretValues = (s: string, values: BlockValues, edit: (from: number, to: number) => void): void => {
  if (s.indexOf("kind") === -1) return
  separator.lastIndex = 0
  let start = 0
  for (;;) {
    const m = separator.exec(s)
    const end = m === null ? s.length : m.index
    if (end > start) secretDocument(s.slice(start, end), start, values, edit)
    if (m === null) break
    start = separator.lastIndex
    if (m[0].length === 0) separator.lastIndex++
  }
  separator.lastIndex = 0
}

const secretDocument = (doc: string, offset: number, values: BlockValues, edit: (from: number, to: number) => void): void => {
  if (!kindSecret.test(doc)) return
  dataKey.lastIndex = 0
  let m: RegExpExecArray | null
  while ((m = dataKey.exec(doc)) !== null) {
    const after = dataKey.lastIndex
    const range = blockOf(doc, m.index, after)
    if (range === undefined) continue
    const [from, to] = range
    const min = m[1] === "data" ? MIN_DATA : 1
    values(doc.slice(from, to), (f, t) => {
      if (weight(doc, from + f, from + t) >= min) edit(offset + from + f, offset + from + t)
    })
    dataKey.lastIndex = Math.max(to, after)
  }
  dataKey.lastIndex = 0
}
