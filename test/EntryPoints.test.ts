import { describe, expect, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import ts from "typescript"
import { childEntry, repoRoot } from "./support/ChildProcess.js"

/** Every package a module imports, following the repository's own modules (`./x.js` is `./x.ts`). */
const externalImports = (entry: string): Set<string> => {
  const packages = new Set<string>()
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true)
    for (const { fileName } of info.importedFiles) {
      if (fileName.startsWith(".")) {
        const target = path.resolve(path.dirname(file), fileName.replace(/\.js$/, ".ts"))
        if (existsSync(target)) visit(target)
      } else {
        packages.add(fileName)
      }
    }
  }
  visit(path.join(repoRoot, entry))
  return packages
}

const frameworks = (packages: Set<string>) => [...packages].filter((p) => /^@langchain\/|^@openai\/|^openai$/.test(p))

describe("entry points", () => {
  it("the main entry imports no agent framework; each bridge imports only its own", () => {
    expect(frameworks(externalImports("src/index.ts"))).toEqual([])
    expect(frameworks(externalImports("src/langgraph/index.ts")).sort()).toEqual([
      "@langchain/core/runnables",
      "@langchain/langgraph-checkpoint"
    ])
    expect(frameworks(externalImports("src/openai-agents/index.ts"))).toEqual(["@openai/agents-core"])
  })

  it("the main entry loads neither the CLI nor @effect/platform-node", () => {
    const packages = [...externalImports("src/index.ts")]
    expect(packages.filter((p) => p.startsWith("@effect/cli") || p.startsWith("@effect/platform-node"))).toEqual([])
  })

  it("logbook --version answers from package.json, as the CLI does", () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"))
    const result = spawnSync(process.execPath, [childEntry("src/bin.ts"), "--version"], {
      cwd: repoRoot,
      encoding: "utf8"
    })
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${pkg.version}\n\n`, ""])
  })

  it("package.json exports each bridge, its framework an optional peer dependency", () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"))
    expect(pkg.exports["./langgraph"]).toEqual({ types: "./dist/langgraph/index.d.ts", import: "./dist/langgraph/index.js" })
    expect(pkg.exports["./openai-agents"]).toEqual({
      types: "./dist/openai-agents/index.d.ts",
      import: "./dist/openai-agents/index.js"
    })
    for (const name of ["@langchain/langgraph-checkpoint", "@langchain/core", "@openai/agents-core"]) {
      expect(pkg.peerDependencies[name]).toBeDefined()
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true })
    }
  })
})
