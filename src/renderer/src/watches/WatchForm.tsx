import { useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import type { SourceDetail } from '../../../shared/source'
import type { RevealedWatch, Watch } from '../../../shared/watch'
import { usePanelApi } from '../api/panel-context'
import { ErrorNotice } from '../components/ErrorNotice'
import { emptyWatchForm, formOfWatch, scheduleWords, watchEditOf, watchSpecOf } from './watch-form'
import type { WatchFormField, WatchFormValues } from './watch-form'

/** The browser's own zone: a new cron schedule reads in it unless the user picks another. */
const LOCAL_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

/** Add a watch, or edit one (`editing`): the schedule in words under it as it is typed, problems beside their fields. */
export function WatchForm({
  editing,
  sources,
  onDone
}: {
  editing: Watch | null
  sources: SourceDetail[] | null
  /** With the watch added (its webhook's secret is in it), or nothing after an edit or a cancel. */
  onDone: (added?: RevealedWatch) => void
}): ReactElement {
  const api = usePanelApi()
  const [values, setValues] = useState<WatchFormValues>(
    editing === null ? emptyWatchForm(LOCAL_TIME_ZONE) : formOfWatch(editing)
  )
  const [problems, setProblems] = useState<Partial<Record<WatchFormField, string>>>({})
  const [error, setError] = useState<PanelError | null>(null)
  const [busy, setBusy] = useState(false)
  const set = <K extends keyof WatchFormValues>(field: K, value: WatchFormValues[K]): void =>
    setValues((v) => ({ ...v, [field]: value }))
  const names = sources?.map((s) => s.name) ?? values.sources

  const send = async <T,>(
    call: () => Promise<{ ok: true; value: T } | { ok: false; error: PanelError }>,
    done: (value: T) => void
  ): Promise<void> => {
    setProblems({})
    setBusy(true)
    const answer = await call()
    setBusy(false)
    setError(answer.ok ? null : answer.error)
    if (answer.ok) done(answer.value)
  }
  const submit = async (): Promise<void> => {
    if (editing === null) {
      const built = watchSpecOf(values)
      if (built.ok)
        await send(
          () => api.invoke('watchAdd', built.request),
          (added) => onDone(added)
        )
      else setProblems(built.problems)
      return
    }
    const built = watchEditOf(values)
    if (built.ok)
      await send(
        () => api.invoke('watchEdit', { id: editing.id, edit: built.request }),
        () => onDone()
      )
    else setProblems(built.problems)
  }

  return (
    <form
      className="panel source-form"
      noValidate
      data-testid="watch-form"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <h2>{editing === null ? 'New watch' : `Edit ${editing.name}`}</h2>
      <label className="field">
        <span>Name</span>
        <input
          className="input"
          value={values.name}
          placeholder="(the sources' names)"
          data-testid="watch-name"
          onChange={(event) => set('name', event.target.value)}
        />
      </label>
      <fieldset className="source-form__politeness">
        <legend>Sources</legend>
        {names.map((name) => (
          <label key={name} className="checkbox">
            <input
              type="checkbox"
              checked={values.sources.includes(name)}
              data-testid={`watch-source-${name}`}
              onChange={(event) =>
                set(
                  'sources',
                  event.target.checked ? [...values.sources, name] : values.sources.filter((s) => s !== name)
                )
              }
            />{' '}
            {name}
          </label>
        ))}
        <span className="field-problem" role="status">
          {problems.sources ?? ''}
        </span>
      </fieldset>
      <fieldset className="source-form__politeness">
        <legend>Schedule</legend>
        <label className="checkbox">
          <input type="radio" checked={values.kind === 'cron'} onChange={() => set('kind', 'cron')} /> cron
        </label>
        <label className="checkbox">
          <input type="radio" checked={values.kind === 'every'} onChange={() => set('kind', 'every')} /> every N hours
        </label>
        {values.kind === 'cron' ? (
          <>
            <input
              className="input"
              value={values.cron}
              aria-label="Cron expression"
              spellCheck={false}
              data-testid="watch-cron"
              onChange={(event) => set('cron', event.target.value)}
            />
            <input
              className="input"
              value={values.timeZone}
              aria-label="Time zone"
              spellCheck={false}
              data-testid="watch-tz"
              onChange={(event) => set('timeZone', event.target.value)}
            />
          </>
        ) : (
          <input
            className="input"
            value={values.hours}
            aria-label="Hours between runs"
            inputMode="numeric"
            data-testid="watch-hours"
            onChange={(event) => set('hours', event.target.value)}
          />
        )}
        <span className="muted" role="status" data-testid="watch-schedule-words">
          {scheduleWords(values)}
        </span>
        <span className="field-problem" role="status">
          {problems.schedule ?? ''}
        </span>
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={values.refresh} onChange={(event) => set('refresh', event.target.checked)} />{' '}
        scrape again what is cached (refresh)
      </label>
      <label className="field">
        <span>Webhook for health alerts</span>
        <input
          className="input"
          type="url"
          value={values.webhook}
          placeholder="https://hooks.example.com/scrapedeck (optional)"
          spellCheck={false}
          data-testid="watch-webhook"
          aria-invalid={problems.webhook !== undefined}
          onChange={(event) => set('webhook', event.target.value)}
        />
        <span className="field-problem" role="status">
          {problems.webhook ?? ''}
        </span>
      </label>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
      <div className="source-form__actions">
        <button type="submit" className="button button--primary" disabled={busy} data-testid="watch-save">
          {editing === null ? 'Add the watch' : 'Save'}
        </button>
        <button type="button" className="button" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  )
}
