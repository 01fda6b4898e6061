/**
 * One-shot RPC call from the shell:
 *   npm run rpc -- <service>.<method> '<json args array>' ['<json kwargs object>']
 * Prints the JSON result on stdout (exit 0); a failed call prints its type and message on
 * stderr (exit 1); bad usage prints the usage line (exit 2).
 */
import { RpcClient } from './client'
import { RemoteError } from './errors'
import { amqpUriFromEnv, envInt } from '../env'
import { parseCliArgs } from './cli-args'

const USAGE =
  "usage: npm run rpc -- <service>.<method> '<json args array>' ['<json kwargs object>']  (env: AMQP_URI, RPC_TIMEOUT_MS)"

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2))
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${USAGE}\n`)
    return 2
  }
  let client: RpcClient | null = null
  try {
    client = await RpcClient.connect({
      amqpUri: amqpUriFromEnv(),
      defaultTimeoutMs: envInt('RPC_TIMEOUT_MS', 30_000),
      connectionName: 'scrapedeck-rpc-cli'
    })
    const result = await client.call(parsed.service, parsed.method, parsed.args, parsed.kwargs)
    process.stdout.write(`${JSON.stringify(result ?? null)}\n`)
    return 0
  } catch (err) {
    const error = err as Error
    const type = error instanceof RemoteError ? error.excType : error.name
    const message = error instanceof RemoteError ? error.value : error.message
    process.stderr.write(`${type}: ${message}\n`)
    return 1
  } finally {
    await client?.close()
  }
}

process.exitCode = await main()
