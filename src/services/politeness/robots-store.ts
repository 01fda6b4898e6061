/**
 * Each host's robots.txt as last fetched, one Elasticsearch document per host
 * (`<prefix>-robots`, _id = host), so every coordinator, and a restarted one, uses the same
 * answer for its whole lifetime instead of fetching the file again.
 */
import type { Client } from '@elastic/elasticsearch'
import type { RobotsRecord } from './robots-rules'

export class RobotsStore {
  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  async get(host: string): Promise<RobotsRecord | null> {
    const res = await this.client.get<RobotsRecord>({ index: this.index, id: host }, { ignore: [404] })
    return res.found && res._source !== undefined ? res._source : null
  }

  async all(): Promise<RobotsRecord[]> {
    const res = await this.client.search<RobotsRecord>(
      { index: this.index, size: 1000, query: { match_all: {} } },
      { ignore: [404] }
    )
    return (res.hits?.hits ?? []).flatMap((hit) => (hit._source === undefined ? [] : [hit._source]))
  }

  /** Two coordinators that fetched at once write the same answer: the last write wins. */
  async put(record: RobotsRecord): Promise<void> {
    await this.client.index({ index: this.index, id: record.host, document: record })
  }

  /** Counts skipped URLs on the record of the fetch that disallowed them (an atomic increment). */
  async addDisallowed(host: string, fetchedAt: number, count: number): Promise<void> {
    await this.client.update(
      {
        index: this.index,
        id: host,
        script: {
          source:
            'if (ctx._source.fetchedAt == params.fetchedAt) { ctx._source.disallowedCount += params.count } else { ctx.op = "noop" }',
          params: { fetchedAt, count }
        },
        retry_on_conflict: 3
      },
      { ignore: [404] }
    )
  }
}
