/**
 * compose.yaml passes the job board's size, speed, sitemap page size and hostile pages through
 * from the environment, with defaults that keep the usual board (read with the panel's own
 * compose loader, as `deck up` reads it).
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadComposeProject } from '../../src/main/stack/compose-file.js'
import { NUMBERED_BOARD_LIMIT, numberedBoardName, parseBoardSet } from '../../src/services/jobboard/board-set-config.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function jobboardService(env: Record<string, string>) {
  const project = loadComposeProject({ file: `${ROOT}compose.yaml`, envFiles: [`${ROOT}.env`], env })
  const service = project.services.get('jobboard')
  expect(service).toBeDefined()
  return service!
}

function jobboardEnvironment(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(jobboardService(env).environment).map(([key, value]) => [key, String(value)])
  )
}

describe('compose.yaml: the job board settings from the environment', () => {
  it('defaults to the usual board', () => {
    expect(jobboardEnvironment({})).toMatchObject({
      JOBBOARD_COUNT: '300',
      JOBBOARD_LATENCY_MS: '0',
      JOBBOARD_SITEMAP_PAGE_SIZE: '50000',
      JOBBOARD_HOSTILE_COUNT: '0'
    })
  })

  it('passes a big, slow board through', () => {
    expect(
      jobboardEnvironment({
        JOBBOARD_COUNT: '10000',
        JOBBOARD_LATENCY_MS: '200',
        JOBBOARD_SITEMAP_PAGE_SIZE: '2500',
        JOBBOARD_HOSTILE_COUNT: '1',
        JOBBOARD_HOSTILE_NESTING: '5000'
      })
    ).toMatchObject({
      JOBBOARD_COUNT: '10000',
      JOBBOARD_LATENCY_MS: '200',
      JOBBOARD_SITEMAP_PAGE_SIZE: '2500',
      JOBBOARD_HOSTILE_COUNT: '1',
      JOBBOARD_HOSTILE_NESTING: '5000'
    })
  })

  it('names every numbered board as a host on the stack network, and passes JOBBOARD_BOARDS through', () => {
    const boards = '{"defaults":{"limit":"2/250"},"boards":20}'
    const service = jobboardService({ JOBBOARD_BOARDS: boards })
    expect(service.environment['JOBBOARD_BOARDS']).toBe(boards)
    const names = parseBoardSet(boards).map((board) => board.name)
    expect(names).toHaveLength(NUMBERED_BOARD_LIMIT)
    expect(service.networks).toEqual([
      { name: 'default', aliases: Array.from({ length: NUMBERED_BOARD_LIMIT }, (_, i) => numberedBoardName(i + 1)) }
    ])
    expect(jobboardEnvironment({})['JOBBOARD_BOARDS']).toBe('')
  })
})
