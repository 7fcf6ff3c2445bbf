import type { AuditEntryInput } from "../../src/AuditLog.js"

/** The i-th of a deterministic series of audit entries with CSV-hostile details, for export specs and measurements. */
export const exportEntry = (i: number): AuditEntryInput => ({
  projectId: `project-${i % 10}`,
  taskId: `task-${i % 1000}`,
  agent: ["planner", "builder", "reviewer"][i % 3],
  action: i % 2 === 0 ? "file.write" : "state.transition",
  category: (["state", "file", "agent", "security", "user"] as const)[i % 5],
  details: { index: i, path: `src/module-${i % 500}/file-${i}.ts`, note: "a, \"quoted\" note\nwith a second line", ok: i % 7 !== 0 },
  userId: `user-${i % 50}`,
  ipAddress: `10.0.${(i >> 8) % 256}.${i % 256}`,
  timestamp: new Date(Date.UTC(2025, 0, 1) + Math.floor(i / 3) * 1000)
})
