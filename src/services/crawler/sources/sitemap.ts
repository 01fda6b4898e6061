/**
 * Streams the listing ids of a sitemap: a <urlset>, or a <sitemapindex> whose sitemaps are
 * read in turn (nested indexes too, to a bounded depth). Bodies are parsed as they arrive
 * (saxes) and gunzipped on the fly when they are gzip (by their magic bytes, which covers
 * `.xml.gz` files; a `Content-Encoding: gzip` body is already decoded by fetch), so neither
 * a whole document nor the crawl's ids are ever held: an id is yielded as soon as its <loc>
 * has been read, and nothing more is downloaded until the caller asks for the next one.
 *
 * Ids are taken from each <loc> by the scraper's source URL template (see loc-matcher.ts);
 * a loc that gives no id is skipped and reported through `onSkip`. The same id listed twice
 * is yielded twice: finding repeats would mean remembering every id, which the crawl's
 * ledger does anyway (one item per id).
 */
import { SaxesParser } from 'saxes'
import type { SaxesTagNS } from 'saxes'
import { createLocMatcher } from './loc-matcher'
import { CrawlSourceError } from './source-error'

export interface SitemapSkip {
  /** The <loc> as written, truncated to 200 characters. */
  loc: string
  /** The sitemap it was listed in. */
  sitemap: string
  reason: string
}

export interface SitemapVisit {
  url: string
  /** 0 for the URL given; its sitemaps 1, and so on. */
  depth: number
  kind: 'urlset' | 'sitemapindex'
}

export interface ReadSitemapOptions {
  /** The scraper's source URL template, e.g. "http://jobboard:8081/jobs/{id}". */
  template: string
  /** See LocMatcherOptions.matchOrigin: false for the stack's own board. Default true. */
  matchOrigin?: boolean
  fetchImpl?: typeof fetch
  /** Aborting stops the reading; the iterator then throws the signal's reason. */
  signal?: AbortSignal
  /** Most <url> entries over all sitemaps read (matched or skipped). Default 1,000,000. */
  maxUrls?: number
  /** Most levels of sitemap indexes above a urlset. Default 3 (the protocol itself allows 1). */
  maxDepth?: number
  /** Most bytes of one sitemap, uncompressed. Default 50 MiB, the protocol's limit. */
  maxBytesPerSitemap?: number
  /** Longest wait for the response headers and then between two chunks of the body. Default 30 s. */
  idleTimeoutMs?: number
  onSkip?: (skip: SitemapSkip) => void
  /** Called as each sitemap starts to be read (its root element known), for progress logs. */
  onSitemap?: (visit: SitemapVisit) => void
}

interface SitemapLimits {
  maxUrls: number
  maxDepth: number
  maxBytesPerSitemap: number
  idleTimeoutMs: number
}

const SITEMAP_DEFAULTS: Readonly<SitemapLimits> = {
  maxUrls: 1_000_000,
  maxDepth: 3,
  maxBytesPerSitemap: 50 * 1024 * 1024,
  idleTimeoutMs: 30_000
}

/** The protocol's limit on the sitemaps one index lists; also bounds what an index holds in memory. */
const MAX_SITEMAPS_PER_INDEX = 50_000
const SITEMAP_NS = 'http://www.sitemaps.org/schemas/sitemap/0.9'
const SKIP_LOC_LIMIT = 200
const GZIP_MAGIC = [0x1f, 0x8b] as const

interface ReadContext {
  options: ReadSitemapOptions
  limits: SitemapLimits
  match: ReturnType<typeof createLocMatcher>
  fetchImpl: typeof fetch
  urls: number
  visited: Set<string>
}

/** A listing as a sitemap names it: its id, and its <lastmod> as written (null when it has none). */
export interface SitemapListing {
  id: string
  lastmod: string | null
}

export async function* readSitemapIds(
  url: string,
  options: ReadSitemapOptions
): AsyncGenerator<string, void, undefined> {
  for await (const listing of readSitemapListings(url, options)) yield listing.id
}

