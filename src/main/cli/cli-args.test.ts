import { describe, expect, it } from 'vitest'
import { parseCli, UsageError } from './cli-args'

describe('deck argument parsing', () => {
  it('maps commands to contract operations', () => {
    expect(parseCli(['up'])).toEqual({ operation: 'up', request: {}, json: false })
    expect(parseCli(['up', 'api', '--json'])).toEqual({ operation: 'up', request: { services: ['api'] }, json: true })
    expect(parseCli(['up', '--allow-host-access'])).toEqual({
      operation: 'up',
      request: {},
      json: false,
      allowHostAccess: true
    })
    expect(parseCli(['preflight', 'api'])).toEqual({
      operation: 'preflight',
      request: { services: ['api'] },
      json: false
    })
    expect(() => parseCli(['preflight', '--allow-host-access'])).toThrow(UsageError)
    expect(parseCli(['config', '--json'])).toEqual({ operation: 'config', request: {}, json: true })
    expect(parseCli(['down', '--volumes']).request).toEqual({ removeVolumes: true })
    expect(parseCli(['scale', 'scraper', '3']).request).toEqual({ service: 'scraper', replicas: 3 })
    expect(parseCli(['restart', 'api']).operation).toBe('restartService')
    expect(parseCli(['update', 'scraper'])).toEqual({
      operation: 'updateService',
      request: { service: 'scraper' },
      json: false
    })
    expect(parseCli(['logs', 'api', '--tail', '10'])).toEqual({
      operation: 'logs',
      request: { service: 'api', tail: 10 },
      json: false
    })
    expect(parseCli(['logs', 'api', '--follow', '--tail', '10'])).toEqual({
      operation: 'streamOpen',
      request: { kind: 'logs', params: { service: 'api', tail: 10 } },
      json: false,
      follow: true
    })
    expect(parseCli(['lookup', 'abc-1', '--refresh']).request).toEqual({ id: 'abc-1', refresh: true })
    expect(parseCli(['search', 'senior', 'rust']).request).toEqual({ query: 'senior rust' })
    expect(parseCli(['rpc', 'svc', 'm', '[1,"a"]']).request).toEqual({ service: 'svc', method: 'm', args: [1, 'a'] })
    expect(parseCli(['rpc', 'svc', 'm', '', '{"k": null}']).request).toEqual({
      service: 'svc',
      method: 'm',
      args: [],
      kwargs: { k: null }
    })
    expect(parseCli(['rpc-services'])).toEqual({ operation: 'rpcServices', request: {}, json: false })
    expect(parseCli(['stats', 'api'])).toEqual({ operation: 'stats', request: { service: 'api' }, json: false })
    expect(parseCli(['stats', '--follow', '--json'])).toEqual({
      operation: 'streamOpen',
      request: { kind: 'stats', params: {} },
      json: true,
      follow: true
    })
  })

  it('refuses what it cannot mean', () => {
    expect(() => parseCli([])).toThrow(UsageError)
    expect(() => parseCli(['fly'])).toThrow(/unknown command "fly"/)
    expect(() => parseCli(['scale', 'a'])).toThrow(/scale takes <service> <n>/)
    expect(() => parseCli(['status', '--follow'])).toThrow(/does not take --follow/)
    expect(() => parseCli(['rpc', 's', 'm', '{nope'])).toThrow(/^rpc: args is not valid JSON \(line 1, column 2\)/)
    expect(() => parseCli(['rpc', 's', 'm', '{}'])).toThrow(/^rpc: args must be a JSON array .*; this is an object$/)
    expect(() => parseCli(['rpc', 's', 'm', '[]', '[]'])).toThrow(
      /^rpc: kwargs must be a JSON object .*; this is an array$/
    )
    expect(() => parseCli(['rpc-services', 'x'])).toThrow(/rpc-services takes no arguments/)
    expect(() => parseCli(['logs', 'a', '--tail'])).toThrow(/--tail needs a value/)
  })
})

