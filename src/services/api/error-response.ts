/**
 * Maps an error to the API's answer: an HTTP status and `{ error: { kind, message, hint } }`.
 * Errors are told apart by name (or, for errors that crossed the RPC bus, by Nameko's
 * exc_type), never by class identity, so a scraper in another process or in Python maps
 * the same way as one called in-process.
 */
import type { ApiErrorBody } from '../../shared/lookup'
import { SEARCH_UNAVAILABLE_HINT } from '../listings/listing-search'
import { RemoteError } from '../rpc/errors'

export interface ErrorResponse {
  status: number
  body: ApiErrorBody
}

interface Rule {
  status: number
  hint: string
}

const RULES: Record<string, Rule> = {
  InvalidListingId: { status: 400, hint: 'A listing id is 1–64 characters of letters, digits, ".", "_" or "-".' },
  InvalidSearch: { status: 400, hint: 'Check the query-string parameters: q, skill (repeatable), company, location, page, pageSize.' },
  InvalidParameter: { status: 400, hint: 'Check the query-string parameters.' },
  BadRequest: { status: 400, hint: 'Send GET with a path such as /joblisting/<id>.' },
  ListingNotFound: { status: 404, hint: 'The job board has no listing with this id (it may have been removed).' },
  NotFound: { status: 404, hint: 'Routes: GET /joblisting/:id, GET /joblistings?q=, GET /health.' },
  MethodNotAllowed: { status: 405, hint: 'Only GET is served.' },
  NotAJobListing: { status: 422, hint: 'The page exists but holds no job posting; check the id.' },
  UnreadablePosting: { status: 422, hint: 'The page holds a job posting whose JSON-LD is too broken to read, even repaired; the board must fix it.' },
  SourceUnavailable: { status: 502, hint: 'The job board could not be reached or failed; try again later.' },
  PageTooLarge: { status: 502, hint: 'The listing page is larger than the scraper accepts (SCRAPER_MAX_BYTES).' },
  PageTooComplex: { status: 502, hint: 'The listing page is nested too deeply or too large to parse safely; retrying will not help.' },
  MalformedListing: { status: 502, hint: 'The scraper on the bus answered an unexpected shape; check which scraper version is running.' },
  ScrapeFailed: { status: 502, hint: 'The scraper failed; see its logs.' },
  TooManyDeliveries: { status: 502, hint: 'Every scraper that took this request died or stopped before answering; see the scraper logs for this id.' },
  BrokerUnavailable: { status: 503, hint: 'The API is not connected to RabbitMQ; check the broker (GET /health).' },
  UnknownService: { status: 503, hint: 'No scraper is running: start one (npm run service:scraper) or scale the scraper service up.' },
  SearchUnavailable: { status: 503, hint: SEARCH_UNAVAILABLE_HINT },
  RpcTimeout: { status: 504, hint: 'The scraper did not answer in time (RPC_TIMEOUT_MS); it may be overloaded — try again or add replicas.' },
  UnknownSource: { status: 404, hint: 'Name a registered source (deck source list, GET /sources); one needs a listing URL template to look up ids.' },
  SourcePaused: { status: 409, hint: 'Resume the source first (deck source resume NAME, POST /sources/:name/resume).' },
  SourceTimeout: { status: 504, hint: 'The job board was too slow to answer; try again later.' },
  Internal: { status: 500, hint: 'An unexpected error; see the API logs.' }
}

/** The API error kind for an error: its name, or its exc_type if it came over RPC. */
export function errorKind(err: unknown): string {
  const name = err instanceof RemoteError ? err.excType : err instanceof Error ? err.name : undefined
  if (name !== undefined && Object.hasOwn(RULES, name)) return name
  // Any other failure reported by the remote side (MethodNotFound, a Python exception…).
  if (err instanceof RemoteError) return 'ScrapeFailed'
  return 'Internal'
}

export function errorResponse(err: unknown): ErrorResponse {
  const kind = errorKind(err)
  const rule = RULES[kind] ?? RULES['Internal']!
  const message = kind === 'Internal' ? 'Internal error' : messageOf(err)
  return { status: rule.status, body: { error: { kind, message, hint: rule.hint } } }
}

/** An error the API raises itself (route, parameter), in the same form. */
export class ApiError extends Error {
  constructor(
    override readonly name: 'NotFound' | 'MethodNotAllowed' | 'InvalidParameter' | 'BadRequest',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

function messageOf(err: unknown): string {
  if (err instanceof RemoteError) return err.value === '' ? err.excType : err.value
  if (err instanceof Error) return err.message
  return String(err)
}
