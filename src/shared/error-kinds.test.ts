import { describe, expect, it } from 'vitest'
import { ERROR_KINDS, ERROR_RULES, hintFor, isErrorKind } from './error-kinds'
import { PANEL_ERROR_KINDS, PanelErrorKindSchema, panelError } from './panel-error'
import { SCRAPE_ERROR_KINDS } from './scrape-errors'

describe('the error kind table', () => {
  it.each([
    ['InvalidListingId', 400, false],
    ['InvalidCrawl', 400, false],
    ['HostAccessNotAllowed', 403, false],
    ['ListingNotFound', 404, false],
    ['CrawlNotFound', 404, false],
    ['UnknownService', 404, false],
    ['MethodNotAllowed', 405, false],
    ['CrawlConflict', 409, false],
    ['PortInUse', 409, false],
    ['NotAJobListing', 422, false],
    ['Internal', 500, false],
    ['SourceUnavailable', 502, true],
    ['PageTooLarge', 502, false],
    ['TooManyDeliveries', 502, false],
    ['RpcRemoteError', 502, false],
    ['BrokerUnavailable', 503, true],
    ['RpcUnknownService', 503, true],
    ['SearchUnavailable', 503, true],
    ['CrawlerUnavailable', 503, true],
    ['EngineUnavailable', 503, true],
    ['SourceTimeout', 504, true],
    ['RpcTimeout', 504, true]
  ] as const)('%s is HTTP %i, retryable %s', (kind, status, retryable) => {
    expect(ERROR_RULES[kind]).toMatchObject({ status, retryable })
  })

  it('gives each kind one hint, which an error with a hint of its own overrides', () => {
    expect(hintFor('CrawlNotFound')).toBe('List the crawls with GET /crawls; a deleted crawl is gone for good.')
    expect(hintFor('RpcUnknownService')).toBe(
      'No replica of that service has ever connected to this broker: start one (deck up, or scale it up).'
    )
    expect(hintFor('PortInUse', 'Set API_PORT in .env to move it.')).toBe('Set API_PORT in .env to move it.')
    expect(hintFor('PortInUse', null)).toBe(ERROR_RULES.PortInUse.hint)
    expect(panelError('BrokerUnavailable', 'down')).toEqual({
      kind: 'BrokerUnavailable',
      message: 'down',
      hint: "Is RabbitMQ running? Check AMQP_URI (the API's GET /health shows its broker link)."
    })
    expect(panelError('BrokerUnavailable', 'down', null).hint).toBeNull()
  })

  it('has a real status and a hint a person can act on for every kind', () => {
    for (const kind of ERROR_KINDS) {
      const rule = ERROR_RULES[kind]
      expect(rule.status, kind).toBeGreaterThanOrEqual(400)
      expect(rule.status, kind).toBeLessThan(600)
      expect(rule.hint?.length ?? 0, kind).toBeGreaterThan(10)
    }
  })

  it("is the contract's list of kinds, and holds every kind the scraper raises", () => {
    expect(PANEL_ERROR_KINDS).toEqual(Object.keys(ERROR_RULES))
    for (const kind of SCRAPE_ERROR_KINDS) expect(PanelErrorKindSchema.safeParse(kind).success, kind).toBe(true)
    expect(isErrorKind('CrawlConflict')).toBe(true)
    expect(isErrorKind('ScrapeFailed')).toBe(false)
    expect(isErrorKind('toString')).toBe(false)
  })
})
