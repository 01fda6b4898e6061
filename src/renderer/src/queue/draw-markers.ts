/** Draws labelled vertical markers (scale events, restarts) on a uPlot chart; shared by the queue and crawl charts. */
import type uPlot from 'uplot'
import type { ChartMarker } from './chart-data'

const MARKER_COLOR = '#6b7280'

/** Dashed lines with their labels; a label that would overlap the previous one goes a line lower. */
export function drawMarkers(u: uPlot, markers: ChartMarker[]): void {
  const { ctx } = u
  const { top, height } = u.bbox
  ctx.save()
  ctx.strokeStyle = MARKER_COLOR
  ctx.fillStyle = MARKER_COLOR
  ctx.setLineDash([4, 4])
  ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`
  let previousEnd = -Infinity
  let line = 0
  for (const marker of markers) {
    const x = Math.round(u.valToPos(marker.x, 'x', true))
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue
    ctx.beginPath()
    ctx.moveTo(x, top)
    ctx.lineTo(x, top + height)
    ctx.stroke()
    line = x < previousEnd ? (line + 1) % 4 : 0
    ctx.fillText(marker.label, x + 4, top + (12 + line * 13) * devicePixelRatio)
    previousEnd = Math.max(previousEnd, x + 8 + ctx.measureText(marker.label).width)
  }
  ctx.restore()
}
