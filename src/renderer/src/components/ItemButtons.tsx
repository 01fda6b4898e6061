import type { ReactElement } from 'react'

/**
 * The Edit, Pause/Resume and Remove buttons of a list row (a source, a watch): removing asks
 * first, with the `removeQuestion` the row gives.
 */
export function ItemButtons({
  paused,
  pauseTestId,
  removeQuestion,
  onEdit,
  onPauseResume,
  onRemove
}: {
  paused: boolean
  pauseTestId: string
  removeQuestion: string
  onEdit: () => void
  onPauseResume: () => void
  onRemove: () => void
}): ReactElement {
  return (
    <>
      <button type="button" className="button button--quiet" onClick={onEdit}>
        Edit
      </button>
      <button type="button" className="button button--quiet" data-testid={pauseTestId} onClick={onPauseResume}>
        {paused ? 'Resume' : 'Pause'}
      </button>
      <button
        type="button"
        className="button button--quiet"
        onClick={() => {
          if (window.confirm(removeQuestion)) onRemove()
        }}
      >
        Remove
      </button>
    </>
  )
}
