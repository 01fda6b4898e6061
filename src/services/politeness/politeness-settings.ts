/**
 * Where the coordinator reads a host's politeness. The source store will answer per source;
 * until a host is known to one, CRAWL_POLITENESS (JSON) answers: `{"default": {…},
 * "hosts": {"board.example:8080": {…}}}`, each a Politeness (maxInFlight, minGapMs, …), every
 * field optional (defaults 2 in flight, 1000 ms between starts). The short form "N/D" (e.g.
 * "64/0") sets the default's maxInFlight and minGapMs, for where JSON is awkward (compose).
 * "off" turns politeness off for every host: an explicit choice, for a local board with no
 * limit (the stack's own, the crawl tests'), logged by the coordinator at start.
 */

export const POLITENESS_OFF = 'off'
import { z } from 'zod'
import { PolitenessSchema } from '../../shared/source'
import type { Politeness } from '../../shared/source'

export interface PolitenessLookup {
  /** Null when politeness is off (CRAWL_POLITENESS=off): the host gets what the crawl window allows. */
  politenessFor(host: string): Politeness | null
}

const SettingsSchema = z.strictObject({
  default: PolitenessSchema.partial().optional(),
  hosts: z.record(z.string(), PolitenessSchema.partial()).optional()
})

/** The host a URL's fetches count against: host name and port, lower case (as URL gives it). */
export function hostOf(url: string): string {
  return new URL(url).host
}

export function politenessFromJson(text: string): PolitenessLookup {
  if (text.trim() === POLITENESS_OFF) return { politenessFor: () => null }
  const short = /^\s*(\d{1,3})\/(\d{1,7})\s*$/.exec(text)
  if (short !== null) text = JSON.stringify({ default: { maxInFlight: Number(short[1]), minGapMs: Number(short[2]) } })
  let json: unknown
  try {
    json = text.trim() === '' ? {} : JSON.parse(text)
  } catch (err) {
    throw new Error(
      `CRAWL_POLITENESS is not JSON (${(err as Error).message}); write e.g. {"default":{"maxInFlight":2,"minGapMs":1000}}`
    )
  }
  const parsed = SettingsSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`CRAWL_POLITENESS: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  const base = PolitenessSchema.parse(parsed.data.default ?? {})
  const hosts = new Map(
    Object.entries(parsed.data.hosts ?? {}).map(([host, p]) => [
      host.toLowerCase(),
      PolitenessSchema.parse({ ...base, ...p })
    ])
  )
  return { politenessFor: (host) => hosts.get(host.toLowerCase()) ?? base }
}
