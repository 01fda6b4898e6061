/**
 * A uPlot chart's life in a React component: made once in the returned element's ref, sized
 * to its width (and resized with it), fed new data on every change, destroyed on unmount,
 * with labelled markers drawn over it (the latest markers, without remaking the chart).
 */
import { useEffect, useRef } from 'react'
import type { RefObject } from 'react'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { ChartMarker } from './chart-data'
import { drawMarkers } from './draw-markers'

const MIN_WIDTH = 280

/** `options` is read once, when the chart is made: keep it a constant. */
export function useUPlotChart(
  options: Omit<uPlot.Options, 'width' | 'height' | 'hooks'>,
  height: number,
  data: uPlot.AlignedData,
  markers: ChartMarker[]
): RefObject<HTMLDivElement | null> {
  const container = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const markersRef = useRef(markers)
  const optionsRef = useRef(options)

  useEffect(() => {
    markersRef.current = markers
  }, [markers])

  useEffect(() => {
    const element = container.current
    if (!element) return
    const width = (): number => Math.max(MIN_WIDTH, element.clientWidth)
    const empty = optionsRef.current.series.map(() => [])
    const plot = new uPlot(
      { ...optionsRef.current, width: width(), height, hooks: { draw: [(u) => drawMarkers(u, markersRef.current)] } },
      empty as unknown as uPlot.AlignedData,
      element
    )
    chart.current = plot
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }))
    resize.observe(element)
    return () => {
      resize.disconnect()
      plot.destroy()
      chart.current = null
    }
  }, [height])

  useEffect(() => {
    chart.current?.setData(data)
  }, [data, markers])

  return container
}
