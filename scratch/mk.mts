import * as Effect from "effect/Effect"
import { AuditLog } from "../src/AuditLog.js"
import * as Logbook from "../src/Logbook.js"
await Effect.runPromise(Effect.flatMap(AuditLog, (a) => a.log({ projectId: "p", action: "a", category: "agent" })).pipe(Effect.provide(Logbook.layer({ url: "/tmp/oo/cli.db" }))))
