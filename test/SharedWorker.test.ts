/**
 * The test files of a worker share one process and module graph
 * (`vitest.config.ts`): a spec file must leave nothing behind that changes
 * another file's specs. `layer` of `@effect/vitest` does: it assigns its
 * `effect` to the `it` every file shares, so later files' `it.effect` would
 * run in that layer without their test clock. Specs share a layer across a
 * file with test/support/FileLayer.ts instead.
 */
import { describe, expect, it } from "vitest"
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const TEST_ROOT = fileURLToPath(new URL(".", import.meta.url))

const specFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : specFiles(file)
    return entry.name.endsWith(".ts") ? [file] : []
  })

/** An import of `layer` from @effect/vitest, or a call of `it.layer`. */
const SHARED_IT_LAYER = /import\s*\{[^}]*\blayer\b[^}]*\}\s*from\s*"@effect\/vitest"|\bit\.layer\(/

describe("spec files sharing a worker", () => {
  it("none uses @effect/vitest's layer, which rewrites the it shared by every file of the worker", () => {
    const offenders = specFiles(TEST_ROOT)
      .filter((file) => file !== fileURLToPath(import.meta.url))
      .filter((file) => SHARED_IT_LAYER.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(TEST_ROOT, file))
    expect(offenders).toEqual([])
  })
})
