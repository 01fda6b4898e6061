/**
 * An operation without arguments asked again every few seconds while its view is on screen
 * (for lists that have no pushed events). Calls never overlap: the next is scheduled when
 * the previous answered. On an error the last value stays, with the error beside it.
 */
import { useCallback, useEffect, useState } from 'react'
import type { OperationName, OperationRequest, OperationResponse, PanelError } from '../../../shared/contract'
import { usePageVisible } from '../crawls/use-page-visible'
import { usePanelApi } from './panel-context'

type EmptyRequestOperation = {
  [K in OperationName]: Record<string, never> extends OperationRequest<K> ? K : never
}[OperationName]

export interface Polled<T> {
  /** null until the first answer. */
  value: T | null
  error: PanelError | null
  /** Ask now (after a change the caller made). */
  refresh: () => void
}

export function usePolled<K extends EmptyRequestOperation>(
  operation: K,
  intervalMs: number,
  onScreen: boolean
): Polled<OperationResponse<K>> {
  const api = usePanelApi()
  const visible = usePageVisible()
  const [value, setValue] = useState<OperationResponse<K> | null>(null)
  const [error, setError] = useState<PanelError | null>(null)
  const [asked, setAsked] = useState(0)
  const active = onScreen && visible

  useEffect(() => {
    if (!active) return
    let live = true
    let timer: ReturnType<typeof setTimeout> | undefined
    const ask = async (): Promise<void> => {
      const answer = await api.invoke(operation, {} as OperationRequest<K>)
      if (!live) return
      if (answer.ok) setValue(answer.value as OperationResponse<K>)
      setError(answer.ok ? null : answer.error)
      timer = setTimeout(() => void ask(), intervalMs)
    }
    void ask()
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [api, operation, intervalMs, active, asked])

  return { value, error, refresh: useCallback(() => setAsked((n) => n + 1), []) }
}
