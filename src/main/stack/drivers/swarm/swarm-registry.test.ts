/** Where the stack's registry listens, what name an image gets in it, and which images need it. */
import { describe, expect, it } from 'vitest'
import { parseRegistryAddress, pullableDigest, registryCreateOptions, registryReference } from './swarm-registry'

describe('the stack registry', () => {
  it('listens on 127.0.0.1:5000 unless DECK_SWARM_REGISTRY names another ip:port, and binds only that address', () => {
    expect(parseRegistryAddress(undefined)).toEqual({ host: '127.0.0.1', port: 5000 })
    expect(parseRegistryAddress('10.0.0.4:5001')).toEqual({ host: '10.0.0.4', port: 5001 })
    for (const bad of ['manager:5000', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', '0.0.0.0']) {
      expect(() => parseRegistryAddress(bad), bad).toThrow(/DECK_SWARM_REGISTRY is the registry's "ip:port"/)
    }
    const options = registryCreateOptions('st', 'scrapedeck/registry:2', { host: '127.0.0.1', port: 22010 })
    expect(options.HostConfig?.PortBindings).toEqual({ '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '22010' }] })
    expect(options.HostConfig?.Mounts?.[0]).toMatchObject({ Source: 'st_registry', Target: '/var/lib/docker-registry' })
    expect(options.Labels).toMatchObject({
      'com.docker.stack.namespace': 'st',
      'io.scrapedeck.swarm.registry': '127.0.0.1:22010'
    })
  })

  it('names an image by its repository and tag, its own registry host dropped', () => {
    const at = { host: '127.0.0.1', port: 5000 }
    expect(registryReference(at, 'scrapedeck/scraper:latest')).toEqual({
      repo: '127.0.0.1:5000/scrapedeck/scraper',
      tag: 'latest'
    })
    expect(registryReference(at, 'redis')).toEqual({ repo: '127.0.0.1:5000/redis', tag: 'latest' })
    expect(registryReference(at, 'docker.elastic.co/elasticsearch/elasticsearch:8.19.20')).toEqual({
      repo: '127.0.0.1:5000/elasticsearch/elasticsearch',
      tag: '8.19.20'
    })
    expect(registryReference(at, 'localhost:5000/team/app:v2')).toEqual({ repo: '127.0.0.1:5000/team/app', tag: 'v2' })
  })

  it('pushes an image known to no registry, or only to a loopback one; pins a pulled one where it came from', () => {
    expect(pullableDigest([])).toBeNull()
    expect(pullableDigest(['127.0.0.1:22010/scrapedeck/scraper@sha256:aa', 'localhost:5000/x@sha256:bb'])).toBeNull()
    expect(pullableDigest(['127.0.0.1:5000/redis@sha256:aa', 'redis@sha256:cc'])).toBe('redis@sha256:cc')
  })
})
