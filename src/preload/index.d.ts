import type { PanelApi } from '../shared/contract'

declare global {
  interface Window {
    /** Present in the Electron app (the preload); absent in a browser, which uses the web shell's socket. */
    scrapedeck?: PanelApi
  }
}
