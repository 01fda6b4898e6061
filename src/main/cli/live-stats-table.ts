/**
 * `deck stats --follow`: the stats table, live. On a terminal it is redrawn in place once a
 * second (when a reading changed it); piped, every reading is a line of its own (JSON with --json).
 */
import type { ContainerStats } from '../../shared/contract'
import { formatStats, latestReadings } from './cli-format'

export interface LiveStatsOutput {
  write(text: string): void
  tty: boolean
  json: boolean
}

export class LiveStatsTable {
  private readonly latest = new Map<string, ContainerStats>()
  private drawnLines = 0
  private changed = false
  private readonly timer: NodeJS.Timeout | null

  constructor(
    private readonly out: LiveStatsOutput,
    /** The stream's first items: the recent readings, of which each container's latest is shown. */
    initial: ContainerStats[],
    intervalMs = 1000
  ) {
    for (const reading of latestReadings(initial)) this.latest.set(reading.container, reading)
    if (out.tty && !out.json) {
      this.draw()
      this.timer = setInterval(() => this.changed && this.draw(), intervalMs)
    } else {
      this.timer = null
      for (const reading of this.latest.values()) this.line(reading)
    }
  }

  push(reading: ContainerStats): void {
    this.latest.set(reading.container, reading)
    if (this.timer === null) this.line(reading)
    else this.changed = true
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
  }

  private draw(): void {
    const table = formatStats({ containers: [...this.latest.values()] })
    // Up over the last drawing and clear to the end of the screen, then the new one.
    const clear = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\x1b[J` : ''
    this.out.write(`${clear}${table}\n`)
    this.drawnLines = table.split('\n').length
    this.changed = false
  }

  private line(reading: ContainerStats): void {
    if (this.out.json) this.out.write(`${JSON.stringify(reading)}\n`)
    else this.out.write(`${reading.read} ${formatStats({ containers: [reading] }).split('\n')[1]}\n`)
  }
}
