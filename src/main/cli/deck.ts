/**
 * `npm run deck -- <command>`: the terminal's frame mover over one panel session. Results go
 * to stdout (as JSON with --json), progress and errors to stderr; a failure exits non-zero.
 * A command that opened a stream (a log follow) runs until the stream ends or Ctrl-C.
 */
import type { PanelEvent } from '../../shared/contract'
import { createPanel } from '../panel-composition'
import { loadPanelConfig } from '../controller/panel-config'
import { PanelSession } from '../session/panel-session'
import { parseCli, USAGE, UsageError } from './cli-args'
import { formatEvent, formatResult } from './cli-format'

async function main(argv: string[]): Promise<number> {
  let command
  try {
    command = parseCli(argv)
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`deck: ${err.message}\n${USAGE}\n`)
      return 2
    }
    throw err
  }
  const panel = createPanel(loadPanelConfig())
  let streamsEnded = (): void => {}
  const session = new PanelSession(panel.controller, (event: PanelEvent) => {
    const out = formatEvent(event, command.json)
    if (out !== null) (out.stream === 'stdout' ? process.stdout : process.stderr).write(`${out.text}\n`)
    if (session.openStreams().length === 0) streamsEnded()
  })
  try {
    const result = await session.invoke(command.operation, command.request)
    if (!result.ok) {
      process.stderr.write(`deck: ${result.error.kind}: ${result.error.message}\n${result.error.hint ? `hint: ${result.error.hint}\n` : ''}`)
      return 1
    }
    process.stdout.write(`${command.json ? JSON.stringify(result.value, null, 2) : formatResult(command.operation, result.value)}\n`)
    if (session.openStreams().length > 0) {
      await new Promise<void>((resolve) => {
        streamsEnded = resolve
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
    }
    return 0
  } finally {
    session.dispose()
    await panel.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`deck: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  }
)