describe('deck logs (the stack log store)', () => {
  it('maps its filters to logSearch, and --follow to a stackLogs stream', () => {
    expect(
      parseCli([
        'logs',
        'scraper',
        '--crawl',
        'c-1',
        '--listing',
        '42',
        '--level',
        'warn',
        '--since',
        '1h',
        '--grep',
        'timed out'
      ])
    ).toEqual({
      operation: 'logSearch',
      request: {
        service: 'scraper',
        crawlId: 'c-1',
        listingId: '42',
        level: 'warn',
        since: '1h',
        text: 'timed out',
        order: 'newest',
        size: 200
      },
      json: false
    })
    expect(parseCli(['logs', '--field', 'kind=NotFound', '--follow', '--limit', '50', '--json'])).toEqual({
      operation: 'streamOpen',
      request: { kind: 'stackLogs', params: { fields: { kind: 'NotFound' }, tail: 50 } },
      json: true,
      follow: true
    })
  })

  it('says which value it cannot use', () => {
    expect(() => parseCli(['logs', '--level', 'loud'])).toThrow(/--level "loud" is not one of debug, info, warn, error/)
    expect(() => parseCli(['logs', '--since', 'yesterday'])).toThrow(/--since "yesterday" is neither/)
    expect(() => parseCli(['logs', '--field', 'kind'])).toThrow(/--field "kind" is not NAME=VALUE/)
    expect(() => parseCli(['logs', 'a', 'b'])).toThrow(/at most one \[service\]/)
    expect(() => parseCli(['logs', '--until', '1h', '--follow'])).toThrow(/--until does not go with --follow/)
  })
})

