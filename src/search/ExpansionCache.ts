/**
 * The expansions of plain searches' words into whole indexed terms (see
 * `FtsMatch`), kept with the version of the index's terms they were read at.
 *
 * Reading an expansion walks the index's terms (a few hundred microseconds
 * for a common word); a search repeated while no lesson changed needs none.
 * A kept expansion is used only with a search that reads the current
 * version in the same statement: when the versions differ, the expansion is
 * read again and the search runs again if it changed. Expansions of another
 * version are dropped as soon as one of the current version is kept.
 *
 * @module
 */

/** An expansion and the version of the index's terms it was read at. */
export interface Expansion {
  /** The FTS5 `MATCH` expression. */
  readonly fts5: string
  /** The terms' version; `null` when the database keeps none (nothing is then kept). */
  readonly version: number | null
}

/** The most expansions kept; beyond it, the least recently used goes. */
export const MAX_KEPT_EXPANSIONS = 256

/** Kept expansions, by their words (one per store: they belong to its database). */
export interface ExpansionCache {
  /** The expansion kept for these words, if any (it becomes the most recently used). */
  readonly recall: (words: string) => Expansion | undefined
  /** Keeps an expansion read now (one without version is not kept). */
  readonly remember: (words: string, expansion: Expansion) => void
}

/** An empty cache. */
export const makeExpansionCache = (): ExpansionCache => {
  const kept = new Map<string, Expansion>()
  let version: number | null = null
  return {
    recall: (words) => {
      const expansion = kept.get(words)
      if (expansion !== undefined) {
        kept.delete(words)
        kept.set(words, expansion)
      }
      return expansion
    },
    remember: (words, expansion) => {
      if (expansion.version === null) return
      if (expansion.version !== version) {
        kept.clear()
        version = expansion.version
      }
      kept.delete(words)
      kept.set(words, expansion)
      if (kept.size <= MAX_KEPT_EXPANSIONS) return
      for (const oldest of kept.keys()) {
        kept.delete(oldest)
        return
      }
    }
  }
}
