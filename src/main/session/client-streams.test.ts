import { describe, expect, it } from 'vitest'
import type { LogLine, PanelEvent, StreamOpen } from '../../shared/contract'
import type { OpenedStream, StreamSink, StreamSources } from '../controller/stream-source'
import { ClientStreams, StreamRefused } from './client-streams'

const line = (text: string): LogLine => ({ container: 'c', service: 's', stream: 'stdout', time: null, line: text })

/** A `logs` source the test drives: it opens when the test says, and counts its stops. */
function controllableSource() {
  const opens: {
    sink: StreamSink<LogLine>
    answer: (initial: string[]) => void
    fail: (err: Error) => void
    stops: number
  }[] = []
  const logs = (_params: unknown, sink: StreamSink<LogLine>): Promise<OpenedStream<LogLine>> =>
    new Promise((resolve, reject) => {
      const entry = {
        sink,
        stops: 0,
        answer: (initial: string[]) => resolve({ initial: initial.map(line), stop: () => entry.stops++ }),
        fail: reject
      }
      opens.push(entry)
    })
  const never = async (): Promise<never> => {
    throw new Error('not used here')
  }
  const sources: StreamSources = { logs, crawl: never, stats: never, stackLogs: never, hosts: never }
  return { sources, opens }
}

function setup(limits?: { maxStreams?: number; maxPending?: number }) {
  const { sources, opens } = controllableSource()
  const events: PanelEvent[] = []
  const streams = new ClientStreams(sources, (e) => events.push(e), limits)
  /** What the client saw, as `id: line,line` and `id ended: reason`. */
  const seen = (): string[] =>
    events.map((e) =>
      e.event === 'streamData' && e.payload.kind === 'logs'
        ? `${e.payload.streamId}: ${e.payload.items.map((l) => l.line).join(',')}`
        : e.event === 'streamEnd'
          ? `${e.payload.streamId} ended: ${e.payload.reason}`
          : e.event
    )
  return { streams, opens, events, seen }
}

const open = (streamId?: string): StreamOpen => ({
  kind: 'logs',
  params: { service: 's', tail: 1 },
  resume: false,
  ...(streamId === undefined ? {} : { streamId })
})
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('ClientStreams', () => {
  it('sends the initial items first, with what the source pushed while opening after them, then live items', async () => {
    const { streams, opens, seen } = setup()
    const opened = streams.open(open('a'))
    expect(streams.ids()).toEqual(['a'])
    opens[0]?.sink.push([line('early')])
    opens[0]?.answer(['tail'])
    expect(await opened).toEqual({ streamId: 'a' })
    opens[0]?.sink.push([line('live')])
    expect(seen()).toEqual(['a: tail,early', 'a: live'])
  })

  it('ends once: the first end wins, later ends, pushes and closes do nothing, and the source is stopped once', async () => {
    const { streams, opens, seen } = setup()
    const opened = streams.open(open('a'))
    opens[0]?.answer([])
    await opened
    opens[0]?.sink.end('container gone')
    opens[0]?.sink.end('again')
    opens[0]?.sink.push([line('late')])
    expect(streams.close('a')).toBe(false)
    expect(seen()).toEqual(['a: ', 'a ended: container gone'])
    expect(opens[0]?.stops).toBe(1)
    expect(streams.ids()).toEqual([])
  })

  it('an end while opening comes after the initial items', async () => {
    const { streams, opens, seen } = setup()
    const opened = streams.open(open('a'))
    opens[0]?.sink.push([line('last words')])
    opens[0]?.sink.end('crawl done')
    opens[0]?.answer(['state'])
    await opened
    expect(seen()).toEqual(['a: state,last words', 'a ended: crawl done'])
    expect(opens[0]?.stops).toBe(1)
  })

  it('a close while the source is opening ends the stream at once and stops the source when it has opened', async () => {
    const { streams, opens, seen } = setup()
    const opened = streams.open(open('a'))
    expect(streams.close('a')).toBe(true)
    expect(seen()).toEqual(['a ended: closed'])
    opens[0]?.sink.push([line('too late')])
    opens[0]?.answer(['tail'])
    expect(await opened).toEqual({ streamId: 'a' })
    expect(seen()).toEqual(['a ended: closed'])
    expect(opens[0]?.stops).toBe(1)
  })

  it('releases every stream when the client goes, without a word, including one still opening', async () => {
    const { streams, opens, events } = setup()
    const first = streams.open(open('a'))
    opens[0]?.answer([])
    await first
    events.length = 0
    const second = streams.open(open('b'))
    streams.closeAll()
    expect(streams.ids()).toEqual([])
    expect(opens[0]?.stops).toBe(1)
    opens[1]?.answer(['tail'])
    await second
    expect(opens[1]?.stops).toBe(1)
    opens[0]?.sink.push([line('x')])
    expect(events).toEqual([])
  })

  it('a source that fails to open leaves no stream behind and says nothing; the id is free again', async () => {
    const { streams, opens, events } = setup()
    const opened = streams.open(open('a'))
    opens[0]?.fail(new Error('container removed'))
    await expect(opened).rejects.toThrow('container removed')
    expect(streams.ids()).toEqual([])
    expect(events).toEqual([])
    void streams.open(open('a'))
    expect(streams.ids()).toEqual(['a'])
  })

  it('mints an id when the client gives none, and refuses an id in use', async () => {
    const { streams, opens } = setup()
    const opened = streams.open(open())
    opens[0]?.answer([])
    const { streamId } = await opened
    expect(streamId).toMatch(/^[0-9a-f-]{36}$/)
    await expect(streams.open(open(streamId))).rejects.toThrow(StreamRefused)
    expect(opens).toHaveLength(1)
  })

  it('caps the streams a client has open; closing one makes room', async () => {
    const { streams, opens } = setup({ maxStreams: 2 })
    void streams.open(open('a'))
    void streams.open(open('b'))
    const refused = streams.open(open('c'))
    await expect(refused).rejects.toThrow(StreamRefused)
    await expect(refused).rejects.toThrow(/2 streams open/)
    expect(opens).toHaveLength(2)
    streams.close('a')
    void streams.open(open('c'))
    expect(streams.ids().sort()).toEqual(['b', 'c'])
  })

  it('caps what a stream holds while opening: past the cap it ends, after its initial items, and holds nothing more', async () => {
    const { streams, opens, seen } = setup({ maxPending: 3 })
    const opened = streams.open(open('a'))
    opens[0]?.sink.push([line('1'), line('2')])
    opens[0]?.sink.push([line('3'), line('4')])
    opens[0]?.sink.push([line('5')])
    opens[0]?.answer(['tail'])
    await opened
    expect(seen()).toEqual(['a: tail', 'a ended: The stream had more than 3 items before it was open; open it again.'])
    expect(opens[0]?.stops).toBe(1)
    await settle()
    expect(streams.ids()).toEqual([])
  })
})
