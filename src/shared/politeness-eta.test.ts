import { describe, expect, it } from 'vitest'
import { hostBoundSeconds, politeEtaSeconds, scalingAdvice, scalingAdviceText } from './politeness-eta'

describe('the politeness-aware ETA', () => {
  it('is the fleet bound when every host keeps up', () => {
    // 600 left at 10/s is 60 s; board-a needs 300 ÷ 8 = 37.5 s, board-b 300 ÷ 6 = 50 s.
    const hosts = [
      { host: 'board-a', remaining: 300, allowedPerSecond: 8 },
      { host: 'board-b', remaining: 300, allowedPerSecond: 6 }
    ]
    expect(politeEtaSeconds(600, 10, hosts)).toBe(60)
  })

  it("is the slowest host's bound when that is longer", () => {
    // 600 at 20/s is 30 s, but board-b allows 1 a second for its 100: 100 s.
    const hosts = [
      { host: 'board-a', remaining: 500, allowedPerSecond: 20 },
      { host: 'board-b', remaining: 100, allowedPerSecond: 1 }
    ]
    expect(hostBoundSeconds(hosts)).toBe(100)
    expect(politeEtaSeconds(600, 20, hosts)).toBe(100)
  })

  it('ignores unlimited and finished hosts, and cannot tell without a fleet rate', () => {
    const hosts = [
      { host: 'fast', remaining: 900, allowedPerSecond: null },
      { host: 'done', remaining: 0, allowedPerSecond: 0.5 }
    ]
    expect(hostBoundSeconds(hosts)).toBe(0)
    expect(politeEtaSeconds(900, 30, hosts)).toBe(30)
    expect(politeEtaSeconds(900, 0, hosts)).toBeNull()
    expect(politeEtaSeconds(0, 0, hosts)).toBe(0)
    expect(politeEtaSeconds(10, 5, [{ host: 'shut', remaining: 10, allowedPerSecond: 0 }])).toBeNull()
  })
})

describe('the ETA at N replicas', () => {
  it('falls until the hosts bound it, and names the hosts at their limit', () => {
    // 1200 left, 4/s a replica. board-x: 400 at 2/s = 200 s; board-y: 400 at 2/s = 200 s;
    // board-z: 400 at 10/s = 40 s. 1200 ÷ (n × 4) ≤ 200 from n = 2 (150 s).
    const hosts = [
      { host: 'board-z', remaining: 400, allowedPerSecond: 10 },
      { host: 'board-x', remaining: 400, allowedPerSecond: 2 },
      { host: 'board-y', remaining: 400, allowedPerSecond: 2 }
    ]
    const advice = scalingAdvice(1200, 4, hosts, 4)
    expect(advice.etas).toEqual([
      { replicas: 1, etaSeconds: 300 },
      { replicas: 2, etaSeconds: 200 },
      { replicas: 3, etaSeconds: 200 },
      { replicas: 4, etaSeconds: 200 }
    ])
    expect(advice.helpfulUpTo).toBe(2)
    expect(advice.hostsAtLimit).toEqual(['board-x', 'board-y'])
    expect(scalingAdviceText(advice)).toBe(
      'more than 2 scrapers will not go faster: board-x and board-y are at their limit'
    )
  })

  it('says one slow host is at its limit from one replica', () => {
    // 60 left on one host at 1/s: 60 s whatever the fleet; one replica does 5/s (12 s).
    const advice = scalingAdvice(60, 5, [{ host: 'slow.example', remaining: 60, allowedPerSecond: 1 }], 8)
    expect(advice.helpfulUpTo).toBe(1)
    expect(advice.etas.map((e) => e.etaSeconds)).toEqual([60, 60, 60, 60, 60, 60, 60, 60])
    expect(scalingAdviceText(advice)).toBe('more than 1 scraper will not go faster: slow.example is at its limit')
  })

  it('gives no limit when no host has one, and shortens the list of many hosts', () => {
    const free = scalingAdvice(100, 10, [{ host: 'local', remaining: 100, allowedPerSecond: null }], 3)
    expect(free.etas.map((e) => e.etaSeconds)).toEqual([10, 5, 3])
    expect(free.helpfulUpTo).toBeNull()
    expect(scalingAdviceText(free)).toBeNull()
    const many = { etas: [], helpfulUpTo: 5, hostsAtLimit: ['a', 'b', 'c', 'd', 'e'] }
    expect(scalingAdviceText(many)).toBe(
      'more than 5 scrapers will not go faster: a, b, c and 2 more are at their limit'
    )
  })
})
