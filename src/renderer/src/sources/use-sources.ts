/** The registered sources, asked again every few seconds while a view that shows them is on screen. */
import type { PanelError } from '../../../shared/contract'
import type { SourceDetail } from '../../../shared/source'
import { usePolled } from '../api/use-polled'

const SOURCES_REFRESH_MS = 3000

export function useSources(onScreen: boolean): {
  sources: SourceDetail[] | null
  error: PanelError | null
  refresh: () => void
} {
  const { value, error, refresh } = usePolled('sourceList', SOURCES_REFRESH_MS, onScreen)
  return { sources: value?.sources ?? null, error, refresh }
}
