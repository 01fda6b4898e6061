/**
 * The engine host's size and what it runs (docker info), and, when the engine is on this
 * machine, the memory it still has free and the cores busy (every process, not only our
 * containers: a shared machine's other work takes cores too). A remote engine's API tells neither.
 */
import { readFile } from 'node:fs/promises'
import type Docker from 'dockerode'

export interface EngineHost {
  cores: number
  cpuBusyCores: number | null
  memoryTotalBytes: number
  memoryAvailableBytes: number | null
  containersRunning: number
}

export async function engineHost(docker: Docker, endpoint: string, cpu: HostCpu): Promise<EngineHost> {
  const info = (await docker.info()) as { NCPU: number; MemTotal: number; ContainersRunning: number }
  const local = !endpoint.startsWith('tcp://') && !endpoint.startsWith('http://')
  return {
    cores: info.NCPU,
    cpuBusyCores: local ? await cpu.busyCores(info.NCPU) : null,
    memoryTotalBytes: info.MemTotal,
    memoryAvailableBytes: local ? await memAvailable() : null,
    containersRunning: info.ContainersRunning
  }
}

/** MemAvailable (what can be had without swapping), not MemFree, which leaves out the page cache. */
async function memAvailable(): Promise<number | null> {
  try {
    const match = /^MemAvailable:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'))
    return match ? Number(match[1]) * 1024 : null
  } catch {
    return null
  }
}

/**
 * Cores busy on this machine, from /proc/stat: averaged since the previous call (the host
 * line asks every few seconds), or over a short first interval.
 */
export class HostCpu {
  private last: { busy: number; total: number } | null = null

  async busyCores(cores: number): Promise<number | null> {
    if (this.last === null) {
      this.last = await cpuTimes()
      await new Promise((resolve) => setTimeout(resolve, 250))
    }
    const now = await cpuTimes()
    const before = this.last
    this.last = now
    if (now === null || before === null || now.total <= before.total) return null
    return Math.round(((now.busy - before.busy) / (now.total - before.total)) * cores * 100) / 100
  }
}

async function cpuTimes(): Promise<{ busy: number; total: number } | null> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? ''
    const fields = line.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const times = fields.slice(0, 8)
    const total = times.reduce((sum, t) => sum + t, 0)
    const idle = (times[3] ?? 0) + (times[4] ?? 0)
    return Number.isFinite(total) ? { busy: total - idle, total } : null
  } catch {
    return null
  }
}
