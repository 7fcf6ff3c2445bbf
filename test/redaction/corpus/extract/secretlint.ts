/**
 * Writes `secretlint.json`: the snapshot cases of secretlint's recommended
 * preset (`packages/@secretlint/secretlint-rule-preset-recommend/test/snapshots`)
 * and of each rule the preset holds (`packages/@secretlint/<rule>/test/snapshots`,
 * the rules read from the preset's `src/index.ts`; a case whose input the
 * preset's snapshots already hold is kept once).
 * A case whose expected output reports messages is a true sample; each
 * reported range of its input is a text that must not survive redaction. A
 * case that reports nothing is a false sample, unless it is clean only
 * because of a rule option (`.secretlintrc.json`) or a `secretlint-disable`
 * comment: those hold real-looking secrets and are kept as `"suppressed"`.
 * A case reported only because an option turns a rule on (`.secretlintrc.json`,
 * such as AWS account ids) is kept as `"optional"`.
 * Binary inputs (PKCS#12 files) are left out.
 *
 * Usage: `node --import tsx test/redaction/corpus/extract/secretlint.ts <secretlint git directory>`
 */
import { execFileSync } from "node:child_process"
import { writeFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const checkout = process.argv[2]
if (checkout === undefined) throw new Error("usage: secretlint.ts <secretlint git directory>")
const git = (...args: ReadonlyArray<string>) =>
  execFileSync("git", ["-C", checkout, ...args], { encoding: "buffer", maxBuffer: 1 << 26 })
const packages = "packages/@secretlint"
const preset = `${packages}/secretlint-rule-preset-recommend`
const presetRules = [...git("show", `HEAD:${preset}/src/index.ts`).toString("utf8").matchAll(/from "@secretlint\/(secretlint-rule-[a-z0-9-]+)"/g)].map((m) => m[1]!)
const list = (dir: string) => git("ls-tree", "-r", "--name-only", "HEAD", dir).toString("utf8").split("\n").filter((f) => f !== "")
/** Each snapshot folder, as its rule, its case and its files. */
const roots = [
  { root: `${preset}/test/snapshots`, rule: undefined },
  ...presetRules.map((rule) => ({ root: `${packages}/${rule}/test/snapshots`, rule }))
]
const files = roots.flatMap((r) => list(r.root))
const cases = roots.flatMap(({ root, rule }) =>
  [...new Set(list(root).filter((f) => f.endsWith("/output.json")).map((f) => path.dirname(f)))].sort().map((dir) => {
    const parts = dir.slice(root.length + 1).split("/")
    return rule === undefined ? { dir, rule: parts[0]!, name: parts[1]!, own: false } : { dir, rule, name: parts[0]!, own: true }
  })
)

interface Sample {
  readonly rule: string
  readonly case: string
  readonly kind: "true" | "false" | "suppressed" | "optional"
  readonly text: string
  readonly secrets?: ReadonlyArray<string>
}
const samples: Array<Sample> = []
const skipped: Array<string> = []
const decoder = new TextDecoder("utf-8", { fatal: true })

const seen = new Set<string>()
for (const { dir, name, own, rule } of cases) {
  const output: unknown = JSON.parse(git("show", `HEAD:${dir}/output.json`).toString("utf8"))
  const { filePath, messages } = output as {
    readonly filePath: string
    readonly messages: ReadonlyArray<{ range: readonly [number, number] }>
  }
  const input = `${dir}/${path.basename(filePath)}`
  if (!files.includes(input)) {
    skipped.push(`${rule}/${name}: no input`)
    continue
  }
  const bytes = git("show", `HEAD:${input}`)
  let text: string
  try {
    text = decoder.decode(bytes)
    if (text.includes("\u0000")) throw new Error("binary")
  } catch {
    skipped.push(`${rule}/${name}: binary input`)
    continue
  }
  if (own && seen.has(`${rule}\u0000${text}`)) continue
  seen.add(`${rule}\u0000${text}`)
  const configured = files.includes(`${dir}/.secretlintrc.json`) || rule === "secretlint-rule-filter-comments"
  if (messages.length > 0) {
    samples.push({ rule, case: name, kind: configured ? "optional" : "true", text, secrets: [...new Set(messages.map((m) => text.slice(m.range[0], m.range[1])))] })
  } else {
    samples.push({ rule, case: name, kind: configured ? "suppressed" : "false", text })
  }
}

const out = {
  source: {
    repository: "https://github.com/secretlint/secretlint",
    commit: git("rev-parse", "HEAD").toString("utf8").trim(),
    license: "MIT",
    from: `${preset}/test/snapshots/<rule>/<case>/{input,output.json} and ${packages}/<rule>/test/snapshots/<case>/{input,output.json} for each rule of the preset`
  },
  samples,
  skipped
}
const here = path.dirname(fileURLToPath(import.meta.url))
writeFileSync(path.join(here, "..", "secretlint.json"), JSON.stringify(out, null, 1) + "\n")
const count = (k: string) => samples.filter((s) => s.kind === k).length
console.log(`secretlint: ${count("true")} true, ${count("false")} false, ${count("suppressed")} suppressed, ${skipped.length} skipped`)
