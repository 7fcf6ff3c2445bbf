/**
 * Which trajectory a write is: a stored trajectory is replaced only by the
 * same one. A trajectory is the same as another when both carry the same
 * `trajectory_id` (ATIF-v1.7); without one, when both have the same session
 * and the same first step, so a trajectory that grows step by step is the
 * same trajectory while a continuation or a fork sharing its session (ATIF
 * 1.7 makes `session_id` run-scoped) is another.
 */
import { createHash } from "node:crypto"

/** The part of a trajectory its identity is read from. */
interface Identifiable {
  readonly session_id?: string | null | undefined
  readonly trajectory_id?: string | null | undefined
  readonly steps: ReadonlyArray<unknown>
}

/** The identity of `trajectory` (as stored: redacted), a fixed-length key for the `identity` column. */
export const identityOf = (trajectory: Identifiable): string => {
  if (typeof trajectory.trajectory_id === "string") {
    return `trajectory:${createHash("sha256").update(trajectory.trajectory_id).digest("hex")}`
  }
  const firstStep = JSON.stringify([trajectory.session_id ?? null, trajectory.steps[0] ?? null])
  return `session:${createHash("sha256").update(firstStep).digest("hex")}`
}

/** What a trajectory is identified by when its id is chosen. */
export interface Named {
  readonly sessionId: string | null
  readonly trajectoryId: string | null
  readonly identity: string
}

/**
 * The first id a new trajectory may take: its session id (so a session's
 * only trajectory is found by its session id), else its `trajectory_id`,
 * else `trajectory-` and the start of its identity.
 */
export const baseId = ({ identity, sessionId, trajectoryId }: Named): string =>
  sessionId ?? trajectoryId ?? `trajectory-${identity.slice(identity.indexOf(":") + 1).slice(0, 16)}`

/**
 * The id callers address a new trajectory by, the first of these not yet
 * `taken`: {@link baseId}, its `trajectory_id`, then `<base>#2`, `#3`...
 */
export const newId = (named: Named, taken: (id: string) => boolean): string => {
  const base = baseId(named)
  const { trajectoryId } = named
  if (!taken(base)) return base
  if (trajectoryId !== null && !taken(trajectoryId)) return trajectoryId
  for (let n = 2;; n++) {
    const id = `${base}#${n}`
    if (!taken(id)) return id
  }
}
