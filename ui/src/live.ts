/**
 * Loading data for a page: the first load, then (for live pages) a fresh
 * load every few seconds while the tab is visible, so new runs appear
 * without a reload.
 */
import { useEffect, useState } from "preact/hooks"

/** How often live pages poll the API. */
export const POLL_MS = 3000

/** What a load has given so far. */
export type Loaded<A> =
  | { readonly state: "loading" }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "ready"; readonly value: A }

/** Loads `load()` whenever `key` changes, and every {@link POLL_MS} when `live`. */
export const useLoad = <A>(key: string, load: () => Promise<A>, live = false): Loaded<A> => {
  const [loaded, setLoaded] = useState<Loaded<A>>({ state: "loading" })
  useEffect(() => {
    let current = true
    setLoaded({ state: "loading" })
    const run = () =>
      load().then(
        (value) => current && setLoaded({ state: "ready", value }),
        (error: unknown) => current && setLoaded({ state: "failed", message: error instanceof Error ? error.message : String(error) })
      )
    void run()
    const timer = live
      ? window.setInterval(() => {
        if (document.visibilityState === "visible") void run()
      }, POLL_MS)
      : undefined
    return () => {
      current = false
      if (timer !== undefined) window.clearInterval(timer)
    }
  }, [key])
  return loaded
}
