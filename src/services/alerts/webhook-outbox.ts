/**
 * Webhook deliveries in flight, kept in Elasticsearch (`<prefix>-webhook-outbox`) until they
 * end, so a delivery still pending when its api service stops is taken up again by the next
 * one to start. One document per delivery, `_id` = its id: the body as it was signed and the
 * signature (never the secret), the delivery's record so far, when its next attempt is due,
 * and a lease.
 *
 * The lease is how two coordinators (two api replicas, or an old one still stopping) never
 * both send one delivery: the dispatcher holding it writes `leaseUntil` past its next
 * attempt's end at every step, each write guarded by the version it last wrote
 * (`if_seq_no`); another may claim it only once the lease has passed, by a guarded write of
 * its own. A dispatcher that stops in an orderly way releases its leases (`leaseUntil` now);
 * one that dies leaves them to expire.
 */
import { errors } from '@elastic/elasticsearch'
import type { Client, estypes } from '@elastic/elasticsearch'
import type { Delivery } from '../../shared/saved-search'
import { deleteOwnedIndex, ensureOwnedIndex } from '../listings/owned-index'

export function webhookOutboxIndex(prefix: string): string {
  return `${prefix}-webhook-outbox`
}

/** Whose delivery it is: where its attempts are recorded. */
export type DeliveryTarget = { kind: 'saved-search'; name: string } | { kind: 'watch'; id: string }

export interface OutboxEntry {
  delivery: Delivery
  target: DeliveryTarget
  url: string
  /** The JSON body exactly as signed. */
  raw: string
  signature: string
  /** When the next attempt is due. */
  nextAttemptAt: string
  /** Until when `holder` has it; after this any dispatcher may claim it. */
  leaseUntil: string
  holder: string
}

/** An entry with the version its holder last wrote, for the next guarded write. */
export interface HeldEntry {
  entry: OutboxEntry
  seqNo: number
  primaryTerm: number
}

/** Entries one scan claims at most; the rest wait for the next scan. */
const CLAIMS_PER_SCAN = 100

const SETTINGS: estypes.IndicesIndexSettings = { number_of_shards: 1, number_of_replicas: 0 }

/** Only the lease is searched; the rest (the body above all) is kept in the source, unindexed. */
const MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: { leaseUntil: { type: 'date' }, nextAttemptAt: { type: 'date' } }
}

export async function ensureWebhookOutboxIndex(client: Client, index: string): Promise<void> {
  await ensureOwnedIndex(client, index, 'webhook-outbox', { settings: SETTINGS, mappings: MAPPINGS })
}

/** Removes the index and its template (tests). */
export async function deleteWebhookOutboxIndex(client: Client, index: string): Promise<void> {
  await deleteOwnedIndex(client, index, 'webhook-outbox')
}

export class WebhookOutbox {
  constructor(
    private readonly client: Client,
    readonly index: string,
    /** This dispatcher's name in the leases it writes. */
    readonly holder: string
  ) {}

  async add(entry: OutboxEntry): Promise<HeldEntry> {
    const res = await this.client.create({ index: this.index, id: entry.delivery.id, document: entry })
    return versioned(entry, res)
  }

  /** Writes the entry's new state over the version held; null when another dispatcher has written it since. */
  async keep(held: HeldEntry, entry: OutboxEntry): Promise<HeldEntry | null> {
    try {
      const res = await this.client.index({
        index: this.index,
        id: entry.delivery.id,
        document: entry,
        if_seq_no: held.seqNo,
        if_primary_term: held.primaryTerm
      })
      return versioned(entry, res)
    } catch (err) {
      if (lostRace(err)) return null
      throw err
    }
  }

  /** The delivery ended: its entry goes, unless another dispatcher holds it now. */
  async finish(held: HeldEntry): Promise<void> {
    await this.client
      .delete({
        index: this.index,
        id: held.entry.delivery.id,
        if_seq_no: held.seqNo,
        if_primary_term: held.primaryTerm
      })
      .catch((err: unknown) => {
        if (!lostRace(err)) throw err
      })
  }

  /** Entries whose lease has passed (their holder stopped or died), oldest due first. */
  async expired(now: Date): Promise<HeldEntry[]> {
    const res = await this.client.search<OutboxEntry>({
      index: this.index,
      size: CLAIMS_PER_SCAN,
      seq_no_primary_term: true,
      query: { range: { leaseUntil: { lte: now.toISOString() } } },
      sort: [{ nextAttemptAt: 'asc' }],
      ignore_unavailable: true
    })
    return res.hits.hits.flatMap((hit) =>
      hit._source === undefined || hit._seq_no === undefined || hit._primary_term === undefined
        ? []
        : [{ entry: hit._source, seqNo: hit._seq_no, primaryTerm: hit._primary_term }]
    )
  }
}

function versioned(entry: OutboxEntry, res: estypes.WriteResponseBase): HeldEntry {
  if (res._seq_no === undefined || res._primary_term === undefined)
    throw new Error(`Elasticsearch gave no version for the outbox entry ${entry.delivery.id}`)
  return { entry, seqNo: res._seq_no, primaryTerm: res._primary_term }
}

/** A guarded write that lost: a 409 version conflict, or the entry deleted meanwhile (404). */
function lostRace(err: unknown): boolean {
  return err instanceof errors.ResponseError && (err.statusCode === 409 || err.statusCode === 404)
}
