/**
 * The RPC console: the Nameko services on the bus, a form for one call (service, method,
 * JSON args and kwargs), its answer — the result, or the remote exception as Nameko sent it
 * — with the time taken, and the history of calls kept in localStorage.
 */
import { useRef, useState } from 'react'
import type { ReactElement } from 'react'
import { usePanelApi } from '../api/panel-context'
import { CallAnswer } from './CallAnswer'
import type { Answer } from './CallAnswer'
import { CallForm } from './CallForm'
import { CallHistory } from './CallHistory'
import { DEFAULT_TIMEOUT_SECONDS, checkCall } from './call-form'
import type { CallFields, CallRequest } from './call-form'
import { addToHistory, loadHistory, saveHistory } from './call-history'
import type { HistoryEntry } from './call-history'
import { ServiceList } from './ServiceList'
import { useRpcServices } from './use-rpc-services'

const EMPTY_FIELDS: CallFields = {
  service: '',
  method: '',
  args: '',
  kwargs: '',
  timeoutSeconds: String(DEFAULT_TIMEOUT_SECONDS)
}

export function ConsoleView({ active }: { active: boolean }): ReactElement {
  const api = usePanelApi()
  const services = useRpcServices(active)
  const [fields, setFields] = useState<CallFields>(EMPTY_FIELDS)
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [answer, setAnswer] = useState<Answer | null>(null)
  const [history, setHistory] = useState<HistoryEntry[]>(() => loadHistory(storage()))
  const [stored, setStored] = useState(history.length)
  // The latest list, for a call that answers after the user cleared or ran another.
  const latest = useRef(history)
  const commitHistory = (next: HistoryEntry[]): void => {
    latest.current = next
    setHistory(next)
    setStored(saveHistory(storage(), next).kept)
  }

  async function call(request: CallRequest, asTyped: CallFields): Promise<void> {
    setBusy(true)
    const started = performance.now()
    const result = await api.invoke('rpcCall', request)
    // The panel times a call that answered; one that failed is timed here, round trip included.
    const tookMs = result.ok ? result.value.tookMs : Math.round(performance.now() - started)
    setBusy(false)
    setAnswer(
      result.ok
        ? { request, tookMs, ok: true, result: result.value.result }
        : { request, tookMs, ok: false, error: result.error }
    )
    const outcome: HistoryEntry['outcome'] = result.ok
      ? { kind: 'result', tookMs }
      : { kind: 'error', errorKind: result.error.kind, excType: result.error.remote?.excType ?? null, tookMs }
    const entry: HistoryEntry = {
      id: crypto.randomUUID(),
      at: new Date().toISOString(),
      ...asTyped,
      service: request.service,
      method: request.method,
      outcome
    }
    commitHistory(addToHistory(latest.current, entry))
  }

  const fieldsOf = (entry: HistoryEntry): CallFields => ({
    service: entry.service,
    method: entry.method,
    args: entry.args,
    kwargs: entry.kwargs,
    timeoutSeconds: entry.timeoutSeconds
  })
  const runAgain = (entry: HistoryEntry): void => {
    const again = fieldsOf(entry)
    setFields(again)
    const check = checkCall(again)
    if (check.ok) void call(check.request, again)
  }

  return (
    <section className="view" aria-labelledby="console-heading">
      <header className="view__header">
        <h1 id="console-heading">Console</h1>
        <span className="muted">Call any Nameko method on the bus</span>
      </header>
      <div className="console-layout">
        <div className="console-main">
          <ServiceList
            list={services}
            chosen={fields.service.trim()}
            onChoose={(service) => setFields({ ...fields, service })}
          />
          <CallForm
            fields={fields}
            onChange={setFields}
            services={services.services ?? []}
            busy={busy}
            tried={tried}
            onTry={() => setTried(true)}
            onCall={(request) => void call(request, fields)}
          />
          {answer && <CallAnswer answer={answer} />}
        </div>
        <CallHistory
          history={history}
          stored={stored}
          busy={busy}
          onEdit={(entry) => setFields(fieldsOf(entry))}
          onRunAgain={runAgain}
          onClear={() => commitHistory([])}
        />
      </div>
    </section>
  )
}

/** localStorage, or a page-lifetime stand-in where the browser refuses it (storage disabled). */
function storage(): Pick<Storage, 'getItem' | 'setItem'> {
  try {
    return window.localStorage
  } catch {
    return memoryStorage
  }
}

const memoryValues = new Map<string, string>()
const memoryStorage: Pick<Storage, 'getItem' | 'setItem'> = {
  getItem: (key) => memoryValues.get(key) ?? null,
  setItem: (key, value) => void memoryValues.set(key, value)
}
