import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { parseComposeText } from './compose-file'
import { portErrorFromEngine } from './port-check'
import { parseListeners } from './port-holder'
import { StackError } from './stack-error'

// Engine-free: no container publishes anything, so the holder comes from /proc (nothing listens on these).
const docker = { listContainers: async () => [] } as unknown as Docker
const project = parseComposeText('services:\n  api:\n    image: x\n    ports: ["127.0.0.1:${API_PORT:-1}:8080"]\n', {
  file: '/tmp/pc/compose.yaml',
  project: 'pc',
  env: { API_PORT: '1' }
})

describe("the engine's port errors, as PortInUse", () => {
  it.each([
    'driver failed programming external connectivity on endpoint pc-api-1 (0d2f): Bind for 127.0.0.1:1 failed: port is already allocated',
    'driver failed programming external connectivity on endpoint pc-api-1 (0d2f): Error starting userland proxy: listen tcp4 127.0.0.1:1: bind: address already in use'
  ])('%s', async (message) => {
    const mapped = await portErrorFromEngine(
      docker,
      project,
      'api',
      Object.assign(new Error(message), { statusCode: 500 })
    )
    expect(mapped).toBeInstanceOf(StackError)
    expect(mapped).toMatchObject({ kind: 'PortInUse' })
    expect((mapped as StackError).message).toMatch(
      /^A port the stack publishes is already in use: 127\.0\.0\.1:1 \(service api\) is held by /
    )
    expect((mapped as StackError).hint).toBe(
      "Stop what holds it, or move the stack's port: set API_PORT (in .env or the environment)."
    )
  })

  it('leaves other errors alone', async () => {
    const other = new Error('no such image')
    expect(await portErrorFromEngine(docker, project, 'api', other)).toBe(other)
  })
})

describe('/proc/net/tcp', () => {
  const table = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1628 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 41234 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:1628 0100007F:D2F0 01 00000000:00000000 00:00000000 00000000   106        0 51234 1 0000000000000000 20 4 30 10 -1',
    '   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 61234 1 0000000000000000 100 0 0 10 0'
  ].join('\n')

  it('finds the listening socket of a port, not its connections', () => {
    expect(parseListeners(table, 5672)).toEqual(['41234'])
    expect(parseListeners(table, 8080)).toEqual(['61234'])
    expect(parseListeners(table, 9200)).toEqual([])
  })
})
