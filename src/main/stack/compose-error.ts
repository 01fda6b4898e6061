/** A compose file problem, located: file, line and the dotted key path. */

export interface ComposeIssue {
  /** 1-based; null when the position is unknown (e.g. the file is empty). */
  line: number | null
  column: number | null
  /** Dotted key path, e.g. `services.api.ports[0]`. Empty for the whole file. */
  key: string
  message: string
  /** True for keys that are valid Compose but not implemented by the panel. */
  unsupported: boolean
}

export type ComposeErrorKind = 'ComposeFileNotFound' | 'ComposeFileInvalid' | 'ComposeUnsupported'

export class ComposeFileError extends Error {
  override name = 'ComposeFileError'
  constructor(
    readonly kind: ComposeErrorKind,
    readonly file: string,
    readonly issues: ComposeIssue[]
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'))
  }
}

function formatIssue(file: string, issue: ComposeIssue): string {
  const where = issue.line === null ? file : `${file}:${issue.line}${issue.column === null ? '' : `:${issue.column}`}`
  return issue.key === '' ? `${where}: ${issue.message}` : `${where}: ${issue.key}: ${issue.message}`
}

export function formatPath(path: readonly (string | number | symbol)[]): string {
  let out = ''
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`
    else out += out === '' ? String(seg) : `.${String(seg)}`
  }
  return out
}

/** Records an issue at a key path; `childKey` names a key under it (an unknown key), `unsupported` a key we do not implement. */
export type IssueAt = (
  path: (string | number)[],
  message: string,
  options?: { unsupported?: boolean; childKey?: string }
) => void
