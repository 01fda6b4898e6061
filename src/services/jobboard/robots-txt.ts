/**
 * A board's robots.txt: what it serves at /robots.txt, and how many requests came for paths it
 * disallows (`GET /_stats` → `robots`), so a test reads at the site whether a crawler obeyed.
 * Everything follows from the config alone: one board or many, each builds its own.
 */
import { z } from 'zod'

/** Path prefixes disallowed for every agent, a Crawl-delay, and the status /robots.txt answers. */
export interface BoardRobotsConfig {
  /** Each starts with "/"; a request whose path starts with one is disallowed. */
  disallow: string[]
  /** Seconds; null writes no Crawl-delay line. */
  crawlDelayS: number | null
  /** 200 serves the file; any other status answers with an empty body (404: none; 503: failing). */
  status: number
}

const BoardRobotsConfigSchema = z.strictObject({
  disallow: z.array(z.string().regex(/^\/\S*$/, 'a disallowed path starts with "/" and has no spaces')).default([]),
  crawlDelay: z.number().min(0).max(86_400).nullable().default(null),
  status: z.number().int().min(200).max(599).default(200)
})

/**
 * `JOBBOARD_ROBOTS`: JSON such as `{"disallow":["/jobs/job-00007"],"crawlDelay":1}`, with
 * `"status":503` to serve a failing robots.txt. Empty: the board has no robots.txt (404).
 */
export function parseBoardRobots(text: string): BoardRobotsConfig | null {
  if (text.trim() === '') return null
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new Error(`expected JSON such as {"disallow":["/jobs/"],"crawlDelay":1}, got ${JSON.stringify(text)}`)
  }
  const parsed = BoardRobotsConfigSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${issue?.path.join('.') || 'robots'}: ${issue?.message ?? 'invalid'}`)
  }
  return { disallow: parsed.data.disallow, crawlDelayS: parsed.data.crawlDelay, status: parsed.data.status }
}

export function robotsTxtBody(config: BoardRobotsConfig): string {
  const lines = ['User-agent: *', ...config.disallow.map((path) => `Disallow: ${path}`)]
  if (config.crawlDelayS !== null) lines.push(`Crawl-delay: ${config.crawlDelayS}`)
  return `${lines.join('\n')}\n`
}

export interface RobotsTruth {
  /** Requests for disallowed paths, whoever sent them. */
  disallowedRequested: number
  /** The same by path. */
  disallowedPaths: Record<string, number>
}

export interface BoardRobots {
  /** The answer to GET /robots.txt. */
  reply(): { status: number; body: string; contentType: string }
  /** Counts the request when its path (without the query) is disallowed. */
  record(path: string): void
  snapshot(): RobotsTruth
}

/** null: no robots.txt (404), nothing disallowed. */
export function createBoardRobots(config: BoardRobotsConfig | null): BoardRobots {
  const disallowedPaths = new Map<string, number>()
  let disallowedRequested = 0
  return {
    reply() {
      const status = config?.status ?? 404
      const body = config !== null && status === 200 ? robotsTxtBody(config) : ''
      return { status, body, contentType: 'text/plain; charset=utf-8' }
    },
    record(path) {
      if (config === null || !config.disallow.some((prefix) => path.startsWith(prefix))) return
      disallowedRequested += 1
      // Bounded like the access stats: a path is kept only up to a few hundred distinct ones.
      if (disallowedPaths.has(path) || disallowedPaths.size < 500)
        disallowedPaths.set(path, (disallowedPaths.get(path) ?? 0) + 1)
    },
    snapshot() {
      return { disallowedRequested, disallowedPaths: Object.fromEntries(disallowedPaths) }
    }
  }
}
