/**
 * The boards one job board process serves besides its default one (`JOBBOARD_BOARDS`, or the
 * file `JOBBOARD_BOARDS_FILE` names): each a board of its own, with its own catalog, latency,
 * faults and enforced limit, reached by its name as the Host (a network alias in the stack)
 * or on a port of its own (distinct loopback ports are distinct hosts to a crawler).
 *
 * JSON, either a list of boards or `{ "defaults": {…}, "boards": [ … ] | N }`, where N makes
 * boards `board-01` … `board-N`. Checked whole before anything listens, each problem named by
 * its place in the JSON.
 */
import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { z } from 'zod'
import { checkFailureRate, parseLatency } from './fault-model.js'
import type { JobBoardOptions } from './server.js'
import { parseChurn } from './churn.js'
import { parseBoardRobots } from './robots-txt.js'
import { parseRefusalSpell, parseSiteLimit } from './site-limit.js'
import { SITEMAP_MAX_URLS } from './sitemap-xml.js'

export interface BoardSpec {
  /** A DNS label: the host name the board answers to. */
  name: string
  /** A port of its own (0: any free one), or null: reached only by its name as the Host. */
  port: number | null
  /** The address its own port listens on, or null for the process's HOST. */
  host: string | null
  options: JobBoardOptions
}

/** Boards `board-01` … made by `"boards": N`; compose.yaml gives the job board these names as aliases. */
export const NUMBERED_BOARD_LIMIT = 20

export function numberedBoardName(position: number): string {
  return `board-${String(position).padStart(2, '0')}`
}

/** Reads a text field with a parser that throws on bad input, as one zod issue. */
function parsedText<T>(parse: (text: string) => T) {
  return z.string().transform((text, ctx) => {
    try {
      return parse(text)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
      return z.NEVER
    }
  })
}

const wholeNumber = (min: number, max: number) => z.number().int().min(min).max(max)

const LimitSchema = z.union([
  parsedText(parseSiteLimit),
  z.strictObject({
    maxInFlight: wholeNumber(1, 10_000),
    minGapMs: wholeNumber(0, 10_000_000),
    retryAfterS: wholeNumber(0, 86_400).default(1)
  }),
  z.null()
])

const RefuseForSchema = z.union([
  parsedText(parseRefusalSpell),
  z.strictObject({ forMs: wholeNumber(0, 999_999_999), retryAfterS: wholeNumber(0, 86_400) }),
  z.null()
])

const BoardSettingsSchema = z.strictObject({
  seed: wholeNumber(0, 2 ** 31 - 1).optional(),
  count: wholeNumber(1, 100_000).optional(),
  today: z.string().optional(),
  /** Per page request: a number of ms, or "min-max". */
  latencyMs: z
    .union([z.number().transform((ms) => String(ms)), z.string()])
    .pipe(parsedText(parseLatency))
    .optional(),
  failureRate: z
    .number()
    .transform((rate, ctx) => {
      try {
        return checkFailureRate(rate)
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
        return z.NEVER
      }
    })
    .optional(),
  pageSize: wholeNumber(1, 10_000).optional(),
  sitemapPageSize: wholeNumber(1, SITEMAP_MAX_URLS).optional(),
  /** Whether its sitemaps give <lastmod>; as JOBBOARD_SITEMAP_LASTMOD. */
  sitemapLastmod: z.boolean().optional(),
  /** "N/D" or "N/D/R", or { maxInFlight, minGapMs, retryAfterS }: 429 + Retry-After beyond it. */
  limit: LimitSchema.optional(),
  /** "MS/R", or { forMs, retryAfterS }: every page answered 429 for MS ms from the first. */
  refuseFor: RefuseForSchema.optional(),
  /** What /robots.txt serves, as JOBBOARD_ROBOTS: { disallow, crawlDelay, status }; null: none (404). */
  robots: z
    .union([z.record(z.string(), z.unknown()), z.null()])
    .transform((value, ctx) => {
      try {
        return value === null ? null : parseBoardRobots(JSON.stringify(value))
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
        return z.NEVER
      }
    })
    .optional(),
  /** As JOBBOARD_CHURN: "NEW/CHANGED/REMOVED[/EVERY_MS]" or { new, changed, removed, everyMs }; null: none. */
  churn: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.null()])
    .transform((value, ctx) => {
      try {
        return value === null ? null : parseChurn(typeof value === 'string' ? value : JSON.stringify(value))
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message })
        return z.NEVER
      }
    })
    .optional(),
  port: wholeNumber(0, 65_535).optional(),
  /** The address of its own port (e.g. 127.0.0.7): distinct loopback addresses are distinct host names too. */
  host: z
    .string()
    .refine((text) => isIP(text) !== 0, 'an IP address to listen on, e.g. 127.0.0.7')
    .optional()
})

