/**
 * `npm run deck -- <command>`: the third thin shell over PanelController. Results go to
 * stdout (as JSON with --json), progress and errors to stderr; a failure exits non-zero.
 */
import type { OperationName, OperationResponse } from '../../shared/contract'
import { PanelController } from '../controller/panel-controller'
import { loadPanelConfig } from '../controller/panel-config'
import { parseCli, USAGE, UsageError } from './cli-args'
import * as format from './cli-format'

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
  const controller = new PanelController(loadPanelConfig())
  controller.on('progress', (p) => {
    const line = format.formatProgress(p)
    if (line !== null) process.stderr.write(`${line}\n`)
  })
  const follow = command.operation === 'logs' && command.request['follow'] === true
  if (follow) {
    controller.on('logLine', (l) => process.stdout.write(command.json ? `${JSON.stringify(l)}\n` : `${format.formatLogLine(l)}\n`))
  }
  try {
    const result = await controller.invoke(command.operation, command.request)
    if (!result.ok) {
      process.stderr.write(`deck: ${result.error.kind}: ${result.error.message}\n${result.error.hint ? `hint: ${result.error.hint}\n` : ''}`)
      return 1
    }
    process.stdout.write(`${command.json ? JSON.stringify(result.value, null, 2) : human(command.operation, result.value)}\n`)
    if (follow) {
      const streamId = (result.value as OperationResponse<'logs'>).streamId
      await new Promise<void>((resolve) => {
        controller.on('logEnd', (e) => e.streamId === streamId && resolve())
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
    }
    return 0
  } finally {
    await controller.close()
  }
}

function human<K extends OperationName>(operation: K, value: OperationResponse<K>): string {
  const v = value as unknown
  switch (operation) {
    case 'status':
      return format.formatStatus(v as OperationResponse<'status'>)
    case 'up':
    case 'down':
    case 'scale':
    case 'startService':
    case 'stopService':
    case 'restartService':
      return format.formatReport(v as OperationResponse<'up'>)
    case 'logs':
      return (v as OperationResponse<'logs'>).lines.map(format.formatLogLine).join('\n')
    case 'stats':
      return format.formatStats(v as OperationResponse<'stats'>)
    case 'metrics':
      return format.formatMetrics(v as OperationResponse<'metrics'>)
    case 'lookup':
      return format.formatLookup(v as OperationResponse<'lookup'>)
    case 'search':
      return format.formatSearch(v as OperationResponse<'search'>)
    default:
      return JSON.stringify(value, null, 2)
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`deck: ${(err as Error).stack ?? String(err)}\n`)
    process.exit(1)
  }
)
