/**
 * The two Electron IPC channels the panel uses: one for every operation (invoke), one for
 * every pushed event. Kept apart from contract.ts so the sandboxed preload bundles a few
 * strings and not zod.
 */
export const IPC_INVOKE_CHANNEL = 'scrapedeck:invoke'
export const IPC_EVENT_CHANNEL = 'scrapedeck:event'
