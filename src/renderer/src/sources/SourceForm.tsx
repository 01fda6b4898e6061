import { useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import { ON_BLOCKED } from '../../../shared/source'
import type { OnBlocked, Source } from '../../../shared/source'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { EMPTY_SOURCE_FORM, addRequest, editRequest, formOfSource } from './source-form'
import type { SourceFormField, SourceFormValues } from './source-form'

/** Add a source, or edit one (`editing`): each field's problem beside it, checked before anything is sent. */
export function SourceForm({ editing, onDone }: { editing: Source | null; onDone: () => void }): ReactElement {
  const api = usePanelApi()
  const [values, setValues] = useState<SourceFormValues>(editing === null ? EMPTY_SOURCE_FORM : formOfSource(editing))
  const [problems, setProblems] = useState<Partial<Record<SourceFormField, string>>>({})
  const [error, setError] = useState<PanelError | null>(null)
  const [busy, setBusy] = useState(false)
  const set = <K extends SourceFormField>(field: K, value: SourceFormValues[K]): void =>
    setValues((v) => ({ ...v, [field]: value }))

  const send = async (call: () => Promise<{ ok: true } | { ok: false; error: PanelError }>): Promise<void> => {
    setProblems({})
    setBusy(true)
    const answer = await call()
    setBusy(false)
    setError(answer.ok ? null : answer.error)
    if (answer.ok) onDone()
  }
  const submit = async (): Promise<void> => {
    if (editing === null) {
      const built = addRequest(values)
      if (built.ok) await send(() => api.invoke('sourceAdd', built.request))
      else setProblems(built.problems)
      return
    }
    const built = editRequest(values)
    if (built.ok) await send(() => api.invoke('sourceEdit', built.request))
    else setProblems(built.problems)
  }

  const problem = (field: SourceFormField): ReactElement => (
    <span className="field-problem" role="status" data-testid={`source-problem-${field}`}>
      {problems[field] ?? ''}
    </span>
  )
  const text = (
    field: 'listingUrlTemplate' | 'maxInFlight' | 'minGapMs',
    label: string,
    placeholder: string
  ): ReactElement => (
    <label className="field field--grow">
      <span>{label}</span>
      <input
        className="input"
        value={values[field]}
        placeholder={placeholder}
        spellCheck={false}
        aria-invalid={problems[field] !== undefined}
        data-testid={`source-${field}`}
        onChange={(event) => set(field, event.target.value)}
      />
      {problem(field)}
    </label>
  )

  return (
    <form
      className="panel source-form"
      noValidate
      aria-label={editing === null ? 'Add a source' : `Edit ${editing.name}`}
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <h2>{editing === null ? 'Add a source' : `Edit ${editing.name}`}</h2>
      {editing === null && (
        <label className="field">
          <span>Name</span>
          <input
            className="input"
            value={values.name}
            placeholder="e.g. acme-careers"
            spellCheck={false}
            data-testid="source-name"
            onChange={(event) => set('name', event.target.value)}
          />
          {problem('name')}
        </label>
      )}
      {text(
        'listingUrlTemplate',
        'Listing URL, with {id} where the id goes (empty: only the pages its sitemaps list)',
        'https://jobs.example/jobs/{id}'
      )}
      <label className="field field--grow">
        <span>Sitemap URLs, one a line</span>
        <textarea
          className="input"
          rows={2}
          value={values.sitemapUrls}
          spellCheck={false}
          data-testid="source-sitemapUrls"
          onChange={(event) => set('sitemapUrls', event.target.value)}
        />
        {problem('sitemapUrls')}
      </label>
      <fieldset className="source-form__politeness">
        <legend>Politeness, per host, for the whole fleet</legend>
        {text('maxInFlight', 'At most N requests in flight', '2')}
        {text('minGapMs', 'At least D ms between request starts', '1000')}
        <label className="checkbox">
          <input
            type="checkbox"
            checked={values.respectRobots}
            onChange={(event) => set('respectRobots', event.target.checked)}
            data-testid="source-respectRobots"
          />{' '}
          Obey robots.txt
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={values.autoThrottle}
            onChange={(event) => set('autoThrottle', event.target.checked)}
          />{' '}
          Slow down with the host’s latency
        </label>
        <label className="field">
          <span>A blocked host’s items</span>
          <select
            className="input"
            value={values.onBlocked}
            onChange={(event) => set('onBlocked', event.target.value as OnBlocked)}
          >
            {ON_BLOCKED.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      <div className="source-form__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="source-save">
          {busy ? 'Saving…' : editing === null ? 'Add source' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </form>
  )
}
