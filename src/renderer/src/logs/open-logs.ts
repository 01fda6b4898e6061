/**
 * How a view opens the Logs view on a query ("logs of this crawl", "logs of this item"):
 * App provides the function through this context; a view calls `useOpenLogs()(filter)`.
 */
import { createContext, useContext } from 'react'
import type { LogFilter } from './log-filter'

export const OpenLogsContext = createContext<((filter: LogFilter) => void) | null>(null)

/** Opens the Logs view on `filter`; null where no Logs view is mounted (a view alone in a test). */
export function useOpenLogs(): ((filter: LogFilter) => void) | null {
  return useContext(OpenLogsContext)
}
