/**
 * Starts crawls and runs their ingests: an id list is read before POST /crawls answers (its
 * text is in the request anyway); a sitemap is opened first (so a bad URL fails the request
 * with its reason) and then read in the background, the crawl `ingesting` meanwhile. After a
 * restart, sitemap ingests cut short resume where they were.
 */
import type { Client } from '@elastic/elasticsearch'
import type { CrawlSource, CrawlStartOptions } from '../../shared/crawl'
import type { Logger } from '../log'
import { CrawlError } from './crawl-errors'
import { ingest } from './crawl-ingest'
import type { IngestResult, SourceEntry } from './crawl-ingest'
import { sourceEntries, sourceLabel } from './crawl-sources'
import type { SourceSettings } from './crawl-sources'
import type { CrawlStore } from './crawl-store'
import type { ItemStore } from './item-store'
import type { CrawlDoc } from './ledger-docs'
import { CrawlSourceError } from './sources/source-error'

export interface CrawlIngestsOptions {
  crawls: CrawlStore
  items: ItemStore
  es: Client
  listingsIndex: string
  sources: SourceSettings
  logger: Logger
}

export class CrawlIngests {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly options: CrawlIngestsOptions) {}

  async start(id: string, request: CrawlStartOptions): Promise<{ crawl: CrawlDoc; result: IngestResult }> {
    const now = new Date().toISOString()
    const source = request.source
    const crawl: CrawlDoc = {
      id,
      name: request.name ?? `${sourceLabel(source)} ${now.slice(0, 16).replace('T', ' ')}`,
      state: 'running',
      source: sourceLabel(source),
      sourceSpec: sourceSpecOf(source),
      ingesting: true,
      ingestError: null,
      sourceRead: 0,
      duplicateCount: 0,
      invalidCount: 0,
      refresh: request.refresh,
      maxAttempts: request.maxAttempts,
      createdAt: now,
      updatedAt: now,
      finishedAt: null
    }
    const controller = new AbortController()
    const entries = sourceEntries(source, this.options.sources, controller.signal)
    // Open the source before the crawl exists: a bad list or unreachable sitemap is a 400.
    let first: IteratorResult<SourceEntry>
    try {
      first = await entries.next()
    } catch (err) {
      throw sourceError(err)
    }
    await this.options.crawls.create(crawl)
    const all = prepend(first, entries)
    if (source.kind === 'ids') {
      let result: IngestResult
      try {
        result = await this.ingest(crawl, all, controller.signal)
      } catch (err) {
        await this.options.crawls.update(id, { ingesting: false, ingestError: String(err) })
        throw sourceError(err)
      }
      const done = { ingesting: false, source: `list of ${(await this.options.crawls.get(id))?.sourceRead ?? 0} ids` }
      await this.options.crawls.update(id, done)
      return { crawl: { ...crawl, ...done, invalidCount: result.invalidCount, duplicateCount: result.duplicateCount }, result }
    }
    this.background(crawl, all, controller)
    return { crawl, result: { invalidLines: [], invalidCount: 0, duplicateCount: 0 } }
  }

  /** Sitemap ingests a restart cut short; id lists cannot be read again (their text is not kept). */
  async resumeAll(): Promise<void> {
    for (const crawl of await this.options.crawls.ingesting()) {
      if (crawl.sourceSpec.kind === 'ids' || crawl.state === 'cancelled') {
        await this.options.crawls.update(crawl.id, { ingesting: false, ...(crawl.state === 'cancelled' ? {} : { ingestError: 'The API restarted while the list was read' }) })
        continue
      }
      const source = crawlSourceOf(crawl.sourceSpec)
      const controller = new AbortController()
      this.options.logger.info('Resuming the ingest of a crawl', { id: crawl.id, sourceRead: crawl.sourceRead })
      this.background(crawl, sourceEntries(source, this.options.sources, controller.signal), controller)
    }
  }

  abort(id: string): void {
    this.running.get(id)?.abort(new Error('The crawl was cancelled or deleted'))
  }

  abortAll(): void {
    for (const controller of this.running.values()) controller.abort(new Error('The coordinator is stopping'))
  }

  private background(crawl: CrawlDoc, entries: AsyncIterable<SourceEntry>, controller: AbortController): void {
    this.running.set(crawl.id, controller)
    void this.ingest(crawl, entries, controller.signal)
      .then(() => this.options.crawls.update(crawl.id, { ingesting: false }))
      .catch(async (err: unknown) => {
        if (controller.signal.aborted && controller.signal.reason instanceof Error && /stopping/.test(controller.signal.reason.message)) return
        const message = err instanceof Error ? err.message : String(err)
        this.options.logger.warn('Ingest stopped early', { id: crawl.id, error: message })
        await this.options.crawls.update(crawl.id, { ingesting: false, ingestError: message }).catch(() => {})
      })
      .finally(() => this.running.delete(crawl.id))
  }

  private ingest(crawl: CrawlDoc, entries: AsyncIterable<SourceEntry>, signal: AbortSignal): Promise<IngestResult> {
    return ingest(crawl, entries, { crawls: this.options.crawls, items: this.options.items, es: this.options.es, listingsIndex: this.options.listingsIndex, signal })
  }
}

/** What a crawl keeps of its source to read it again after a restart (not an id list's text). */
function sourceSpecOf(source: CrawlSource): CrawlDoc['sourceSpec'] {
  if (source.kind === 'sitemap') return { kind: 'sitemap', url: source.url, ...(source.source === undefined ? {} : { source: source.source }) }
  if (source.kind === 'sources') return { kind: 'sources', names: source.names }
  if (source.kind === 'ids') return { kind: 'ids', ...(source.source === undefined ? {} : { source: source.source }) }
  return { kind: 'board' }
}

function crawlSourceOf(spec: CrawlDoc['sourceSpec']): CrawlSource {
  if (spec.kind === 'sitemap') return { kind: 'sitemap', url: spec.url ?? '', ...(spec.source === undefined ? {} : { source: spec.source }) }
  if (spec.kind === 'sources') return { kind: 'sources', names: spec.names ?? [] }
  return { kind: 'board' }
}

async function* prepend(first: IteratorResult<SourceEntry>, rest: AsyncIterator<SourceEntry>): AsyncGenerator<SourceEntry> {
  if (first.done === true) return
  yield first.value
  for (;;) {
    const next = await rest.next()
    if (next.done === true) return
    yield next.value
  }
}

function sourceError(err: unknown): Error {
  if (err instanceof CrawlSourceError) return new CrawlError('InvalidCrawl', err.message, err.hint ?? 'Check the source of the crawl.')
  return err instanceof Error ? err : new Error(String(err))
}
