/**
 * uPlot with its stylesheet: a chunk of its own, loaded by `Chart.tsx` only
 * when a chart is about to be drawn, so that pages without charts never
 * download or compile it.
 */
import uPlot from "uplot"
import "uplot/dist/uPlot.min.css"

export { uPlot }
