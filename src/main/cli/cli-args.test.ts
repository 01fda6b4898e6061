import { describe, expect, it } from 'vitest'
import { parseCli, UsageError } from './cli-args'

describe('deck argument parsing', () => {
  it('maps commands to contract operations', () => {
    expect(parseCli(['up'])).toEqual({ operation: 'up', request: {}, json: false })
    expect(parseCli(['up', 'api', '--json'])).toEqual({ operation: 'up', request: { services: ['api'] }, json: true })
    expect(parseCli(['down', '--volumes']).request).toEqual({ removeVolumes: true })
    expect(parseCli(['scale', 'scraper', '3']).request).toEqual({ service: 'scraper', replicas: 3 })
    expect(parseCli(['restart', 'api']).operation).toBe('restartService')
    expect(parseCli(['logs', 'api', '--follow', '--tail', '10']).request).toEqual({ service: 'api', follow: true, tail: 10 })
    expect(parseCli(['lookup', 'abc-1', '--refresh']).request).toEqual({ id: 'abc-1', refresh: true })
    expect(parseCli(['search', 'senior', 'rust']).request).toEqual({ query: 'senior rust' })
    expect(parseCli(['rpc', 'svc', 'm', '[1,"a"]']).request).toEqual({ service: 'svc', method: 'm', args: [1, 'a'] })
  })

  it('refuses what it cannot mean', () => {
    expect(() => parseCli([])).toThrow(UsageError)
    expect(() => parseCli(['fly'])).toThrow(/unknown command "fly"/)
    expect(() => parseCli(['scale', 'a'])).toThrow(/scale takes <service> <n>/)
    expect(() => parseCli(['status', '--follow'])).toThrow(/does not take --follow/)
    expect(() => parseCli(['rpc', 's', 'm', '{nope'])).toThrow(/JSON array/)
    expect(() => parseCli(['logs', 'a', '--tail'])).toThrow(/--tail needs a value/)
  })
})
