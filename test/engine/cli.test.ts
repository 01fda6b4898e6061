/** `npm run deck -- …` as a user runs it: exit codes, stdout/stderr, --json. */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { StackStatusSchema } from '../../src/shared/contract'
import { DECK_COMMAND, REPO, STACK_FILE, suffix } from './engine-fixture'

const project = `deckcli${suffix()}`

function deck(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(DECK_COMMAND[0], [DECK_COMMAND[1], ...args], {
    cwd: REPO,
    env: { ...process.env, DECK_COMPOSE_FILE: STACK_FILE, DECK_PROJECT: project, LOG_LEVEL: 'error' },
    encoding: 'utf8',
    timeout: 60_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('deck CLI', () => {
  it("status --json prints the contract's StackStatus", () => {
    const r = deck('status', '--json')
    expect(r.code).toBe(0)
    const status = StackStatusSchema.parse(JSON.parse(r.stdout))
    expect(status.project).toBe(project)
    expect(status.services.map((s) => [s.name, s.state])).toEqual([
      ['rabbitmq', 'down'],
      ['echo', 'down'],
      ['sleeper', 'down']
    ])
  })

  it('status prints a human table', () => {
    const r = deck('status')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^project deckcli/)
    expect(r.stdout).toMatch(/engine: connected/)
    expect(r.stdout).toMatch(/sleeper\s+down\s+0\/1 running/)
  })

  it('a failure exits 1 with kind, reason and hint on stderr', () => {
    const r = deck('scale', 'nope', '2')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/deck: UnknownService: No service "nope" in .*compose\.yaml/)
    expect(r.stderr).toMatch(/hint: Services: rabbitmq, echo, sleeper/)
  })

  it('logs --tail --follow opens the container logs stream: with no container up it exits 1, naming the service and the hint', () => {
    // --tail asks for a container's own output from the engine; without it `deck logs` reads the stack's log store.
    const r = deck('logs', 'echo', '--tail', '10', '--follow')
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(new RegExp(`deck: ContainerNotFound: No container of echo in project ${project}`))
    expect(r.stderr).toMatch(/hint: Is the stack up\?/)
  })

  it('a usage error exits 2 with the usage', () => {
    const r = deck('scale', 'echo', 'many')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/scale: "many" is not a whole number/)
    expect(r.stderr).toMatch(/usage: npm run deck/)
  })
})
