/** CPU a process has used, as the benches read it for the processes they start. */
import { readFileSync } from 'node:fs'

/**
 * User + system CPU seconds of a process so far, from /proc (clock ticks of 1/100 s); 0 once it
 * is gone. `pid` may also be "<pid>/task/<tid>", one of its threads.
 */
export function processCpuSeconds(pid: number | string | undefined): number {
  if (pid === undefined) return 0
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}
