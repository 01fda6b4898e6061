import { useState } from 'react'
import type { ReactElement } from 'react'
import type { PanelError } from '../../../shared/contract'
import { ErrorNotice } from '../components/ErrorNotice'
import { idsFileProblem } from './new-crawl-request'

export interface IdsValue {
  text: string
  /** The chosen file's name; null when the text was pasted. */
  fileName: string | null
}

/**
 * Ids pasted, or read from a chosen file in the renderer (File.text(), after a size check).
 * A file's content is not put into the textarea: megabytes in a text box make typing crawl.
 */
export function IdsInput({ value, onChange }: { value: IdsValue; onChange: (value: IdsValue) => void }): ReactElement {
  const [error, setError] = useState<PanelError | null>(null)
  const [reading, setReading] = useState(false)

  const choose = async (file: File | undefined): Promise<void> => {
    setError(null)
    if (file === undefined) return
    const problem = idsFileProblem(file)
    if (problem !== null) {
      setError(problem)
      return
    }
    setReading(true)
    try {
      onChange({ text: await file.text(), fileName: file.name })
    } catch (err) {
      setError({ kind: 'InvalidCrawl', message: `Could not read ${file.name}: ${(err as Error).message}`, hint: null })
    } finally {
      setReading(false)
    }
  }

  const lines = value.fileName === null ? 0 : countLines(value.text)
  return (
    <div className="ids-input">
      {value.fileName === null ? (
        <label className="field field--grow">
          <span>Ids, one a line (or CSV with an “id” column)</span>
          <textarea
            className="input ids-input__text"
            rows={5}
            spellCheck={false}
            value={value.text}
            placeholder={'104233\n104234\n…'}
            data-testid="crawl-new-ids"
            onChange={(event) => onChange({ text: event.target.value, fileName: null })}
          />
        </label>
      ) : (
        <p className="ids-input__file" data-testid="crawl-new-file-chosen">
          <strong>{value.fileName}</strong> <span className="muted">({lines.toLocaleString()} lines)</span>{' '}
          <button type="button" className="button button--quiet" onClick={() => onChange({ text: '', fileName: null })}>
            Clear
          </button>
        </p>
      )}
      <label className="field">
        <span>…or choose a file (.txt, .csv; at most 8 MiB)</span>
        <input
          type="file"
          accept=".txt,.csv,text/plain,text/csv"
          disabled={reading}
          data-testid="crawl-new-file"
          onChange={(event) => {
            void choose(event.target.files?.[0])
            event.target.value = ''
          }}
        />
      </label>
      {error && <ErrorNotice error={error} onDismiss={() => setError(null)} />}
    </div>
  )
}

function countLines(text: string): number {
  let n = text.length > 0 && !text.endsWith('\n') ? 1 : 0
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++
  return n
}
