/**
 * The engine host's size and what it runs (docker info), and the memory it still has free
 * when the engine is on this machine (a remote engine's free memory is not something its
 * API tells).
 */
import { readFile } from 'node:fs/promises'
import type Docker from 'dockerode'

export interface EngineHost {
  cores: number
  memoryTotalBytes: number
  memoryAvailableBytes: number | null
  containersRunning: number
}

export async function engineHost(docker: Docker, endpoint: string): Promise<EngineHost> {
  const info = (await docker.info()) as { NCPU: number; MemTotal: number; ContainersRunning: number }
  const local = !endpoint.startsWith('tcp://') && !endpoint.startsWith('http://')
  return {
    cores: info.NCPU,
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
