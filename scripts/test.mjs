/**
 * `npm test`: the type-check (`npm run typecheck`) and the specs (`vitest run`,
 * with any arguments given) at the same time, failing when either fails. The
 * type-check runs on one core; side by side with the specs it uses the time
 * they spend waiting on child processes, disks and the browser instead of
 * leaving a core idle before they start.
 */
import { spawn } from "node:child_process"

/** Runs `command` with the terminal's output; resolves to its exit code (1 when ended by a signal). */
const run = (command, args) =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", shell: process.platform === "win32" })
    child.on("error", () => resolve(1))
    child.on("close", (code) => resolve(code ?? 1))
  })

const [typecheck, specs] = await Promise.all([
  run("npm", ["run", "--silent", "typecheck"]),
  run("npx", ["vitest", "run", ...process.argv.slice(2)])
])
if (typecheck !== 0) process.stderr.write("npm test: the type-check failed\n")
process.exit(typecheck !== 0 ? typecheck : specs)
