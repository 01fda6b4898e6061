import { useEffect, useState } from 'react'
import type { ReactElement } from 'react'
import type { ConnectionState, SocketPanelApi } from '../api/socket-panel-api'

/** Says so when the web shell's socket is down (the page reconnects by itself). */
export function ConnectionBanner({ api }: { api: SocketPanelApi }): ReactElement | null {
  const [state, setState] = useState<ConnectionState>('connecting')
  useEffect(() => api.onConnection(setState), [api])
  if (state !== 'closed') return null
  return (
    <div className="error-notice banner" role="alert">
      <strong>Lost the connection to the panel server.</strong> Reconnecting… If this stays, check that `npm run web` is
      still running.
    </div>
  )
}
