/**
 * The mapping of the log indices (`<prefix>-logs-YYYY.MM.DD`), as an index template so each
 * day's index gets it when its first line arrives. The fixed fields and the fields lines
 * carry most (crawlId, listingId, source, host, kind, tookMs) are mapped explicitly; any other
 * string field is a keyword, so every field can be matched exactly. One shard, no replica:
 * lines are cheap to lose one by one and the stack's Elasticsearch is a single node.
 * `ignore_malformed` keeps a line whose field has another type than the mapping's: that
 * field is left unindexed rather than the line refused.
 */
import { logIndexPattern } from '../../shared/log-record'

export function logIndexTemplateName(prefix: string): string {
  return `${prefix}-logs`
}

export function logIndexTemplate(prefix: string): Record<string, unknown> {
  const keyword = { type: 'keyword', ignore_above: 1024 }
  return {
    index_patterns: [logIndexPattern(prefix)],
    priority: 150,
    template: {
      settings: {
        number_of_shards: 1,
        number_of_replicas: 0,
        'index.mapping.ignore_malformed': true,
        // Lines arrive in batches every second; searching them sooner buys nothing.
        refresh_interval: '1s'
      },
      mappings: {
        dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: keyword } }],
        properties: {
          time: { type: 'date' },
          level: { type: 'keyword' },
          service: { type: 'keyword' },
          replica: { type: 'keyword' },
          component: { type: 'keyword' },
          msg: { type: 'text', fields: { raw: keyword } },
          error: { type: 'text' },
          logSeq: { type: 'long' },
          crawlId: { type: 'keyword' },
          listingId: { type: 'keyword' },
          source: { type: 'keyword' },
          host: { type: 'keyword' },
          kind: { type: 'keyword' },
          tookMs: { type: 'double' }
        }
      }
    }
  }
}
