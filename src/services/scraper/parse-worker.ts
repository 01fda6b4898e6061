/**
 * The parse task that runs on a worker thread of the parse pool (parse-pool.ts): one page's
 * HTML → a Listing, or the scraper error it raised as kind and message (errors lose their
 * class and name when they cross a thread boundary). The thread is the unit that a parse
 * deadline kills, so nothing here keeps state between tasks.
 */
import type { MessagePort } from 'node:worker_threads'
import type { Listing } from '../../shared/listing'
import type { ScrapeErrorKind } from '../../shared/scrape-errors'
import { parseListing } from './parse-listing'
import type { ParseContext } from './parse-listing'
import { ScrapeError } from './scrape-errors'

export interface ParseTask {
  html: string
  context: ParseContext
  /** Told the moment parsing starts, so the deadline counts parse time and not time queued. */
  started: MessagePort
}

export type ParseOutcome = { ok: true; listing: Listing } | { ok: false; kind: ScrapeErrorKind; message: string }

export default function parsePage(task: ParseTask): ParseOutcome {
  task.started.postMessage(null)
  task.started.close()
  try {
    return { ok: true, listing: parseListing(task.html, task.context) }
  } catch (err) {
    if (err instanceof ScrapeError) return { ok: false, kind: err.name, message: err.message }
    throw err
  }
}
