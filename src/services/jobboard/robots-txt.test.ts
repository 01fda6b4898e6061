import { describe, expect, it } from 'vitest'
import { createBoardRobots, parseBoardRobots, robotsTxtBody } from './robots-txt'

describe("the board's robots.txt", () => {
  it('reads JOBBOARD_ROBOTS and writes the file', () => {
    const config = parseBoardRobots('{"disallow":["/jobs/job-00007","/private/"],"crawlDelay":1.5}')
    expect(config).toEqual({ disallow: ['/jobs/job-00007', '/private/'], crawlDelayS: 1.5, status: 200 })
    expect(robotsTxtBody(config!)).toBe(
      'User-agent: *\nDisallow: /jobs/job-00007\nDisallow: /private/\nCrawl-delay: 1.5\n'
    )
    expect(parseBoardRobots('')).toBeNull()
    expect(parseBoardRobots('{"status":503}')).toEqual({ disallow: [], crawlDelayS: null, status: 503 })
  })

  it('refuses a malformed setting with the field and the reason', () => {
    expect(() => parseBoardRobots('/jobs/')).toThrow('expected JSON')
    expect(() => parseBoardRobots('{"disallow":["jobs/"]}')).toThrow('disallow.0: a disallowed path starts with "/"')
    expect(() => parseBoardRobots('{"delay":1}')).toThrow(/delay/)
  })

  it('serves the file (or none, or a failure) and counts requests for disallowed paths', () => {
    const robots = createBoardRobots({ disallow: ['/jobs/job-00007'], crawlDelayS: null, status: 200 })
    expect(robots.reply()).toMatchObject({ status: 200, body: 'User-agent: *\nDisallow: /jobs/job-00007\n' })
    for (const path of ['/jobs/job-00007', '/jobs/job-00008', '/jobs/job-000070', '/jobs/job-00007'])
      robots.record(path)
    expect(robots.snapshot()).toEqual({
      disallowedRequested: 3,
      disallowedPaths: { '/jobs/job-00007': 2, '/jobs/job-000070': 1 }
    })
    expect(createBoardRobots(null).reply()).toMatchObject({ status: 404, body: '' })
    expect(createBoardRobots({ disallow: [], crawlDelayS: null, status: 503 }).reply().status).toBe(503)
  })
})
