/** Where the UI listens unless told otherwise (kept apart so the CLI reads them without loading the server). */

/** The default port. */
export const DEFAULT_PORT = 4100
/** The default interface: the loopback only. */
export const LOOPBACK = "127.0.0.1"
