/**
 * Starts crawls and runs their ingests: an id list is read before POST /crawls answers (its
 * text is in the request anyway); a sitemap is opened first (so a bad URL fails the request
 * with its reason) and then read in the background, the crawl `ingesting` meanwhile. After a
 * restart, sitemap ingests cut short resume where they were.
 */
import type { Client } from '@elastic/elasticsearch'
import type { CrawlSource, CrawlStartOptions, InvalidLine } from '../../shared/crawl'
import type { Logger } from '../log'
import { CrawlError } from './crawl-errors'
import { sourceEntries, sourceLabel } from './crawl-sources'
import type { SourceEntry, SourceSettings } from './crawl-sources'
import type { CrawlStore } from './crawl-store'
import type { ItemStore } from './item-store'
import { newItem } from './ledger-docs'
import { sourceListingKey } from '../../shared/source'
import type { CrawlDoc, ItemDoc } from './ledger-docs'
import { CrawlSourceError } from './sources/source-error'
import { changeFieldsOf } from './changes/change-recorder'
import { classify, unchangedSince, validatorsOf } from './changes/change-rules'
import type { RegistryDoc } from './changes/change-rules'
import { registryDocId } from './changes/listing-registry'
import type { ListingRegistry } from './changes/listing-registry'

export interface CrawlIngestsOptions {
  crawls: CrawlStore
  items: ItemStore
  /** Each listing's record from the last crawls: what a re-crawl may skip, and the validators it sends. */
  registry: ListingRegistry
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
      return {
        crawl: { ...crawl, ...done, invalidCount: result.invalidCount, duplicateCount: result.duplicateCount },
        result
      }
    }
    this.background(crawl, all, controller)
    return { crawl, result: { invalidLines: [], invalidCount: 0, duplicateCount: 0 } }
  }

  /** Sitemap ingests a restart cut short; id lists cannot be read again (their text is not kept). */
  async resumeAll(): Promise<void> {
    for (const crawl of await this.options.crawls.ingesting()) {
      if (crawl.sourceSpec.kind === 'ids' || crawl.state === 'cancelled') {
        await this.options.crawls.update(crawl.id, {
          ingesting: false,
          ...(crawl.state === 'cancelled' ? {} : { ingestError: 'The API restarted while the list was read' })
        })
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
        if (
          controller.signal.aborted &&
          controller.signal.reason instanceof Error &&
          /stopping/.test(controller.signal.reason.message)
        )
          return
        const message = err instanceof Error ? err.message : String(err)
        this.options.logger.warn('Ingest stopped early', { id: crawl.id, error: message })
        await this.options.crawls.update(crawl.id, { ingesting: false, ingestError: message }).catch(() => {})
      })
      .finally(() => this.running.delete(crawl.id))
  }

  private ingest(crawl: CrawlDoc, entries: AsyncIterable<SourceEntry>, signal: AbortSignal): Promise<IngestResult> {
    return ingest(crawl, entries, {
      crawls: this.options.crawls,
      items: this.options.items,
      registry: this.options.registry,
      es: this.options.es,
      listingsIndex: this.options.listingsIndex,
      signal
    })
  }
}

/** What a crawl keeps of its source to read it again after a restart (not an id list's text). */
function sourceSpecOf(source: CrawlSource): CrawlDoc['sourceSpec'] {
  if (source.kind === 'sitemap')
    return { kind: 'sitemap', url: source.url, ...(source.source === undefined ? {} : { source: source.source }) }
  if (source.kind === 'sources') return { kind: 'sources', names: source.names }
  if (source.kind === 'ids') return { kind: 'ids', ...(source.source === undefined ? {} : { source: source.source }) }
  return { kind: 'board' }
}

function crawlSourceOf(spec: CrawlDoc['sourceSpec']): CrawlSource {
  if (spec.kind === 'sitemap')
    return { kind: 'sitemap', url: spec.url ?? '', ...(spec.source === undefined ? {} : { source: spec.source }) }
  if (spec.kind === 'sources') return { kind: 'sources', names: spec.names ?? [] }
  return { kind: 'board' }
}

async function* prepend(
  first: IteratorResult<SourceEntry>,
  rest: AsyncIterator<SourceEntry>
): AsyncGenerator<SourceEntry> {
  if (first.done === true) return
  yield first.value
  for (;;) {
    const next = await rest.next()
    if (next.done === true) return
    yield next.value
  }
}

function sourceError(err: unknown): Error {
  // A source that cannot be read (even one down just now) is a start request refused: 400.
  if (err instanceof CrawlSourceError)
    return new CrawlError('InvalidCrawl', err.message, err.hint ?? 'Check the source of the crawl.', { cause: err })
  return err instanceof Error ? err : new Error(String(err))
}

const INGEST_BATCH = 1000
/** Invalid lines reported back in full; the rest are counted. */
const MAX_REPORTED_INVALID = 100

