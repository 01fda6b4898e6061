/** The log line's fields part: the same JSON a spread over the fixed fields gave. */
import { describe, expect, it } from 'vitest'
import { fieldsText } from './log'

describe('fieldsText', () => {
  const line = (fields?: Record<string, unknown>): unknown =>
    JSON.parse(`{"time":"t","level":"info","component":"api","msg":"m"${fieldsText(fields)}`)

  it('appends the fields, or closes the object when there are none', () => {
    expect(line()).toEqual({ time: 't', level: 'info', component: 'api', msg: 'm' })
    expect(line({})).toEqual({ time: 't', level: 'info', component: 'api', msg: 'm' })
    expect(line({ status: 200, path: '/a"b\n', skipped: undefined })).toEqual({
      time: 't',
      level: 'info',
      component: 'api',
      msg: 'm',
      status: 200,
      path: '/a"b\n'
    })
  })

  it('renames a field named like a fixed one, so no key comes twice', () => {
    const text = `{"time":"t","level":"info","component":"api","msg":"m"${fieldsText({ msg: 'other', replica: 'r2', n: 1 })}`
    expect(JSON.parse(text)).toEqual({
      time: 't',
      level: 'info',
      component: 'api',
      msg: 'm',
      msg_: 'other',
      replica_: 'r2',
      n: 1
    })
    expect(text.match(/"msg"/g)).toHaveLength(1)
  })
})

describe('createLogger', () => {
  it('writes every line, even those of the turn in which the process exits', async () => {
    const { execFile } = await import('node:child_process')
    const script =
      "import { createLogger } from './src/services/log.ts'; const log = createLogger('t'); log.info('first'); log.error('second', { n: 2 }); process.exit(3)"
    const stderr = await new Promise<string>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (_err, _stdout, err) =>
        resolve(err)
      )
    })
    const lines = stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.map((l) => [l['level'], l['component'], l['msg'], l['n']])).toEqual([
      ['info', 't', 'first', undefined],
      ['error', 't', 'second', 2]
    ])
    expect(lines[0]).toMatchObject({ service: 'unknown', replica: expect.any(String) })
    expect(Date.parse(String(lines[0]?.['time']))).not.toBeNaN()
  })
})
