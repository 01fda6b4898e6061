/**
 * A page's validators (ETag, Last-Modified) on the RPC bus, one header each way, named once:
 * a crawl's request carries the ones its last fetch of the page got, so the scraper sends a
 * conditional GET (If-None-Match / If-Modified-Since); a reply with a page carries the ones
 * the source gave it, for the next crawl. Nameko callers send none and ignore the reply's.
 */
import { z } from 'zod'
import { currentRequestContext } from '../rpc/request-context'

export const VALIDATORS_HEADER = 'x-scrapedeck-validators'

const PageValidatorsSchema = z.object({
  etag: z.string().max(512).nullable(),
  lastModified: z.string().max(128).nullable()
})
export type PageValidators = z.infer<typeof PageValidatorsSchema>

export function encodeValidators(validators: PageValidators): string {
  return JSON.stringify(validators)
}

/** The validators a header holds; null for none, a bad one, or one with neither validator. */
export function decodeValidators(raw: unknown): PageValidators | null {
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : raw
  if (typeof text !== 'string') return null
  try {
    const parsed = PageValidatorsSchema.safeParse(JSON.parse(text))
    return parsed.success && (parsed.data.etag !== null || parsed.data.lastModified !== null) ? parsed.data : null
  } catch {
    return null
  }
}

/** The validators of the request being served (a crawl's re-fetch), or null. */
export function requestValidators(): PageValidators | null {
  return decodeValidators(currentRequestContext()?.headers[VALIDATORS_HEADER])
}

/** Puts a fetched page's validators on the reply of the request being served (nothing outside a request). */
export function reportValidators(validators: PageValidators): void {
  const context = currentRequestContext()
  if (context === null || (validators.etag === null && validators.lastModified === null)) return
  context.replyHeaders[VALIDATORS_HEADER] = encodeValidators(validators)
}
