/** Services, names and small waits shared by the RPC integration tests. */
import { randomBytes } from 'node:crypto'
import type { RpcService } from '../../src/services/rpc/types'

/** A service name no other test run on the shared broker will use. */
export function uniqueServiceName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export class ListingGone extends Error {
  override name = 'ListingGone'
  readonly excPath = 'scrapedeck.test.ListingGone'
}

/**
 * A service with one method per behaviour under test. `gate` lets a test hold calls to
 * `slow` open until it says so.
 */
export function makeTestService(
  name: string,
  gate?: { started: (arg: unknown) => void; release: Promise<void> }
): RpcService {
  return {
    name,
    methods: {
      hello: { params: ['name'], handler: (who) => `Hello, ${String(who)}!` },
      add: { params: ['a', 'b'], handler: (a, b) => (a as number) + (b as number) },
      greet: {
        params: ['name', 'greeting'],
        required: 1,
        handler: (who, greeting = 'Hi') => `${String(greeting)}, ${String(who)}`
      },
      sleep: { params: ['ms'], handler: (ms) => new Promise((resolve) => setTimeout(() => resolve(ms), ms as number)) },
      fail: {
        params: ['message'],
        handler: (message) => {
          throw new ListingGone(String(message))
        }
      },
      crash: {
        params: [],
        handler: () => {
          throw new TypeError('handler bug')
        }
      },
      bigint: { params: [], handler: () => 10n },
      slow: {
        params: ['value'],
        handler: async (value) => {
          gate?.started(value)
          await gate?.release
          return value
        }
      }
    }
  }
}

/** A gate for `slow`: resolves `started` promises in call order, and releases all at once. */
export function makeGate(): {
  started: (arg: unknown) => void
  release: Promise<void>
  open: () => void
  waitForStarts: (n: number) => Promise<void>
} {
  let open!: () => void
  const release = new Promise<void>((resolve) => (open = resolve))
  let count = 0
  const waiters: { n: number; resolve: () => void }[] = []
  return {
    release,
    open,
    started: () => {
      count += 1
      for (const waiter of waiters.filter((w) => w.n <= count)) waiter.resolve()
    },
    waitForStarts: (n) =>
      count >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve }))
  }
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
