/**
 * Service, method, JSON args and kwargs, timeout. Each field says what is wrong with it as
 * you type (after the first try to send, for empty ones); nothing invalid is ever sent.
 * Ctrl+Enter (⌘+Enter) sends from anywhere in the form.
 */
import { useId } from 'react'
import type { ReactElement, ReactNode } from 'react'
import type { RpcService } from '../../../shared/contract'
import { checkCall } from './call-form'
import type { CallFields, CallProblems, CallRequest } from './call-form'

export interface CallFormProps {
  fields: CallFields
  onChange: (fields: CallFields) => void
  services: RpcService[]
  busy: boolean
  /** Set once the user tried to send: empty fields count as problems from then on. */
  tried: boolean
  onTry: () => void
  onCall: (request: CallRequest) => void
}

export function CallForm(props: CallFormProps): ReactElement {
  const { fields, onChange, busy } = props
  const check = checkCall(fields)
  const problems: CallProblems = check.ok ? {} : check.problems
  const listId = useId()
  // An empty name is only a problem once the user tried to send; bad JSON is one at once.
  const shown = (field: keyof CallFields): string | undefined =>
    props.tried || fields[field].trim() !== '' ? problems[field] : undefined
  const send = (): void => {
    props.onTry()
    if (check.ok && !busy) props.onCall(check.request)
  }
  const set = (field: keyof CallFields) => (value: string) => onChange({ ...fields, [field]: value })
  return (
    <form
      className="panel console-form"
      aria-label="RPC call"
      noValidate
      onSubmit={(event) => {
        event.preventDefault()
        send()
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault()
          send()
        }
      }}
    >
      <div className="console-form__names">
        <Field label="Service" name="service" problem={shown('service')}>
          {(describedBy) => (
            <input
              className="input"
              name="service"
              list={listId}
              value={fields.service}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. hello_microservice"
              aria-invalid={shown('service') !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('service')(event.target.value)}
            />
          )}
        </Field>
        <datalist id={listId}>
          {props.services.map((s) => (
            <option key={s.queue} value={s.service} />
          ))}
        </datalist>
        <Field label="Method" name="method" problem={shown('method')}>
          {(describedBy) => (
            <input
              className="input"
              name="method"
              value={fields.method}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. hello"
              aria-invalid={shown('method') !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('method')(event.target.value)}
            />
          )}
        </Field>
        <Field label="Timeout (s)" name="timeout" problem={shown('timeoutSeconds')} narrow>
          {(describedBy) => (
            <input
              className="input"
              name="timeout"
              inputMode="decimal"
              value={fields.timeoutSeconds}
              aria-invalid={shown('timeoutSeconds') !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('timeoutSeconds')(event.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="console-form__json">
        <Field label="args (JSON array)" name="args" problem={shown('args')}>
          {(describedBy) => (
            <textarea
              className="input console-form__code"
              name="args"
              rows={4}
              spellCheck={false}
              value={fields.args}
              placeholder='["Mike"]'
              aria-invalid={shown('args') !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('args')(event.target.value)}
            />
          )}
        </Field>
        <Field label="kwargs (JSON object)" name="kwargs" problem={shown('kwargs')}>
          {(describedBy) => (
            <textarea
              className="input console-form__code"
              name="kwargs"
              rows={4}
              spellCheck={false}
              value={fields.kwargs}
              placeholder='{"name": "Mike"}'
              aria-invalid={shown('kwargs') !== undefined}
              aria-describedby={describedBy}
              onChange={(event) => set('kwargs')(event.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="toolbar">
        <button type="submit" className="button button--primary" disabled={busy || (props.tried && !check.ok)}>
          {busy ? 'Calling…' : 'Call'}
        </button>
        <span className="muted">Ctrl+Enter sends</span>
      </div>
    </form>
  )
}

function Field(props: {
  label: string
  name: string
  problem: string | undefined
  narrow?: boolean
  children: (describedBy: string) => ReactNode
}): ReactElement {
  const problemId = `console-${props.name}-problem`
  return (
    <label className={`field ${props.narrow ? 'console-form__narrow' : 'field--grow'}`}>
      <span>{props.label}</span>
      {props.children(problemId)}
      <span id={problemId} className="field-problem" role="status" data-testid={problemId}>
        {props.problem ?? ''}
      </span>
    </label>
  )
}
