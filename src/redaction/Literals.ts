/**
 * One scan of a text for many literal texts at once (an Aho–Corasick
 * automaton): every occurrence of every literal, in one pass, at a cost per
 * character that does not depend on how many literals there are. The
 * redactor uses it to learn which rules can match a text, and where.
 */

/** Finds occurrences of a fixed list of literals. */
export interface LiteralScanner {
  /**
   * Calls `found(id, end)` for every occurrence of the literal at index `id`
   * of the list, `end` being the index right after the occurrence. Stops
   * early when `found` returns `true`.
   */
  readonly scan: (s: string, found: (id: number, end: number) => boolean) => void
}

/** Scanners built so far, by their literals: redactors with the same rules share one. */
const built = new Map<string, LiteralScanner>()

/** The scanner of `literals` (non-empty texts). */
export const makeLiteralScanner = (literals: ReadonlyArray<string>): LiteralScanner => {
  const key = literals.join("\u0000")
  let scanner = built.get(key)
  if (scanner === undefined) {
    scanner = buildScanner(literals)
    built.set(key, scanner)
  }
  return scanner
}

const buildScanner = (literals: ReadonlyArray<string>): LiteralScanner => {
  // Characters used by some literal get a class of their own; all others share class 0.
  const classOf = new Uint8Array(65536)
  let classes = 1
  for (const literal of literals) {
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i)
      if (classOf[c] === 0) classOf[c] = classes++
    }
  }
  if (classes > 256) throw new Error("makeLiteralScanner: more than 255 distinct characters")

  // The trie of the literals.
  const children: Array<Map<number, number>> = [new Map()]
  const ends: Array<Array<number>> = [[]]
  literals.forEach((literal, id) => {
    let state = 0
    for (let i = 0; i < literal.length; i++) {
      const k = classOf[literal.charCodeAt(i)]!
      let next = children[state]!.get(k)
      if (next === undefined) {
        next = children.length
        children.push(new Map())
        ends.push([])
        children[state]!.set(k, next)
      }
      state = next
    }
    ends[state]!.push(id)
  })

  // Failure links, breadth first; the dense transition table follows them.
  const states = children.length
  const delta = new Int32Array(states * classes)
  const fail = new Int32Array(states)
  const outputs: Array<Array<number>> = ends.map((e) => [...e])
  const queue: Array<number> = []
  for (const [k, next] of children[0]!) {
    delta[k] = next
    queue.push(next)
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!
    const failRow = fail[state]! * classes
    outputs[state]!.push(...outputs[fail[state]!]!)
    delta.copyWithin(state * classes, failRow, failRow + classes)
    for (const [k, next] of children[state]!) {
      fail[next] = delta[failRow + k]!
      delta[state * classes + k] = next
      queue.push(next)
    }
  }
  const outStart = new Int32Array(states + 1)
  for (let state = 0; state < states; state++) outStart[state + 1] = outStart[state]! + outputs[state]!.length
  const outIds = Int32Array.from(outputs.flat())
  // The table the scan reads: the row of the next state, complemented when that state ends a literal.
  const rows = new Int32Array(states * classes)
  for (let i = 0; i < rows.length; i++) {
    const next = delta[i]!
    rows[i] = outputs[next]!.length > 0 ? ~(next * classes) : next * classes
  }

  return {
    scan: (s, found) => {
      let row = 0
      for (let i = 0; i < s.length; i++) {
        row = rows[row + classOf[s.charCodeAt(i)]!]!
        if (row < 0) {
          row = ~row
          const state = row / classes
          for (let k = outStart[state]!; k < outStart[state + 1]!; k++) if (found(outIds[k]!, i + 1)) return
        }
      }
    }
  }
}
