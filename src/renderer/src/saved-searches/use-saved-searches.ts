/** The saved searches, asked again every few seconds while they are on screen (deliveries move). */
import type { PanelError } from '../../../shared/contract'
import type { SavedSearch } from '../../../shared/saved-search'
import { usePolled } from '../api/use-polled'

const SAVED_SEARCHES_REFRESH_MS = 3000

export function useSavedSearches(onScreen: boolean): {
  savedSearches: SavedSearch[] | null
  error: PanelError | null
  refresh: () => void
} {
  const { value, error, refresh } = usePolled('savedSearchList', SAVED_SEARCHES_REFRESH_MS, onScreen)
  return { savedSearches: value?.savedSearches ?? null, error, refresh }
}
