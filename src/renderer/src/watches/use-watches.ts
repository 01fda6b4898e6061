/** The watches, asked again every few seconds while the Watches view is on screen (next runs and outcomes move). */
import type { PanelError } from '../../../shared/contract'
import type { Watch } from '../../../shared/watch'
import { usePolled } from '../api/use-polled'

const WATCHES_REFRESH_MS = 3000

export function useWatches(onScreen: boolean): {
  watches: Watch[] | null
  error: PanelError | null
  refresh: () => void
} {
  const { value, error, refresh } = usePolled('watchList', WATCHES_REFRESH_MS, onScreen)
  return { watches: value?.watches ?? null, error, refresh }
}
