/**
 * Runs the Scrapy peer (bench/peers/job_sitemap_spider.py) over one or more boards' sitemaps
 * as a Scrapy user would (`scrapy runspider` with `-s` settings) and returns what it did: the
 * spider's own summary line (with its CPU seconds as getrusage saw them when it closed) and the
 * wall time of the process.
 */
import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { PEERS_DIR, benchVenvBin } from './python-peers'

export interface ScrapyCrawlOptions {
  /** Sitemap (index or page) urls, one per board. */
  sitemaps: string[]
  /** Scrapy settings, each passed as `-s NAME=value` (CONCURRENT_REQUESTS, DOWNLOAD_DELAY, …). */
  settings?: Record<string, string | number | boolean>
  /** Write the extracted items here as JSON lines (`-O`). */
  itemsFile?: string
}

export interface ScrapyCrawlSummary {
  listings: number
  noPosting: number
  statuses: Record<string, number>
  reason: string
  /** Epoch seconds of the first and last response the spider parsed. */
  firstResponseAt: number | null
  lastResponseAt: number | null
  /** User + system CPU of the spider process and its children, from start-up to close. */
  cpuSeconds: number
  scrapy: string
}

export interface ScrapyCrawlResult {
  summary: ScrapyCrawlSummary
  /** From spawn to exit, start-up included. */
  wallSeconds: number
}

const SUMMARY_PREFIX = 'crawl-summary '

export async function runScrapyCrawl(options: ScrapyCrawlOptions): Promise<ScrapyCrawlResult> {
  if (options.sitemaps.length === 0) throw new Error('runScrapyCrawl needs at least one sitemap url')
  const bin = benchVenvBin('scrapy')
  const args = ['runspider', 'job_sitemap_spider.py', '-a', `sitemaps=${options.sitemaps.join(',')}`]
  for (const [name, value] of Object.entries(options.settings ?? {})) args.push('-s', `${name}=${String(value)}`)
  if (options.itemsFile) args.push('-O', options.itemsFile)
  const started = performance.now()
  const child = spawn(`${bin}/scrapy`, args, { cwd: PEERS_DIR, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', resolve)
  })
  const wallSeconds = (performance.now() - started) / 1000
  const line = stdout.split('\n').find((l) => l.startsWith(SUMMARY_PREFIX))
  if (code !== 0 || line === undefined)
    throw new Error(`scrapy runspider exited ${code} without a summary:\n${stderr.slice(-4000)}`)
  const summary = JSON.parse(line.slice(SUMMARY_PREFIX.length)) as ScrapyCrawlSummary
  return { summary, wallSeconds }
}
