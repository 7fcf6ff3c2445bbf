/**
 * A session's logs as a tree, built in one pass without recursion: logs come
 * in the order they were written, so a parent is always met before its
 * children, and each log is attached to its parent's children as it is met.
 * Linear in the number of logs, whatever the depth.
 */
import type { SessionLog, SessionLogNode } from "./SessionLog.js"

interface Node extends SessionLog {
  readonly children: Array<Node>
}

/**
 * The roots of `logs` (given in insertion order), each with its children in
 * insertion order. A log whose parent is not among `logs` is a root.
 */
export const buildLogTree = (logs: ReadonlyArray<SessionLog>): ReadonlyArray<SessionLogNode> => {
  const byId = new Map<number, Node>()
  const roots: Array<Node> = []
  for (const log of logs) {
    const node: Node = { ...log, children: [] }
    byId.set(log.id, node)
    const parent = log.parentId === undefined ? undefined : byId.get(log.parentId)
    if (parent === undefined) roots.push(node)
    else parent.children.push(node)
  }
  return roots
}
