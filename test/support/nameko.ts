/**
 * Real Python Nameko 2.14.1 for interop tests: start a service with `nameko run`, run a
 * `ClusterRpcProxy` snippet, wait for consumers and clean queues on the shared broker.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { connect } from 'amqplib'
import { TEST_AMQP_URI } from './test-endpoints'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const NAMEKO_VENV_BIN = `${REPO_ROOT}.venv-nameko/bin`
export const NAMEKO_FIXTURES = `${REPO_ROOT}test/fixtures/nameko`
export { TEST_AMQP_URI } from './test-endpoints'

/** Why Nameko tests cannot run here, or null if they can. */
export function namekoUnavailableReason(): string | null {
  return existsSync(`${NAMEKO_VENV_BIN}/nameko`) ? null : `no Nameko venv at ${NAMEKO_VENV_BIN} (run npm run infra:up)`
}

export interface NamekoService {
  readonly process: ChildProcess
  /** Everything the service printed so far (stdout and stderr), for failure messages. */
  output(): string
  /** SIGTERM (Nameko shuts down gracefully), then SIGKILL if it lingers. */
  stop(): Promise<void>
}

export interface StartNamekoOptions {
  /** The module `nameko run` loads, e.g. 'hello'. */
  module: string
  /** The service's name: we wait until `rpc-<name>` has a consumer. */
  serviceName: string
  cwd?: string
  env?: Record<string, string>
  amqpUri?: string
  timeoutMs?: number
  /** The virtualenv's bin directory with `nameko` in it (the benches have their own venv). */
  bin?: string
}

export async function startNamekoService(options: StartNamekoOptions): Promise<NamekoService> {
  const amqpUri = options.amqpUri ?? TEST_AMQP_URI
  const child = spawn(`${options.bin ?? NAMEKO_VENV_BIN}/nameko`, ['run', '--broker', amqpUri, options.module], {
    cwd: options.cwd ?? NAMEKO_FIXTURES,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  const service: NamekoService = {
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
  try {
    await Promise.race([
      waitForConsumers(`rpc-${options.serviceName}`, 1, { amqpUri, timeoutMs: options.timeoutMs ?? 30_000 }),
      exited.then(() => {
        throw new Error(`nameko run exited early:\n${output}`)
      })
    ])
  } catch (err) {
    await service.stop()
    throw err
  }
  return service
}

export interface PythonResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs Python code with `n` = a started `ClusterRpcProxy(config, timeout=...)` (as in
 * `with ClusterRpcProxy(...) as n:`) and `json` in scope; the code prints what the test
 * should check. The proxy's reply queue is deleted afterwards.
 */
export function runClusterRpcProxy(
  code: string,
  options: { amqpUri?: string; timeoutSeconds?: number } = {}
): Promise<PythonResult> {
  const script = [
    'import json, sys',
    'from kombu import Connection',
    'from nameko.standalone.rpc import ClusterRpcProxy',
    'config = {"AMQP_URI": sys.argv[1]}',
    'proxy = ClusterRpcProxy(config, timeout=float(sys.argv[2]))',
    'n = proxy.start()',
    'try:',
    '    exec(sys.stdin.read())',
    'finally:',
    // The proxy's reply queue would otherwise linger on the shared broker for 5 minutes.
    '    reply_queue = proxy._reply_listener.queue.name',
    '    proxy.stop()',
    '    with Connection(sys.argv[1]) as conn:',
    '        conn.default_channel.queue_delete(reply_queue)'
  ].join('\n')
  const child = spawn(
    `${NAMEKO_VENV_BIN}/python`,
    ['-c', script, options.amqpUri ?? TEST_AMQP_URI, String(options.timeoutSeconds ?? 10)],
    {
      stdio: ['pipe', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdin.end(code)
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (exitCode) => resolve({ code: exitCode, stdout, stderr }))
  })
}

/** Polls the queue until it has at least `count` consumers. */
export async function waitForConsumers(
  queue: string,
  count: number,
  options: { amqpUri?: string; timeoutMs?: number } = {}
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000)
  const connection = await connect(options.amqpUri ?? TEST_AMQP_URI)
  try {
    for (;;) {
      // checkQueue on a missing queue closes the channel (404), so each poll gets its own.
      const channel = await connection.createChannel()
      channel.on('error', () => {})
      const consumers = await channel.checkQueue(queue).then(
        (ok) => ok.consumerCount,
        () => 0
      )
      await channel.close().catch(() => {})
      if (consumers >= count) return
      if (Date.now() > deadline) throw new Error(`Queue ${queue} has ${consumers} consumers, wanted ${count}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await connection.close()
  }
}

/** Deletes queues; with `ifUnused`, leaves alone any queue someone else is consuming. */
export async function deleteQueues(
  queues: readonly string[],
  options: { amqpUri?: string; ifUnused?: boolean } = {}
): Promise<void> {
  const connection = await connect(options.amqpUri ?? TEST_AMQP_URI)
  try {
    for (const queue of queues) {
      const channel = await connection.createChannel()
      channel.on('error', () => {})
      await channel.deleteQueue(queue, { ifUnused: options.ifUnused ?? false }).catch(() => {})
      await channel.close().catch(() => {})
    }
  } finally {
    await connection.close()
  }
}
