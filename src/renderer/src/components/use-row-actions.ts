import { useState } from 'react'
import type { PanelError } from '../../../shared/contract'

type Answer = { ok: true } | { ok: false; error: PanelError }

/**
 * A list view's row actions (pause, remove, run now…): each call's error is kept to show until
 * dismissed or the next action succeeds, and the list is read again after every action.
 */
export function useRowActions(refresh: () => void): {
  act: (call: () => Promise<Answer>) => Promise<void>
  actionError: PanelError | null
  dismiss: () => void
} {
  const [actionError, setActionError] = useState<PanelError | null>(null)
  const act = async (call: () => Promise<Answer>): Promise<void> => {
    const answer = await call()
    setActionError(answer.ok ? null : answer.error)
    refresh()
  }
  return { act, actionError, dismiss: () => setActionError(null) }
}
