/**
 * The parse worker when running from source (tsx, vitest): a worker thread has no
 * TypeScript loader of its own, so this registers tsx's and loads parse-worker.ts. The
 * service images run the bundled dist/services/scraper-parse-worker.mjs instead.
 */
import { register } from 'tsx/esm/api'

register()
const worker = await import('./parse-worker.ts')

export default worker.default
