import type { ReactElement } from 'react'
import type { LookupResult } from '../../../shared/contract'
import { formatAge, formatTook } from './format-listing'
import { formatSalary } from '../../../shared/salary-text'

const CACHE_NOTES = {
  ok: null,
  unavailable: 'Elasticsearch could not be read, so this came straight from the scraper and was not cached.',
  'write-pending': 'It could not be cached yet; it will be stored when Elasticsearch takes writes again.'
} as const

/** One listing, readable: what, where, for how much, which skills, and where the panel got it. */
export function ListingCard({ result }: { result: LookupResult }): ReactElement {
  const { listing } = result
  const salary = formatSalary(listing.salary)
  const origin =
    result.source === 'cache'
      ? `From the cache${result.ageMs === undefined ? '' : `, cached ${formatAge(result.ageMs)} ago`}`
      : 'Fresh scrape from the job board'
  const note = CACHE_NOTES[result.cache]
  return (
    <article
      className="listing-card"
      aria-labelledby="listing-title"
      data-testid="listing-card"
      data-source={result.source}
    >
      <p className="listing-card__origin" data-testid="listing-origin">
        <span className={`badge badge--${result.source}`}>{result.source === 'cache' ? 'cache' : 'fresh scrape'}</span>{' '}
        {origin} · took {formatTook(result.tookMs)}
      </p>
      {note && <p className="listing-card__note">{note}</p>}
      <h2 id="listing-title">{listing.title}</h2>
      <dl className="listing-card__facts">
        <div>
          <dt>Company</dt>
          <dd>{listing.company ?? 'not given'}</dd>
        </div>
        <div>
          <dt>Location</dt>
          <dd>{listing.location ?? 'not given'}</dd>
        </div>
        <div>
          <dt>Salary</dt>
          <dd>{salary ?? 'not given'}</dd>
        </div>
        {listing.employmentType.length > 0 && (
          <div>
            <dt>Type</dt>
            <dd>{listing.employmentType.join(', ').toLowerCase().replace(/_/g, ' ')}</dd>
          </div>
        )}
        {listing.datePosted !== null && (
          <div>
            <dt>Posted</dt>
            <dd>{listing.datePosted.slice(0, 10)}</dd>
          </div>
        )}
      </dl>
      {listing.skills.length > 0 && (
        <ul className="chips" aria-label="Skills">
          {listing.skills.map((skill) => (
            <li key={skill} className="chip">
              {skill}
            </li>
          ))}
        </ul>
      )}
      <details className="listing-card__description" open={listing.description.length < 600}>
        <summary>Description</summary>
        <p>{listing.description}</p>
      </details>
      <p className="listing-card__link">
        <a href={listing.url} target="_blank" rel="noopener noreferrer">
          Open the listing
        </a>{' '}
        <span className="muted">
          {listing.url} · id {listing.ID} · parsed from {listing.extractedFrom}
        </span>
      </p>
    </article>
  )
}
