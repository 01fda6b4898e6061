/**
 * The last call's answer: the result as indented JSON (a very large one shown in part), or
 * the remote method's exception (exc_type, value, exc_path) as Nameko sent it, or why the
 * call did not get that far; always with the time it took.
 */
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import { ErrorNotice } from '../components/ErrorNotice'
import { formatTook } from '../lookup/format-listing'
import type { CallRequest } from './call-form'

export type Answer = { request: CallRequest; tookMs: number } & (
  { ok: true; result: unknown } | { ok: false; error: PanelError }
)

/** More than this much JSON makes the page sluggish and nobody reads it on screen. */
const MAX_SHOWN_CHARS = 100_000

export function CallAnswer({ answer }: { answer: Answer }): ReactElement {
  const { request } = answer
  return (
    <section
      className="panel console-answer"
      aria-labelledby="console-answer-heading"
      data-testid="rpc-answer"
      data-outcome={answer.ok ? 'result' : 'error'}
    >
      <div className="view__header">
        <h2 id="console-answer-heading">
          {answer.ok ? 'Result' : answer.error.remote ? 'Remote error' : 'Call failed'} of{' '}
          <code>
            {request.service}.{request.method}
          </code>
        </h2>
        <span className="muted" data-testid="rpc-took">
          took {formatTook(answer.tookMs)}
        </span>
      </div>
      {answer.ok ? <ResultJson result={answer.result} /> : <CallError error={answer.error} />}
    </section>
  )
}

function ResultJson({ result }: { result: unknown }): ReactElement {
  const text = JSON.stringify(result, null, 2) ?? 'null'
  const cut = text.length > MAX_SHOWN_CHARS
  return (
    <>
      <pre className="console-answer__json" data-testid="rpc-result">
        {cut ? text.slice(0, MAX_SHOWN_CHARS) : text}
      </pre>
      {cut && (
        <p className="muted">
          Showing the first {MAX_SHOWN_CHARS.toLocaleString()} of {text.length.toLocaleString()} characters.
        </p>
      )}
    </>
  )
}

function CallError({ error }: { error: PanelError }): ReactElement {
  const remote = error.remote
  if (remote === undefined) return <ErrorNotice error={error} />
  return (
    <div className="error-notice console-answer__remote" role="alert" data-testid="rpc-remote-error">
      <dl className="console-answer__fields">
        <dt>exc_type</dt>
        <dd data-testid="rpc-exc-type">{remote.excType}</dd>
        <dt>value</dt>
        <dd data-testid="rpc-exc-value">{remote.value}</dd>
        {remote.excPath !== null && (
          <>
            <dt>exc_path</dt>
            <dd className="muted">{remote.excPath}</dd>
          </>
        )}
      </dl>
    </div>
  )
}
