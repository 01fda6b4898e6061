/** The listings lookup flow over Elasticsearch: cache, lookup, search, and the RPC scrape. */
export { CacheUnavailable } from './listing-cache'
export { createElasticsearchClient } from './elasticsearch-client'
export { InvalidSearch, SearchUnavailable, SEARCH_UNAVAILABLE_HINT } from './listing-search'
export { rpcScrape, MalformedListing } from './rpc-scrape'
export { ListingsService } from './listings-service'
