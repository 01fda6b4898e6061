/**
 * The console's history of calls: newest first, at most HISTORY_LIMIT, kept in localStorage
 * within a size budget (oldest dropped first). What it reads back is validated: a stale or
 * hand-edited entry is left out, never a crash. It keeps what is needed to run a call again
 * (the fields as typed) and how it went, not the result.
 */
import { z } from 'zod'

export const HISTORY_LIMIT = 50
export const HISTORY_STORAGE_KEY = 'scrapedeck.console.history.v1'
/** localStorage holds about 5 MB per origin, shared with the rest of the panel. */
export const HISTORY_STORAGE_BUDGET_CHARS = 512 * 1024

const OutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('result'), tookMs: z.number() }),
  /** `excType` when the remote method raised; else the panel's error kind says what failed. */
  z.object({ kind: z.literal('error'), errorKind: z.string(), excType: z.string().nullable(), tookMs: z.number() })
])

const HistoryEntrySchema = z.object({
  id: z.string(),
  /** ISO time the call was made. */
  at: z.string(),
  service: z.string(),
  method: z.string(),
  /** The JSON texts as typed, so a re-run is the same call. */
  args: z.string(),
  kwargs: z.string(),
  timeoutSeconds: z.string(),
  outcome: OutcomeSchema
})
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>

/** The entry on top; the same call made again moves up instead of filling the list with copies. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  return [entry, ...history.filter((e) => !sameCall(e, entry))].slice(0, HISTORY_LIMIT)
}

function sameCall(a: HistoryEntry, b: HistoryEntry): boolean {
  return (
    a.service === b.service &&
    a.method === b.method &&
    a.args === b.args &&
    a.kwargs === b.kwargs &&
    a.timeoutSeconds === b.timeoutSeconds
  )
}

export function loadHistory(storage: Pick<Storage, 'getItem'>): HistoryEntry[] {
  let raw: unknown
  try {
    raw = JSON.parse(storage.getItem(HISTORY_STORAGE_KEY) ?? '[]')
  } catch {
    return []
  }
  if (!Array.isArray(raw)) return []
  return raw
    .flatMap((item) => {
      const parsed = HistoryEntrySchema.safeParse(item)
      return parsed.success ? [parsed.data] : []
    })
    .slice(0, HISTORY_LIMIT)
}

/**
 * Stores the newest entries that fit the budget (and the browser's quota). Answers how many
 * were kept, so the view can say when older ones live only until the page closes.
 */
export function saveHistory(storage: Pick<Storage, 'setItem'>, history: readonly HistoryEntry[]): { kept: number } {
  let kept = 0
  let size = 2 // the brackets
  for (const entry of history) {
    size += JSON.stringify(entry).length + 1
    if (size > HISTORY_STORAGE_BUDGET_CHARS) break
    kept++
  }
  let text = JSON.stringify(history.slice(0, kept))
  for (;;) {
    try {
      storage.setItem(HISTORY_STORAGE_KEY, text)
      return { kept }
    } catch {
      // Over the quota (the rest of the origin uses it too): keep half as many, down to none.
      if (kept === 0) return { kept: 0 }
      kept = Math.floor(kept / 2)
      text = JSON.stringify(history.slice(0, kept))
    }
  }
}
