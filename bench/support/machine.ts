/** The line every bench prints about the machine it ran on: cores, memory, load average, Node. */
import { cpus, loadavg, totalmem } from 'node:os'

export function machineLine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')
  return `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average ${load}, Node ${process.version}`
}
