import { describe, expect, it } from 'vitest'
import type { ConsumeMessage } from 'amqplib'
import { DELIVERY_COUNT_HEADER, countedProperties, deliveryVerdict, tooManyDeliveriesWire } from './delivery-count'

function delivery(redelivered: boolean, count?: unknown): Pick<ConsumeMessage, 'fields' | 'properties'> {
  const headers = count === undefined ? {} : { [DELIVERY_COUNT_HEADER]: count }
  return {
    fields: { redelivered },
    properties: { headers, correlationId: 'c-1', replyTo: 'r-1', contentType: 'application/json', userId: 'guest' }
  } as never
}

describe('deliveryVerdict', () => {
  it('runs a first delivery and a counted copy, counts a redelivery, refuses past the limit', () => {
    expect(deliveryVerdict(delivery(false), 3)).toEqual({ action: 'run' })
    expect(deliveryVerdict(delivery(true), 3)).toEqual({ action: 'count', deliveries: 2 })
    expect(deliveryVerdict(delivery(false, 2), 3)).toEqual({ action: 'run' })
    expect(deliveryVerdict(delivery(true, 2), 3)).toEqual({ action: 'count', deliveries: 3 })
    expect(deliveryVerdict(delivery(true, '2'), 3)).toEqual({ action: 'count', deliveries: 3 })
    expect(deliveryVerdict(delivery(true, 3), 3)).toEqual({ action: 'refuse', deliveries: 4 })
  })

  it('takes a count it cannot read as a first delivery', () => {
    for (const junk of ['x', -4, 0, 1.5, null])
      expect(deliveryVerdict(delivery(true, junk), 3)).toEqual({ action: 'count', deliveries: 2 })
  })
})

describe('countedProperties', () => {
  it('keeps what the reply needs, adds the count, drops user_id and unset properties', () => {
    const props = countedProperties(delivery(true, 2), 3)
    expect(props).toEqual({
      correlationId: 'c-1',
      replyTo: 'r-1',
      contentType: 'application/json',
      headers: { [DELIVERY_COUNT_HEADER]: '3' }
    })
  })
})

it('says why a request is refused, in Nameko error form', () => {
  expect(tooManyDeliveriesWire(4, 3)).toMatchObject({
    exc_type: 'TooManyDeliveries',
    exc_path: 'scrapedeck.rpc.TooManyDeliveries',
    value: expect.stringContaining('delivered 4 times')
  })
})
