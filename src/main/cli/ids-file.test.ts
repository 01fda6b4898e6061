import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_ID_LIST_BYTES } from '../../shared/crawl'
import { parseCli, UsageError } from './cli-args'
import { readIdsFile, withIdsFile } from './ids-file'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deck-ids-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('--ids-file', () => {
  it('puts the file into the crawlStart request as an ids source', async () => {
    const path = join(dir, 'ids.txt')
    await writeFile(path, '101\n102\n')
    const command = await withIdsFile(parseCli(['crawl', 'start', '--ids-file', path, '--refresh']))
    expect(command.request).toEqual({ source: { kind: 'ids', text: '101\n102\n' }, refresh: true })
  })

  it('refuses a missing file, a directory and a file over the limit without reading it', async () => {
    await expect(readIdsFile(join(dir, 'nope.txt'))).rejects.toThrow(/no such file/)
    await expect(readIdsFile(dir)).rejects.toThrow(UsageError)
    const big = join(dir, 'big.txt')
    await writeFile(big, '')
    await truncate(big, MAX_ID_LIST_BYTES + 1)
    await expect(readIdsFile(big)).rejects.toThrow(/is 8\.0 MiB; a list of ids is at most 8\.0 MiB/)
  })

  it('leaves other commands as they are', async () => {
    const command = parseCli(['crawl', 'start', '--board'])
    expect(await withIdsFile(command)).toBe(command)
  })
})
