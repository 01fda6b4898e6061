/** Small parsers for Compose value syntaxes: durations, command strings, ports. */
import type { PortSpec } from './compose-model'

const UNIT_NS: Record<string, number> = { us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }

/** "1m30s" → 90e9. The string is assumed to match DurationSchema. */
export function durationToNs(text: string): number {
  let total = 0
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_NS[m[2] ?? 's'] ?? 1e9)
  return Math.round(total)
}

/** POSIX-shell-like word splitting, as compose applies (shlex) to string commands. */
export function splitCommand(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quote === "'") {
      if (c === "'") quote = null
      else word += c
    } else if (quote === '"') {
      if (c === '"') quote = null
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i]
      else word += c
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i]
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote} quote in "${text}"`)
  if (inWord) words.push(word)
  return words
}

/** "[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]" → PortSpec; throws with the reason. */
export function parsePort(text: string): Omit<PortSpec, 'publishedVariable'> {
  const [address = '', protocolText, extra] = text.split('/')
  if (extra !== undefined) throw new Error(`"${text}" has more than one "/"`)
  const protocol = protocolText === undefined ? null : protocolText
  if (protocol !== null && protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'sctp') {
    throw new Error(`"${text}": protocol must be tcp, udp or sctp`)
  }
  const parts = address.split(':')
  if (parts.length > 3)
    throw new Error(`"${text}" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT (IPv6 host addresses are not supported)`)
  const target = parts[parts.length - 1] ?? ''
  const published = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : ''
  const hostIp = parts.length === 3 ? (parts[0] ?? '') : ''
  if (target.includes('-') || published.includes('-')) throw new Error(`"${text}": port ranges are not supported`)
  return {
    target: portNumber(target, text),
    published: published === '' ? null : portNumber(published, text),
    protocol,
    hostIp: hostIp === '' ? null : hostIp
  }
}

function portNumber(value: string, whole: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 65535)
    throw new Error(`"${whole}": "${value}" is not a port number (1–65535)`)
  return n
}

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }

/** "512m" → 536870912, as docker-py's parse_bytes (1024-based, an optional trailing "b"). */
export function memoryToBytes(value: string | number): number {
  if (typeof value === 'number') return value
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim())
  if (m === null) throw new Error(`"${value}" is not a memory size like "512m"`)
  return Math.floor(Number(m[1]) * (BYTE_UNITS[(m[2] ?? '').toLowerCase()] ?? 1))
}
