/**
 * Which redaction rules can match a text, learnt in one scan: the literal
 * triggers of every rule and the words every sensitive key name holds are
 * found together (see `Literals.ts`). A rule whose matches start with its
 * trigger is tried right there, and only there; the others, whose trigger
 * occurs, are tried along the text. Ordinary text, where no rule matches,
 * costs that one scan and a few anchored tries.
 */
import { makeLiteralScanner } from "./Literals.js"

/** What a rule brings to the scan. */
export interface CandidateRule {
  /** The rule's pattern, global. */
  readonly pattern: RegExp
  /** Its trigger, when it has one. */
  readonly trigger: RegExp | undefined
  /** Whether every match starts with a text the trigger finds. */
  readonly triggerStartsMatch: boolean
}

/** What one scan learnt about a text. */
export interface Candidates {
  /** `present[i]` is 1 when rule `i` can match (its trigger occurs, or it has none). */
  readonly present: Uint8Array
  /** Whether some rule matches the text. */
  readonly matched: boolean
  /** Whether the text holds one of the key words. */
  readonly keys: boolean
}

/** The literal texts of a trigger made of literals only (`sk-|ghp_`), or `undefined`. */
export const triggerLiterals = (trigger: RegExp | undefined): ReadonlyArray<string> | undefined => {
  if (trigger === undefined || trigger.flags.replace(/[gy]/g, "") !== "") return undefined
  const parts = trigger.source.split(/(?<!\\)\|/)
  if (!parts.every((p) => /^(?:[^\\^$.*+?()[\]{}|]|\\[^A-Za-z0-9])+$/.test(p))) return undefined
  return parts.map((p) => p.replace(/\\(.)/g, "$1"))
}

/** How much of the text before a trigger an anchored try sees (its left boundary). */
const WINDOW_BEFORE = 8
/** How much of the text from a trigger an anchored try sees: more than any rule's shortest match. */
const WINDOW_AFTER = 4096

/** The scan for `rules` and for the literal `keyWords`. */
export const makeCandidates = (
  rules: ReadonlyArray<CandidateRule>,
  keyWords: ReadonlyArray<string>
): (s: string) => Candidates => {
  const literals: Array<string> = []
  // For each literal, the rules it triggers (-1: a key word).
  const owners: Array<Array<number>> = []
  const index = new Map<string, number>()
  const own = (literal: string, owner: number) => {
    let id = index.get(literal)
    if (id === undefined) {
      id = literals.length
      index.set(literal, id)
      literals.push(literal)
      owners.push([])
    }
    if (!owners[id]!.includes(owner)) owners[id]!.push(owner)
  }
  const scanned = rules.map((r, i) => {
    const texts = triggerLiterals(r.trigger)
    for (const t of texts ?? []) own(t, i)
    return texts !== undefined
  })
  for (const w of keyWords) own(w, -1)
  const scanner = makeLiteralScanner(literals)
  const anchored = rules.map((r, i) =>
    scanned[i] && r.triggerStartsMatch ? new RegExp(r.pattern.source, r.pattern.flags.replace(/[gy]/g, "") + "y") : undefined
  )
  const anywhere = rules.map((r) => new RegExp(r.pattern.source, r.pattern.flags.replace(/[gy]/g, "")))
  const present = new Uint8Array(rules.length)
  let text = ""
  let matched = false
  let keys = false
  const found = (id: number, end: number): boolean => {
    for (const owner of owners[id]!) {
      if (owner === -1) {
        keys = true
        continue
      }
      present[owner] = 1
      const sticky = anchored[owner]
      if (!matched && sticky !== undefined) {
        // Tried on a window around the trigger: a match in the whole text is
        // a match in the window (every shortest match fits in it); a window
        // may show a match the whole text does not have, which only costs the
        // full run of the rules.
        const start = end - literals[id]!.length
        const from = Math.max(0, start - WINDOW_BEFORE)
        sticky.lastIndex = start - from
        matched = sticky.test(text.slice(from, start + WINDOW_AFTER))
      }
    }
    return false
  }

  return (s) => {
    present.fill(0)
    text = s
    matched = false
    keys = false
    scanner.scan(s, found)
    for (let i = 0; i < rules.length; i++) {
      if (!scanned[i]) present[i] = rules[i]!.trigger === undefined || rules[i]!.trigger!.test(s) ? 1 : 0
      if (!matched && present[i] === 1 && anchored[i] === undefined) matched = anywhere[i]!.test(s)
    }
    text = ""
    return { present, matched, keys }
  }
}
