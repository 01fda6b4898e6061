/**
 * Where the coordinator reads a host's politeness, and how the default source's politeness is
 * written in the environment. Politeness is per source (the source store, source-politeness.ts);
 * the environment only sets what the default source (the stack's own board) is created with at
 * first start: CRAWL_DEFAULT_SOURCE_POLITENESS, JSON (a Politeness, every field optional) or the
 * short form "N/D" (maxInFlight/minGapMs, e.g. "5000/0" for a local board with no limit).
 */
import { PolitenessEditSchema, PolitenessSchema } from '../../shared/source'
import type { Politeness } from '../../shared/source'

export const DEFAULT_SOURCE_POLITENESS_ENV = 'CRAWL_DEFAULT_SOURCE_POLITENESS'

export interface PolitenessLookup {
  /** The politeness a host is held to: its sources', or the defaults for a host of no source. */
  politenessFor(host: string): Politeness
}

/** The host a URL's fetches count against: host name and port, lower case (as URL gives it). */
export function hostOf(url: string): string {
  return new URL(url).host
}

/**
 * The politeness fields an environment value sets ("N/D" or JSON); the fields it does not set
 * are left out, so the contract's defaults fill them (not a partial schema's defaults, which
 * would overwrite). An empty value sets nothing. Throws with the variable's name and a fix.
 */
export function politenessFromEnv(text: string, name = DEFAULT_SOURCE_POLITENESS_ENV): Partial<Politeness> {
  if (text.trim() === '') return {}
  const short = /^\s*(\d{1,5})\/(\d{1,7})\s*$/.exec(text)
  let json: unknown
  if (short !== null) json = { maxInFlight: Number(short[1]), minGapMs: Number(short[2]) }
  else {
    try {
      json = JSON.parse(text)
    } catch (err) {
      throw new Error(
        `${name} is neither "N/D" nor JSON (${(err as Error).message}); write e.g. "2/1000" or {"maxInFlight":2,"minGapMs":1000}`
      )
    }
  }
  const parsed = PolitenessEditSchema.strict().safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`${name}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  // Checked whole here, so a bad value fails at start rather than when the source is made.
  PolitenessSchema.parse(parsed.data)
  return parsed.data
}
