/** The board's pages other than a listing: the paged index and the small status pages. */
import type { CatalogListing } from './catalog.js'
import { escapeHtml } from './html-escape.js'
import { listingPath } from './listing-page.js'
import { renderDocument } from './page-layout.js'

export interface IndexPageInput {
  listings: readonly CatalogListing[]
  /** 1-based. */
  page: number
  pageCount: number
  total: number
}

export function renderIndexPage({ listings, page, pageCount, total }: IndexPageInput): string {
  const cards = listings
    .map(
      (
        listing
      ) => `<li class="job-card" data-job-id="${escapeHtml(listing.id)}"><a class="job-link" href="${listingPath(listing.id)}">${escapeHtml(listing.title)}</a>
<span class="company">${escapeHtml(listing.company)}</span> · <span class="location">${escapeHtml(listing.location)}</span> · <time datetime="${listing.datePosted}">${listing.datePosted}</time></li>`
    )
    .join('\n')
  const prev = page > 1 ? `<a rel="prev" href="/?page=${page - 1}">← Newer</a>` : ''
  const next = page < pageCount ? `<a rel="next" href="/?page=${page + 1}">Older →</a>` : ''
  return renderDocument({
    title: page === 1 ? 'Jobs' : `Jobs, page ${page}`,
    main: `<h1>Jobs</h1>
<p class="summary">${total} open positions · page ${page} of ${pageCount}</p>
<ol class="job-list">
${cards}
</ol>
<nav class="pager">${prev}${next}</nav>`
  })
}

export function renderExpiredPage(listing: CatalogListing): string {
  return renderDocument({
    title: 'This job has expired',
    main: `<h1>This job has expired</h1>
<p class="expired">“${escapeHtml(listing.title)}” at ${escapeHtml(listing.company)} stopped accepting applications on <time datetime="${listing.validThrough ?? ''}">${listing.validThrough ?? ''}</time>.</p>
<p><a href="/">See open positions</a></p>`
  })
}

export function renderStatusPage(title: string, message: string): string {
  return renderDocument({
    title,
    main: `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>\n<p><a href="/">See open positions</a></p>`
  })
}
