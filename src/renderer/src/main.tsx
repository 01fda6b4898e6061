import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import type { PanelApi } from '../../shared/contract'
import { App } from './App'
import { PanelApiContext } from './api/panel-context'
import { SocketPanelApi, socketUrlFor } from './api/socket-panel-api'
import { ConnectionBanner } from './components/ConnectionBanner'
import { startBrowserNotifier } from './notifications/browser-notifier'
import './styles/app.css'

// In Electron the preload provides the API; in a browser it is the web shell's socket.
let api: PanelApi
let banner = null
if (window.scrapedeck) {
  api = window.scrapedeck
} else {
  const socketApi = new SocketPanelApi(socketUrlFor(window.location), (url) => new WebSocket(url))
  api = socketApi
  banner = <ConnectionBanner api={socketApi} />
  startBrowserNotifier(socketApi, window.localStorage)
  // The server set the token as a cookie too; keep it out of the address bar and history.
  if (new URLSearchParams(window.location.search).has('token'))
    window.history.replaceState(null, '', window.location.pathname)
}

const root = document.getElementById('root')
if (!root) throw new Error('scrapedeck: #root element missing from index.html')
createRoot(root).render(
  <StrictMode>
    <PanelApiContext.Provider value={api}>
      <App banner={banner} />
    </PanelApiContext.Provider>
  </StrictMode>
)
