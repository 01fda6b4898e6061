import { describe, expect, it } from 'vitest'
import type { ContainerStats } from '../../shared/contract'
import { formatStats } from './cli-format'
import { LiveStatsTable } from './live-stats-table'

const reading = (container: string, cpuPercent: number): ContainerStats => ({
  container,
  service: 'scraper',
  cpuPercent,
  memoryBytes: 64 * 2 ** 20,
  memoryLimitBytes: 2 ** 30,
  read: '2026-12-01T23:00:00.000Z'
})

describe('deck stats', () => {
  it('prints a table with a header, sorted by container', () => {
    expect(
      formatStats({ containers: [reading('deck-scraper-2', 12.345), reading('deck-scraper-1', 3)] }).split('\n')
    ).toEqual([
      'CONTAINER       SERVICE           CPU %  MEM / LIMIT',
      'deck-scraper-1  scraper             3.0  64.0 MiB / 1.0 GiB',
      'deck-scraper-2  scraper            12.3  64.0 MiB / 1.0 GiB'
    ])
  })

  it('piped, --follow writes each container’s latest first reading, then each reading as a line', () => {
    const written: string[] = []
    const table = new LiveStatsTable({ write: (t) => written.push(t), tty: false, json: true }, [
      { ...reading('deck-api-1', 7), service: 'api' },
      { ...reading('deck-api-1', 1), service: 'api' }
    ])
    table.push(reading('deck-scraper-1', 50))
    table.stop()
    expect(written.map((w) => JSON.parse(w) as ContainerStats).map((r) => [r.container, r.cpuPercent])).toEqual([
      ['deck-api-1', 1],
      ['deck-scraper-1', 50]
    ])
  })

  it('on a terminal, redraws the table over the last one', () => {
    const written: string[] = []
    const table = new LiveStatsTable({ write: (t) => written.push(t), tty: true, json: false }, [], 5)
    table.push(reading('deck-scraper-1', 50))
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        table.stop()
        expect(written[0]).toContain('(no running containers)')
        expect(written[1]?.startsWith('\x1b[2A\x1b[J')).toBe(true)
        expect(written[1]).toContain('deck-scraper-1')
        expect(written).toHaveLength(2)
        resolve()
      }, 30)
    })
  })
})