describe('deck crawl', () => {
  it('maps each crawl command to its contract operation', () => {
    expect(parseCli(['crawl', 'start', '--board'])).toEqual({
      operation: 'crawlStart',
      request: { source: { kind: 'board' }, refresh: false },
      json: false
    })
    expect(
      parseCli([
        'crawl',
        'start',
        '--sitemap',
        'https://jobs.example/sitemap.xml',
        '--refresh',
        '--max-attempts',
        '5',
        '--json'
      ])
    ).toEqual({
      operation: 'crawlStart',
      request: { source: { kind: 'sitemap', url: 'https://jobs.example/sitemap.xml' }, refresh: true, maxAttempts: 5 },
      json: true
    })
    expect(parseCli(['crawl', 'status', 'c-1', '--json'])).toEqual({
      operation: 'crawlGet',
      request: { id: 'c-1' },
      json: true
    })
    expect(parseCli(['crawl', 'list'])).toEqual({ operation: 'crawlList', request: {}, json: false })
    for (const action of ['cancel', 'pause', 'resume', 'retry'] as const) {
      expect(parseCli(['crawl', action, 'c-1'])).toEqual({
        operation: 'crawlAction',
        request: { id: 'c-1', action },
        json: false
      })
    }
    expect(parseCli(['crawl', 'delete', 'c-1'])).toEqual({
      operation: 'crawlDelete',
      request: { id: 'c-1' },
      json: false
    })
  })

  it('leaves the file read and the follow to the shell, and marks an export as streamed', () => {
    expect(parseCli(['crawl', 'start', '--ids-file', 'ids.csv', '--follow'])).toEqual({
      operation: 'crawlStart',
      request: { source: { kind: 'ids', text: '' }, refresh: false },
      json: false,
      idsFile: 'ids.csv',
      follow: true
    })
    expect(parseCli(['crawl', 'export', 'c-1', '--format', 'csv'])).toEqual({
      operation: 'crawlExportUrl',
      request: { id: 'c-1', format: 'csv' },
      json: false,
      streamsExport: true
    })
  })

  it('refuses a crawl command it cannot mean, saying why', () => {
    expect(() => parseCli(['crawl'])).toThrow(/crawl takes one of: start, status, list, cancel/)
    expect(() => parseCli(['crawl', 'fly'])).toThrow(/unknown crawl command "fly"/)
    expect(() => parseCli(['crawl', 'start'])).toThrow(
      /exactly one of --board, --source NAME…, --sitemap URL, --ids-file FILE/
    )
    expect(() => parseCli(['crawl', 'start', '--board', '--source', 'a'])).toThrow(/--board is the default source/)
    expect(() => parseCli(['crawl', 'start', '--sitemap', 'http://x/s.xml', '--source', 'a', '--source', 'b'])).toThrow(
      /a sitemap or an id list is of one --source/
    )
    expect(() => parseCli(['crawl', 'start', '--board', '--sitemap', 'http://x/s.xml'])).toThrow(/exactly one of/)
    expect(() => parseCli(['crawl', 'start', '--sitemap'])).toThrow(/--sitemap needs a value/)
    expect(() => parseCli(['crawl', 'start', '--sitemap', '--refresh'])).toThrow(/--sitemap needs a value/)
    expect(() => parseCli(['crawl', 'start', '--board', '--max-attempts', '0'])).toThrow(/1 to 10/)
    expect(() => parseCli(['crawl', 'start', '--board', '--max-attempts', '2.5'])).toThrow(/1 to 10/)
    expect(() => parseCli(['crawl', 'start', '--board', 'extra'])).toThrow(/takes no arguments/)
    expect(() => parseCli(['crawl', 'start', '--board', '--volumes'])).toThrow(/crawl start does not take --volumes/)
    expect(() => parseCli(['crawl', 'status'])).toThrow(/crawl status takes <crawl id>/)
    expect(() => parseCli(['crawl', 'status', 'a/b'])).toThrow(/"a\/b" is not a crawl id/)
    expect(() => parseCli(['crawl', 'cancel', 'c-1', '--follow'])).toThrow(/crawl cancel does not take --follow/)
    expect(() => parseCli(['crawl', 'export', 'c-1'])).toThrow(/needs --format jsonl\|csv/)
    expect(() => parseCli(['crawl', 'export', 'c-1', '--format', 'xml'])).toThrow(/"xml" is not one of jsonl, csv/)
  })

  it('crawls named sources as one crawl, and says whose ids a sitemap or a list holds', () => {
    expect(parseCli(['crawl', 'start', '--source', 'a', '--source', 'b', '--follow'])).toEqual({
      operation: 'crawlStart',
      request: { source: { kind: 'sources', names: ['a', 'b'] }, refresh: false },
      json: false,
      follow: true
    })
    expect(
      parseCli(['crawl', 'start', '--sitemap', 'https://b.example/s.xml', '--source', 'b']).request['source']
    ).toEqual({ kind: 'sitemap', url: 'https://b.example/s.xml', source: 'b' })
    expect(parseCli(['crawl', 'start', '--ids-file', 'ids.txt', '--source', 'b']).request['source']).toEqual({
      kind: 'ids',
      text: '',
      source: 'b'
    })
  })

  it('refuses a value option the command does not take', () => {
    expect(() => parseCli(['status', '--format', 'csv'])).toThrow(/status does not take --format/)
  })
})

