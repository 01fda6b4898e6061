import type { ReactElement } from 'react'

/** A table's header row: one column header per label (a label with a class for columns styled apart). */
export function TableHead({ columns }: { columns: (string | { label: string; className: string })[] }): ReactElement {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col" className={c.className}>
              {c.label}
            </th>
          )
        )}
      </tr>
    </thead>
  )
}
