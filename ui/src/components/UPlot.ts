/**
 * uPlot: a chunk of its own, loaded by `Chart.tsx` only when a chart is
 * about to be drawn, so that pages without charts never download or compile
 * it. Its stylesheet (1.6 KB) is part of the app's (`main.tsx`): a chart's
 * first draw waits for no second file and restyles nothing.
 */
import uPlot from "uplot"

export { uPlot }