/** As readSitemapIds, with each listing's <lastmod>: a re-crawl skips what has not changed since its last fetch. */
export async function* readSitemapListings(
  url: string,
  options: ReadSitemapOptions
): AsyncGenerator<SitemapListing, void, undefined> {
  const root = parseHttpUrl(url, 'The sitemap URL')
  const context: ReadContext = {
    options,
    limits: {
      maxUrls: options.maxUrls ?? SITEMAP_DEFAULTS.maxUrls,
      maxDepth: options.maxDepth ?? SITEMAP_DEFAULTS.maxDepth,
      maxBytesPerSitemap: options.maxBytesPerSitemap ?? SITEMAP_DEFAULTS.maxBytesPerSitemap,
      idleTimeoutMs: options.idleTimeoutMs ?? SITEMAP_DEFAULTS.idleTimeoutMs
    },
    match: createLocMatcher(options.template, { matchOrigin: options.matchOrigin ?? true }),
    fetchImpl: options.fetchImpl ?? fetch,
    urls: 0,
    visited: new Set()
  }
  yield* readSitemap(root.href, 0, context)
}

async function* readSitemap(
  url: string,
  depth: number,
  context: ReadContext
): AsyncGenerator<SitemapListing, void, undefined> {
  const { options, limits } = context
  context.visited.add(url)
  const children: string[] = []
  for await (const entry of sitemapEntries(url, depth, context)) {
    // One chunk can hold thousands of locs: stop between them, not only between chunks.
    options.signal?.throwIfAborted()
    if (entry.parent === 'url') {
      context.urls += 1
      if (context.urls > limits.maxUrls) {
        throw new CrawlSourceError(
          'InvalidCrawl',
          `The sitemap ${url} takes the crawl over ${limits.maxUrls} urls`,
          'Crawl a smaller sitemap, or split it into several crawls.'
        )
      }
      const match = context.match(entry.loc)
      if ('id' in match) yield { id: match.id, lastmod: entry.lastmod }
      else options.onSkip?.({ loc: truncate(entry.loc), sitemap: url, reason: match.reason })
      continue
    }
    if (depth + 1 > limits.maxDepth) {
      throw new CrawlSourceError(
        'InvalidCrawl',
        `The sitemap index ${url} is nested too deep: it is at level ${depth + 1} of indexes, and at most ${limits.maxDepth} are followed`,
        'Give the crawl a sitemap nearer to the listings (an index of urlsets).'
      )
    }
    const child = childUrl(entry.loc)
    if (child === null) {
      options.onSkip?.({ loc: truncate(entry.loc), sitemap: url, reason: 'not an absolute http(s) URL of a sitemap' })
    } else if (context.visited.has(child) || children.includes(child)) {
      options.onSkip?.({
        loc: truncate(entry.loc),
        sitemap: url,
        reason: 'this sitemap was already read (a loop or a repeat in the index)'
      })
    } else if (children.length >= MAX_SITEMAPS_PER_INDEX) {
      throw new CrawlSourceError(
        'InvalidCrawl',
        `The sitemap index ${url} lists more than ${MAX_SITEMAPS_PER_INDEX} sitemaps, the protocol's limit`
      )
    } else {
      children.push(child)
    }
  }
  // An index's sitemaps are read after it, one at a time, so only one connection is open.
  for (const child of children) {
    if (context.visited.has(child)) continue
    yield* readSitemap(child, depth + 1, context)
  }
}

interface SitemapEntry {
  /** `url` in a urlset (a listing), `sitemap` in an index (another sitemap). */
  parent: 'url' | 'sitemap'
  loc: string
  lastmod: string | null
}

/** The <loc>s of one sitemap document, streamed: each chunk's are yielded before the next chunk is read. */
async function* sitemapEntries(
  url: string,
  depth: number,
  context: ReadContext
): AsyncGenerator<SitemapEntry, void, undefined> {
  const { limits, options } = context
  const request = linkedAbort(options.signal, limits.idleTimeoutMs)
  try {
    const response = await request
      .during(() =>
        context.fetchImpl(url, {
          signal: request.signal,
          headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' }
        })
      )
      .catch((error: unknown) => {
        throw request.explain(error, `Could not fetch the sitemap ${url}`)
      })
    if (!response.ok) {
      // Close the connection rather than leave the error page's body to the garbage collector.
      await response.body?.cancel().catch(() => undefined)
      checkStatus(url, response)
    }
    if (response.body === null)
      throw new CrawlSourceError('InvalidCrawl', `The sitemap ${url} answered ${response.status} with no body`)

    const found: SitemapEntry[] = []
    const parser = sitemapParser(url, response.headers.get('content-type'), found, (kind) =>
      options.onSitemap?.({ url, depth, kind })
    )
    const decoder = new TextDecoder('utf-8', { fatal: false })
    let bytes = 0
    try {
      for await (const chunk of request.chunks(await bodyBytes(response.body))) {
        bytes += chunk.byteLength
        if (bytes > limits.maxBytesPerSitemap) {
          throw new CrawlSourceError(
            'InvalidCrawl',
            `The sitemap ${url} is larger than ${formatBytes(limits.maxBytesPerSitemap)} uncompressed`,
            'The sitemap protocol allows 50 MiB per file: split it with a sitemap index.'
          )
        }
        parser.write(decoder.decode(chunk, { stream: true }))
        yield* found.splice(0)
      }
      parser.write(decoder.decode())
      parser.close()
      yield* found.splice(0)
    } catch (error) {
      throw request.explain(error, `Could not read the sitemap ${url}`)
    }
  } finally {
    request.done()
  }
}

