/**
 * A listing page's validators and the conditional GET they answer (RFC 9110 §13): the ETag
 * names the listing's version, Last-Modified its last change. If-None-Match wins over
 * If-Modified-Since when both are sent, as the RFC says; a match is a 304 with no body.
 */
import type { IncomingMessage } from 'node:http'

export interface Validators {
  etag: string
  lastModified: string
}

/** `"ID-EPOCH"`, and the HTTP date of `lastmod` (an ISO time, or the day a listing was posted). */
export function listingValidators(id: string, epoch: number, lastmod: string): Validators {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(lastmod) ? `${lastmod}T00:00:00Z` : lastmod
  return { etag: `"${id}-${epoch}"`, lastModified: new Date(at).toUTCString() }
}

export function isNotModified(request: IncomingMessage, validators: Validators): boolean {
  const ifNoneMatch = request.headers['if-none-match']
  if (typeof ifNoneMatch === 'string') {
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''))
    return tags.includes('*') || tags.includes(validators.etag)
  }
  const ifModifiedSince = request.headers['if-modified-since']
  if (typeof ifModifiedSince !== 'string') return false
  const since = Date.parse(ifModifiedSince)
  return !Number.isNaN(since) && Date.parse(validators.lastModified) <= since
}
