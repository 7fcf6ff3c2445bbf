/**
 * Loading data for a page: the first load, then (for live pages) a fresh
 * load every few seconds while the tab is visible, so new runs appear
 * without a reload.
 *
 * A load starts while the page is being rendered, not after it is painted:
 * on a fresh document the API request then leaves as soon as the app's
 * script has run, in parallel with the first paint.
 */
import { useEffect, useRef, useState } from "preact/hooks"

/** How often live pages poll the API. */
export const POLL_MS = 3000

/** What a load has given so far. */
export type Loaded<A> =
  | { readonly state: "loading" }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "ready"; readonly value: A }

const LOADING: Loaded<never> = { state: "loading" }

const settle = <A>(promise: Promise<A>): Promise<Loaded<A>> =>
  promise.then(
    (value): Loaded<A> => ({ state: "ready", value }),
    (error: unknown): Loaded<A> => ({ state: "failed", message: error instanceof Error ? error.message : String(error) })
  )

/** First loads started by {@link preload}, by key, until the component that shows them takes them over. */
const preloaded = new Map<string, Promise<unknown>>()

/**
 * Starts the first load of `key` now, for a component rendered only once
 * other data is there (a task's diff, under the task): its `useLoad` of the
 * same key takes this load over instead of starting one, so the two requests
 * run side by side instead of one after the other.
 */
export const preload = <A>(key: string, load: () => Promise<A>): void => {
  if (!preloaded.has(key)) preloaded.set(key, load())
}

/** The load {@link preload} started for `key`, now taken over. */
const takePreloaded = <A>(key: string): Promise<A> | undefined => {
  const started = preloaded.get(key)
  preloaded.delete(key)
  // Every key names one API call, whose result type its users share.
  return started as Promise<A> | undefined
}

/** Loads `load()` whenever `key` changes, and every {@link POLL_MS} when `live`. */
export const useLoad = <A>(key: string, load: () => Promise<A>, live = false): Loaded<A> => {
  // The first load of a key starts during the render that first sees the key (or was preloaded before it).
  const first = useRef<{ readonly key: string; readonly loading: Promise<Loaded<A>> } | undefined>(undefined)
  if (first.current?.key !== key) first.current = { key, loading: settle(takePreloaded<A>(key) ?? load()) }
  const firstLoad = first.current.loading
  const [loaded, setLoaded] = useState<{ readonly key: string; readonly value: Loaded<A> }>({ key, value: LOADING })
  useEffect(() => {
    let current = true
    const show = (value: Loaded<A>) => {
      if (current) setLoaded({ key, value })
    }
    void firstLoad.then(show)
    const timer = live
      ? window.setInterval(() => {
        if (document.visibilityState === "visible") void settle(load()).then(show)
      }, POLL_MS)
      : undefined
    return () => {
      current = false
      if (timer !== undefined) window.clearInterval(timer)
    }
  }, [key])
  return loaded.key === key ? loaded.value : LOADING
}
