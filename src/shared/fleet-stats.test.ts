import { describe, expect, it } from 'vitest'
import type { ContainerStats } from './contract'
import { formatBytes, nextReplicaCeiling } from './fleet-stats'
import type { HostInfo } from './fleet-stats'

const GiB = 2 ** 30
const host = (
  memoryAvailableBytes: number | null,
  limits: { memoryBytes: number | null; cpus: number | null }
): HostInfo => ({
  cores: 2,
  cpuBusyCores: null,
  memoryTotalBytes: 24 * GiB,
  memoryAvailableBytes,
  containersRunning: 3,
  serviceLimits: { scraper: limits }
})
const use = (service: string, cpuPercent: number): ContainerStats => ({
  container: `d-${service}`,
  service,
  cpuPercent,
  memoryBytes: 0,
  memoryLimitBytes: 0,
  read: 'x'
})

describe('nextReplicaCeiling', () => {
  it('fits when the memory limit and the CPU of one replica are free', () => {
    expect(
      nextReplicaCeiling(host(8 * GiB, { memoryBytes: GiB, cpus: 0.5 }), 'scraper', [
        use('scraper', 50),
        use('api', 20)
      ])
    ).toEqual({ over: false, reason: null })
  })

  it('warns when its memory limit is more than the host has free', () => {
    const ceiling = nextReplicaCeiling(host(512 * 2 ** 20, { memoryBytes: GiB, cpus: null }), 'scraper', [])
    expect(ceiling.over).toBe(true)
    expect(ceiling.reason).toContain('memory limit (1.0 GiB) is more than the host has free (512 MiB)')
  })

  it('warns when the cores left free are fewer than a replica takes (its cpus limit, else its replicas’ mean)', () => {
    expect(
      nextReplicaCeiling(host(null, { memoryBytes: null, cpus: 1 }), 'scraper', [use('scraper', 90), use('api', 30)])
        .reason
    ).toContain('it needs 1.00 cores and 0.80 of 2 are free')
    expect(
      nextReplicaCeiling(host(null, { memoryBytes: null, cpus: null }), 'scraper', [
        use('scraper', 70),
        use('scraper', 70),
        use('api', 10)
      ]).over
    ).toBe(true)
    expect(
      nextReplicaCeiling(host(null, { memoryBytes: null, cpus: null }), 'scraper', [
        use('scraper', 40),
        use('scraper', 40)
      ]).over
    ).toBe(false)
    // The host's own count of busy cores wins over the containers' sum: other work takes cores too.
    expect(
      nextReplicaCeiling({ ...host(null, { memoryBytes: null, cpus: 0.5 }), cpuBusyCores: 1.8 }, 'scraper', [
        use('scraper', 10)
      ]).reason
    ).toContain('0.20 of 2 are free')
  })
})

describe('formatBytes', () => {
  it('prints as docker stats does', () => {
    expect([0, 1023, 1536, 64 * 2 ** 20, 1.5 * GiB].map(formatBytes)).toEqual([
      '0 B',
      '1023 B',
      '1.5 KiB',
      '64.0 MiB',
      '1.5 GiB'
    ])
  })
})
