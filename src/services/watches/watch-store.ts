/**
 * Watches in Elasticsearch. Every change is a write guarded by the sequence number of the
 * version it was decided on (`if_seq_no`/`if_primary_term`): two coordinators (or a person's
 * edit and a coordinator) never both win one version, which is how a due time is claimed by
 * exactly one coordinator. Writes refresh at once: they are rare and the next list must show them.
 * Each watch's webhook secret lives in its stored document and leaves the store only through
 * `create` and `reveal`; every other answer is the public shape, and every write carries the
 * secret of the version it was decided on.
 */
import { randomBytes } from 'node:crypto'
import { errors } from '@elastic/elasticsearch'
import type { Client } from '@elastic/elasticsearch'
import { DELIVERIES_KEPT } from '../../shared/saved-search'
import type { Delivery } from '../../shared/saved-search'
import { WatchEditSchema, WatchSchema, WatchSpecSchema } from '../../shared/watch'
import type { RevealedWatch, Watch } from '../../shared/watch'
import { nextRunAfter } from '../../shared/watch-schedule'
import { WatchError, invalidWatch, watchNotFound } from './watch-errors'

/** Far more than a stack has; a list is one search. */
const MAX_WATCHES = 1000
/** Tries of one change when another writer keeps winning the race. */
const MAX_WRITE_TRIES = 5

export interface VersionedWatch {
  watch: Watch
  /** Its webhook's signing secret; null in a document written before watches had one (the next write makes one). */
  secret: string | null
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
        : [versionOf(hit._source, hit._seq_no, hit._primary_term)]
    )
  }

  async get(id: string): Promise<Watch> {
    return (await this.read(id)).watch
  }

  /** With its webhook's secret: for `show --reveal` and the api service's own deliveries. */
  async reveal(id: string): Promise<RevealedWatch> {
    const version = await this.read(id)
    if (version.secret !== null) return { ...version.watch, secret: version.secret }
    // An old document with no secret yet: a write gives it one.
    await this.writeIf(version, version.watch)
    return this.reveal(id)
  }

  /** Answers it with its new secret: the one time the secret is sent unasked. */
  async create(input: unknown): Promise<RevealedWatch> {
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
      webhook: spec.data.webhook,
      deliveries: [],
      createdAt: at,
      updatedAt: at
    }
    const revealed: RevealedWatch = { ...watch, secret: newSecret() }
    await this.client.create({ index: this.index, id, document: revealed, refresh: true })
    return revealed
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
        ...(edit.data.webhook === undefined ? {} : { webhook: edit.data.webhook }),
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

  /** Adds or replaces (by id) a delivery of its webhook, newest first, keeping the last DELIVERIES_KEPT. */
  async recordDelivery(id: string, delivery: Delivery): Promise<void> {
    await this.change(id, (current) => ({
      ...current,
      deliveries: [delivery, ...current.deliveries.filter((d) => d.id !== delivery.id)].slice(0, DELIVERIES_KEPT)
    }))
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
        document: { ...next, secret: version.secret ?? newSecret() },
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
    return versionOf(res._source, res._seq_no, res._primary_term)
  }
}

/** The public watch (the schema drops the secret) beside its secret. */
function versionOf(source: unknown, seqNo: number, primaryTerm: number): VersionedWatch {
  const secret = (source as { secret?: unknown }).secret
  return { watch: WatchSchema.parse(source), secret: typeof secret === 'string' ? secret : null, seqNo, primaryTerm }
}

function newSecret(): string {
  return randomBytes(32).toString('hex')
}

function isConflict(err: unknown): boolean {
  return err instanceof errors.ResponseError && err.statusCode === 409
}
