/**
 * Each host's robots.txt as last fetched, one Elasticsearch document per host
 * (`<prefix>-robots`, _id = host), so every coordinator, and a restarted one, uses the same
 * answer for its whole lifetime instead of fetching the file again.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'
import type { RobotsRecord, RobotsSummary } from './robots-rules'

export class RobotsStore {
  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  async get(host: string): Promise<RobotsRecord | null> {
    const res = await this.client.get<RobotsRecord>({ index: this.index, id: host }, { ignore: [404] })
    return res.found && res._source !== undefined ? res._source : null
  }

  /** Every host's record without its file (up to 512 KiB each): what host statuses read, every few seconds. */
  async summaries(): Promise<RobotsSummary[]> {
    const res = await this.client.search<RobotsSummary>(
      { index: this.index, size: 1000, query: { match_all: {} }, _source_excludes: ['body'] },
      { ignore: [404] }
    )
    return (res.hits?.hits ?? []).flatMap((hit) => (hit._source === undefined ? [] : [hit._source]))
  }

  /** Two coordinators that fetched at once write the same answer: the last write wins. */
  async put(record: RobotsRecord): Promise<void> {
    await this.client.index({ index: this.index, id: record.host, document: record })
  }

  /**
   * Counts skipped URLs on the record of the fetch that disallowed them: a guarded
   * read-modify-write (the stack's Elasticsearch runs no scripts), given up after a few lost
   * races, as the count is for people to read.
   */
  async addDisallowed(host: string, fetchedAt: number, count: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const res = await this.client.get<RobotsRecord>({ index: this.index, id: host }, { ignore: [404] })
      const record = res._source
      if (!res.found || record === undefined || record.fetchedAt !== fetchedAt) return
      try {
        await this.client.index({
          index: this.index,
          id: host,
          document: { ...record, disallowedCount: record.disallowedCount + count },
          if_seq_no: res._seq_no!,
          if_primary_term: res._primary_term!
        })
        return
      } catch (err) {
        if (!(err instanceof errors.ResponseError && err.statusCode === 409)) throw err
      }
    }
  }
}