const BoardSchema = BoardSettingsSchema.extend({
  name: z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
      'a board name is a host name: 1–63 of a-z, 0-9 and "-", not starting or ending with "-"'
    )
})

const BoardListSchema = z.array(BoardSchema).min(1, 'list at least one board')

const BoardSetSchema = z.strictObject({
  defaults: BoardSettingsSchema.default({}),
  boards: z.union([BoardListSchema, wholeNumber(1, NUMBERED_BOARD_LIMIT)])
})

type BoardSettings = z.infer<typeof BoardSettingsSchema>

/**
 * The boards of a JOBBOARD_BOARDS value. A board's settings are its own, else the defaults',
 * else the single board's; its seed is by default its position (1, 2, …), so boards differ.
 */
export function parseBoardSet(text: string, source = 'JOBBOARD_BOARDS'): BoardSpec[] {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new Error(
      `${source}: not JSON (${(error as Error).message}). Expected a list of boards, or {"defaults":{…},"boards":[…] or a number}, e.g. {"defaults":{"limit":"2/250"},"boards":4}`
    )
  }
  const parsed = Array.isArray(json) ? BoardListSchema.safeParse(json) : BoardSetSchema.safeParse(json ?? undefined)
  if (!parsed.success) {
    const issue = telling(parsed.error.issues[0]!)
    const where = issue.path.length ? issue.path.join('.') : 'the boards'
    throw new Error(`${source}: ${where}: ${issue.message}. docs/jobboard.md describes every field.`)
  }
  const set = Array.isArray(parsed.data) ? { defaults: {}, boards: parsed.data } : parsed.data
  const boards =
    typeof set.boards === 'number'
      ? Array.from({ length: set.boards }, (_, i) => ({ name: numberedBoardName(i + 1) }))
      : set.boards
  const specs = boards.map(({ name, ...own }, i) => toSpec({ ...set.defaults, ...dropUndefined(own) }, name, i + 1))
  checkDistinct(specs, source)
  return specs
}

/** JOBBOARD_BOARDS or the file JOBBOARD_BOARDS_FILE names (not both); [] when neither is set. */
export function boardSetFromEnv(env: NodeJS.ProcessEnv = process.env): BoardSpec[] {
  const inline = env.JOBBOARD_BOARDS ?? ''
  const file = env.JOBBOARD_BOARDS_FILE ?? ''
  if (inline !== '' && file !== '')
    throw new Error('JOBBOARD_BOARDS and JOBBOARD_BOARDS_FILE are both set: give the boards in one of them')
  if (inline !== '') return parseBoardSet(inline)
  if (file === '') return []
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`JOBBOARD_BOARDS_FILE: cannot read ${file}: ${(error as Error).message}`)
  }
  return parseBoardSet(text, `JOBBOARD_BOARDS_FILE (${file})`)
}

/**
 * The issue that says what is wrong: inside a union ("2/250" or an object or null), the one
 * from the branch of the value's own type, not "Invalid input".
 */
function telling(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code !== 'invalid_union') return issue
  const branch = issue.errors.find((issues) => issues.length > 0 && issues[0]!.code !== 'invalid_type')
  if (branch === undefined) return issue
  const inner = telling(branch[0]!)
  return { path: [...issue.path, ...inner.path], message: inner.message }
}

function toSpec(settings: BoardSettings, name: string, position: number): BoardSpec {
  const { port, host, latencyMs, ...rest } = settings
  return {
    name,
    port: port ?? null,
    host: host ?? null,
    options: {
      ...rest,
      seed: settings.seed ?? position,
      ...(latencyMs === undefined ? {} : { latency: latencyMs })
    }
  }
}

function checkDistinct(specs: BoardSpec[], source: string): void {
  const names = new Set<string>()
  const ports = new Map<string, string>()
  for (const spec of specs) {
    if (names.has(spec.name))
      throw new Error(`${source}: two boards are named "${spec.name}": each name is a host name`)
    names.add(spec.name)
    if (spec.host !== null && spec.port === null)
      throw new Error(`${source}: board "${spec.name}" has a host but no port: give it "port" (0 for any free one)`)
    if (spec.port === null || spec.port === 0) continue
    const address = `${spec.host ?? ''}:${spec.port}`
    const other = ports.get(address)
    if (other !== undefined)
      throw new Error(
        `${source}: boards "${other}" and "${spec.name}" both ask for port ${spec.port}: give each its own, or 0 for any free one`
      )
    ports.set(address, spec.name)
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