interface IngestContext {
  crawls: CrawlStore
  items: ItemStore
  registry: ListingRegistry
  /** The listings cache, to skip ids already cached. */
  es: Client
  listingsIndex: string
  signal?: AbortSignal
}

export interface IngestResult {
  invalidLines: InvalidLine[]
  invalidCount: number
  duplicateCount: number
}

/**
 * Reads a crawl's ids into the ledger in bulk batches, never holding more than one batch:
 * each id of a source becomes an item whose _id is itemDocId (crawl, source, id) written with op type
 * `create`, so an id seen twice is one item and the bulk's conflict answers count the
 * duplicates. Ids already in the listings cache are `skipped` unless the crawl refreshes.
 * Progress (ids read) is saved after every batch, so an ingest cut short by a restart
 * resumes where it was.
 */
async function ingest(
  crawl: CrawlDoc,
  entries: AsyncIterable<SourceEntry> | Iterable<SourceEntry>,
  ctx: IngestContext
): Promise<IngestResult> {
  const result: IngestResult = {
    invalidLines: [],
    invalidCount: crawl.invalidCount,
    duplicateCount: crawl.duplicateCount
  }
  // Ids before this were ingested by an earlier run (before a restart).
  const skip = crawl.sourceRead
  let read = 0
  // A sitemap's crawl is decided by the registry (and <lastmod>); a pasted list, which has no
  // <lastmod>, skips what the listings cache holds, as it always did.
  const fromSitemap = crawl.sourceSpec.kind !== 'ids'
  let batch: { id: string; source: string; lastmod: string | null }[] = []
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return
    const ids = batch
    batch = []
    const firstSeq = read - ids.length
    const records = await ctx.registry.readMany(ids.map(({ id, source }) => ({ source, listingId: id })))
    const cached = crawl.refresh || fromSitemap ? new Set<string>() : await cachedIds(ctx, ids)
    const now = new Date().toISOString()
    const recordWrites: RegistryDoc[] = []
    const docs: ItemDoc[] = ids.map(({ id, source, lastmod }, i) => {
      const record = records.get(registryDocId(source, id)) ?? null
      const item = (state: 'queued' | 'skipped'): ItemDoc => ({
        ...newItem(crawl.id, id, firstSeq + i, crawl.maxAttempts, state, now, source),
        lastmod
      })
      if (fromSitemap && !crawl.refresh && unchangedSince(record, lastmod)) {
        const context = { crawlId: crawl.id, source, listingId: id, at: now, lastmod }
        const { change, next } = classify(record, { kind: 'listed-unchanged' }, context)
        recordWrites.push(next)
        return { ...item('skipped'), ...changeFieldsOf(change, next) }
      }
      if (cached.has(sourceListingKey(source, id))) return item('skipped')
      return { ...item('queued'), validators: crawl.refresh ? null : validatorsOf(record) }
    })
    // Both before the progress below: an ingest cut short here reads the batch again, and the
    // same decisions from the records (its items already written come back as duplicates).
    const [, { duplicates }] = await Promise.all([ctx.registry.writeMany(recordWrites), ctx.items.createMany(docs)])
    result.duplicateCount += duplicates
    // Progress is read back by a realtime get (a resumed ingest); it need not wait for a refresh.
    await ctx.crawls.update(
      crawl.id,
      { sourceRead: read, duplicateCount: result.duplicateCount, invalidCount: result.invalidCount },
      { visible: false }
    )
  }
  for await (const entry of entries) {
    ctx.signal?.throwIfAborted()
    if (entry.kind === 'invalid') {
      result.invalidCount += 1
      if (result.invalidLines.length < MAX_REPORTED_INVALID)
        result.invalidLines.push({ line: entry.line, text: entry.text, reason: entry.reason })
      continue
    }
    if (entry.kind === 'duplicate') {
      result.duplicateCount += 1
      continue
    }
    read += 1
    if (read <= skip) continue
    batch.push({ id: entry.id, source: entry.source, lastmod: entry.lastmod })
    if (batch.length >= INGEST_BATCH) await flush()
  }
  await flush()
  return result
}

/**
 * The listings-cache _ids (sourceListingKey) of the batch's ids already cached: one `ids`
 * search per batch rather than an mget (a get per id). A search sees what the cache held at
 * its last refresh (a second ago at most): a listing cached since is scraped once more.
 */
async function cachedIds(ctx: IngestContext, ids: { id: string; source: string }[]): Promise<Set<string>> {
  const res = await ctx.es.search({
    index: ctx.listingsIndex,
    size: ids.length,
    _source: false,
    ignore_unavailable: true,
    query: { ids: { values: ids.map(({ id, source }) => sourceListingKey(source, id)) } }
  })
  return new Set(res.hits.hits.flatMap((hit) => (hit._id === undefined ? [] : [hit._id])))
}
