/**
 * `deck crawl start --ids-file FILE`: reads the list into the crawlStart request, so that
 * parseCli stays pure. The size is checked before reading, so a wrong file (a disk image, a
 * log) is refused at once instead of being read whole and then rejected by the API.
 */
import { readFile, stat } from 'node:fs/promises'
import { MAX_ID_LIST_BYTES } from '../../shared/crawl'
import type { CliCommand } from './cli-args'
import { UsageError } from './cli-args'

export async function readIdsFile(path: string): Promise<string> {
  let size: number
  try {
    const info = await stat(path)
    if (!info.isFile()) throw new UsageError(`--ids-file ${path} is not a file`)
    size = info.size
  } catch (err) {
    if (err instanceof UsageError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new UsageError(
      code === 'ENOENT' ? `--ids-file ${path}: no such file` : `--ids-file ${path}: ${(err as Error).message}`
    )
  }
  if (size > MAX_ID_LIST_BYTES) {
    throw new UsageError(
      `--ids-file ${path} is ${mib(size)} MiB; a list of ids is at most ${mib(MAX_ID_LIST_BYTES)} MiB (split it into several crawls)`
    )
  }
  return readFile(path, 'utf8')
}

/** The command with the file's text as its ids source; commands without --ids-file as they are. */
export async function withIdsFile(command: CliCommand): Promise<CliCommand> {
  if (command.idsFile === undefined) return command
  const text = await readIdsFile(command.idsFile)
  // The source the ids are of (--source) stays.
  const of = (command.request['source'] as { source?: string } | undefined)?.source
  return {
    ...command,
    request: { ...command.request, source: { kind: 'ids', text, ...(of === undefined ? {} : { source: of }) } }
  }
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1)
}
