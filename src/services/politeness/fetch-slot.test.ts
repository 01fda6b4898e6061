import { describe, expect, it } from 'vitest'
import { decodeFetchSlot, encodeFetchSlot } from './fetch-slot'
import { slotTimeoutMs, waitForSlot } from './slot-gate'

describe('fetch slot header and gate', () => {
  it('round-trips, and refuses a broken or inverted slot', () => {
    const slot = { startAt: 1000, notAfter: 1010, endBy: 1560 }
    expect(encodeFetchSlot(slot)).toBe('1000/1010/1560')
    expect(decodeFetchSlot('1000/1010/1560')).toEqual(slot)
    expect(decodeFetchSlot(Buffer.from('1000/1010/1560'))).toEqual(slot)
    expect(decodeFetchSlot('1010/1000/1560')).toBeNull()
    expect(decodeFetchSlot('1000/1010')).toBeNull()
    expect(decodeFetchSlot(undefined)).toBeNull()
  })

  it('refuses a late request and one delivered before, without waiting', async () => {
    const slot = { startAt: 1000, notAfter: 1010, endBy: 1560 }
    await expect(waitForSlot(slot, false, () => 1011)).rejects.toMatchObject({ name: 'FetchSlotMissed' })
    await expect(waitForSlot(slot, true, () => 1000)).rejects.toMatchObject({ name: 'FetchSlotMissed' })
    await expect(waitForSlot(slot, false, () => 1005)).resolves.toBeUndefined()
  })

  it('bounds the fetch by the slot end', () => {
    const slot = { startAt: 1000, notAfter: 1010, endBy: 1560 }
    expect(slotTimeoutMs(slot, 10_000, () => 1000)).toBe(560)
    expect(slotTimeoutMs(slot, 100, () => 1000)).toBe(100)
  })
})
