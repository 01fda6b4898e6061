/** The crawls index: one document per crawl, read and written whole or in part. */
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'
import type { CrawlState } from '../../shared/crawl'
import type { CrawlDoc } from './ledger-docs'

const MAX_LISTED_CRAWLS = 100

export class CrawlStore {
  constructor(
    private readonly client: Client,
    readonly index: string
  ) {}

  async create(doc: CrawlDoc): Promise<void> {
    await this.client.create({ index: this.index, id: doc.id, document: doc, refresh: 'wait_for' })
  }

  async get(id: string): Promise<CrawlDoc | null> {
    const res = await this.client.get<CrawlDoc>({ index: this.index, id }, { ignore: [404] })
    return res.found && res._source !== undefined ? res._source : null
  }

  /**
   * `visible: false` for a write only a realtime get needs to see (an ingest's progress): it
   * does not wait up to a second for the next refresh, as a change the lists must show does.
   */
  async update(id: string, changes: Partial<CrawlDoc>, options: { visible?: boolean } = {}): Promise<void> {
    await this.client.update({
      index: this.index,
      id,
      doc: { ...changes, updatedAt: changes.updatedAt ?? new Date().toISOString() },
      ...(options.visible === false ? {} : { refresh: 'wait_for' as const })
    })
  }

  /**
   * `update`, only while the crawl is in one of `states`: read, then written whole guarded by
   * the version read, read again if another write came between. The coordinator's tick decides
   * a crawl is done from a list it read before an action could cancel or pause it. True when it
   * wrote. (Not a script: the stack's Elasticsearch ships without a scripting language.)
   */
  async updateIf(id: string, states: CrawlState[], changes: Partial<CrawlDoc>): Promise<boolean> {
    for (;;) {
      const res = await this.client.get<CrawlDoc>({ index: this.index, id }, { ignore: [404] })
      if (!res.found || res._source === undefined || !states.includes(res._source.state)) return false
      try {
        await this.client.index({
          index: this.index,
          id,
          document: { ...res._source, ...changes, updatedAt: changes.updatedAt ?? new Date().toISOString() },
          if_seq_no: res._seq_no!,
          if_primary_term: res._primary_term!,
          refresh: 'wait_for'
        })
        return true
      } catch (err) {
        if (!(err instanceof errors.ResponseError && err.statusCode === 409)) throw err
      }
    }
  }

  async delete(id: string): Promise<void> {
    await this.client.delete({ index: this.index, id, refresh: 'wait_for' }, { ignore: [404] })
  }

  /** Newest first. */
  async list(states?: CrawlState[], size = MAX_LISTED_CRAWLS): Promise<CrawlDoc[]> {
    const res = await this.client.search<CrawlDoc>({
      index: this.index,
      size,
      sort: [{ createdAt: 'desc' }],
      ignore_unavailable: true,
      ...(states === undefined ? {} : { query: { terms: { state: states } } })
    })
    return res.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [hit._source]))
  }

  /** Crawls being read from their source (to resume after a restart). */
  async ingesting(): Promise<CrawlDoc[]> {
    const res = await this.client.search<CrawlDoc>({
      index: this.index,
      size: 1000,
      query: { term: { ingesting: true } },
      ignore_unavailable: true
    })
    return res.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [hit._source]))
  }
}
