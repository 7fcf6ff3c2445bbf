/**
 * A uPlot chart: one x series of UTC days (or indices) and named y series.
 * uPlot is loaded on first use ({@link loadCharts}), not with the app.
 */
import { useLayoutEffect, useRef } from "preact/hooks"
import type uPlot from "uplot"
import { count } from "../format.js"

let loading: Promise<typeof uPlot> | undefined

/**
 * Starts loading uPlot (script and stylesheet) once and returns it; a page
 * with charts calls it as it opens, so that uPlot arrives while its data is
 * still on the way.
 */
export const loadCharts = (): Promise<typeof uPlot> => (loading ??= import("./UPlot.js").then((chunk) => chunk.uPlot))

/** One plotted series. */
export interface Series {
  readonly label: string
  readonly values: ReadonlyArray<number | null>
}

const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"]

/**
 * A y-axis tick: `1,000`, `0.03`, `2.5`. Written here rather than by uPlot's
 * `Intl` formatter, whose first use on a fresh tab loads the locale's data.
 */
const tick = (value: number): string => {
  const rounded = Number(value.toPrecision(12))
  return Number.isInteger(rounded) ? count(rounded) : String(rounded)
}

/** Half a day, in seconds: the room left on either side of the first and last day. */
const HALF_DAY = 43_200

/**
 * A bar (or point) chart of `series` over `x`: seconds since the epoch when
 * `time`, else the indices of `labels`. The y axis starts at 0.
 */
export const Chart = ({ title, x, series, time = true, bars = false, labels, height = 220 }: {
  readonly title: string
  readonly x: ReadonlyArray<number>
  readonly series: ReadonlyArray<Series>
  readonly time?: boolean
  readonly bars?: boolean
  readonly labels?: ReadonlyArray<string>
  readonly height?: number
}) => {
  const host = useRef<HTMLDivElement>(null)
  // Drawn as the chart's element is put in the document, not after the frame that paints it empty: with uPlot
  // loaded already, the chart shows in the same frame as the page's other figures.
  useLayoutEffect(() => {
    const element = host.current
    if (element === null) return
    let plot: uPlot | undefined
    let current = true
    // Measured now, before any chart of the page is drawn: the page's charts are laid out once, not once each.
    const width = Math.max(320, element.clientWidth || 640)
    void loadCharts().then((UPlot) => {
      if (!current) return
      plot = new UPlot(
        {
          title,
          width,
          height,
          scales: {
            x: { time, range: (_u, min, max) => (time ? [min - HALF_DAY, max + HALF_DAY] : [min - 0.5, max + 0.5]) },
            y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] }
          },
          axes: [
            labels === undefined ? {} : { incrs: [1], values: (_u, splits) => splits.map((i) => labels[i] ?? "") },
            { values: (_u, splits) => splits.map(tick) }
          ],
          series: [
            {},
            ...series.map((s, i) => ({
              label: s.label,
              stroke: PALETTE[i % PALETTE.length],
              fill: bars ? `${PALETTE[i % PALETTE.length]}55` : undefined,
              width: 2,
              ...(bars ? { paths: UPlot.paths.bars!({ size: [0.6, 40] }), points: { show: false } } : {})
            }))
          ]
        },
        [Array.from(x), ...series.map((s) => Array.from(s.values))] as uPlot.AlignedData,
        element
      )
    }, (error: unknown) => {
      loading = undefined
      if (current) element.textContent = `The chart could not be loaded: ${error instanceof Error ? error.message : String(error)}`
    })
    return () => {
      current = false
      plot?.destroy()
    }
  }, [title, JSON.stringify(x), JSON.stringify(series)])
  return <div class="chart" ref={host} />
}
