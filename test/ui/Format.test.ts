import { describe, expect, it } from "vitest"
import { count, when } from "../../ui/src/format.js"

describe("UI figures", () => {
  it("writes instants as en-GB local date and time, to the second, like toLocaleString", () => {
    const instants = [
      "2026-12-01T00:00:00.000Z",
      "2026-01-09T09:05:07.999Z",
      "2026-06-30T23:59:59Z",
      "2024-02-29T12:00:00+05:30",
      "1999-12-31T23:59:59.500Z",
      "2038-01-19T03:14:07Z"
    ]
    for (let hour = 0; hour < 24; hour++) instants.push(`2026-03-2${hour % 10}T${String(hour).padStart(2, "0")}:0${hour % 10}:3${hour % 10}Z`)
    for (const iso of instants) expect(when(iso)).toBe(new Date(iso).toLocaleString("en-GB", { hour12: false }))
    expect(when("not a date")).toBe("not a date")
    expect(when(null)).toBe("–")
  })

  it("writes whole numbers grouped by thousands, like toLocaleString(\"en-US\")", () => {
    for (const n of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 123_456_789, -1, -1234, -1_000_000, Number.MAX_SAFE_INTEGER, 0.5, 1234.5678]) {
      expect(count(n)).toBe(n.toLocaleString("en-US"))
    }
    expect(count(undefined)).toBe("–")
  })
})
