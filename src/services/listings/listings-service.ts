/**
 * Wires the lookup flow together for a process (the API service, the panel): one
 * Elasticsearch client, the hot-read source reader beside it, the cache over both,
 * lookups and search.
 */
import type { Client } from '@elastic/elasticsearch'
import type { ListingSearchOptions, ListingSearchResult } from '../../shared/listing-search'
import type { LookupOptions, LookupResult } from '../../shared/lookup'
import { DEFAULT_ES_REQUEST_TIMEOUT_MS, createElasticsearchClient, describeEsError } from './elasticsearch-client'
import { ListingCache } from './listing-cache'
import type { CacheStatus, ListingCacheOptions } from './listing-cache'
import { DEFAULT_LISTINGS_INDEX } from './listing-index'
import { ListingLookup } from './listing-lookup'
import type { LookupAnswer, ScrapeFn } from './listing-lookup'
import { ListingRepository } from './listing-repository'
import { ListingSourceReader } from './listing-source-reader'
import { searchListings } from './listing-search'
import { silentLogger } from '../log'
import type { Logger } from '../log'

export interface ListingsServiceOptions {
  elasticsearchUrl: string
  /** Default 'joblistings'. */
  index?: string
  /** Per-request Elasticsearch timeout. Default 1500 ms. */
  esRequestTimeoutMs?: number
  scrape: ScrapeFn
  cache?: Omit<ListingCacheOptions, 'logger'>
  logger?: Logger
}

export interface ElasticsearchHealth extends CacheStatus {
  /** The cluster's answer to a health request just now, or null if it did not answer. */
  clusterStatus: 'green' | 'yellow' | 'red' | null
  error: string | null
}

export class ListingsService {
  readonly repository: ListingRepository
  readonly cache: ListingCache
  readonly lookups: ListingLookup
  private readonly client: Client
  private readonly reader: ListingSourceReader

  constructor(options: ListingsServiceOptions) {
    const logger = options.logger ?? silentLogger
    this.client = createElasticsearchClient(options.elasticsearchUrl, options.esRequestTimeoutMs)
    this.repository = new ListingRepository(this.client, options.index ?? DEFAULT_LISTINGS_INDEX)
    this.reader = new ListingSourceReader(
      options.elasticsearchUrl,
      this.repository.index,
      options.esRequestTimeoutMs ?? DEFAULT_ES_REQUEST_TIMEOUT_MS
    )
    this.cache = new ListingCache(this.repository, this.reader, { ...options.cache, logger })
    this.lookups = new ListingLookup({ cache: this.cache, scrape: options.scrape, logger })
  }

  /** Creates the index if Elasticsearch is up; never fails (the cache retries in the background). */
  async start(): Promise<void> {
    await this.cache.start()
  }

  lookup(id: string, options?: LookupOptions): Promise<LookupResult> {
    return this.lookups.lookup(id, options)
  }

  /** The lookup as the API answers it: the listing's JSON bytes (a cache hit passes the stored bytes through). */
  lookupAnswer(id: string, options?: LookupOptions): Promise<LookupAnswer> {
    return this.lookups.lookupAnswer(id, options)
  }

  search(query: string, options?: ListingSearchOptions): Promise<ListingSearchResult> {
    return searchListings(this.repository, query, options)
  }

  async elasticsearchHealth(): Promise<ElasticsearchHealth> {
    const cache = this.cache.status()
    try {
      const health = await this.client.cluster.health({ timeout: '1s' })
      return { ...cache, clusterStatus: health.status.toLowerCase() as 'green' | 'yellow' | 'red', error: null }
    } catch (err) {
      return { ...cache, clusterStatus: null, error: describeEsError(err) }
    }
  }

  async close(): Promise<void> {
    await this.cache.close()
    await this.client.close()
    await this.reader.close()
  }
}
