import { useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { RevealedSavedSearch } from '../../../shared/saved-search'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { savedSearchSpecOf } from './saved-search-form'
import type { SaveSearchField } from './saved-search-form'

/**
 * Saves the search on screen (its words and checked skills) with a name, the filters a saved
 * search adds, and an optional webhook; after each watched crawl its new or changed matches
 * are announced. The new secret is shown once, as the add answer is the one time it is sent.
 */
export function SaveSearchForm(props: { q: string; skills: string[]; onSaved: () => void }): ReactElement {
  const api = usePanelApi()
  const [name, setName] = useState('')
  const [location, setLocation] = useState('')
  const [minSalary, setMinSalary] = useState('')
  const [webhook, setWebhook] = useState('')
  const [problems, setProblems] = useState<Partial<Record<SaveSearchField, string>>>({})
  const [error, setError] = useState<PanelError | null>(null)
  const [saved, setSaved] = useState<RevealedSavedSearch | null>(null)
  const [busy, setBusy] = useState(false)

  const save = async (): Promise<void> => {
    const built = savedSearchSpecOf({ name, q: props.q, skills: props.skills, location, minSalary, webhook })
    setProblems(built.ok ? {} : built.problems)
    if (!built.ok) return
    setBusy(true)
    const answer = await api.invoke('savedSearchAdd', built.request)
    setBusy(false)
    setError(answer.ok ? null : answer.error)
    if (!answer.ok) return
    setSaved(answer.value)
    setName('')
    props.onSaved()
  }

  const field = (
    label: string,
    value: string,
    onChange: (value: string) => void,
    testId: string,
    problem?: string,
    placeholder?: string
  ): ReactElement => (
    <label className="field">
      <span>{label}</span>
      <input
        className="input"
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        data-testid={testId}
        aria-invalid={problem !== undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      <span className="field-problem" role="status">
        {problem ?? ''}
      </span>
    </label>
  )

  return (
    <form
      className="save-search"
      aria-label="Save for alerts"
      noValidate
      data-testid="save-search-form"
      onSubmit={(event) => {
        event.preventDefault()
        void save()
      }}
    >
      <p className="muted">
        Save “{props.q.trim() === '' ? 'any words' : props.q.trim()}”
        {props.skills.length > 0 && ` with ${props.skills.join(', ')}`}: after each watched crawl, its new or changed
        matches are announced.
      </p>
      <div className="toolbar">
        {field('Name', name, setName, 'save-search-name', problems.name, 'rust-berlin')}
        {field('Location', location, setLocation, 'save-search-location', undefined, '(any)')}
        {field('Salary at least', minSalary, setMinSalary, 'save-search-min-salary', problems.minSalary, '(any)')}
        {field('Webhook', webhook, setWebhook, 'save-search-webhook', problems.webhook, 'https://… (optional)')}
        <button type="submit" className="button" disabled={busy} data-testid="save-search-submit">
          Save for alerts
        </button>
      </div>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      {saved !== null && (
        <div role="status" data-testid="save-search-saved">
          Saved <strong>{saved.name}</strong>.
          {saved.webhook !== null && (
            <>
              {' '}
              Its webhook bodies are signed (X-Scrapedeck-Signature) with this secret, shown once here and by{' '}
              <code>deck search show {saved.name} --reveal</code>: <code className="secret">{saved.secret}</code>
            </>
          )}{' '}
          <button type="button" className="button button--quiet" onClick={() => setSaved(null)}>
            Done
          </button>
        </div>
      )}
    </form>
  )
}
