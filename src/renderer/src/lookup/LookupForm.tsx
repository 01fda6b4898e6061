import { useState } from 'react'
import type { ReactElement } from 'react'
import { ListingIdSchema } from '../../../shared/listing'
import { DEFAULT_SOURCE_NAME } from '../../../shared/source'
import type { SourceDetail } from '../../../shared/source'
import { SourcePicker } from '../sources/SourcePicker'

/** The first problem with an id, in the schema's own words; null when it is valid. */
export function listingIdProblem(id: string): string | null {
  const parsed = ListingIdSchema.safeParse(id)
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Not a listing id')
}

/** Listing id input, validated as you type: an invalid id is explained and never sent. */
export function LookupForm(props: {
  busy: boolean
  /** The registered sources for the picker (null until they arrive). */
  sources: SourceDetail[] | null
  onLookup: (id: string, options: { refresh: boolean; source: string }) => void
}): ReactElement {
  const [id, setId] = useState('')
  const [source, setSource] = useState(DEFAULT_SOURCE_NAME)
  const [refresh, setRefresh] = useState(false)
  const [touched, setTouched] = useState(false)
  const problem = id === '' ? null : listingIdProblem(id)
  const showProblem = problem !== null && (touched || id.length > 0)
  return (
    <form
      className="lookup-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        setTouched(true)
        if (id === '' || problem !== null) return
        props.onLookup(id, { refresh, source })
      }}
    >
      <label className="field field--grow">
        <span>Listing id</span>
        <input
          className="input"
          name="listing-id"
          value={id}
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. 104233"
          aria-invalid={showProblem}
          aria-describedby="listing-id-problem"
          onChange={(event) => setId(event.target.value)}
        />
      </label>
      <SourcePicker sources={props.sources} value={source} onChange={setSource} testId="lookup-source" />
      <label className="checkbox">
        <input type="checkbox" checked={refresh} onChange={(event) => setRefresh(event.target.checked)} /> Scrape again
      </label>
      <button type="submit" className="button button--primary" disabled={props.busy || id === '' || problem !== null}>
        {props.busy ? 'Looking up…' : 'Look up'}
      </button>
      <p id="listing-id-problem" className="field-problem" role="status" data-testid="listing-id-problem">
        {showProblem ? problem : touched && id === '' ? 'Type a listing id first.' : ''}
      </p>
    </form>
  )
}
