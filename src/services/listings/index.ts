/** The listings lookup flow over Elasticsearch: cache, lookup, search, and the RPC scrape. */
export { createElasticsearchClient } from './elasticsearch-client'
export { SearchUnavailable } from './listing-search'
export { rpcScrape } from './rpc-scrape'
export { ListingsService } from './listings-service'