describe('deck source and lookup --source', () => {
  it('maps each source command to its contract operation', () => {
    expect(parseCli(['source', 'list', '--json'])).toEqual({ operation: 'sourceList', request: {}, json: true })
    expect(parseCli(['source', 'show', 'b'])).toEqual({ operation: 'sourceGet', request: { name: 'b' }, json: false })
    expect(parseCli(['source', 'hosts', '--json'])).toEqual({ operation: 'sourceHosts', request: {}, json: true })
    expect(parseCli(['source', 'hosts', 'b'])).toEqual({
      operation: 'sourceHosts',
      request: { name: 'b' },
      json: false
    })
    expect(
      parseCli([
        'source',
        'add',
        'b',
        '--template',
        'https://b.example/jobs/{id}',
        '--sitemap-url',
        'https://b.example/s1.xml',
        '--sitemap-url',
        'https://b.example/s2.xml',
        '--max-in-flight',
        '0',
        '--ignore-robots'
      ])
    ).toEqual({
      operation: 'sourceAdd',
      request: {
        name: 'b',
        listingUrlTemplate: 'https://b.example/jobs/{id}',
        sitemapUrls: ['https://b.example/s1.xml', 'https://b.example/s2.xml'],
        // 0 goes on to the contract, which says why it is refused in the words every surface uses.
        politeness: { maxInFlight: 0, respectRobots: false }
      },
      json: false
    })
    expect(parseCli(['source', 'edit', 'b', '--no-template', '--min-gap-ms', '250', '--on-blocked', 'fail'])).toEqual({
      operation: 'sourceEdit',
      request: { name: 'b', edit: { listingUrlTemplate: null, politeness: { minGapMs: 250, onBlocked: 'fail' } } },
      json: false
    })
    expect(parseCli(['source', 'pause', 'b'])).toEqual({
      operation: 'sourceAction',
      request: { name: 'b', action: 'pause' },
      json: false
    })
    expect(parseCli(['source', 'resume', 'b'])).toEqual({
      operation: 'sourceAction',
      request: { name: 'b', action: 'resume' },
      json: false
    })
    expect(parseCli(['source', 'remove', 'b'])).toEqual({
      operation: 'sourceRemove',
      request: { name: 'b' },
      json: false
    })
    expect(parseCli(['lookup', '42', '--source', 'b'])).toEqual({
      operation: 'lookup',
      request: { id: '42', refresh: false, source: 'b' },
      json: false
    })
  })

  it('refuses a source command it cannot mean, saying why', () => {
    expect(() => parseCli(['source'])).toThrow(
      'source takes one of: list, show, hosts, add, edit, pause, resume, remove'
    )
    expect(() => parseCli(['source', 'edit', 'b'])).toThrow('source edit: say what to change')
    expect(() => parseCli(['source', 'add', 'b', '--max-in-flight', 'two'])).toThrow(
      'source add: --max-in-flight "two" is not a whole number'
    )
    expect(() => parseCli(['source', 'add', 'b', '--on-blocked', 'retry'])).toThrow(
      'source add: --on-blocked "retry" is not one of wait, fail'
    )
    expect(() => parseCli(['source', 'pause', 'b', '--template', 'x'])).toThrow('source pause does not take --template')
    expect(() => parseCli(['lookup', '42', '--source', 'a', '--source', 'b'])).toThrow('lookup takes one --source')
  })
})

describe('deck autoscale', () => {
  it('turns autoscaling on with the settings given, and waits for one decision or, with --follow, all', () => {
    expect(parseCli(['autoscale', 'scraper', '--min', '1', '--max', '8', '--target', '50'])).toEqual({
      operation: 'autoscaleSet',
      request: { service: 'scraper', settings: { enabled: true, min: 1, max: 8, target: 50 } },
      json: false,
      untilEvents: { event: 'autoscaleDecision', count: 1 }
    })
    const follow = parseCli([
      'autoscale',
      'scraper',
      '--window',
      '5',
      '--interval',
      '1',
      '--activation',
      '3',
      '--follow',
      '--json'
    ])
    expect(follow.request).toEqual({
      service: 'scraper',
      settings: { enabled: true, stabilizationSeconds: 5, intervalSeconds: 1, activationBacklog: 3 }
    })
    expect(follow.untilEvents).toEqual({ event: 'autoscaleDecision', count: null })
    expect(follow.json).toBe(true)
  })

  it('says what is wrong', () => {
    expect(() => parseCli(['autoscale'])).toThrow(/autoscale takes <service>/)
    expect(() => parseCli(['autoscale', 'scraper', '--max', 'lots'])).toThrow(/--max "lots" is not a whole number/)
    expect(() => parseCli(['autoscale', 'scraper', '--volumes'])).toThrow(/autoscale does not take --volumes/)
    expect(() => parseCli(['autoscale', 'scraper', '--min'])).toThrow(/--min needs a value/)
  })
})
