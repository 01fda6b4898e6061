/**
 * The cache index's settings and mapping. Only core field types and the `standard`
 * analyzer: the integ-test Elasticsearch distribution has no analysis-common or
 * mapper-extras module (no `english` analyzer, no search_as_you_type…).
 */
import type { estypes } from '@elastic/elasticsearch'

export const DEFAULT_LISTINGS_INDEX = 'joblistings'

/** A date the source wrote oddly must not make the whole listing unstorable. */
const lenientDate: estypes.MappingProperty = { type: 'date', ignore_malformed: true }
const textWithKeyword: estypes.MappingProperty = {
  type: 'text',
  // The keyword subfield feeds facets and exact filters.
  fields: { keyword: { type: 'keyword', ignore_above: 256 } }
}

export const LISTINGS_MAPPINGS: estypes.MappingTypeMapping = {
  // Fields a newer Listing adds are kept in _source but not indexed, rather than guessed at
  // by dynamic mapping or refused (which would make every write fail).
  dynamic: false,
  properties: {
    ID: { type: 'keyword' },
    source: { type: 'keyword' },
    title: { type: 'text' },
    description: { type: 'text' },
    skills: { type: 'keyword' },
    company: textWithKeyword,
    location: textWithKeyword,
    employmentType: { type: 'keyword' },
    datePosted: lenientDate,
    validThrough: lenientDate,
    salary: {
      properties: {
        min: { type: 'double' },
        max: { type: 'double' },
        currency: { type: 'keyword' },
        unit: { type: 'keyword' }
      }
    },
    url: { type: 'keyword', index: false },
    extractedFrom: { type: 'keyword' },
    // The JobPosting object as found on the page: any shape, so stored only.
    JSON: { type: 'object', enabled: false },
    scrapedAt: { type: 'date' },
    cachedAt: { type: 'date' }
  }
}

export const LISTINGS_SETTINGS: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  // One node never places replicas; 0 keeps the index green.
  number_of_replicas: 0
}
