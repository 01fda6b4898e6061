/**
 * How many connections this process holds to the Docker engine's socket, read from `ss`
 * (a client socket's peer is the engine's accepted socket on /var/run/docker.sock): what tells
 * a test that a stream really closed at the engine, not just in our bookkeeping.
 */
import { execFileSync } from 'node:child_process'

export function engineConnections(pid = process.pid): number {
  const rows = execFileSync('ss', ['-xpH'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 8)
  // Columns: netid state recv-q send-q local-address local-inode peer-address peer-inode [users]
  const engineSide = new Set(rows.filter((c) => /docker\.sock$/.test(c[4] ?? '')).map((c) => c[5]))
  return rows.filter((c) => (c[8] ?? '').includes(`pid=${pid},`) && engineSide.has(c[7])).length
}
