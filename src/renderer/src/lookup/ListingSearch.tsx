import { useState } from 'react'
import type { ReactElement } from 'react'
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'
import type { ListingSearchResult, PanelError } from '../../../shared/contract'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { formatTook } from './format-listing'
import { renderHighlight } from './highlight'
import { SaveSearchForm } from '../saved-searches/SaveSearchForm'

/**
 * Full-text search over cached listings, narrowed by skill facets, and saved with a name for
 * alerts. `onOpen` gets the hit's id and its source (the default one for listings cached
 * before sources); `onSaved` is told when a search was saved.
 */
export function ListingSearch(props: {
  onOpen: (id: string, source: string) => void
  onSaved: () => void
}): ReactElement {
  const api = usePanelApi()
  const [query, setQuery] = useState('')
  const [skills, setSkills] = useState<string[]>([])
  const [result, setResult] = useState<ListingSearchResult | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [busy, setBusy] = useState(false)

  async function search(text: string, withSkills: string[]): Promise<void> {
    if (text.trim() === '') return
    setBusy(true)
    const answer = await api.invoke('search', {
      query: text.trim(),
      options: withSkills.length > 0 ? { skills: withSkills } : {}
    })
    setBusy(false)
    if (answer.ok) {
      setResult(answer.value)
      setError(null)
    } else setError(answer.error)
  }

  const toggleSkill = (skill: string): void => {
    const next = skills.includes(skill) ? skills.filter((s) => s !== skill) : [...skills, skill]
    setSkills(next)
    void search(query, next)
  }

  return (
    <section className="panel" aria-labelledby="search-heading">
      <h2 id="search-heading">Search cached listings</h2>
      <form
        className="search-form"
        role="search"
        onSubmit={(event) => {
          event.preventDefault()
          void search(query, skills)
        }}
      >
        <input
          type="search"
          className="input field--grow"
          aria-label="Search words"
          placeholder="e.g. typescript berlin"
          maxLength={500}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="submit" className="button" disabled={busy || query.trim() === ''}>
          Search
        </button>
      </form>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {result && (
        <div className="search-results">
          <fieldset className="facets">
            <legend>Skills</legend>
            {result.facets.skills.length === 0 && <p className="muted">No skills among the hits.</p>}
            {[...new Set([...skills, ...result.facets.skills.map((b) => b.value)])].map((skill) => {
              const count = result.facets.skills.find((b) => b.value === skill)?.count ?? 0
              return (
                <label key={skill} className="checkbox">
                  <input type="checkbox" checked={skills.includes(skill)} onChange={() => toggleSkill(skill)} /> {skill}{' '}
                  <span className="muted">({count})</span>
                </label>
              )
            })}
          </fieldset>
          <div>
            <p className="muted" role="status">
              {result.total} {result.total === 1 ? 'listing' : 'listings'} for “{result.query}”
              {skills.length > 0 && ` with ${skills.join(', ')}`} · {formatTook(result.tookMs)}
            </p>
            <ol className="hits">
              {result.hits.map((hit) => (
                <li key={hit.listing.ID} className="hit">
                  <button
                    type="button"
                    className="hit__title"
                    onClick={() => props.onOpen(hit.listing.ID, hit.listing.source ?? DEFAULT_SOURCE_NAME)}
                  >
                    {hit.highlights.title?.[0] ? renderHighlight(hit.highlights.title[0]) : hit.listing.title}
                  </button>
                  <p className="muted">
                    {[hit.listing.company, hit.listing.location].filter(Boolean).join(' · ')} · cached{' '}
                    {hit.cachedAt.slice(0, 16).replace('T', ' ')}
                  </p>
                  {hit.highlights.description?.[0] && (
                    <p className="hit__snippet">…{renderHighlight(hit.highlights.description[0])}…</p>
                  )}
                </li>
              ))}
            </ol>
          </div>
        </div>
      )}
      {result && <SaveSearchForm q={result.query} skills={skills} onSaved={props.onSaved} />}
    </section>
  )
}
