import { contextBridge } from 'electron'

// The typed panel API is exposed here once the controller contract exists (src/shared).
contextBridge.exposeInMainWorld('scrapedeck', { version: '0.1.0' })