/** A saxes parser that pushes each <loc> of a <url> or <sitemap> into `found` and checks the root element. */
function sitemapParser(
  url: string,
  contentType: string | null,
  found: SitemapEntry[],
  onRoot: (kind: SitemapVisit['kind']) => void
): SaxesParser<{ xmlns: true }> {
  const parser = new SaxesParser({ xmlns: true, position: true })
  const path: string[] = []
  let loc: string | null = null
  let lastmod: string | null = null
  // The text being read: a <loc> or a <lastmod> of the current <url>/<sitemap>.
  let reading: 'loc' | 'lastmod' | null = null
  let text = ''
  let rootSeen = false
  parser.on('opentag', (tag: SaxesTagNS) => {
    const name = tag.uri === SITEMAP_NS || tag.uri === '' ? tag.local : `{${tag.uri}}${tag.local}`
    if (!rootSeen) {
      rootSeen = true
      if (name !== 'urlset' && name !== 'sitemapindex') {
        const what = tag.local.toLowerCase() === 'html' ? 'a web page' : 'not a sitemap'
        throw new CrawlSourceError(
          'InvalidCrawl',
          `${url} is ${what}: its root element is <${tag.name}>, not <urlset> or <sitemapindex>${contentType ? ` (Content-Type ${contentType})` : ''}`,
          'Give the address of the sitemap itself, often /sitemap.xml (robots.txt names it).'
        )
      }
      onRoot(name)
    }
    path.push(name)
    // A listing is urlset/url/loc, a sitemap sitemapindex/sitemap/loc; other locs (image:loc…) are not ours.
    if (
      (name === 'loc' || name === 'lastmod') &&
      path.length === 3 &&
      ((path[0] === 'urlset' && path[1] === 'url') || (path[0] === 'sitemapindex' && path[1] === 'sitemap'))
    ) {
      reading = name
      text = ''
    }
  })
  const onText = (chunk: string): void => {
    if (reading !== null) text += chunk
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', () => {
    if (reading !== null && path.length === 3) {
      if (reading === 'loc') loc = text.trim()
      else lastmod = text.trim() || null
      reading = null
    } else if (path.length === 2 && (path[1] === 'url' || path[1] === 'sitemap')) {
      // The entry ends with its element: <lastmod> may come before or after <loc>.
      if (loc !== null && loc !== '') found.push({ parent: path[1], loc, lastmod })
      loc = null
      lastmod = null
    }
    path.pop()
  })
  parser.on('error', (error: Error) => {
    throw new CrawlSourceError(
      'InvalidCrawl',
      `${url} is not a readable XML sitemap: ${error.message}${contentType ? ` (Content-Type ${contentType})` : ''}`,
      'Check that the URL serves the sitemap XML (or its .xml.gz), not a page or an error.'
    )
  })
  return parser
}

/** Throws the error for a response that is not ok. */
function checkStatus(url: string, response: Response): never {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw new CrawlSourceError(
      'SourceUnavailable',
      `The sitemap ${url} answered HTTP ${status}`,
      'The site is busy or down: try again later.'
    )
  }
  throw new CrawlSourceError(
    'InvalidCrawl',
    `The sitemap ${url} answered HTTP ${status}`,
    response.status === 404 || response.status === 410 ? 'Check the sitemap URL.' : null
  )
}

