/**
 * A second Docker engine of a test's own: dockerd on its own socket, data root and exec root,
 * in a network namespace of its own, so a test can stop and start an engine without ever
 * touching the shared one. Used by the engine-reconnect test and the fault suite.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { waitFor } from '../engine/engine-fixture'

/** Why a second dockerd cannot run here, or null when it can. */
export function secondDockerdUnavailableReason(): string | null {
  return existsSync('/usr/sbin/dockerd') || existsSync('/usr/bin/dockerd')
    ? null
    : 'no dockerd binary (/usr/sbin/dockerd, /usr/bin/dockerd) on this machine'
}

export class SecondDockerd {
  readonly dir = mkdtempSync(join(tmpdir(), 'deckd-'))
  readonly socket = join(this.dir, 'docker.sock')
  /** For DOCKER_HOST. */
  readonly endpoint = `unix://${this.socket}`
  private proc: ChildProcess | null = null
  /** Set when dockerd exits without stop() asking it to. */
  unaskedExits = 0

  get running(): boolean {
    return this.proc !== null
  }

  async start(): Promise<void> {
    // In a network namespace of its own: a dockerd started with `--bridge none` deletes the
    // host's docker0 interface on start-up, which would break the shared engine's containers.
    const proc = spawn(
      'unshare',
      [
        '--net',
        '--',
        'dockerd',
        '--host',
        this.endpoint,
        '--data-root',
        join(this.dir, 'data'),
        '--exec-root',
        join(this.dir, 'exec'),
        '--pidfile',
        join(this.dir, 'docker.pid'),
        '--bridge',
        'none',
        '--iptables=false',
        '--ip-masq=false'
      ],
      { stdio: 'ignore' }
    )
    this.proc = proc
    proc.once('exit', () => {
      if (this.proc === proc) {
        this.unaskedExits += 1
        this.proc = null
      }
    })
    await waitFor(
      'the second dockerd to answer',
      async () =>
        existsSync(this.socket) &&
        (await new Docker({ socketPath: this.socket }).ping().then(
          () => true,
          () => false
        )),
      30_000,
      200
    )
  }

  async stop(): Promise<void> {
    const proc = this.proc
    this.proc = null
    if (proc === null || proc.exitCode !== null) return
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve())
      proc.kill('SIGTERM')
    })
  }

  /** Stops it and removes its folder. */
  async remove(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
