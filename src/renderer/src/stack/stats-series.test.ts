import { describe, expect, it } from 'vitest'
import type { ContainerStats } from '../../../shared/contract'
import { latestReadings, serviceUse, withReadings } from './stats-series'

function reading(container: string, second: number, cpuPercent: number, memoryBytes = 100): ContainerStats {
  return {
    container,
    service: container.split('-')[1] ?? '',
    cpuPercent,
    memoryBytes,
    memoryLimitBytes: 1000,
    read: new Date(second * 1000).toISOString()
  }
}

describe('stats series', () => {
  it('keeps at most the capacity per container, oldest dropped', () => {
    let map = withReadings(new Map(), [reading('d-scraper-1', 1, 10)], 2)
    map = withReadings(map, [reading('d-scraper-1', 2, 20), reading('d-scraper-1', 3, 30)], 2)
    expect(map.get('d-scraper-1')?.map((r) => r.cpuPercent)).toEqual([20, 30])
  })

  it('sums a service over its containers: now from each latest, the sparkline a second at a time', () => {
    const map = withReadings(new Map(), [
      reading('d-scraper-1', 10, 10, 100),
      reading('d-scraper-2', 10, 5, 50),
      reading('d-scraper-1', 11, 20, 120),
      reading('d-api-1', 11, 99, 999)
    ])
    expect(serviceUse(map, ['d-scraper-1', 'd-scraper-2'])).toEqual({
      cpuPercent: 25,
      memoryBytes: 170,
      series: [15, 20]
    })
    expect(serviceUse(map, ['d-jobboard-1'])).toBeNull()
    expect(latestReadings(map, new Set(['d-api-1'])).map((r) => r.cpuPercent)).toEqual([99])
  })
})
