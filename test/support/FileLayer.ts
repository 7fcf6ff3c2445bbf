/**
 * One layer built for a file's specs, as `layer` of `@effect/vitest` does,
 * without what that `layer` also does: it assigns its `effect` to vitest's
 * own `it`, which every test file of a worker shares (the files of a worker
 * share one module graph, `vitest.config.ts`), so that later files' `it.effect`
 * would run in this file's layer without their own test clock.
 */
import * as Effect from "effect/Effect"
import * as fc from "effect/FastCheck"
import type * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { afterAll, beforeAll, it } from "vitest"

/** Registers specs written as effects that run with the services of one layer (and the live clock). */
export interface FileLayerIt<R> {
  /** A spec: `body` runs once. */
  readonly effect: <E>(name: string, body: () => Effect.Effect<void, E, R>, timeout?: number) => void
  /** A property: `body` runs for each generated case of `arbitrary`. */
  readonly prop: <A, E>(
    name: string,
    arbitrary: fc.Arbitrary<A>,
    body: (value: A) => Effect.Effect<void, E, R>,
    parameters?: fc.Parameters<[A]>
  ) => void
}

/**
 * Builds `layer` before the specs registered through the returned functions
 * (in the current `describe`) and releases it after them.
 */
export const fileLayer = <R, E>(layer: Layer.Layer<R, E>, options: { readonly timeout: number }): FileLayerIt<R> => {
  const runtime = ManagedRuntime.make(layer)
  beforeAll(() => runtime.runPromise(Effect.void), options.timeout)
  afterAll(() => runtime.dispose(), options.timeout)
  return {
    effect: (name, body, timeout) => it(name, { timeout: timeout ?? options.timeout }, () => runtime.runPromise(Effect.suspend(body))),
    prop: (name, arbitrary, body, parameters) =>
      it(name, { timeout: options.timeout }, () =>
        fc.assert(fc.asyncProperty(arbitrary, (value) => runtime.runPromise(Effect.suspend(() => body(value)))), parameters))
  }
}
