/**
 * A session's logs as a tree, built in one pass without recursion: logs come
 * in the order they were written, so a parent is always met before its
 * children, and each log is attached to its parent's children as it is met.
 * Linear in the number of logs, whatever the depth.
 */
import type { LogBuilder } from "./LogReader.js"
import type { SessionLog, SessionLogNode } from "./SessionLog.js"

/** A node while its tree is built: its children still grow. */
export interface LogNode extends SessionLog {
  readonly children: Array<LogNode>
}

/** A log as a tree node with no children yet (optional keys present only when set). */
export const logNode: LogBuilder<LogNode> = (id, sessionId, parentId, role, type, content, metadata, createdAt) =>
  parentId === undefined
    ? metadata === undefined
      ? { id, sessionId, role, type, content, createdAt, children: [] }
      : { id, sessionId, role, type, content, metadata, createdAt, children: [] }
    : metadata === undefined
    ? { id, sessionId, parentId, role, type, content, createdAt, children: [] }
    : { id, sessionId, parentId, role, type, content, metadata, createdAt, children: [] }

/**
 * Attaches each of `nodes` (given in insertion order, without children) below
 * its parent and returns the roots, each with its children in insertion
 * order. A node whose parent is not among `nodes` is a root.
 */
export const linkLogTree = (nodes: ReadonlyArray<LogNode>): ReadonlyArray<SessionLogNode> => {
  const byId = new Map<number, LogNode>()
  const roots: Array<LogNode> = []
  for (const node of nodes) {
    byId.set(node.id, node)
    const parent = node.parentId === undefined ? undefined : byId.get(node.parentId)
    if (parent === undefined) roots.push(node)
    else parent.children.push(node)
  }
  return roots
}

/** The tree of `logs` (given in insertion order), as {@link linkLogTree} links it. */
export const buildLogTree = (logs: ReadonlyArray<SessionLog>): ReadonlyArray<SessionLogNode> =>
  linkLogTree(
    logs.map((log) =>
      logNode(log.id, log.sessionId, log.parentId, log.role, log.type, log.content, log.metadata, log.createdAt)
    )
  )