/** The body, gunzipped when its first bytes are gzip's magic number. */
async function bodyBytes(body: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const reader = body.getReader()
  let head: Uint8Array = new Uint8Array(0)
  // Two bytes decide; a first chunk of one byte is legal, if unlikely.
  while (head.byteLength < GZIP_MAGIC.length) {
    const { done, value } = await reader.read()
    if (done) break
    head = concat(head, value)
  }
  const replayed = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (head.byteLength > 0) controller.enqueue(head)
      },
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) controller.close()
        else controller.enqueue(value)
      },
      cancel(reason) {
        return reader.cancel(reason)
      }
    },
    { highWaterMark: 0 }
  )
  const gzip = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]
  return gzip ? replayed.pipeThrough(new DecompressionStream('gzip')) : replayed
}

interface LinkedAbort {
  signal: AbortSignal
  /** Runs `work` under the idle timer. */
  during<T>(work: () => Promise<T>): Promise<T>
  /** The stream's chunks, the idle timer restarted before each read; the stream is cancelled if the loop ends early. */
  chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined>
  /** The caller's abort reason as is; a timeout or network failure as SourceUnavailable; our own errors as they are. */
  explain(error: unknown, doing: string): unknown
  done(): void
}

/** One request's abort signal: the caller's signal, plus an idle timeout. */
function linkedAbort(outer: AbortSignal | undefined, idleMs: number): LinkedAbort {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let timedOut = false
  const onOuterAbort = (): void => controller.abort(outer?.reason)
  // Rejects once the request is aborted, so a read does not wait on a body that ignores the signal.
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true })
  })
  aborted.catch(() => undefined)
  if (outer?.aborted) controller.abort(outer.reason)
  else outer?.addEventListener('abort', onOuterAbort, { once: true })
  const arm = (): void => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      timedOut = true
      controller.abort(new Error(`no data for ${idleMs} ms`))
    }, idleMs)
  }
  const disarm = (): void => clearTimeout(timer)
  return {
    signal: controller.signal,
    async during(work) {
      arm()
      try {
        return await Promise.race([work(), aborted])
      } finally {
        disarm()
      }
    },
    async *chunks(stream) {
      const reader = stream.getReader()
      try {
        for (;;) {
          arm()
          const { done, value } = await Promise.race([reader.read(), aborted])
          disarm()
          if (done) return
          yield value
        }
      } finally {
        disarm()
        // Early exit (the caller stopped, or an error): close the connection rather than drain it.
        reader.cancel().catch(() => undefined)
      }
    },
    explain(error, doing) {
      if (outer?.aborted) return outer.reason
      if (error instanceof CrawlSourceError) return error
      if (timedOut)
        return new CrawlSourceError(
          'SourceUnavailable',
          `${doing}: no data for ${idleMs >= 1000 ? `${Math.round(idleMs / 1000)} s` : `${idleMs} ms`}`,
          'The site is slow or down: try again later.',
          { cause: error }
        )
      // zlib names its errors Z_DATA_ERROR, Z_BUF_ERROR (truncated)…: the bytes are at fault, not the network.
      const code = (error as { code?: unknown }).code
      if (typeof code === 'string' && code.startsWith('Z_')) {
        return new CrawlSourceError(
          'InvalidCrawl',
          `${doing}: its gzip data is corrupt or cut short (${(error as Error).message})`,
          null,
          { cause: error }
        )
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      const detail = cause?.code ?? cause?.message ?? (error as Error).message
      return new CrawlSourceError(
        'SourceUnavailable',
        `${doing}: ${detail}`,
        'Check that the address is right and the site is up.',
        { cause: error }
      )
    },
    done() {
      disarm()
      outer?.removeEventListener('abort', onOuterAbort)
    }
  }
}

function parseHttpUrl(text: string, what: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new CrawlSourceError(
      'InvalidCrawl',
      `${what} "${truncate(text)}" is not an absolute URL`,
      'Give a full address such as https://example.com/sitemap.xml.'
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CrawlSourceError(
      'InvalidCrawl',
      `${what} "${truncate(text)}" is not http or https`,
      'Give a full address such as https://example.com/sitemap.xml.'
    )
  }
  url.hash = ''
  return url
}

function childUrl(loc: string): string | null {
  try {
    const url = new URL(loc)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
    url.hash = ''
    return url.href
  } catch {
    return null
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength)
  joined.set(a, 0)
  joined.set(b, a.byteLength)
  return joined
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`
}

function truncate(text: string): string {
  return text.length <= SKIP_LOC_LIMIT ? text : `${text.slice(0, SKIP_LOC_LIMIT - 1)}…`
}
