/**
 * The peers logbook is measured against, installed on demand into
 * bench/peers (their own package.json, never logbook dependencies, no
 * install scripts). A peer that cannot be installed or loaded here is
 * reported as missing and its rows are left out; the run goes on.
 */
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

export const peersDirectory = fileURLToPath(new URL("../peers/", import.meta.url))

const entries = {
  langgraph: "node_modules/@langchain/langgraph-checkpoint-sqlite/dist/index.js",
  mastra: "node_modules/@mastra/libsql/dist/index.js"
} as const

export type Peer = keyof typeof entries

/** Installs bench/peers once (npm, without install scripts); false when npm failed. */
export const installPeers = (): boolean => {
  if (Object.values(entries).every((entry) => existsSync(path.join(peersDirectory, entry)))) return true
  console.log("installing bench peers (bench/peers) ...")
  try {
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: peersDirectory, stdio: "inherit" })
    return true
  } catch (error) {
    console.log(`bench peers could not be installed: ${String(error)}`)
    return false
  }
}

/** Why each missing peer is missing. */
export const missingPeers: Record<string, string> = {}

/** Imports a peer's entry point, or records why it cannot be used here. */
export const loadPeer = async (peer: Peer): Promise<Record<string, unknown> | undefined> => {
  const entry = path.join(peersDirectory, entries[peer])
  if (!existsSync(entry)) {
    missingPeers[peer] = `not installed (${entries[peer]} missing)`
    return undefined
  }
  try {
    return await import(pathToFileURL(entry).href)
  } catch (error) {
    missingPeers[peer] = `cannot be loaded: ${String(error).split("\n")[0]}`
    return undefined
  }
}

/** The file URL of a peer's entry point, for child processes. */
export const peerEntryUrl = (peer: Peer): string => pathToFileURL(path.join(peersDirectory, entries[peer])).href
