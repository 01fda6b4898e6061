/**
 * What every coordinator shares about a host, one Elasticsearch document per host
 * (`<prefix>-hosts`, _id = host): where its slot schedule ends, until when it is paused and
 * why, how often it refused in a row. Every change is a read then a write guarded by
 * if_seq_no/if_primary_term, so two coordinators (two `api` replicas) never hand out the same
 * stretch of a host's schedule: the loser of a race gets null and tries at its next tick.
 * Slots are reserved in batches, so this costs two requests per host per tick, not per fetch.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'

export interface HostClockDoc {
  host: string
  /** Epoch ms: where the host's handed-out schedule ends. */
  nextSlotAt: number
  /** Epoch ms: no fetch starts before this (0 = not paused). */
  pausedUntil: number
  pauseReason: string | null
  /** Refusals (429s, and 503s judged the host's, host-answers.ts) in a row since the last page it served. */
  refusals: number
  /** 503s in a row since the last page it served. */
  unavailable: number
  /** AutoThrottle's gap for the host (auto-throttle.ts); 0 until a page is served with it on. */
  throttleGapMs: number
  blocked: boolean
  lastAnswer: string | null
  updatedAt: string
}

export function freshHostClock(host: string): HostClockDoc {
  return {
    host,
    nextSlotAt: 0,
    pausedUntil: 0,
    pauseReason: null,
    refusals: 0,
    unavailable: 0,
    throttleGapMs: 0,
    blocked: false,
    lastAnswer: null,
    updatedAt: new Date(0).toISOString()
  }
}

export class HostClocks {
  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  async get(host: string): Promise<HostClockDoc> {
    const res = await this.client.get<HostClockDoc>({ index: this.index, id: host }, { ignore: [404] })
    return stored(host, res._source)
  }

  async all(): Promise<HostClockDoc[]> {
    const res = await this.client.search<HostClockDoc>(
      { index: this.index, size: 1000, query: { match_all: {} } },
      { ignore: [404] }
    )
    return (res.hits?.hits ?? []).flatMap((hit) =>
      hit._source === undefined ? [] : [stored(hit._source.host, hit._source)]
    )
  }

  /**
   * Reads the host's document, lets `change` decide the new one (and a result), writes it
   * only if nobody wrote in between. Null when another writer won (or `change` declines);
   * a decision with no `doc` is its result with nothing written (the document is fine as it is).
   */
  async update<T>(
    host: string,
    change: (doc: HostClockDoc) => { doc?: HostClockDoc; result: T } | null
  ): Promise<T | null> {
    const res = await this.client.get<HostClockDoc>({ index: this.index, id: host }, { ignore: [404] })
    const current = stored(host, res.found ? res._source : undefined)
    const decided = change(current)
    if (decided === null) return null
    if (decided.doc === undefined) return decided.result
    const doc = { ...decided.doc, host, updatedAt: new Date().toISOString() }
    try {
      if (res.found)
        await this.client.index({
          index: this.index,
          id: host,
          document: doc,
          if_seq_no: res._seq_no!,
          if_primary_term: res._primary_term!
        })
      else await this.client.index({ index: this.index, id: host, document: doc, op_type: 'create' })
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 409) return null
      throw err
    }
    return decided.result
  }

  /**
   * `update` for many hosts in two requests (one mget, one bulk of guarded writes), each host
   * decided and written on its own: a host another writer won gets null, the others their
   * result.
   */
  async updateEach<T>(
    changes: Map<string, (doc: HostClockDoc) => { doc: HostClockDoc; result: T } | null>
  ): Promise<Map<string, T | null>> {
    const results = new Map<string, T | null>()
    const hosts = [...changes.keys()]
    if (hosts.length === 0) return results
    const res = await this.client.mget<HostClockDoc>({ index: this.index, ids: hosts }, { ignore: [404] })
    const operations: object[] = []
    const written: { host: string; result: T }[] = []
    const at = new Date().toISOString()
    hosts.forEach((host, i) => {
      const entry = res.docs?.[i]
      const found = entry !== undefined && 'found' in entry && entry.found
      const current = stored(host, found ? entry._source : undefined)
      const decided = changes.get(host)!(current)
      results.set(host, null)
      if (decided === null) return
      // Guarded like `update`: the version read, or create when there was none.
      operations.push(
        found
          ? {
              index: { _index: this.index, _id: host, if_seq_no: entry._seq_no!, if_primary_term: entry._primary_term! }
            }
          : { create: { _index: this.index, _id: host } },
        { ...decided.doc, host, updatedAt: at }
      )
      written.push({ host, result: decided.result })
    })
    if (written.length === 0) return results
    const bulk = await this.client.bulk({ operations })
    bulk.items.forEach((item, i) => {
      const outcome = item.index ?? item.create
      const entry = written[i]
      if (entry === undefined || outcome === undefined) return
      if (outcome.error === undefined) results.set(entry.host, entry.result)
      else if (outcome.status !== 409)
        throw new Error(`Cannot write the clock of ${entry.host}: ${outcome.error.type}: ${outcome.error.reason ?? ''}`)
    })
    return results
  }
}

/** A stored document, with the fields a document written before them lacks. */
function stored(host: string, source: HostClockDoc | undefined): HostClockDoc {
  return source === undefined ? freshHostClock(host) : { ...freshHostClock(host), ...source }
}
