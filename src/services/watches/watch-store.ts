/**
 * Watches in Elasticsearch. Every change is a write guarded by the sequence number of the
 * version it was decided on (`if_seq_no`/`if_primary_term`): two coordinators (or a person's
 * edit and a coordinator) never both win one version, which is how a due time is claimed by
 * exactly one coordinator. Writes refresh at once: they are rare and the next list must show them.
 */
import { randomBytes } from 'node:crypto'
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'
import { WatchEditSchema, WatchSchema, WatchSpecSchema } from '../../shared/watch'
import type { Watch } from '../../shared/watch'
import { nextRunAfter } from '../../shared/watch-schedule'
import { WatchError, invalidWatch, watchNotFound } from './watch-errors'

/** Far more than a stack has; a list is one search. */
const MAX_WATCHES = 1000
/** Tries of one change when another writer keeps winning the race. */
const MAX_WRITE_TRIES = 5

export interface VersionedWatch {
  watch: Watch
  seqNo: number
  primaryTerm: number
}

export class WatchStore {
  constructor(
    private readonly client: Client,
    readonly index: string,
    private readonly now: () => Date = () => new Date()
  ) {}

  async list(): Promise<Watch[]> {
    return (await this.listVersioned()).map((v) => v.watch)
  }

  /** Every watch with the version a guarded write needs. */
  async listVersioned(): Promise<VersionedWatch[]> {
    const res = await this.client.search<Watch>({
      index: this.index,
      size: MAX_WATCHES,
      seq_no_primary_term: true,
      sort: [{ createdAt: 'asc' }],
      ignore_unavailable: true
    })
    return res.hits.hits.flatMap((hit) =>
      hit._source === undefined || hit._seq_no === undefined || hit._primary_term === undefined
        ? []
        : [{ watch: WatchSchema.parse(hit._source), seqNo: hit._seq_no, primaryTerm: hit._primary_term }]
    )
  }

  async get(id: string): Promise<Watch> {
    return (await this.read(id)).watch
  }

  async create(input: unknown): Promise<Watch> {
    const spec = WatchSpecSchema.safeParse(input)
    if (!spec.success) throw invalidWatch(spec.error.issues)
    const now = this.now()
    const at = now.toISOString()
    const id = `w-${randomBytes(4).toString('hex')}`
    const watch: Watch = {
      id,
      name: spec.data.name ?? spec.data.sources.join(', '),
      sources: spec.data.sources,
      schedule: spec.data.schedule,
      crawl: spec.data.crawl,
      paused: false,
      anchorAt: at,
      nextRunAt: nextRunAfter(spec.data.schedule, now, now).toISOString(),
      runs: [],
      createdAt: at,
      updatedAt: at
    }
    await this.client.create({ index: this.index, id, document: watch, refresh: true })
    return watch
  }

  async edit(id: string, input: unknown): Promise<Watch> {
    const edit = WatchEditSchema.strict().safeParse(input)
    if (!edit.success) throw invalidWatch(edit.error.issues)
    return this.change(id, (current) => {
      const now = this.now()
      const next: Watch = {
        ...current,
        ...(edit.data.name === undefined ? {} : { name: edit.data.name }),
        ...(edit.data.sources === undefined ? {} : { sources: edit.data.sources }),
        crawl: { ...current.crawl, ...edit.data.crawl }
      }
      if (edit.data.schedule === undefined) return next
      // A new schedule counts from now: its slots before the edit were never due.
      return {
        ...next,
        schedule: edit.data.schedule,
        anchorAt: now.toISOString(),
        nextRunAt: current.paused ? null : nextRunAfter(edit.data.schedule, now, now).toISOString()
      }
    })
  }

  /**
   * Paused, a watch has no next run; resumed, its next run is the first slot after now, so the
   * slots that passed while it was paused are not "missed" (pausing said not to run them).
   */
  setPaused(id: string, paused: boolean): Promise<Watch> {
    return this.change(id, (current) => {
      if (current.paused === paused) return current
      const now = this.now()
      return {
        ...current,
        paused,
        nextRunAt: paused ? null : nextRunAfter(current.schedule, now, new Date(current.anchorAt)).toISOString()
      }
    })
  }

  async remove(id: string): Promise<void> {
    const res = await this.client.delete({ index: this.index, id, refresh: true }, { ignore: [404] })
    if (res.result === 'not_found') throw watchNotFound(id)
  }

  /** Writes `next` only if the watch is still at `version`; false when another writer won. */
  async writeIf(version: VersionedWatch, next: Watch): Promise<boolean> {
    try {
      await this.client.index({
        index: this.index,
        id: next.id,
        document: next,
        if_seq_no: version.seqNo,
        if_primary_term: version.primaryTerm,
        refresh: true
      })
      return true
    } catch (err) {
      if (isConflict(err)) return false
      throw err
    }
  }

  /** Read, apply, write guarded; read again and re-apply while another writer wins. */
  async change(id: string, apply: (current: Watch) => Watch): Promise<Watch> {
    for (let tries = 1; ; tries++) {
      const version = await this.read(id)
      const applied = apply(version.watch)
      if (applied === version.watch) return applied
      const next: Watch = { ...applied, updatedAt: this.now().toISOString() }
      if (await this.writeIf(version, next)) return next
      if (tries >= MAX_WRITE_TRIES)
        throw new WatchError(
          'WatchConflict',
          `The watch "${id}" kept changing under this edit`,
          'Someone else (or its coordinator) is changing it; read it again and retry.'
        )
    }
  }

  async read(id: string): Promise<VersionedWatch> {
    const res = await this.client.get<Watch>({ index: this.index, id }, { ignore: [404] })
    if (!res.found || res._source === undefined || res._seq_no === undefined || res._primary_term === undefined)
      throw watchNotFound(id)
    return { watch: WatchSchema.parse(res._source), seqNo: res._seq_no, primaryTerm: res._primary_term }
  }
}

function isConflict(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 409
}
