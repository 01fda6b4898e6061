/**
 * Saved searches in Elasticsearch. The secret lives in the stored document and leaves the
 * store only through `create` and `reveal`; everything else answers the public shape.
 * Delivery records are written by read–change–write guarded by the version read
 * (`if_seq_no`), so a person's edit and a delivery's record never overwrite each other.
 */
import { randomBytes } from 'node:crypto'
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'
import {
  DELIVERIES_KEPT,
  RevealedSavedSearchSchema,
  SavedSearchEditSchema,
  SavedSearchSpecSchema
} from '../../shared/saved-search'
import type { Delivery, LastMatch, RevealedSavedSearch, SavedSearch } from '../../shared/saved-search'
import { SavedSearchError, invalidSavedSearch, savedSearchNotFound } from './saved-search-errors'

const MAX_SAVED_SEARCHES = 1000
const MAX_WRITE_TRIES = 10

interface Versioned {
  doc: RevealedSavedSearch
  seqNo: number
  primaryTerm: number
}

export class SavedSearchStore {
  constructor(
    private readonly client: Client,
    readonly index: string,
    private readonly now: () => Date = () => new Date()
  ) {}

  async list(): Promise<SavedSearch[]> {
    return (await this.listRevealed()).map(hide)
  }

  /** With their secrets: for the api service's own deliveries only. */
  async listRevealed(): Promise<RevealedSavedSearch[]> {
    const res = await this.client.search<RevealedSavedSearch>({
      index: this.index,
      size: MAX_SAVED_SEARCHES,
      sort: [{ createdAt: 'asc' }],
      ignore_unavailable: true
    })
    return res.hits.hits.flatMap((hit) =>
      hit._source === undefined ? [] : [RevealedSavedSearchSchema.parse(hit._source)]
    )
  }

  async get(name: string): Promise<SavedSearch> {
    return hide((await this.read(name)).doc)
  }

  async reveal(name: string): Promise<RevealedSavedSearch> {
    return (await this.read(name)).doc
  }

  /** Answers it with its new secret: the one time the secret is sent unasked. */
  async create(input: unknown): Promise<RevealedSavedSearch> {
    const spec = SavedSearchSpecSchema.safeParse(input)
    if (!spec.success) throw invalidSavedSearch(spec.error.issues)
    const at = this.now().toISOString()
    const doc: RevealedSavedSearch = {
      name: spec.data.name,
      query: spec.data.query,
      webhook: spec.data.webhook,
      lastMatch: null,
      deliveries: [],
      createdAt: at,
      updatedAt: at,
      secret: randomBytes(32).toString('hex')
    }
    try {
      await this.client.create({ index: this.index, id: doc.name, document: doc, refresh: true })
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 409)
        throw new SavedSearchError(
          'SavedSearchExists',
          `A saved search named "${doc.name}" already exists`,
          'Pick another name, or edit it (PATCH /saved-searches/:name).'
        )
      throw err
    }
    return doc
  }

  async edit(name: string, input: unknown): Promise<SavedSearch> {
    const edit = SavedSearchEditSchema.safeParse(input)
    if (!edit.success) throw invalidSavedSearch(edit.error.issues)
    return hide(
      await this.change(name, (current) => ({
        ...current,
        ...(edit.data.query === undefined ? {} : { query: edit.data.query }),
        ...(edit.data.webhook === undefined ? {} : { webhook: edit.data.webhook })
      }))
    )
  }

  async remove(name: string): Promise<void> {
    const res = await this.client.delete({ index: this.index, id: name, refresh: true }, { ignore: [404] })
    if (res.result === 'not_found') throw savedSearchNotFound(name)
  }

  async recordMatch(name: string, match: LastMatch): Promise<void> {
    await this.change(name, (current) => ({ ...current, lastMatch: match }))
  }

  /** Adds or replaces (by id) a delivery record, newest first, keeping the last DELIVERIES_KEPT. */
  async recordDelivery(name: string, delivery: Delivery): Promise<void> {
    await this.change(name, (current) => ({
      ...current,
      deliveries: [delivery, ...current.deliveries.filter((d) => d.id !== delivery.id)].slice(0, DELIVERIES_KEPT)
    }))
  }

  private async change(
    name: string,
    apply: (current: RevealedSavedSearch) => RevealedSavedSearch
  ): Promise<RevealedSavedSearch> {
    for (let tries = 1; ; tries++) {
      const version = await this.read(name)
      const next = { ...apply(version.doc), updatedAt: this.now().toISOString() }
      try {
        await this.client.index({
          index: this.index,
          id: name,
          document: next,
          if_seq_no: version.seqNo,
          if_primary_term: version.primaryTerm,
          refresh: true
        })
        return next
      } catch (err) {
        if (!(err instanceof errors.ResponseError && err.statusCode === 409) || tries >= MAX_WRITE_TRIES) {
          if (tries >= MAX_WRITE_TRIES)
            throw new SavedSearchError(
              'SavedSearchConflict',
              `The saved search "${name}" kept changing under this edit`
            )
          throw err
        }
      }
    }
  }

  private async read(name: string): Promise<Versioned> {
    const res = await this.client.get<RevealedSavedSearch>({ index: this.index, id: name }, { ignore: [404] })
    if (!res.found || res._source === undefined || res._seq_no === undefined || res._primary_term === undefined)
      throw savedSearchNotFound(name)
    return { doc: RevealedSavedSearchSchema.parse(res._source), seqNo: res._seq_no, primaryTerm: res._primary_term }
  }
}

/** The public shape: everything but the secret. */
function hide(doc: RevealedSavedSearch): SavedSearch {
  const { secret: _secret, ...rest } = doc
  return rest
}
