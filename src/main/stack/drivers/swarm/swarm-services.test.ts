/** A service update made against a version swarm has moved past is read again and made again. */
import { describe, expect, it } from 'vitest'
import type Docker from 'dockerode'
import { setReplicas } from './swarm-services'

/** A service whose version moves under the first `races` updates, as another writer would move it. */
function racingService(races: number) {
  let version = 10
  const sent: { version: number | undefined; replicas: number | undefined }[] = []
  const service = {
    inspect: async () => ({
      ID: 's',
      Version: { Index: version },
      Spec: { Name: 'st_scraper', Mode: { Replicated: { Replicas: 1 } } }
    }),
    update: async (opts: { _query: { version?: number }; _body: Docker.ServiceSpec }) => {
      sent.push({ version: opts._query.version, replicas: opts._body.Mode?.Replicated?.Replicas })
      if (races-- > 0) {
        version++
        throw new Error('(HTTP code 500) server error - rpc error: code = Unknown desc = update out of sequence')
      }
      version++
    }
  }
  return { docker: { getService: () => service } as unknown as Docker, sent }
}

describe('service updates', () => {
  it('retries "update out of sequence" with the version read again', async () => {
    const { docker, sent } = racingService(2)
    await setReplicas(docker, 's', 4)
    expect(sent).toEqual([
      { version: 10, replicas: 4 },
      { version: 11, replicas: 4 },
      { version: 12, replicas: 4 }
    ])
  })

  it('gives up after a few races, and does not retry other errors', async () => {
    await expect(setReplicas(racingService(9).docker, 's', 2)).rejects.toThrow(/out of sequence/)
    const broken = {
      getService: () => ({
        inspect: async () => ({ Version: { Index: 1 }, Spec: {} }),
        update: async () => {
          throw new Error('no such service')
        }
      })
    } as unknown as Docker
    await expect(setReplicas(broken, 's', 2)).rejects.toThrow('no such service')
  })
})
