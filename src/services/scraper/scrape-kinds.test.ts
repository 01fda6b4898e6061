import { expect, it } from 'vitest'
import { SCRAPE_ERROR_KINDS } from '../../shared/scrape-errors'
import { isPermanent } from '../crawler/item-outcome'

it('a crawl retries a source that is down or slow, and fails a hostile, oversized or unreadable page at once', () => {
  const retried = SCRAPE_ERROR_KINDS.filter((kind) => !isPermanent(kind))
  // A source the scraper does not hold yet (the announcement is on its way) or holds paused: later, it may.
  expect(retried.sort()).toEqual(['SourcePaused', 'SourceTimeout', 'SourceUnavailable', 'UnknownSource'])
  for (const kind of [
    'PageTooComplex',
    'PageTooLarge',
    'UnreadablePosting',
    'TooManyDeliveries',
    'MethodNotFound',
    'PoisonMessage'
  ])
    expect(isPermanent(kind), kind).toBe(true)
  // Nobody named it (a Python ValueError), or the replica went away: worth another attempt.
  for (const kind of ['ValueError', 'ReplicaLost', 'ConnectionReset', 'RpcTimeout', 'BrokerUnavailable'])
    expect(isPermanent(kind), kind).toBe(false)
})
