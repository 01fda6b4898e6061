import { describe, expect, it } from 'vitest'
import { durationToNs, parsePort, splitCommand } from './compose-values'
import { interpolate } from './compose-interpolation'
import { LogSplitter } from './container-logs'

describe('compose value syntaxes', () => {
  it('durations', () => {
    expect(durationToNs('1m30s')).toBe(90e9)
    expect(durationToNs('1500ms')).toBe(1.5e9)
  })

  it('commands split like a POSIX shell', () => {
    expect(splitCommand(`node -e 'console.log(1)' "a b" c\\ d`)).toEqual(['node', '-e', 'console.log(1)', 'a b', 'c d'])
    expect(() => splitCommand('echo "open')).toThrow(/unterminated/)
  })

  it('ports', () => {
    expect(parsePort('127.0.0.1::80/udp')).toEqual({
      target: 80,
      published: null,
      protocol: 'udp',
      hostIp: '127.0.0.1'
    })
    expect(() => parsePort('8000-8001:80')).toThrow(/ranges/)
    expect(() => parsePort('80/icmp')).toThrow(/protocol/)
  })

  it('interpolation', () => {
    const env = { A: 'a', EMPTY: '' }
    expect(interpolate('$A ${A} ${EMPTY:-d} ${EMPTY-d} ${NONE-x} $$A', env)).toBe('a a d  x $A')
    expect(() => interpolate('${NONE:?give NONE}', env)).toThrow(/give NONE/)
    expect(() => interpolate('${A', env)).toThrow(/Invalid interpolation/)
  })
})

describe('log splitting', () => {
  const source = { id: 'x', name: 'c1', service: 's' }
  const frame = (stream: number, text: string): Buffer => {
    const body = Buffer.from(text)
    const header = Buffer.alloc(8)
    header[0] = stream
    header.writeUInt32BE(body.length, 4)
    return Buffer.concat([header, body])
  }

  it('demultiplexes frames split across chunks, and keeps partial lines', () => {
    const s = new LogSplitter(source, false)
    const all = Buffer.concat([
      frame(1, '2026-01-01T00:00:00.1Z hello\n2026-01-01T00:00:00.2Z par'),
      frame(2, '2026-01-01T00:00:00.3Z oops\n'),
      frame(1, 'tial\n')
    ])
    const lines = [
      ...s.push(all.subarray(0, 5)),
      ...s.push(all.subarray(5, 40)),
      ...s.push(all.subarray(40)),
      ...s.end()
    ]
    expect(lines.map((l) => [l.stream, l.time, l.line])).toEqual([
      ['stdout', '2026-01-01T00:00:00.1Z', 'hello'],
      ['stderr', '2026-01-01T00:00:00.3Z', 'oops'],
      ['stdout', '2026-01-01T00:00:00.2Z', 'partial']
    ])
  })
})
