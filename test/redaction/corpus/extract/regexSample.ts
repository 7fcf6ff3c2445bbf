/**
 * A seeded generator of strings matching a simple regular expression: the
 * stand-in for gitleaks' `secrets.NewSecret` (reggen), so that the samples
 * its rule tests generate can be written down once as data.
 *
 * Supports literals, escapes, character classes with ranges, groups with
 * alternation and the quantifiers `?`, `*`, `+`, `{n}`, `{n,m}`.
 */
export const seeded = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Node =
  | { readonly _tag: "chars"; readonly chars: string }
  | { readonly _tag: "alt"; readonly options: ReadonlyArray<ReadonlyArray<Piece>> }
interface Piece {
  readonly node: Node
  readonly min: number
  readonly max: number
}

const range = (from: string, to: string): string => {
  let out = ""
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) out += String.fromCharCode(c)
  return out
}

const classEscape = (c: string): string => {
  switch (c) {
    case "d":
      return range("0", "9")
    case "w":
      return range("a", "z") + range("A", "Z") + range("0", "9") + "_"
    case "s":
      return " "
    default:
      return c
  }
}

export const sampleRegex = (source: string, random: () => number): string => {
  let i = 0
  const s = source.replace(/\(\?[is]+\)/g, "")
  const parseClass = (): string => {
    i++ // [
    let negate = false
    if (s[i] === "^") {
      negate = true
      i++
    }
    let chars = ""
    let first = true
    while (i < s.length && (s[i] !== "]" || first)) {
      first = false
      let c = s[i]!
      if (c === "\\") {
        i++
        c = classEscape(s[i]!)
        i++
        chars += c
        continue
      }
      if (s[i + 1] === "-" && s[i + 2] !== undefined && s[i + 2] !== "]") {
        let to = s[i + 2]!
        let skip = 3
        if (to === "\\") {
          to = s[i + 3]!
          skip = 4
        }
        chars += range(c, to)
        i += skip
        continue
      }
      chars += c
      i++
    }
    i++ // ]
    if (negate) {
      const all = range("a", "z") + range("A", "Z") + range("0", "9")
      return [...all].filter((c) => !chars.includes(c)).join("")
    }
    return chars
  }
  const parseAlt = (): Node => {
    const options: Array<Array<Piece>> = [[]]
    while (i < s.length && s[i] !== ")") {
      if (s[i] === "|") {
        options.push([])
        i++
        continue
      }
      let node: Node
      const c = s[i]!
      if (c === "(") {
        i++
        if (s[i] === "?") {
          i++
          while (i < s.length && s[i] !== ":" && s[i] !== ")") i++
          if (s[i] === ":") i++
        }
        node = parseAlt()
        i++ // )
      } else if (c === "[") {
        node = { _tag: "chars", chars: parseClass() }
      } else if (c === "\\") {
        i++
        node = { _tag: "chars", chars: classEscape(s[i]!) }
        i++
      } else if (c === "^" || c === "$") {
        i++
        continue
      } else if (c === ".") {
        node = { _tag: "chars", chars: range("a", "z") }
        i++
      } else {
        node = { _tag: "chars", chars: c }
        i++
      }
      let min = 1
      let max = 1
      const q = s[i]
      if (q === "?") [min, max, i] = [0, 1, i + 1]
      else if (q === "*") [min, max, i] = [0, 8, i + 1]
      else if (q === "+") [min, max, i] = [1, 8, i + 1]
      else if (q === "{") {
        const end = s.indexOf("}", i)
        const [lo, hi] = s.slice(i + 1, end).split(",")
        min = Number(lo)
        max = hi === undefined ? min : hi === "" ? min + 8 : Number(hi)
        i = end + 1
      }
      options[options.length - 1]!.push({ node, min, max })
    }
    return { _tag: "alt", options }
  }
  const root = parseAlt()
  const gen = (node: Node): string => {
    if (node._tag === "chars") return node.chars[Math.floor(random() * node.chars.length)]!
    const option = node.options[Math.floor(random() * node.options.length)]!
    return option
      .map((p) => {
        const n = p.min + Math.floor(random() * (p.max - p.min + 1))
        let out = ""
        for (let k = 0; k < n; k++) out += gen(p.node)
        return out
      })
      .join("")
  }
  return gen(root)
}
