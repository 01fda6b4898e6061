/** `deploy.update_config` from the file to the swarm service spec's UpdateConfig, and bad values refused with their line. */
import { describe, expect, it } from 'vitest'
import { ComposeFileError } from '../../compose-error'
import { parseComposeText } from '../../compose-file'
import { swarmServiceSpec } from './swarm-spec'

const FILE = '/srv/deck/compose.yaml'
const load = (deploy: string) =>
  parseComposeText(`services:\n  scraper:\n    image: s\n    deploy:\n${deploy}`, {
    file: FILE,
    project: 'st',
    env: {}
  })
const specOf = (deploy: string) => {
  const project = load(deploy)
  return swarmServiceSpec(project, project.services.get('scraper')!, 'r/s@sha256:aa', 1, { public: [] })
}

describe('deploy.update_config on a swarm', () => {
  it('maps every key to the Engine API, durations in nanoseconds', () => {
    const spec = specOf(
      '      update_config: { parallelism: 2, delay: 1m30s, order: start-first, failure_action: rollback, monitor: 500ms, max_failure_ratio: 0.25 }\n'
    )
    expect(spec.UpdateConfig).toEqual({
      Parallelism: 2,
      Delay: 90e9,
      Order: 'start-first',
      FailureAction: 'rollback',
      Monitor: 5e8,
      MaxFailureRatio: 0.25
    })
  })

  it("writes the engine's defaults for parallelism and order, and leaves the rest to it; none without update_config", () => {
    expect(specOf('      update_config: { delay: 2s }\n').UpdateConfig).toEqual({
      Parallelism: 1,
      Order: 'stop-first',
      Delay: 2e9
    })
    expect(specOf('      replicas: 2\n').UpdateConfig).toBeUndefined()
  })

  it('refuses a bad value or an unknown key, naming it and its line', () => {
    for (const [bad, says] of [
      ['{ order: sideways }', /order/],
      ['{ parallelism: -1 }', /parallelism/],
      ['{ max_failure_ratio: 2 }', /max_failure_ratio is a fraction from 0 to 1/],
      ['{ delay: soon }', /a duration is like/],
      ['{ failure_action: retry }', /failure_action/],
      ['{ paralelism: 1 }', /paralelism/]
    ] as const) {
      let error: unknown
      try {
        load(`      update_config: ${bad}\n`)
      } catch (err) {
        error = err
      }
      expect(error, bad).toBeInstanceOf(ComposeFileError)
      expect((error as ComposeFileError).message, bad).toMatch(says)
      expect((error as ComposeFileError).message, bad).toMatch(/compose\.yaml:5/)
    }
  })
})
