/**
 * Sources in Elasticsearch: create, read, edit, pause, resume, remove. Every change is a
 * read-modify-write guarded by the document's sequence number (optimistic concurrency), so
 * two API replicas editing one source at once never lose an edit: the loser reads again.
 * Writes refresh the index at once: they are rare (a person's edit) and the next list must
 * show them.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'
import { DEFAULT_SOURCE_NAME, SourceSchema, SourceSpecSchema } from '../../shared/source'
import type { Source, SourceEdit, SourceSpecInput } from '../../shared/source'
import { SourceError, defaultSourceKept, invalidSource, sourceNameTaken, sourceNotFound } from './source-errors'

/** Far more than a stack has; a list is one search. */
const MAX_SOURCES = 1000
/** Tries of one change when another writer keeps winning the race. */
const MAX_WRITE_TRIES = 5

interface Versioned {
  source: Source
  seqNo: number
  primaryTerm: number
}

export class SourceStore {
  constructor(
    private readonly client: Client,
    readonly index: string,
    private readonly now: () => Date = () => new Date()
  ) {}

  async list(): Promise<Source[]> {
    const res = await this.client.search<Source>({
      index: this.index,
      size: MAX_SOURCES,
      sort: [{ name: 'asc' }],
      ignore_unavailable: true
    })
    return res.hits.hits.flatMap((hit) => (hit._source === undefined ? [] : [SourceSchema.parse(hit._source)]))
  }

  async get(name: string): Promise<Source> {
    return (await this.read(name)).source
  }

  async find(name: string): Promise<Source | null> {
    const found = await this.readOrNull(name)
    return found?.source ?? null
  }

  async create(input: unknown): Promise<Source> {
    const spec = SourceSpecSchema.safeParse(input)
    if (!spec.success) throw invalidSource(spec.error.issues)
    const at = this.now().toISOString()
    const source: Source = { ...spec.data, paused: false, createdAt: at, updatedAt: at }
    try {
      await this.client.create({ index: this.index, id: source.name, document: source, refresh: true })
    } catch (err) {
      if (isConflict(err)) throw sourceNameTaken(source.name)
      throw err
    }
    return source
  }

  /** Makes the default source from the stack's settings unless it exists (first start); an existing one is kept as the user left it. */
  async ensureDefault(spec: Omit<SourceSpecInput, 'name'>): Promise<Source> {
    try {
      return await this.create({ ...spec, name: DEFAULT_SOURCE_NAME })
    } catch (err) {
      if (err instanceof SourceError && err.kind === 'SourceNameTaken') return this.get(DEFAULT_SOURCE_NAME)
      throw err
    }
  }

  async edit(name: string, edit: SourceEdit): Promise<Source> {
    return this.change(name, (current) => {
      const spec = SourceSpecSchema.safeParse({
        name: current.name,
        listingUrlTemplate:
          edit.listingUrlTemplate === undefined ? current.listingUrlTemplate : edit.listingUrlTemplate,
        sitemapUrls: edit.sitemapUrls ?? current.sitemapUrls,
        politeness: { ...current.politeness, ...edit.politeness }
      })
      if (!spec.success) throw invalidSource(spec.error.issues)
      return { ...current, ...spec.data }
    })
  }

  setPaused(name: string, paused: boolean): Promise<Source> {
    return this.change(name, (current) => ({ ...current, paused }))
  }

  async remove(name: string): Promise<void> {
    if (name === DEFAULT_SOURCE_NAME) throw defaultSourceKept()
    const res = await this.client.delete({ index: this.index, id: name, refresh: true }, { ignore: [404] })
    if (res.result === 'not_found') throw sourceNotFound(name)
  }

  private async change(name: string, apply: (current: Source) => Source): Promise<Source> {
    for (let tries = 1; ; tries++) {
      const { source, seqNo, primaryTerm } = await this.read(name)
      const next: Source = { ...apply(source), updatedAt: this.now().toISOString() }
      try {
        await this.client.index({
          index: this.index,
          id: name,
          document: next,
          if_seq_no: seqNo,
          if_primary_term: primaryTerm,
          refresh: true
        })
        return next
      } catch (err) {
        if (!isConflict(err)) throw err
        if (tries >= MAX_WRITE_TRIES) {
          throw new SourceError(
            'SourceConflict',
            `The source "${name}" kept changing under this edit`,
            'Someone else is editing it; read it again and retry.',
            { cause: err }
          )
        }
      }
    }
  }

  private async read(name: string): Promise<Versioned> {
    const found = await this.readOrNull(name)
    if (found === null) throw sourceNotFound(name)
    return found
  }

  private async readOrNull(name: string): Promise<Versioned | null> {
    const res = await this.client.get<Source>({ index: this.index, id: name }, { ignore: [404] })
    if (!res.found || res._source === undefined || res._seq_no === undefined || res._primary_term === undefined)
      return null
    return { source: SourceSchema.parse(res._source), seqNo: res._seq_no, primaryTerm: res._primary_term }
  }
}

function isConflict(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 409
}
