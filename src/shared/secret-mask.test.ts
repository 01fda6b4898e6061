import { describe, expect, it } from 'vitest'
import { MASK, maskDeep, secretMasker } from './secret-mask'
import { userinfoOf, withUserinfo } from './stack-credentials'

describe('secretMasker', () => {
  const mask = secretMasker(['Zq9-xY_w3', 'p@ss w/rd'])

  it('masks the password of any URI, keeping the user and the host', () => {
    expect(mask('Cannot connect to amqp://deck-1a2b:hunter2@127.0.0.1:5672 (ECONNREFUSED)')).toBe(
      `Cannot connect to amqp://deck-1a2b:${MASK}@127.0.0.1:5672 (ECONNREFUSED)`
    )
    expect(mask('node http://elastic:s%2Fx@elasticsearch:9200/_cluster/health')).toBe(
      `node http://elastic:${MASK}@elasticsearch:9200/_cluster/health`
    )
    expect(mask('"amqps://:only@h" and "amqp://u:p@h2"')).toBe(`"amqps://:${MASK}@h" and "amqp://u:${MASK}@h2"`)
  })

  it('leaves URIs without a password and ports alone', () => {
    expect(mask('http://127.0.0.1:9200/path@x and amqp://rabbitmq:5672')).toBe(
      'http://127.0.0.1:9200/path@x and amqp://rabbitmq:5672'
    )
  })

  it('masks every known secret wherever it appears, raw or percent-encoded', () => {
    expect(mask('login failed for password Zq9-xY_w3, again Zq9-xY_w3')).toBe(
      `login failed for password ${MASK}, again ${MASK}`
    )
    expect(mask('user=x&pass=p%40ss%20w%2Frd')).toBe(`user=x&pass=${MASK}`)
  })

  it('masks Basic authorization values but not the word "basic" in prose', () => {
    expect(mask('authorization: Basic Z3Vlc3Q6Z3Vlc3Q=')).toBe(`authorization: Basic ${MASK}`)
    expect(mask('basic configuration loaded')).toBe('basic configuration loaded')
  })

  it('with no secrets still masks URI passwords', () => {
    expect(secretMasker()('amqp://guest:guest@127.0.0.1:1')).toBe(`amqp://guest:${MASK}@127.0.0.1:1`)
  })
})

describe('maskDeep', () => {
  const mask = secretMasker(['s3cret-value'])

  it('masks strings at any depth and keeps other values', () => {
    const value = {
      kind: 'BrokerUnavailable',
      message: 'amqp://u:s3cret-value@h',
      nested: [{ line: 'pw s3cret-value' }, 3, null, true]
    }
    expect(maskDeep(value, mask)).toEqual({
      kind: 'BrokerUnavailable',
      message: `amqp://u:${MASK}@h`,
      nested: [{ line: `pw ${MASK}` }, 3, null, true]
    })
  })

  it('returns the same object when nothing needed masking', () => {
    const value = { a: ['x', { b: 1 }] }
    expect(maskDeep(value, mask)).toBe(value)
  })
})

describe('withUserinfo / userinfoOf', () => {
  it('puts the user and password into a URI that names none, as given otherwise', () => {
    expect(withUserinfo('amqp://rabbitmq:5672', 'deck', 'a/b')).toBe('amqp://deck:a%2Fb@rabbitmq:5672')
    expect(withUserinfo('http://elasticsearch:9200', 'elastic', 'x')).toBe('http://elastic:x@elasticsearch:9200')
    expect(withUserinfo('http://es:9200/', 'elastic', 'x')).toBe('http://elastic:x@es:9200/')
    expect(withUserinfo('amqp://other:pw@rabbitmq:5672', 'deck', 'x')).toBe('amqp://other:pw@rabbitmq:5672')
    expect(withUserinfo('amqp://rabbitmq:5672', undefined, 'x')).toBe('amqp://rabbitmq:5672')
  })

  it('reads them back decoded', () => {
    expect(userinfoOf('amqp://deck:a%2Fb@rabbitmq:5672')).toEqual({ user: 'deck', password: 'a/b' })
    expect(userinfoOf('amqp://rabbitmq:5672')).toBeNull()
    expect(userinfoOf('not a uri')).toBeNull()
  })
})
